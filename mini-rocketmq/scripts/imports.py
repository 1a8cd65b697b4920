#!/usr/bin/env python3
"""Import graph and long functions of mini-rocketmq, for the untangling notes.

    python3 mini-rocketmq/scripts/imports.py [broker client ...]   # graph of each module
    python3 mini-rocketmq/scripts/imports.py --long 10             # the ten longest functions

A node is one source file. An edge A -> B means A names something of B through a
`crate::`, `super::` or `self::` path (in a `use` line or inline). Declaring a
child (`mod x;`) is not an edge; a `pub use` in a `mod.rs` is an edge to the file
it re-exports from, and a path through such a re-export is resolved to the file
that defines the name. Test modules (`#[cfg(test)] mod tests`) are skipped.

Reported per module (e.g. `broker`, counting only files under `src/broker/`):
  circles      strongly connected groups of two or more files (import cycles)
  back arrows  edges that close a cycle, found by a depth-first walk in file order
  floors       length of the longest chain once each circle is taken as one node
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "src"))


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return tuple(rel)


def strip(text):
    """Drops comments, strings and `#[cfg(test)] mod tests { ... }` blocks."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^([^{]*)\{(.*)\}$", tree)
    if not m:
        return [tree]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        cur += ch
    parts.append(cur)
    result = []
    for p in filter(None, parts):
        result += expand_use(prefix + p)
    return result


def load():
    files = {}
    for root, _, names in os.walk(SRC):
        if os.sep + "bin" in root[len(SRC):]:
            continue
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(root, n)
                files[module_of(p)] = (p, strip(open(p, encoding="utf-8").read()))
    return files


def main():
    files = load()
    # re-exports: (module, name) -> module that defines it
    reexport = {}
    for mod, (p, text) in files.items():
        for m in re.finditer(r"pub\s+use\s+([^;]+);", text):
            for path in expand_use(m.group(1)):
                segs = [s.split(" as ")[0] for s in path.split("::")]
                name = path.split("::")[-1].split(" as ")[-1]
                reexport[(mod, name)] = resolve(files, mod, segs, reexport, depth=1)

    edges = {m: set() for m in files}
    for mod, (p, text) in files.items():
        paths = []
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            paths += expand_use(m.group(1))
        paths += re.findall(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)", text)
        for path in paths:
            segs = [s.split(" as ")[0].strip() for s in path.split("::")]
            if segs[0] not in ("crate", "super", "self"):
                continue
            target = resolve(files, mod, segs, reexport)
            if target and target != mod and not is_ancestor_decl(target, mod):
                edges[mod].add(target)
    return files, edges


def is_ancestor_decl(target, mod):
    return False


def resolve(files, mod, segs, reexport, depth=0):
    here = list(mod) if files.get(mod) and files[mod][0].endswith(("mod.rs", "lib.rs")) else list(mod[:-1])
    cur = None
    i = 0
    if segs[0] == "crate":
        cur, i = [], 1
    else:
        cur = list(mod) if files[mod][0].endswith(("mod.rs", "lib.rs")) else list(mod)
        # `self::` in a non-mod file means the file itself; `super::` its parent module
        cur = list(mod)
        while i < len(segs) and segs[i] in ("super", "self"):
            if segs[i] == "super":
                cur = cur[:-1]
            i += 1
    best = tuple(cur) if tuple(cur) in files else None
    while i < len(segs) and tuple(cur + [segs[i]]) in files:
        cur = cur + [segs[i]]
        best = tuple(cur)
        i += 1
    if best is None:
        return None
    if i < len(segs) and depth < 4:
        via = reexport.get((best, segs[i]))
        if via:
            return via
    return best


def scc(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in nodes:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def back_edges(nodes, edges):
    state, back = {}, []

    def dfs(v):
        state[v] = 1
        for w in sorted(edges.get(v, ())):
            if w not in nodes:
                continue
            if state.get(w) == 1:
                back.append((v, w))
            elif w not in state:
                dfs(w)
        state[v] = 2

    for v in sorted(nodes):
        if v not in state:
            dfs(v)
    return back


def name(m):
    return "/".join(m) or "lib"


def report(prefix, files, edges):
    nodes = {m for m in files if m[: len(prefix)] == prefix}
    comps = scc(nodes, edges)
    cyc = [sorted(c) for c in comps if len(c) > 1]
    comp_of = {v: i for i, c in enumerate(comps) for v in c}
    # floors: longest path in the condensation
    memo = {}

    def floor(c):
        if c in memo:
            return memo[c]
        memo[c] = 1
        best = 1
        for v in comps[c]:
            for w in edges[v]:
                if w in nodes and comp_of[w] != c:
                    best = max(best, 1 + floor(comp_of[w]))
        memo[c] = best
        return best

    floors = max((floor(i) for i in range(len(comps))), default=0)
    back = back_edges(nodes, edges)
    nedges = sum(1 for v in nodes for w in edges[v] if w in nodes)
    print(f"== {name(prefix)}: {len(nodes)} files, {nedges} internal imports, "
          f"{floors} floors, {len(back)} back arrows, {len(cyc)} circles")
    for c in sorted(cyc, key=len, reverse=True):
        print(f"  circle of {len(c)}: " + ", ".join(name(m) for m in c))
    for v, w in back:
        print(f"  back arrow: {name(v)} -> {name(w)}")
    return len(cyc)


def long_functions(n):
    rows = []
    for root, _, names in os.walk(SRC):
        for f in names:
            if not f.endswith(".rs"):
                continue
            p = os.path.join(root, f)
            lines = open(p, encoding="utf-8").read().split("\n")
            for i, line in enumerate(lines):
                m = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)", line)
                if not m:
                    continue
                depth, started, j = 0, False, i
                while j < len(lines):
                    code = re.sub(r"//.*", "", lines[j])
                    code = re.sub(r'"(\\.|[^"\\])*"', '""', code)
                    code = re.sub(r"'(\\.|[^'\\])'", "''", code)
                    for ch in code:
                        if ch == "{":
                            depth += 1
                            started = True
                        elif ch == "}":
                            depth -= 1
                    if started and depth == 0:
                        break
                    if not started and code.rstrip().endswith(";"):
                        break
                    j += 1
                if started:
                    rows.append((j - i + 1, os.path.relpath(p, SRC), i + 1, m.group(1)))
    rows.sort(reverse=True)
    for length, path, line, fn in rows[:n]:
        print(f"{length:5} {path}:{line} {fn}")
    print(f"functions of 85+ lines: {sum(1 for r in rows if r[0] >= 85)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--long"]:
        long_functions(int(args[1]) if len(args) > 1 else 10)
        sys.exit(0)
    files, edges = main()
    mods = args or ["broker", "client"]
    for m in mods:
        report(tuple(m.split("/")), files, edges)

//! # workbook-trace — one way to turn a chapter's scenario into text
//!
//! Every chapter of the workbook prints an *execution trace*: a short list of
//! entries, one per thing that happened. Each entry names who did it (the
//! actor) and which RocketMQ Java method the step mirrors on a head line, and
//! the facts that matter on the indented lines below it:
//!
//! ```text
//! ── t=0s: broker-a starts and registers ──
//! broker-a  BrokerOuterAPI#registerBrokerAll
//!           REGISTER_BROKER(103) -> 10.0.0.10:9876 cluster=DefaultCluster id=0
//!             addr=10.0.0.1:10911 topics=[TopicA, TopicTest] dataVersion=2
//! namesrv   RouteInfoManager#registerBroker
//!           clusterAddrTable[DefaultCluster] = {broker-a}
//!           brokerAddrTable[broker-a] = {0=10.0.0.1:10911}
//! ```
//!
//! The layout rules, which every chapter's pinned trace follows:
//!
//! * **Head line**: the actor padded to [`ACTOR_WIDTH`] columns, then
//!   `Class#method`. Nothing else.
//! * **Facts**: indented by [`ACTOR_WIDTH`] columns, so they sit under the
//!   `Class#method`. A fact longer than [`WIDTH`] columns wraps at a space,
//!   and its continuation lines are indented two more columns. A `\n` in the
//!   facts starts a new fact line.
//! * **Grouping**: consecutive entries with the same actor and `Class#method`
//!   share one head line; each adds its facts below it.
//! * **Scenes**: [`scene!`] prints `── heading ──` with a blank line before
//!   it (except at the very start), and ends the current group.
//!
//! No line is wider than [`WIDTH`] (88) columns unless a single word is, so a
//! trace fits mdBook's content column and an 88-column terminal alike, and the
//! text the snapshot pins is the text the book displays: one file, no second
//! formatting step.
//!
//! The same text reaches three places, and this crate is the only thing that
//! produces it, so they cannot disagree:
//!
//! * the terminal, when a reader types `cargo run -p chapter-NN` ([`init_terminal`]);
//! * the snapshot tests in `tests/`, which pin it with insta ([`capture`]);
//! * the book, which includes the pinned snapshot text.
//!
//! ## How a chapter emits an entry
//!
//! Chapter code calls the [`step!`] macro. It is a thin wrapper over a
//! `tracing` event with target `workbook` and two extra fields, `actor` and
//! `java`. Library code never installs a subscriber (the same rule mini-redis
//! follows): it only emits events, and whoever runs the scenario decides where
//! they go. [`scene!`] emits a heading that separates the acts of a scenario
//! ("t=120s: broker-b has been silent for two minutes").
//!
//! A trace call is **one line** of chapter code, so it stays out of the way of
//! the code it annotates. Name the actor and the method once, in constants
//! (`const ACTOR: &str = "namesrv";` at the top of the file,
//! `const JAVA: &str = "RouteInfoManager#registerBroker";` at the top of the
//! function), and capture values inline in the format string:
//!
//! ```
//! # use workbook_trace::step;
//! const ACTOR: &str = "namesrv";
//! # let (text, ()) = workbook_trace::capture(|| {
//! const JAVA: &str = "RouteInfoManager#registerBroker";
//! # let (cluster, names) = ("DefaultCluster", "{broker-a}");
//! step!(ACTOR, JAVA, "clusterAddrTable[{cluster}] = {names}");
//! # });
//! # assert_eq!(text, "namesrv   RouteInfoManager#registerBroker\n          clusterAddrTable[DefaultCluster] = {broker-a}\n");
//! ```
//!
//! Anything else a chapter logs with plain `tracing::debug!` stays out of the
//! trace; a reader who wants it sets `RUST_LOG=debug` and it goes to stderr.
//!
//! ## Determinism
//!
//! The trace is pinned byte for byte, so a line must never contain a wall-clock
//! time, a port, a path or a pid. Chapters use a virtual clock and fixed ids.
//! [`capture`] installs its collector as the *thread-local* default subscriber,
//! so tests running in parallel on other threads never see each other's lines.
//! A scenario that uses tokio must therefore run on a current-thread runtime
//! inside the closure, which is also what makes its task order deterministic.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

#[doc(hidden)]
pub use tracing as __tracing;

/// The `tracing` target every trace entry is emitted under.
pub const TARGET: &str = "workbook";

/// Width the actor is padded to on a head line; facts are indented by it.
pub const ACTOR_WIDTH: usize = 10;
/// Widest a trace line gets: facts wrap at a space before this column.
pub const WIDTH: usize = 88;
/// Extra indent of a fact's continuation lines, under the fact it continues.
const CONTINUATION: usize = 2;

/// Emit one trace entry: `step!(actor, "Class#method", "facts {}", args…)`.
///
/// ```
/// use workbook_trace::step;
/// let (text, ()) = workbook_trace::capture(|| {
///     step!("namesrv", "RouteInfoManager#registerBroker", "broker={} id={}", "broker-a", 0);
/// });
/// assert_eq!(text, "namesrv   RouteInfoManager#registerBroker\n          broker=broker-a id=0\n");
/// ```
#[macro_export]
macro_rules! step {
    ($actor:expr, $java:expr, $($fmt:tt)+) => {
        $crate::__tracing::info!(
            target: "workbook",
            actor = %$actor,
            java = %$java,
            $($fmt)+
        )
    };
}

/// Emit a heading that separates the acts of a scenario. It is printed with a
/// blank line before it, so a long trace reads in paragraphs.
#[macro_export]
macro_rules! scene {
    ($($fmt:tt)+) => {
        $crate::__tracing::info!(target: "workbook", scene = true, $($fmt)+)
    };
}

/// The fields of one `workbook` event, as the visitor collects them.
#[derive(Default)]
struct Entry {
    actor: Option<String>,
    java: Option<String>,
    message: String,
    scene: bool,
}

impl Visit for Entry {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        match field.name() {
            "actor" => self.actor = Some(text),
            "java" => self.java = Some(text),
            "message" => self.message = text,
            "scene" => self.scene = true,
            other => {
                // A stray structured field still reaches the reader.
                let _ = write!(self.message, " {other}={text}");
            }
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.record_debug(field, &value);
    }
}

/// Append `text` to `out` as lines of at most [`WIDTH`] columns: the first
/// line indented by `indent`, the ones it wraps onto by `indent + extra`.
/// Breaks only at spaces; a word wider than the room is left whole.
fn wrap_into(out: &mut String, text: &str, indent: usize, extra: usize) {
    let mut line = " ".repeat(indent);
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let width = |s: &str| s.chars().count();
        if !empty && width(&line) + 1 + width(word) > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = " ".repeat(indent + extra);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// What has been rendered so far, which decides the blank line before a
/// scene and whether an entry opens a new head line.
#[derive(Default)]
struct Layout {
    started: bool,
    /// The (actor, Class#method) of the current group.
    head: Option<(String, String)>,
}

impl Layout {
    /// Render one entry as text (one or more whole lines).
    fn render(&mut self, entry: &Entry) -> String {
        let mut out = String::new();
        if entry.scene {
            if self.started {
                out.push('\n');
            }
            wrap_into(&mut out, &format!("── {} ──", entry.message), 0, 3);
            self.head = None;
        } else {
            let actor = entry.actor.as_deref().unwrap_or("-");
            let java = entry.java.as_deref().unwrap_or("-");
            let head = (actor.to_string(), java.to_string());
            if self.head.as_ref() != Some(&head) {
                // A long actor still leaves one space before the method.
                let pad = ACTOR_WIDTH.max(actor.chars().count() + 1);
                let _ = writeln!(out, "{actor:<pad$}{java}");
                self.head = Some(head);
            }
            for fact in entry.message.split('\n') {
                if !fact.trim().is_empty() {
                    wrap_into(&mut out, fact.trim(), ACTOR_WIDTH, CONTINUATION);
                }
            }
        }
        self.started = true;
        out
    }
}

/// Where rendered lines go.
enum Sink {
    /// Collected in memory, for [`capture`].
    Buffer(String),
    /// Printed on standard output, for the chapter binaries.
    Stdout,
}

/// A `tracing` layer that renders `workbook` events as trace text and ignores
/// every other event.
struct TraceLayer {
    state: Arc<Mutex<(Layout, Sink)>>,
}

impl<S: Subscriber> Layer<S> for TraceLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        let mut entry = Entry::default();
        event.record(&mut entry);
        // A poisoned lock means a scenario panicked mid-entry; the text
        // collected so far is still the best evidence, so keep it.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (layout, sink) = &mut *state;
        let text = layout.render(&entry);
        match sink {
            Sink::Buffer(buf) => buf.push_str(&text),
            // A closed pipe (`cargo run -p chapter-02 | head`) is the
            // reader's choice, not a failure of the scenario.
            Sink::Stdout => {
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
        }
    }
}

/// Run `f` with a collector installed on this thread and return the trace it
/// produced, together with `f`'s own result.
///
/// The collector is the thread's default subscriber only while `f` runs, so
/// tests on other threads are unaffected. Events emitted on *other* threads
/// (a multi-thread tokio runtime, `spawn_blocking`) are not captured; run
/// scenarios on a current-thread runtime.
pub fn capture<R>(f: impl FnOnce() -> R) -> (String, R) {
    let state = Arc::new(Mutex::new((Layout::default(), Sink::Buffer(String::new()))));
    let subscriber = Registry::default().with(TraceLayer {
        state: state.clone(),
    });
    let result = tracing::subscriber::with_default(subscriber, f);
    let state = state.lock().unwrap_or_else(|e| e.into_inner());
    let text = match &state.1 {
        Sink::Buffer(buf) => buf.clone(),
        Sink::Stdout => String::new(),
    };
    (text, result)
}

/// Install the global subscriber a chapter binary uses: trace entries to
/// stdout, and any other event allowed by `RUST_LOG` (default: none) to
/// stderr in tracing-subscriber's usual format.
pub fn init_terminal() {
    let trace = TraceLayer {
        state: Arc::new(Mutex::new((Layout::default(), Sink::Stdout))),
    };
    let others = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("off")))
        .with_filter(tracing_subscriber::filter::filter_fn(|m| {
            m.target() != TARGET
        }));
    // A second call (a test calling a binary's main) keeps the first subscriber.
    let _ = Registry::default().with(trace).with(others).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_a_head_line_and_indented_facts() {
        let (text, ()) = capture(|| {
            step!(
                "broker-a",
                "BrokerController#start",
                "cluster={}",
                "DefaultCluster"
            );
            step!("namesrv", "RouteInfoManager#registerBroker", "topics={}", 2);
        });
        assert_eq!(
            text,
            "broker-a  BrokerController#start\n\
             \x20         cluster=DefaultCluster\n\
             namesrv   RouteInfoManager#registerBroker\n\
             \x20         topics=2\n"
        );
    }

    #[test]
    fn consecutive_entries_of_one_method_share_a_head_line() {
        let (text, ()) = capture(|| {
            step!("namesrv", "RouteInfoManager#registerBroker", "a");
            step!("namesrv", "RouteInfoManager#registerBroker", "b");
            step!("namesrv", "RouteInfoManager#unRegisterBroker", "c");
            step!("namesrv", "RouteInfoManager#registerBroker", "d");
        });
        assert_eq!(
            text,
            "namesrv   RouteInfoManager#registerBroker\n          a\n          b\n\
             namesrv   RouteInfoManager#unRegisterBroker\n          c\n\
             namesrv   RouteInfoManager#registerBroker\n          d\n"
        );
    }

    #[test]
    fn long_facts_wrap_at_the_width_under_themselves() {
        let facts = "REGISTER_BROKER(103) -> 10.0.0.10:9876 cluster=DefaultCluster id=0 \
                     addr=10.0.0.1:10911 topics=[TopicA, TopicTest] dataVersion=2 body=453B";
        let (text, ()) =
            capture(|| step!("broker-a", "BrokerOuterAPI#registerBrokerAll", "{facts}"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(
            lines[1].starts_with("          REGISTER_BROKER(103)"),
            "{text}"
        );
        assert!(lines[2].starts_with("            "), "{text}");
        // Nothing is lost or reordered by the wrapping.
        let words: Vec<&str> = lines[1..]
            .iter()
            .flat_map(|l| l.split_whitespace())
            .collect();
        assert_eq!(words, facts.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn a_newline_in_the_facts_starts_a_new_fact_line() {
        let (text, ()) = capture(|| step!("client", "X#y", "first\nsecond"));
        assert_eq!(text, "client    X#y\n          first\n          second\n");
    }

    #[test]
    fn a_long_actor_keeps_a_space_before_the_method() {
        let (text, ()) = capture(|| step!("consumer-10", "X#y", "z"));
        assert_eq!(text, "consumer-10 X#y\n          z\n");
    }

    #[test]
    fn scenes_are_headings_separated_by_a_blank_line_and_end_a_group() {
        let (text, ()) = capture(|| {
            scene!("t=0s: start");
            step!("namesrv", "NamesrvController#start", "ok");
            scene!("t=30s: re-register");
            step!("namesrv", "NamesrvController#start", "again");
        });
        assert_eq!(
            text,
            "── t=0s: start ──\n\
             namesrv   NamesrvController#start\n          ok\n\
             \n── t=30s: re-register ──\n\
             namesrv   NamesrvController#start\n          again\n"
        );
    }

    #[test]
    fn other_targets_stay_out_of_the_trace() {
        let (text, ()) = capture(|| {
            tracing::info!("plain log line");
            tracing::debug!(target: "workbook_detail", "detail");
        });
        assert_eq!(text, "");
    }

    #[test]
    fn captures_on_other_threads_do_not_mix() {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                std::thread::spawn(move || {
                    capture(|| {
                        for j in 0..50 {
                            step!(format!("actor-{i}"), "X#y", "n={}", j);
                        }
                    })
                    .0
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            let text = h.join().unwrap();
            // One head line, then the 50 facts under it.
            assert_eq!(text.lines().count(), 51);
            assert!(text.starts_with(&format!("actor-{i}   X#y\n")), "{text}");
            assert!((0..50).all(|j| text.contains(&format!("          n={j}\n"))));
        }
    }
}

//! A damaged record in the middle of the CommitLog costs that record only.
//!
//! Each test stores a few hundred messages over three queues in small
//! (64 KiB) CommitLog files, damages one or two records on disk with the
//! store closed, reopens it and reads every queue from the start. The
//! messages whose records were damaged must be missing — nothing else —
//! and must be named in the quarantine report; a torn tail must still be
//! cut off.
//!
//! What counts as damage is what the record format can detect: a wrong
//! magic code, sizes that do not add up, a body whose CRC does not match,
//! a PHYSICALOFFSET that is not the record's position. RocketMQ's body CRC
//! covers the body only, so a changed byte in the other header fields or
//! inside the properties text goes unnoticed (RocketMQ's optional
//! `__CRC32#` whole-record property, `enabledAppendPropCRC`, would catch
//! it; mini-rocketmq does not write it yet).

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::net::SocketAddr;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use mini_rocketmq::common::message::{Message, MessageExtBrokerInner};
use mini_rocketmq::common::message_decoder::decodes_batch;
use mini_rocketmq::store::{DefaultMessageStore, MessageStoreConfig, PutMessageStatus};

const CL_FILE: usize = 64 * 1024;
const QUEUES: i32 = 3;

fn config(dir: &Path) -> MessageStoreConfig {
    let mut c = MessageStoreConfig::with_root(dir);
    c.mapped_file_size_commit_log = CL_FILE;
    c.mapped_file_size_consume_queue = 100 * 20;
    c.max_hash_slot_num = 1000;
    c.max_index_num = 4000;
    c
}

fn open(c: &MessageStoreConfig) -> DefaultMessageStore {
    let s = DefaultMessageStore::open(c.clone()).expect("open store");
    s.start().expect("start store");
    s
}

/// Where one stored message sits.
#[derive(Debug, Clone)]
struct Stored {
    body: Bytes,
    queue: i32,
    offset: i64,
    size: i64,
}

fn message(n: usize) -> MessageExtBrokerInner {
    let body = format!("message-{n:04}-{}", "x".repeat(150 + n % 37));
    let mut m = Message::new("Damage", Bytes::from(body)).with_keys([format!("k{n}")]);
    m.set_tags(if n.is_multiple_of(2) { "even" } else { "odd" });
    let mut inner = MessageExtBrokerInner::from_message(m);
    inner.queue_id = (n % QUEUES as usize) as i32;
    inner.born_host = "10.0.0.1:5000".parse::<SocketAddr>().unwrap();
    inner.store_host = "10.0.0.2:10911".parse::<SocketAddr>().unwrap();
    inner
}

async fn dispatched(store: &DefaultMessageStore) {
    for _ in 0..10_000 {
        if store.dispatch_behind_bytes() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("dispatcher did not catch up");
}

/// Put `n` messages, then shut down cleanly. Returns where each went.
async fn fill(c: &MessageStoreConfig, n: usize) -> Vec<Stored> {
    let store = open(c);
    let mut out = Vec::new();
    for i in 0..n {
        let m = message(i);
        let body = m.body.clone();
        let queue = m.queue_id;
        let r = store.put_message(m).await;
        assert_eq!(r.status, PutMessageStatus::PutOk);
        let a = r.append_message_result.unwrap();
        out.push(Stored {
            body,
            queue,
            offset: a.wrote_offset,
            size: a.wrote_bytes as i64,
        });
    }
    dispatched(&store).await;
    store.shutdown();
    out
}

/// Overwrite bytes of the CommitLog at a global offset.
fn damage(dir: &Path, offset: i64, bytes: &[u8]) {
    let file_from = offset - offset % CL_FILE as i64;
    let path = dir.join("commitlog").join(format!("{file_from:020}"));
    let f = OpenOptions::new().write(true).open(&path).unwrap();
    f.write_at(bytes, (offset - file_from) as u64).unwrap();
    f.sync_all().unwrap();
}

/// Flip every bit of one byte.
fn flip(dir: &Path, offset: i64) {
    let file_from = offset - offset % CL_FILE as i64;
    let path = dir.join("commitlog").join(format!("{file_from:020}"));
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let mut b = [0u8; 1];
    f.read_at(&mut b, (offset - file_from) as u64).unwrap();
    b[0] ^= 0xFF;
    f.write_at(&b, (offset - file_from) as u64).unwrap();
    f.sync_all().unwrap();
}

/// The message number a body starts with (`message-0042-…` → 42).
fn number(body: &[u8]) -> usize {
    std::str::from_utf8(&body[8..12]).unwrap().parse().unwrap()
}

/// Every message a consumer gets (by number), queue by queue, pulling from
/// offset 0 until the queue's end (stepping over offsets whose message is gone).
fn consume_all(store: &DefaultMessageStore) -> BTreeMap<i32, Vec<usize>> {
    let mut out = BTreeMap::new();
    for q in 0..QUEUES {
        let max = store.get_max_offset_in_queue("Damage", q);
        let mut got = Vec::new();
        let mut offset = 0;
        let mut rounds = 0;
        while offset < max {
            let r = store.get_message("g", "Damage", q, offset, 32, None);
            for m in decodes_batch(&r.body, true, false) {
                got.push(number(&m.message.body));
            }
            assert!(
                r.next_begin_offset > offset,
                "pull made no progress at {offset}"
            );
            offset = r.next_begin_offset;
            rounds += 1;
            assert!(rounds < 10_000);
        }
        out.insert(q, got);
    }
    out
}

/// What a consumer should get when the messages at `lost` are gone.
fn expected(stored: &[Stored], lost: &[usize]) -> BTreeMap<i32, Vec<usize>> {
    let mut out: BTreeMap<i32, Vec<usize>> = (0..QUEUES).map(|q| (q, Vec::new())).collect();
    for (i, s) in stored.iter().enumerate() {
        if !lost.contains(&i) {
            assert_eq!(number(&s.body), i);
            out.get_mut(&s.queue).unwrap().push(i);
        }
    }
    out
}

/// Compare queue by queue, naming only the differences.
fn assert_same(got: &BTreeMap<i32, Vec<usize>>, want: &BTreeMap<i32, Vec<usize>>) {
    for (q, w) in want {
        let g = &got[q];
        let missing: Vec<_> = w.iter().filter(|i| !g.contains(i)).collect();
        let extra: Vec<_> = g.iter().filter(|i| !w.contains(i)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "queue {q}: missing {missing:?}, unexpected {extra:?}"
        );
        assert_eq!(g, w, "queue {q}: order differs");
    }
}

fn runtime(store: &DefaultMessageStore, key: &str) -> String {
    store
        .runtime_info()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// `hurt` damages some records and returns which messages it damaged; reopen (cleanly or after a
/// crash), and check that exactly they are missing, that the report names
/// their ranges, and that the store goes on working.
async fn only_the_damaged_are_lost(
    n: usize,
    crashed: bool,
    hurt: impl Fn(&Path, &[Stored]) -> Vec<usize>,
) {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let stored = fill(&c, n).await;
    let end = stored.last().map(|s| s.offset + s.size).unwrap();
    assert!(end > 3 * CL_FILE as i64, "the data spans several files");
    let lost = &hurt(dir.path(), &stored)[..];
    if crashed {
        std::fs::write(c.abort_path(), b"1").unwrap();
    }

    let store = open(&c);
    assert_eq!(store.last_exit_ok(), !crashed);
    assert_eq!(
        store.max_phy_offset(),
        end,
        "nothing after the damage is cut"
    );
    dispatched(&store).await;
    assert_same(&consume_all(&store), &expected(&stored, lost));

    // The report names each damaged record (a range may run on to the end
    // of its file when the damaged record was the last one there).
    let ranges = store.quarantine().ranges();
    for &i in lost {
        assert!(
            ranges.iter().any(|r| r.offset == stored[i].offset),
            "message {i} at {} is not reported: {ranges:?}",
            stored[i].offset
        );
    }
    let report = std::fs::read_to_string(c.quarantine_dir().join("report")).unwrap();
    assert_eq!(report.lines().count(), ranges.len(), "{report}");
    assert_eq!(
        runtime(&store, "commitLogQuarantinedRanges"),
        ranges.len().to_string()
    );
    for r in &ranges {
        let intact = stored
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                !lost.contains(i) && s.offset < r.end() && r.offset < s.offset + s.size
            })
            .count();
        assert_eq!(intact, 0, "range {r:?} covers an intact record");
    }

    // Query by key skips damaged records too, and finds the others.
    for &i in lost {
        let r = store.query_message("Damage", &format!("k{i}"), 32, 0, i64::MAX);
        assert_eq!(r.message_count, 0, "damaged message {i} is found by key");
    }
    let good = (0..n).find(|i| !lost.contains(i)).unwrap();
    let r = store.query_message("Damage", &format!("k{good}"), 32, 0, i64::MAX);
    assert_eq!(r.message_count, 1);

    // Puts continue at the end, into the right queue offsets.
    let before: Vec<i64> = (0..QUEUES)
        .map(|q| store.get_max_offset_in_queue("Damage", q))
        .collect();
    let r = store.put_message(message(n)).await;
    let a = r.append_message_result.unwrap();
    assert_eq!(a.wrote_offset, end);
    assert_eq!(a.queue_offset(), before[n % QUEUES as usize]);
    dispatched(&store).await;
    store.shutdown();
    drop(store);

    // A second, clean restart changes nothing and reports nothing twice.
    let store = open(&c);
    let mut with_new = stored.clone();
    with_new.push(Stored {
        body: message(n).body.clone(),
        queue: (n % QUEUES as usize) as i32,
        offset: a.wrote_offset,
        size: a.wrote_bytes as i64,
    });
    assert_same(&consume_all(&store), &expected(&with_new, lost));
    assert_eq!(store.quarantine().ranges(), ranges);
    let report = std::fs::read_to_string(c.quarantine_dir().join("report")).unwrap();
    assert_eq!(report.lines().count(), ranges.len());
    store.shutdown();
}

/// Index of the message in the middle of the newest-but-one file.
fn middle(stored: &[Stored]) -> usize {
    let last_file = stored.last().unwrap().offset / CL_FILE as i64;
    let in_file: Vec<usize> = (0..stored.len())
        .filter(|&i| stored[i].offset / CL_FILE as i64 == last_file - 1)
        .collect();
    in_file[in_file.len() / 2]
}

const N: usize = 900;

#[tokio::test]
async fn a_flipped_body_byte_loses_one_message() {
    only_the_damaged_are_lost(N, false, |d, s| {
        let m = middle(s);
        // Body bytes start right after the fixed header; flip one well inside.
        flip(d, s[m].offset + s[m].size / 2);
        vec![m]
    })
    .await;
}

#[tokio::test]
async fn a_damaged_crc_field_loses_one_message() {
    only_the_damaged_are_lost(N, false, |d, s| {
        let m = middle(s);
        damage(d, s[m].offset + 8, &[0x12, 0x34, 0x56, 0x78]); // BODYCRC
        vec![m]
    })
    .await;
}

#[tokio::test]
async fn damaged_properties_lose_one_message() {
    only_the_damaged_are_lost(N, false, |d, s| {
        let m = middle(s);
        // The record ends `[short propertiesLength][properties]`; the
        // properties here are `KEYS\x01k<n>\x02TAGS\x01…\x02…`. Damage the
        // length so it no longer adds up to the record's size.
        let end = s[m].offset + s[m].size;
        let props = format!("KEYS\u{1}k{m}\u{2}");
        let tags = if m.is_multiple_of(2) { "even" } else { "odd" };
        let full_len = props.len() + format!("TAGS\u{1}{tags}\u{2}").len();
        let len_at = end - full_len as i64 - 2;
        damage(d, len_at, &[0x7F, 0x00]);
        vec![m]
    })
    .await;
}

#[tokio::test]
async fn damaged_magic_and_size_fields_lose_only_their_messages() {
    only_the_damaged_are_lost(N, false, |d, s| {
        let m = middle(s);
        damage(d, s[m].offset + 4, &[0, 0, 0, 0]); // MAGICCODE
        damage(d, s[m + 5].offset, &[0, 0, 0x7F, 0]); // TOTALSIZE too big
        damage(d, s[m + 9].offset, &[0, 0, 0, 40]); // TOTALSIZE too small
        vec![m, m + 5, m + 9]
    })
    .await;
}

#[tokio::test]
async fn damage_at_a_file_boundary_loses_only_those_messages() {
    only_the_damaged_are_lost(N, false, |d, s| {
        let boundary = CL_FILE as i64 * (s.last().unwrap().offset / CL_FILE as i64 - 1);
        // The last message before the boundary and the first one after it.
        let first_after = s.iter().position(|s| s.offset == boundary).unwrap();
        let last_before = first_after - 1;
        flip(d, s[last_before].offset + s[last_before].size / 2); // body
        flip(d, s[first_after].offset + 4); // magic
        vec![last_before, first_after]
    })
    .await;
}

#[tokio::test]
async fn damage_found_by_crash_recovery_loses_one_message() {
    only_the_damaged_are_lost(N, true, |d, s| {
        let m = middle(s);
        flip(d, s[m].offset + s[m].size / 3);
        vec![m]
    })
    .await;
}

#[tokio::test]
async fn a_torn_tail_is_still_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let stored = fill(&c, 300).await;
    let last = stored.last().unwrap();
    // Half of the last record is lost: zeros from its middle on.
    damage(
        dir.path(),
        last.offset + last.size / 2,
        &vec![0u8; (last.size / 2 + 1) as usize],
    );
    std::fs::write(c.abort_path(), b"1").unwrap();
    let store = open(&c);
    assert_eq!(
        store.max_phy_offset(),
        last.offset,
        "the torn record is cut"
    );
    assert!(
        store.quarantine().is_empty(),
        "a torn tail is not quarantined"
    );
    dispatched(&store).await;
    assert_same(&consume_all(&store), &expected(&stored, &[299]));
    store.shutdown();
}

#[tokio::test]
async fn damage_outside_the_recovery_walk_is_caught_on_read() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let stored = fill(&c, N).await;
    // Normal recovery walks the newest three files only: damage file 0.
    let m = 10;
    assert_eq!(stored[m].offset / CL_FILE as i64, 0);
    assert!(stored.last().unwrap().offset / CL_FILE as i64 >= 3);
    flip(dir.path(), stored[m].offset + stored[m].size / 2);
    let store = open(&c);
    assert!(store.quarantine().is_empty(), "recovery did not look there");
    assert_same(&consume_all(&store), &expected(&stored, &[m]));
    let ranges = store.quarantine().ranges();
    assert_eq!(ranges.len(), 1, "the read quarantined it: {ranges:?}");
    assert_eq!(
        (ranges[0].offset, ranges[0].size),
        (stored[m].offset, stored[m].size)
    );
    store.shutdown();
}

//! Black-box tests of the message store: put → dispatch → get, roll-over,
//! batches, flush modes, and restarts after a clean shutdown and a crash.
//!
//! Every test works in its own temp directory with tiny files (64 KiB
//! CommitLog files, 100-entry consume-queue files) so roll-over happens
//! after a few dozen messages.

mod wait_support;
use wait_support::wait_until;

use std::fs::OpenOptions;
use std::net::SocketAddr;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use bytes::Bytes;
use mini_rocketmq::common::message::{
    Message, MessageExtBatch, MessageExtBrokerInner, java_string_hash_code,
};
use mini_rocketmq::common::message_decoder::{
    self, BLANK_MAGIC_CODE, MESSAGE_MAGIC_CODE, decode_message_id, decodes_batch, encode_messages,
};
use mini_rocketmq::store::{
    BoundaryType, DefaultMessageStore, FlushDiskType, GetMessageStatus, MessageArrivingListener,
    MessageFilter, MessageStoreConfig, PutMessageStatus,
};

const CL_FILE: usize = 64 * 1024;
const CQ_FILE: usize = 100 * 20;

fn config(dir: &Path) -> MessageStoreConfig {
    let mut c = MessageStoreConfig::with_root(dir);
    c.mapped_file_size_commit_log = CL_FILE;
    c.mapped_file_size_consume_queue = CQ_FILE;
    c.max_message_size = 16 * 1024;
    c.max_hash_slot_num = 1000;
    c.max_index_num = 4000;
    c
}

fn open(c: &MessageStoreConfig) -> DefaultMessageStore {
    let s = DefaultMessageStore::open(c.clone()).expect("open store");
    s.start().expect("start store");
    s
}

/// The producer's address as written into a record (data only: the store
/// never dials it). Distinct from the store host by its port.
fn born() -> SocketAddr {
    "127.0.0.1:50000".parse().unwrap()
}

/// The broker's `brokerIP1:listenPort` as written into a record.
fn stored() -> SocketAddr {
    "127.0.0.1:10911".parse().unwrap()
}

fn message(topic: &str, queue_id: i32, tags: &str, body: &[u8]) -> MessageExtBrokerInner {
    let mut m = Message::new(topic, Bytes::copy_from_slice(body));
    if !tags.is_empty() {
        m.set_tags(tags);
    }
    let mut inner = MessageExtBrokerInner::from_message(m);
    inner.queue_id = queue_id;
    inner.born_host = born();
    inner.store_host = stored();
    inner.born_timestamp = 1_700_000_000_000;
    inner
}

/// The wall clock in Unix ms, as the store stamps messages.
fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Wait until the dispatcher has indexed everything that was put.
async fn dispatched(store: &DefaultMessageStore) {
    wait_until("the dispatcher caught up", || {
        std::future::ready(store.dispatch_behind_bytes() == 0)
    })
    .await;
}

/// The message bodies of a read, in order.
fn bodies(store: &DefaultMessageStore, topic: &str, queue: i32, from: i64, n: i32) -> Vec<Bytes> {
    let r = store.get_message("g", topic, queue, from, n, None);
    decodes_batch(&r.body, true, false)
        .into_iter()
        .map(|m| m.message.body)
        .collect()
}

struct TagFilter(Vec<i64>);

impl MessageFilter for TagFilter {
    fn is_matched_by_consume_queue(&self, tags_code: Option<i64>) -> bool {
        tags_code.is_some_and(|c| self.0.contains(&c))
    }
    fn is_matched_by_commit_log(&self, _msg: &[u8]) -> bool {
        true
    }
}

#[tokio::test]
async fn put_dispatch_get_with_tag_filter() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&config(dir.path()));
    for i in 0..10 {
        let tag = if i % 2 == 0 { "TagA" } else { "TagB" };
        let r = store
            .put_message(message("TopicTest", 1, tag, format!("m{i}").as_bytes()))
            .await;
        assert_eq!(r.status, PutMessageStatus::PutOk);
        let a = r.append_message_result.unwrap();
        assert_eq!(a.queue_offset(), i);
        let id = decode_message_id(&a.msg_id()).unwrap();
        assert_eq!(id.offset, a.wrote_offset);
        assert_eq!(id.address, stored());
    }
    dispatched(&store).await;
    assert_eq!(store.get_max_offset_in_queue("TopicTest", 1), 10);
    assert_eq!(store.get_min_offset_in_queue("TopicTest", 1), 0);

    let all = store.get_message("g", "TopicTest", 1, 0, 32, None);
    assert_eq!(all.status, GetMessageStatus::Found);
    assert_eq!(all.next_begin_offset, 10);
    assert_eq!(all.message_count(), 10);
    let msgs = decodes_batch(&all.body, true, false);
    assert_eq!(msgs.len(), 10);
    assert_eq!(msgs[3].queue_offset, 3);
    assert_eq!(&msgs[3].body[..], b"m3");
    assert_eq!(msgs[3].tags(), Some("TagB"));
    assert_eq!(msgs[3].born_host, born());
    assert_eq!(all.message_buffers().count(), 10);

    let a_only = TagFilter(vec![java_string_hash_code("TagA") as i64]);
    let r = store.get_message("g", "TopicTest", 1, 0, 32, Some(&a_only));
    let tags: Vec<_> = decodes_batch(&r.body, true, false)
        .iter()
        .map(|m| m.tags().unwrap().to_owned())
        .collect();
    assert_eq!(tags, vec!["TagA"; 5]);
    assert_eq!(r.message_queue_offsets, vec![0, 2, 4, 6, 8]);

    let none = TagFilter(vec![java_string_hash_code("TagC") as i64]);
    let r = store.get_message("g", "TopicTest", 1, 0, 32, Some(&none));
    assert_eq!(r.status, GetMessageStatus::NoMatchedMessage);
    assert_eq!(r.next_begin_offset, 10, "skipped entries are consumed");

    // Batch limits and the edge statuses.
    let r = store.get_message("g", "TopicTest", 1, 4, 3, None);
    assert_eq!(r.message_queue_offsets, vec![4, 5, 6]);
    assert_eq!(r.next_begin_offset, 7);
    assert_eq!(
        store.get_message("g", "TopicTest", 1, 10, 32, None).status,
        GetMessageStatus::OffsetOverflowOne
    );
    let bad = store.get_message("g", "TopicTest", 1, 99, 32, None);
    assert_eq!(bad.status, GetMessageStatus::OffsetOverflowBadly);
    assert_eq!(bad.next_begin_offset, 0);
    let missing = store.get_message("g", "Nope", 0, 0, 32, None);
    assert_eq!(missing.status, GetMessageStatus::NoMatchedLogicQueue);

    let first = store.get_commit_log_offset_in_queue("TopicTest", 1, 0);
    let m = store.look_message_by_offset(first).unwrap();
    assert_eq!(&m.body[..], b"m0");
    assert_eq!(m.store_host, stored());
    assert!(store.get_earliest_message_time("TopicTest", 1) > 0);
    store.shutdown();
}

#[tokio::test]
async fn roll_over_writes_end_of_file_blanks() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = open(&c);
    let body = vec![7u8; 3000];
    let mut ends = Vec::new();
    for i in 0..100 {
        let r = store.put_message(message("Roll", i % 3, "", &body)).await;
        let a = r.append_message_result.expect("stored");
        // A record never straddles two files.
        assert_eq!(
            a.wrote_offset / CL_FILE as i64,
            (a.wrote_offset + a.wrote_bytes as i64 - 1) / CL_FILE as i64
        );
        ends.push(a.wrote_offset + a.wrote_bytes as i64);
    }
    dispatched(&store).await;
    let files = store.commit_log().mapped_file_queue().mapped_files();
    assert!(
        files.len() >= 4,
        "100 × ~3 KiB records span several 64 KiB files"
    );
    for f in &files[..files.len() - 1] {
        // The last record of each full file is followed by `[remaining][BLANK_MAGIC]`.
        let last_end = ends
            .iter()
            .copied()
            .filter(|e| *e <= f.file_from_offset() + CL_FILE as i64)
            .max()
            .unwrap();
        let pos = (last_end - f.file_from_offset()) as usize;
        let blank = f.slice(pos, 8).unwrap();
        assert_eq!(
            i32::from_be_bytes(blank[..4].try_into().unwrap()) as usize,
            CL_FILE - pos
        );
        assert_eq!(
            i32::from_be_bytes(blank[4..].try_into().unwrap()),
            BLANK_MAGIC_CODE
        );
        let next = dir
            .path()
            .join("commitlog")
            .join(format!("{:020}", f.file_from_offset() + CL_FILE as i64));
        assert!(next.exists());
    }
    let mut total = 0;
    for q in 0..3 {
        let mut off = 0;
        loop {
            let r = store.get_message("g", "Roll", q, off, 32, None);
            if r.status != GetMessageStatus::Found {
                break;
            }
            for m in decodes_batch(&r.body, true, false) {
                assert_eq!(m.body.len(), 3000);
                assert_eq!(m.queue_offset, off);
                off += 1;
                total += 1;
            }
        }
    }
    assert_eq!(total, 100);
    // Consume queues rolled too (100-entry files, 34 entries per queue → one file each).
    assert!(
        dir.path()
            .join("consumequeue/Roll/0/00000000000000000000")
            .exists()
    );
    store.shutdown();
}

#[tokio::test]
async fn batch_put_stores_consecutive_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&config(dir.path()));
    store.put_message(message("Batch", 0, "", b"before")).await;
    let msgs: Vec<Message> = (0..5)
        .map(|i| {
            let mut m = Message::new("Batch", format!("b{i}")).with_keys([format!("k{i}")]);
            mini_rocketmq::common::message_client_id::set_uniq_id(&mut m);
            m
        })
        .collect();
    let mut inner = message("Batch", 0, "", b"");
    inner.ext.message.body = encode_messages(&msgs);
    let r = store.put_messages(MessageExtBatch::new(inner)).await;
    assert_eq!(r.status, PutMessageStatus::PutOk);
    let a = r.append_message_result.unwrap();
    assert_eq!(a.msg_num, 5);
    assert_eq!(a.queue_offset(), 1);
    let ids: Vec<_> = a
        .msg_id()
        .split(',')
        .map(|s| decode_message_id(s).unwrap().offset)
        .collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(ids[0], a.wrote_offset);
    dispatched(&store).await;
    let got = store.get_message("g", "Batch", 0, 0, 32, None);
    let decoded = decodes_batch(&got.body, true, false);
    assert_eq!(decoded.len(), 6);
    for (i, m) in decoded[1..].iter().enumerate() {
        assert_eq!(m.queue_offset, 1 + i as i64);
        assert_eq!(m.commit_log_offset, ids[i]);
        assert_eq!(m.body, Bytes::from(format!("b{i}")));
        assert_eq!(m.keys(), Some(format!("k{i}").as_str()));
        assert_eq!(m.uniq_key(), msgs[i].uniq_key());
    }
    // A malformed batch body is refused and stores nothing.
    let max = store.max_phy_offset();
    let mut bad = message("Batch", 0, "", b"");
    bad.ext.message.body = encode_messages(&msgs).slice(..30);
    let r = store.put_messages(MessageExtBatch::new(bad)).await;
    assert_eq!(r.status, PutMessageStatus::MessageIllegal);
    assert_eq!(store.max_phy_offset(), max);
    store.shutdown();
}

#[tokio::test]
async fn sync_flush_waits_for_disk() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.flush_disk_type = FlushDiskType::SyncFlush;
    let store = open(&c);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.put_message(message("Sync", i % 4, "", b"durable")).await
        }));
    }
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, PutMessageStatus::PutOk);
        let a = r.append_message_result.unwrap();
        assert!(store.flushed_where() >= a.wrote_offset + a.wrote_bytes as i64);
    }
    // WAIT=false: stored, answered without waiting (still PUT_OK).
    let mut m = message("Sync", 0, "", b"fire-and-forget");
    m.ext.message.set_wait_store_msg_ok(false);
    m.refresh_properties_string();
    assert_eq!(store.put_message(m).await.status, PutMessageStatus::PutOk);
    store.shutdown();
}

#[tokio::test]
async fn puts_are_refused_before_start_and_after_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = DefaultMessageStore::open(c.clone()).unwrap();
    assert_eq!(
        store.put_message(message("T", 0, "", b"x")).await.status,
        PutMessageStatus::ServiceNotAvailable
    );
    store.start().unwrap();
    assert!(c.abort_path().exists(), "abort exists while running");
    assert_eq!(
        store.put_message(message("T", 0, "", b"x")).await.status,
        PutMessageStatus::PutOk
    );
    let big = vec![0u8; c.max_message_size + 1];
    assert_eq!(
        store.put_message(message("T", 0, "", &big)).await.status,
        PutMessageStatus::MessageIllegal
    );
    assert_eq!(
        store
            .put_message(message("../etc", 0, "", b"x"))
            .await
            .status,
        PutMessageStatus::MessageIllegal
    );
    let mut props = message("T", 0, "", b"x");
    props.ext.message.put_property("HUGE", "v".repeat(40_000));
    props.refresh_properties_string();
    assert_eq!(
        store.put_message(props).await.status,
        PutMessageStatus::PropertiesSizeExceeded
    );
    store.shutdown();
    assert!(!c.abort_path().exists(), "clean shutdown deletes abort");
    assert_eq!(
        store.put_message(message("T", 0, "", b"x")).await.status,
        PutMessageStatus::ServiceNotAvailable
    );
}

#[tokio::test]
async fn clean_restart_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = open(&c);
    for i in 0..60 {
        store
            .put_message(message("Keep", i % 2, "T", &vec![i as u8; 2000]))
            .await;
    }
    dispatched(&store).await;
    let max_phy = store.max_phy_offset();
    store.shutdown();
    drop(store);

    let store = open(&c);
    assert!(store.last_exit_ok());
    assert_eq!(store.max_phy_offset(), max_phy);
    assert_eq!(store.get_max_offset_in_queue("Keep", 0), 30);
    assert_eq!(store.get_max_offset_in_queue("Keep", 1), 30);
    let b = bodies(&store, "Keep", 1, 29, 1);
    assert_eq!(b, vec![Bytes::from(vec![59u8; 2000])]);
    // Queue offsets continue where they were.
    let r = store.put_message(message("Keep", 1, "T", b"after")).await;
    let a = r.append_message_result.unwrap();
    assert_eq!(a.queue_offset(), 30);
    assert_eq!(
        a.wrote_offset, max_phy,
        "the CommitLog continues at its old end"
    );
    dispatched(&store).await;
    assert_eq!(
        bodies(&store, "Keep", 1, 30, 1),
        vec![Bytes::from_static(b"after")]
    );
    store.shutdown();
}

#[tokio::test]
async fn crash_recovery_drops_the_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = open(&c);
    for i in 0..40 {
        store
            .put_message(message("Crash", 0, "", format!("complete-{i}").as_bytes()))
            .await;
    }
    dispatched(&store).await;
    let end = store.max_phy_offset();
    store.shutdown();
    drop(store);

    // Simulate a crash in the middle of a put: the abort file is still
    // there, a record was half written at the CommitLog tail, and the
    // dispatcher had already indexed it (and one more) in the consume queue.
    std::fs::write(c.abort_path(), b"12345").unwrap();
    let file_from = end - end % CL_FILE as i64;
    let cl_path = dir
        .path()
        .join("commitlog")
        .join(format!("{file_from:020}"));
    let mut torn_msg = message("Crash", 0, "", &[0xAB; 500]).ext;
    torn_msg.queue_offset = 40;
    torn_msg.commit_log_offset = end;
    torn_msg.body_crc = message_decoder::body_crc(&torn_msg.body);
    let full = message_decoder::encode(&torn_msg).unwrap();
    let cl = OpenOptions::new().write(true).open(&cl_path).unwrap();
    cl.write_at(&full[..full.len() / 2], (end - file_from) as u64)
        .unwrap();
    let cq_path = dir.path().join("consumequeue/Crash/0/00000000000000000000");
    let cq = OpenOptions::new().write(true).open(&cq_path).unwrap();
    for (n, phy) in [(40i64, end), (41, end + full.len() as i64)] {
        let mut e = [0u8; 20];
        e[..8].copy_from_slice(&phy.to_be_bytes());
        e[8..12].copy_from_slice(&(full.len() as i32).to_be_bytes());
        cq.write_at(&e, (n * 20) as u64).unwrap();
    }
    drop((cl, cq));

    let store = open(&c);
    assert!(!store.last_exit_ok(), "abort file means abnormal recovery");
    assert_eq!(store.max_phy_offset(), end, "the torn record is cut off");
    assert_eq!(
        store.get_max_offset_in_queue("Crash", 0),
        40,
        "queue entries past the end are gone"
    );
    let got = bodies(&store, "Crash", 0, 0, 32);
    let got2 = bodies(&store, "Crash", 0, 32, 32);
    let all: Vec<_> = got.into_iter().chain(got2).collect();
    assert_eq!(all.len(), 40);
    assert_eq!(all[39], Bytes::from("complete-39"));

    // New puts continue exactly where the valid data ended.
    let r = store
        .put_message(message("Crash", 0, "", b"after-crash"))
        .await;
    let a = r.append_message_result.unwrap();
    assert_eq!(a.wrote_offset, end);
    assert_eq!(a.queue_offset(), 40);
    dispatched(&store).await;
    assert_eq!(
        bodies(&store, "Crash", 0, 40, 32),
        vec![Bytes::from_static(b"after-crash")]
    );
    store.shutdown();
    drop(store);

    // And the result survives one more (clean) restart: no trace of the torn bytes.
    let store = open(&c);
    assert!(store.last_exit_ok());
    assert_eq!(store.get_max_offset_in_queue("Crash", 0), 41);
    assert_eq!(
        store.max_phy_offset(),
        a.wrote_offset + a.wrote_bytes as i64
    );
    store.shutdown();
}

#[tokio::test]
async fn lost_consume_queues_are_rebuilt_from_the_commit_log() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = open(&c);
    for i in 0..250 {
        store
            .put_message(message("Rebuild", i % 2, "", &[1u8; 300]))
            .await;
    }
    dispatched(&store).await;
    store.shutdown();
    drop(store);
    // A crash that took the consume queues (and the checkpoint) with it.
    std::fs::remove_dir_all(dir.path().join("consumequeue")).unwrap();
    std::fs::remove_file(c.checkpoint_path()).unwrap();
    std::fs::write(c.abort_path(), b"1").unwrap();
    let store = open(&c);
    assert_eq!(store.get_max_offset_in_queue("Rebuild", 0), 125);
    assert_eq!(store.get_max_offset_in_queue("Rebuild", 1), 125);
    // 125 entries in 100-entry files: two files per queue.
    assert!(
        dir.path()
            .join("consumequeue/Rebuild/1/00000000000000002000")
            .exists()
    );
    let r = store.put_message(message("Rebuild", 1, "", b"next")).await;
    assert_eq!(r.append_message_result.unwrap().queue_offset(), 125);
    store.shutdown();
}

#[tokio::test]
async fn checkpoint_records_flushed_times() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = open(&c);
    let mut last_ts = 0;
    for _ in 0..5 {
        let r = store.put_message(message("Cp", 0, "", b"x")).await;
        last_ts = r.append_message_result.unwrap().store_timestamp;
    }
    dispatched(&store).await;
    store.shutdown();
    let raw = std::fs::read(c.checkpoint_path()).unwrap();
    assert_eq!(raw.len(), 4096);
    let physic = i64::from_be_bytes(raw[0..8].try_into().unwrap());
    let logics = i64::from_be_bytes(raw[8..16].try_into().unwrap());
    assert_eq!(
        physic, last_ts,
        "physicMsgTimestamp = store time of the last flushed message"
    );
    assert_eq!(
        logics, last_ts,
        "logicsMsgTimestamp = store time of the last dispatched message"
    );
}

#[tokio::test]
async fn search_offset_by_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&config(dir.path()));
    let mut times = Vec::new();
    for i in 0..6 {
        let r = store
            .put_message(message("Time", 0, "", format!("{i}").as_bytes()))
            .await;
        let stored_at = r.append_message_result.unwrap().store_timestamp;
        times.push(stored_at);
        // Store timestamps 2 ms apart at least: the lookups below ask for
        // `times[3] + 1`, which must fall strictly between two messages.
        wait_until(
            "the wall clock is 2 ms past the last store timestamp",
            || std::future::ready(now_millis() > stored_at + 1),
        )
        .await;
    }
    dispatched(&store).await;
    assert_eq!(
        store.get_offset_in_queue_by_time("Time", 0, times[3], BoundaryType::Lower),
        3
    );
    assert_eq!(
        store.get_offset_in_queue_by_time("Time", 0, times[3], BoundaryType::Upper),
        3
    );
    assert_eq!(
        store.get_offset_in_queue_by_time("Time", 0, times[3] + 1, BoundaryType::Lower),
        4
    );
    assert_eq!(
        store.get_offset_in_queue_by_time("Time", 0, times[3] + 1, BoundaryType::Upper),
        3
    );
    assert_eq!(
        store.get_offset_in_queue_by_time("Time", 0, 0, BoundaryType::Lower),
        0
    );
    assert_eq!(
        store.get_offset_in_queue_by_time("Time", 0, i64::MAX, BoundaryType::Lower),
        6
    );
    assert_eq!(store.get_message_store_timestamp("Time", 0, 2), times[2]);
    store.shutdown();
}

struct CountingListener(AtomicI64);

impl MessageArrivingListener for CountingListener {
    fn arriving(
        &self,
        topic: &str,
        queue_id: i32,
        logic_offset: i64,
        tags_code: Option<i64>,
        _t: i64,
        properties: &str,
    ) {
        assert_eq!(topic, "Arrive");
        assert_eq!(queue_id, 2);
        assert_eq!(tags_code, Some(java_string_hash_code("TagZ") as i64));
        assert!(properties.contains("TAGS\u{1}TagZ"));
        self.0.fetch_max(logic_offset, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn arriving_listener_sees_every_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&config(dir.path()));
    let l = Arc::new(CountingListener(AtomicI64::new(0)));
    store.set_message_arriving_listener(l.clone());
    for _ in 0..7 {
        store.put_message(message("Arrive", 2, "TagZ", b"x")).await;
    }
    dispatched(&store).await;
    assert_eq!(
        l.0.load(Ordering::SeqCst),
        7,
        "logic offset + 1 of the newest message"
    );
    store.shutdown();
}

#[tokio::test]
async fn delete_topics_removes_queues() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&config(dir.path()));
    store.put_message(message("Gone", 0, "", b"x")).await;
    store.put_message(message("Stay", 0, "", b"x")).await;
    dispatched(&store).await;
    assert_eq!(store.delete_topics(&["Gone"]), 1);
    assert_eq!(store.get_max_offset_in_queue("Gone", 0), 0);
    assert!(!dir.path().join("consumequeue/Gone").exists());
    assert_eq!(store.get_max_offset_in_queue("Stay", 0), 1);
    let r = store.put_message(message("Gone", 0, "", b"again")).await;
    assert_eq!(r.append_message_result.unwrap().queue_offset(), 0);
    let info = store.runtime_info();
    assert!(
        info.iter()
            .any(|(k, v)| k == "putMessageTimesTotal" && v == "3")
    );
    assert!(info.iter().any(|(k, _)| k == "commitLogMaxOffset"));
    store.shutdown();
}

#[test]
fn record_on_disk_matches_the_layout() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let c = config(dir.path());
    rt.block_on(async {
        let store = open(&c);
        let r = store
            .put_message(message("Layout", 3, "TagA", b"hello"))
            .await;
        assert_eq!(r.append_message_result.unwrap().wrote_offset, 0);
        store.shutdown();
    });
    let raw = std::fs::read(dir.path().join("commitlog/00000000000000000000")).unwrap();
    assert_eq!(raw.len(), CL_FILE, "files have their full (sparse) size");
    let size = i32::from_be_bytes(raw[0..4].try_into().unwrap()) as usize;
    assert_eq!(
        i32::from_be_bytes(raw[4..8].try_into().unwrap()),
        MESSAGE_MAGIC_CODE
    );
    assert_eq!(i32::from_be_bytes(raw[12..16].try_into().unwrap()), 3);
    assert_eq!(&raw[88..93], b"hello");
    assert_eq!(raw[93] as usize, "Layout".len());
    assert!(
        raw[size..size + 8].iter().all(|&b| b == 0),
        "nothing after the record"
    );
    let cq = std::fs::read(
        dir.path()
            .join("consumequeue/Layout/3/00000000000000000000"),
    )
    .unwrap();
    assert_eq!(cq.len(), CQ_FILE);
    assert_eq!(i64::from_be_bytes(cq[0..8].try_into().unwrap()), 0);
    assert_eq!(
        i32::from_be_bytes(cq[8..12].try_into().unwrap()) as usize,
        size
    );
    assert_eq!(
        i64::from_be_bytes(cq[12..20].try_into().unwrap()),
        java_string_hash_code("TagA") as i64
    );
}

#[tokio::test]
async fn concurrent_puts_get_unique_contiguous_queue_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&config(dir.path()));
    let mut tasks = Vec::new();
    for t in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut offsets = Vec::new();
            for i in 0..50 {
                let r = s
                    .put_message(message("Race", 0, "", format!("{t}-{i}").as_bytes()))
                    .await;
                offsets.push(r.append_message_result.expect("stored").queue_offset());
            }
            offsets
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    assert_eq!(all, (0..400).collect::<Vec<i64>>());
    dispatched(&store).await;
    let mut seen = 0;
    let mut off = 0;
    while off < 400 {
        let r = store.get_message("g", "Race", 0, off, 32, None);
        for m in decodes_batch(&r.body, true, false) {
            assert_eq!(
                m.queue_offset, off,
                "consume queue order = queue offset order"
            );
            off += 1;
            seen += 1;
        }
    }
    assert_eq!(seen, 400);
    store.shutdown();
}

#[tokio::test]
async fn ipv6_hosts_and_long_topics_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&config(dir.path()));
    let long_topic = format!("%RETRY%{}", "g".repeat(150));
    let mut m = message(&long_topic, 0, "TagV6", b"six");
    m.born_host = "[2001:db8::7]:40000".parse().unwrap();
    m.store_host = "[2001:db8::1]:10911".parse().unwrap();
    let r = store.put_message(m).await;
    let a = r.append_message_result.unwrap();
    assert_eq!(a.msg_id().len(), 56, "IPv6 offset msgId");
    dispatched(&store).await;
    let got = store.get_message("g", &long_topic, 0, 0, 1, None);
    let msgs = decodes_batch(&got.body, true, false);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].topic, long_topic);
    assert_eq!(
        msgs[0].born_host,
        "[2001:db8::7]:40000".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(
        msgs[0].store_host,
        "[2001:db8::1]:10911".parse::<SocketAddr>().unwrap()
    );
    let raw = store.select_one_message_by_offset(a.wrote_offset).unwrap();
    assert_eq!(
        i32::from_be_bytes(raw.as_slice()[4..8].try_into().unwrap()),
        message_decoder::MESSAGE_MAGIC_CODE_V2,
        "topics over 127 bytes use record version 2"
    );
    store.shutdown();
}

#[tokio::test]
async fn crash_with_a_torn_record_in_a_fresh_file() {
    // The crash hits the first record of a new file, right after an END_OF_FILE blank.
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = open(&c);
    let body = vec![3u8; 5000];
    let mut last_end = 0;
    let mut n = 0;
    // Fill exactly up to the first roll-over.
    loop {
        let a = store
            .put_message(message("Torn", 0, "", &body))
            .await
            .append_message_result
            .unwrap();
        if a.wrote_offset >= CL_FILE as i64 {
            break;
        }
        last_end = a.wrote_offset + a.wrote_bytes as i64;
        n += 1;
    }
    dispatched(&store).await;
    let end = store.max_phy_offset();
    store.shutdown();
    drop(store);

    // Tear the record at the start of the second file: keep its header, lose the rest.
    let second = dir
        .path()
        .join("commitlog")
        .join(format!("{:020}", CL_FILE));
    let f = OpenOptions::new().write(true).open(&second).unwrap();
    f.write_at(&[0u8; 100], 200).unwrap();
    drop(f);
    std::fs::write(c.abort_path(), b"1").unwrap();

    let store = open(&c);
    assert_eq!(
        store.max_phy_offset(),
        CL_FILE as i64,
        "the torn record is cut, the blank before it stays"
    );
    assert_eq!(store.get_max_offset_in_queue("Torn", 0), n);
    assert!(end > CL_FILE as i64 && last_end < CL_FILE as i64);
    let r = store.put_message(message("Torn", 0, "", b"again")).await;
    let a = r.append_message_result.unwrap();
    assert_eq!((a.wrote_offset, a.queue_offset()), (CL_FILE as i64, n));
    dispatched(&store).await;
    assert_eq!(
        bodies(&store, "Torn", 0, n, 1),
        vec![Bytes::from_static(b"again")]
    );
    store.shutdown();
}

#[tokio::test]
async fn query_by_key_and_unique_key_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    let store = open(&c);
    let mut uniq = Vec::new();
    for i in 0..30 {
        let mut m = Message::new("Query", format!("order {i}"))
            .with_keys([format!("order-{i}"), "all".to_owned()]);
        mini_rocketmq::common::message_client_id::set_uniq_id(&mut m);
        uniq.push(m.uniq_key().unwrap().to_owned());
        let mut inner = MessageExtBrokerInner::from_message(m);
        inner.born_host = born();
        inner.store_host = stored();
        store.put_message(inner).await;
    }
    dispatched(&store).await;
    let r = store.query_message("Query", "order-17", 32, 0, i64::MAX);
    let msgs = decodes_batch(&r.body, true, false);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].body, Bytes::from("order 17"));
    let r = store.query_message("Query", &uniq[3], 32, 0, i64::MAX);
    assert_eq!(
        decodes_batch(&r.body, true, false)[0].uniq_key(),
        Some(uniq[3].as_str())
    );
    let all = store.query_message("Query", "all", 100, 0, i64::MAX);
    assert_eq!(all.message_count, 30);
    assert!(all.index_last_update_phyoffset > 0);
    assert_eq!(
        store
            .query_message("Other", "all", 32, 0, i64::MAX)
            .message_count,
        0,
        "topic is part of the key"
    );
    store.shutdown();
    drop(store);
    let store = open(&c);
    assert_eq!(
        store
            .query_message("Query", "order-29", 32, 0, i64::MAX)
            .message_count,
        1
    );
    store.shutdown();
}

//! Floods that must not stop a server from serving others: partial frames
//! that announce 16 MiB, a half frame that stalls, 16 MiB frames in a loop,
//! thousands of idle connections.
//!
//! The quick tests run every time. The ones that print memory and file
//! descriptor figures (read from `/proc/self`, since the broker runs in this
//! process) are `#[ignore]`d: other tests in the same process would disturb
//! the figures, and they take seconds. Run them one at a time:
//!
//! ```text
//! cargo test -p mini-rocketmq --test exhaustion -- --ignored --test-threads=1 --nocapture
//! ```

mod broker_support;

use std::net::SocketAddr;
use std::time::Duration;

use broker_support::*;
use bytes::Bytes;
use mini_rocketmq::broker::{BrokerController, BrokerHandle};
use mini_rocketmq::remoting::code::response_code;
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::processor::processor_fn;
use mini_rocketmq::remoting::server::{RemotingServer, ServerConfig, ServerHandle};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// The allocator the broker binary uses, so the figures are the broker's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MIB: usize = 1024 * 1024;

/// Resident memory of this process, in bytes (`VmRSS` of `/proc/self/status`).
fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Open file descriptors of this process.
fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// Poll `cond` until it holds; panics after the guard time (never a timing assertion).
async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A server that answers every request SUCCESS, with the given budget.
async fn echo_server(incomplete_frame_memory: usize) -> ServerHandle {
    let config = ServerConfig {
        incomplete_frame_memory,
        ..ServerConfig::default()
    };
    let mut server = RemotingServer::bind("127.0.0.1:0", config).await.unwrap();
    server.register_default_processor(processor_fn(|_ch, _req| async {
        Some(RemotingCommand::new_response(response_code::SUCCESS, None))
    }));
    server.start()
}

/// A length prefix announcing a frame of `total` bytes (prefix included).
fn prefix(total: usize) -> [u8; 4] {
    ((total - 4) as u32).to_be_bytes()
}

/// Whether the server closed `s` (EOF or a reset while reading).
async fn closed_by_peer(s: &mut TcpStream) -> bool {
    use tokio::io::AsyncReadExt;
    let mut scratch = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(20), s.read(&mut scratch)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

async fn ping(conn: &mut RawConn) {
    let r = conn.call(RemotingCommand::new_request(1)).await;
    assert_eq!(r.code, response_code::SUCCESS);
}

#[tokio::test]
async fn announced_lengths_reserve_nothing_and_the_budget_is_shared() {
    let server = echo_server(4 * MIB).await;
    let addr = server.local_addr();

    // 300 connections each announce a 16 MiB frame and send 1 KiB of it.
    let mut liars = Vec::new();
    for _ in 0..300 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(&prefix(16 * MIB)).await.unwrap();
        s.write_all(&[7u8; 1024]).await.unwrap();
        liars.push(s);
    }
    eventually("all connected", || server.channels().len() == 300).await;

    // A frame that really arrives, 3 MiB, is served within the budget.
    let mut honest = RawConn::connect(addr, SerializeType::RocketMQ).await;
    let r = honest
        .call(RemotingCommand::new_request(1).with_body(Bytes::from(vec![1u8; 3 * MIB])))
        .await;
    assert_eq!(r.code, response_code::SUCCESS);

    // One that keeps sending past the budget is closed; others go on.
    let mut greedy = TcpStream::connect(addr).await.unwrap();
    greedy.write_all(&prefix(16 * MIB)).await.unwrap();
    let chunk = vec![9u8; 256 * 1024];
    for _ in 0..24 {
        // Writes fail (or stop being read) once the server closes it.
        match tokio::time::timeout(Duration::from_secs(5), greedy.write_all(&chunk)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => break,
        }
    }
    assert!(
        closed_by_peer(&mut greedy).await,
        "the greedy connection is closed"
    );
    assert!(server.frame_memory().refused() >= 1);
    ping(&mut honest).await;

    // Partial 1 KiB frames never needed more than their first buffer; the
    // largest charge was one frame's worth, within the limit.
    assert!(server.frame_memory().peak() <= 4 * MIB + 64 * 1024);
    drop(liars);
    drop(greedy);
    eventually("budget given back", || server.frame_memory().held() == 0).await;
    eventually("connections closed", || server.channels().len() == 1).await;
    server.shutdown().await;
}

async fn broker_with(dir: &std::path::Path, idle_secs: u64) -> BrokerHandle {
    let mut config = broker_config(None);
    config.server_channel_max_idle_time_seconds = idle_secs;
    BrokerController::new(config, store_config(dir))
        .expect("open broker")
        .start()
        .await
        .expect("start broker")
}

/// A send the broker answers, on a connection of its own.
async fn send_ok(conn: &mut RawConn, n: usize) {
    let r = conn.call(send_v2("Flood", 0, "", format!("m{n}"))).await;
    assert_eq!(r.code, response_code::SUCCESS, "{:?}", r.remark);
}

#[tokio::test]
async fn a_stalled_half_frame_and_16_mib_frames_do_not_stop_others() {
    let dir = tempfile::tempdir().unwrap();
    let broker = broker_with(dir.path(), 120).await;
    let addr: SocketAddr = broker.local_addr();

    // Half a frame, then silence.
    let mut frame = bytes::BytesMut::new();
    mini_rocketmq::remoting::codec::encode(&send_v2("Flood", 0, "", "half"), &mut frame).unwrap();
    let mut staller = TcpStream::connect(addr).await.unwrap();
    staller.write_all(&frame[..frame.len() / 2]).await.unwrap();

    // 16 MiB frames in a loop (the largest the protocol allows); the broker
    // refuses the oversized message with a response, each time.
    let big = tokio::spawn(async move {
        let mut conn = RawConn::connect(addr, SerializeType::RocketMQ).await;
        let mut codes = Vec::new();
        for _ in 0..4 {
            let mut cmd = send_v2("Flood", 0, "", Bytes::new());
            let mut head = bytes::BytesMut::new();
            mini_rocketmq::remoting::codec::encode(&cmd, &mut head).unwrap();
            cmd.body = Some(Bytes::from(vec![b'x'; 16 * MIB - head.len()]));
            codes.push(conn.call(cmd).await.code);
        }
        codes
    });

    let mut normal = RawConn::connect(addr, SerializeType::Json).await;
    for n in 0..50 {
        send_ok(&mut normal, n).await;
    }
    let codes = big.await.unwrap();
    assert!(
        codes.iter().all(|&c| c != response_code::SUCCESS),
        "an oversized message is refused: {codes:?}"
    );
    // The staller is still open and still harmless.
    send_ok(&mut normal, 50).await;
    drop(staller);
    broker.shutdown().await;
}

/// Figures for the note: 1,000 connections each announce 16 MiB and send
/// 1 KiB (before the fix: 334 MB → 2.43 GB, and 2.36 GB stayed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "prints memory figures; run alone with --test-threads=1"]
async fn thousand_partial_16_mib_frames_memory_figures() {
    let dir = tempfile::tempdir().unwrap();
    let broker = broker_with(dir.path(), 120).await;
    let addr = broker.local_addr();
    let mut normal = RawConn::connect(addr, SerializeType::RocketMQ).await;
    send_ok(&mut normal, 0).await;
    let before = rss();
    let fds_before = fds();
    let mut liars = Vec::new();
    for _ in 0..1000 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(&prefix(16 * MIB)).await.unwrap();
        s.write_all(&[7u8; 1024]).await.unwrap();
        liars.push(s);
    }
    // Let every connection's reader take its 1 KiB in.
    for n in 1..200 {
        send_ok(&mut normal, n).await;
    }
    let during = rss();
    let fds_during = fds();
    drop(liars);
    eventually("fds back", || fds() <= fds_before + 2).await;
    send_ok(&mut normal, 200).await;
    let after = rss();
    println!(
        "1000 x (16 MiB prefix + 1 KiB): RSS before {} MB, during {} MB, after {} MB; fds {fds_before} -> {fds_during} -> {}",
        before / 1_000_000,
        during / 1_000_000,
        after / 1_000_000,
        fds()
    );
    assert!(
        during < before + 200 * 1_000_000,
        "memory follows what arrived, not what was announced"
    );
    broker.shutdown().await;
}

/// One flood of 2,000 idle connections with traffic beside them; returns
/// (fds while open, RSS while open, sends answered meanwhile) once every idle
/// one has been closed by the broker.
async fn idle_round(addr: SocketAddr) -> (usize, usize, usize) {
    let mut idle = Vec::new();
    for _ in 0..2000 {
        idle.push(RawConn::connect(addr, SerializeType::RocketMQ).await);
    }
    let fds_during = fds();
    let rss_during = rss();
    // Traffic while they sit there: a connection that keeps talking is not idle.
    let mut busy = RawConn::connect(addr, SerializeType::Json).await;
    let watcher = tokio::spawn(async move {
        let mut closed = 0;
        for mut c in idle {
            if c.is_closed_by_peer().await {
                closed += 1;
            }
        }
        closed
    });
    let mut n = 0;
    while !watcher.is_finished() {
        send_ok(&mut busy, n).await;
        n += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        watcher.await.unwrap(),
        2000,
        "every idle connection is closed"
    );
    send_ok(&mut busy, n).await;
    (fds_during, rss_during, n + 1)
}

/// 2,000 idle connections plus traffic, three times; the idle ones are
/// closed after the idle time (2 s here), descriptors return to the
/// baseline, and memory after the third flood is what it was after the
/// first (what the allocator keeps for reuse, not a leak).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "takes several seconds and prints figures; run alone with --test-threads=1"]
async fn two_thousand_idle_connections_are_closed_and_resources_return() {
    let dir = tempfile::tempdir().unwrap();
    let broker = broker_with(dir.path(), 2).await;
    let addr = broker.local_addr();
    // Warm up (the topic, its queue files); this connection counts in the
    // baseline and is itself closed as idle later, which only lowers the count.
    let mut warm = RawConn::connect(addr, SerializeType::RocketMQ).await;
    send_ok(&mut warm, 0).await;
    let rss_before = rss();
    let fds_before = fds();
    let mut after = Vec::new();
    for round in 1..=3 {
        let (fds_during, rss_during, sends) = idle_round(addr).await;
        eventually("fds back to baseline", || fds() <= fds_before + 2).await;
        after.push(rss());
        println!(
            "round {round}: 2000 idle connections: fds {fds_before} -> {fds_during} -> {}; RSS {} MB -> {} MB (all open) -> {} MB after; {sends} sends answered meanwhile",
            fds(),
            rss_before / 1_000_000,
            rss_during / 1_000_000,
            rss() / 1_000_000
        );
    }
    assert!(
        after[2] < after[0] + 16 * 1_000_000,
        "later floods do not add memory: {after:?}"
    );
    broker.shutdown().await;
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    /// Mount a tmpfs of `size` at `dir`; `Err` says why not (not root, no
    /// mount permission in a container …).
    fn mount(dir: &std::path::Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(Tmpfs(dir.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// All bodies in queue 0 of `topic`, pulled from offset 0 to the end.
async fn pull_all(conn: &mut RawConn, topic: &str) -> Vec<Bytes> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let r = conn.call(pull(topic, 0, offset, "*", None)).await;
        if r.code != response_code::SUCCESS {
            return out;
        }
        let got = decode_pulled(&r);
        assert!(!got.is_empty());
        offset += got.len() as i64;
        out.extend(got.into_iter().map(|m| m.message.body));
    }
}

/// The store on a 64 MiB tmpfs: once it is 90 % full sends are refused with
/// SERVICE_NOT_AVAILABLE, pulls go on, and when space returns (a ballast
/// file is deleted) sends are accepted again; every acknowledged message is
/// there exactly once, in order.
// Ignored for now: under load the store can still fill the tmpfs to the last
// page before the periodic disk check refuses puts, and a write through a
// mapping of a sparse file on a full file system is a SIGBUS, which kills the
// whole process (seen once in ten loaded `cargo test --workspace` runs). The
// fix is for the store to reserve file space up front (fallocate) so a full
// disk is an error at file creation, never a fault on a mapped page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root; a full tmpfs can SIGBUS the store's mapped files under load (see comment)"]
async fn a_full_disk_refuses_sends_keeps_reads_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("store");
    let _tmpfs = match Tmpfs::mount(&mnt, "64m") {
        Ok(t) => t,
        Err(why) => {
            eprintln!(
                "skipped: cannot mount a 64 MiB tmpfs ({why}); run as root to test a full disk"
            );
            return;
        }
    };
    // Ballast: most of the disk, to be deleted when space should return.
    let ballast = mnt.join("ballast");
    std::fs::write(&ballast, vec![1u8; 40 * MIB]).unwrap();

    let mut store = store_config(&mnt.join("broker"));
    store.mapped_file_size_commit_log = 4 * MIB;
    store.message_index_enable = false;
    let broker = BrokerController::new(broker_config(None), store)
        .expect("open broker")
        .start()
        .await
        .expect("start broker");
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::RocketMQ).await;

    let body = |n: usize| Bytes::from(format!("{n:06}-{}", "d".repeat(128 * 1024)));
    let mut acked = 0;
    let refused = loop {
        assert!(acked < 1000, "the disk never filled up");
        let r = conn.call(send_v2("Full", 0, "", body(acked))).await;
        if r.code != response_code::SUCCESS {
            break r;
        }
        acked += 1;
    };
    assert_eq!(refused.code, response_code::SERVICE_NOT_AVAILABLE);
    assert!(
        refused
            .remark
            .as_deref()
            .unwrap_or("")
            .contains("disk is full"),
        "{:?}",
        refused.remark
    );
    // Reads go on while writes are refused.
    wait_max_offset(&mut conn, "Full", 0, acked as i64).await;
    assert_eq!(pull_all(&mut conn, "Full").await.len(), acked);

    // Space returns: sends are accepted again (after the next look at the disk).
    std::fs::remove_file(&ballast).unwrap();
    let mut n = acked;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let r = conn.call(send_v2("Full", 0, "", body(n))).await;
        if r.code == response_code::SUCCESS {
            n += 1;
            break;
        }
        assert_eq!(r.code, response_code::SERVICE_NOT_AVAILABLE);
        assert!(
            tokio::time::Instant::now() < deadline,
            "sends never accepted again"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for _ in 0..10 {
        send_ok_body(&mut conn, body(n)).await;
        n += 1;
    }
    wait_max_offset(&mut conn, "Full", 0, n as i64).await;
    let all = pull_all(&mut conn, "Full").await;
    let expected: Vec<Bytes> = (0..n).map(body).collect();
    assert_eq!(
        all.len(),
        expected.len(),
        "every acknowledged message, once"
    );
    assert!(all == expected, "in order");
    println!(
        "disk full after {acked} acknowledged 128 KiB sends; {n} in the queue after space returned"
    );
    broker.shutdown().await;
}

async fn send_ok_body(conn: &mut RawConn, body: Bytes) {
    let r = conn.call(send_v2("Full", 0, "", body)).await;
    assert_eq!(r.code, response_code::SUCCESS, "{:?}", r.remark);
}

/// A figure from `/proc/self/status` in bytes (`VmRSS`, `RssAnon`, `RssFile`).
fn status_bytes(key: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A fast producer and a slow consumer for `SOAK_SECS` (600 by default):
/// the broker's own memory (anonymous RSS; the mapped CommitLog pages are
/// the page cache's, counted apart) stays bounded, nothing is lost, and the
/// consumer catches up once the producer stops.
///
/// ```text
/// SOAK_SECS=60 cargo test -p mini-rocketmq --test exhaustion slow_consumer -- --ignored --nocapture
/// ```
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak: 10 minutes by default (SOAK_SECS)"]
async fn slow_consumer_fast_producer_soak() {
    let secs: u64 = std::env::var("SOAK_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let dir = tempfile::tempdir().unwrap();
    let broker = broker_with(dir.path(), 120).await;
    let addr = broker.local_addr();
    let anon_before = status_bytes("RssAnon");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    // Producer: as fast as one connection goes, 1 KiB bodies numbered in order.
    let producer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut conn = RawConn::connect(addr, SerializeType::RocketMQ).await;
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = format!("{n:010}-{}", "p".repeat(1013));
                let r = conn.call(send_v2("Soak", 0, "", body)).await;
                assert_eq!(r.code, response_code::SUCCESS, "{:?}", r.remark);
                n += 1;
            }
            n
        })
    };
    // Consumer: 32 messages per pull, then a 100 ms nap (at most 320 messages/s),
    // slower than the producer.
    let consumer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut conn = RawConn::connect(addr, SerializeType::RocketMQ).await;
            let mut next = 0u64;
            let mut offset = 0i64;
            let mut behind_at_stop = None;
            loop {
                let r = conn.call(pull("Soak", 0, offset, "*", None)).await;
                let got = if r.code == response_code::SUCCESS {
                    decode_pulled(&r)
                } else {
                    Vec::new()
                };
                for m in &got {
                    let seq: u64 = std::str::from_utf8(&m.message.body[..10])
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert_eq!(seq, next, "messages in order, none missing");
                    next += 1;
                }
                offset += got.len() as i64;
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let max: i64 = conn
                        .call(max_offset("Soak", 0))
                        .await
                        .ext("offset")
                        .and_then(|o| o.parse().ok())
                        .unwrap_or(0);
                    behind_at_stop.get_or_insert(max - offset);
                    if got.is_empty() && offset >= max {
                        return (next, behind_at_stop.unwrap_or(0));
                    }
                } else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        })
    };
    let mut peak_anon = 0;
    let mut peak_file = 0;
    let start = tokio::time::Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        peak_anon = peak_anon.max(status_bytes("RssAnon"));
        peak_file = peak_file.max(status_bytes("RssFile"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let produced = producer.await.unwrap();
    let (consumed, behind) = consumer.await.unwrap();
    println!(
        "soak {secs} s: {produced} produced, consumer {behind} behind at the stop, {consumed} consumed; \
         RssAnon {} MB before, peak {} MB; RssFile peak {} MB (mapped CommitLog pages)",
        anon_before / 1_000_000,
        peak_anon / 1_000_000,
        peak_file / 1_000_000
    );
    assert_eq!(consumed, produced, "the consumer caught up with everything");
    assert!(
        peak_anon < anon_before + 256 * 1_000_000,
        "broker heap stays bounded"
    );
    broker.shutdown().await;
}

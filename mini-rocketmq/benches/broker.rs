//! Broker throughput and latency over real TCP on loopback.
//!
//! ```text
//! cargo bench -p mini-rocketmq --bench broker                 # all scenarios
//! cargo bench -p mini-rocketmq --bench broker -- send64       # one of them
//! BENCH_SECS=10 cargo bench -p mini-rocketmq --bench broker   # longer runs
//! BENCH_BROKER=127.0.0.1:10911 cargo bench …                  # an external broker
//! BENCH_SERIALIZE=ROCKETMQ cargo bench …                       # binary headers (default JSON)
//! ```
//!
//! Scenarios (each starts a fresh broker on 127.0.0.1:0 with a temp store,
//! ASYNC_FLUSH, and warms up for one second):
//!
//! - `send1`: one sender, synchronous 1 KiB SEND_MESSAGE_V2 — latency p50/p99;
//! - `send64`: 64 concurrent synchronous senders of 1 KiB — messages/s;
//! - `batch`: 16 concurrent senders of SEND_BATCH_MESSAGE, 128 bodies of
//!   128 B each — messages/s.
//!
//! The senders use the project's own `RemotingClient` (one connection,
//! requests pipelined by opaque, as RocketMQ clients do), in the same process
//! as the broker — so client and broker share the machine's cores, like a
//! benchmark run against a local broker does.
//!
//! Besides messages/s and latency, each line shows the CPU time the process
//! spent per message (client and broker together) and how many cores it
//! actually got: on a shared machine the wall-clock rate says as much about
//! the neighbours as about the broker, the CPU cost per message does not.
//!
//! Not a criterion bench: the interesting figures are throughput under
//! concurrency and latency percentiles, which criterion's per-iteration
//! timing does not express.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use mini_rocketmq::broker::{BrokerConfig, BrokerController};
use mini_rocketmq::common::message::Message;
use mini_rocketmq::common::message_decoder;
use mini_rocketmq::remoting::client::{ClientConfig, RemotingClient};
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::protocol::header::send::{
    SendMessageRequestHeader, SendMessageRequestHeaderV2,
};
use mini_rocketmq::store::config::MessageStoreConfig;

/// The same allocator the server binaries use (`mqbroker`, `mqlocal`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn send_request(topic: &str, queue_id: i32, body: Bytes, batch: bool) -> RemotingCommand {
    let header = SendMessageRequestHeader {
        producer_group: "bench_pg".into(),
        topic: topic.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 8,
        queue_id,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        flag: 0,
        properties: Some(if batch {
            String::new()
        } else {
            "UNIQ_KEY\u{1}7F0000010001000000000000000000\u{2}WAIT\u{1}true\u{2}".into()
        }),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(batch),
        max_reconsume_times: None,
        broker_name: None,
    };
    let code = if batch {
        request_code::SEND_BATCH_MESSAGE
    } else {
        request_code::SEND_MESSAGE_V2
    };
    RemotingCommand::new_request_with_header(code, &SendMessageRequestHeaderV2::from(header))
        .with_body(body)
}

struct Outcome {
    messages: u64,
    elapsed: Duration,
    latency: Histogram<u64>,
    /// CPU time (user + system) the whole process used while measuring.
    cpu: Duration,
}

/// CPU time this process has used so far (Linux `/proc/self/stat`, clock
/// ticks of 10 ms); `None` elsewhere. Dividing it by the messages sent gives
/// a cost per message that does not depend on what else the machine runs,
/// which wall-clock throughput on a shared machine does.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// `senders` tasks each sending synchronously in a loop for `secs`.
async fn run_senders(
    addr: String,
    senders: usize,
    secs: u64,
    make: Arc<dyn Fn(i32) -> (RemotingCommand, u64) + Send + Sync>,
) -> Outcome {
    // BENCH_SERIALIZE=ROCKETMQ sends binary headers (the broker answers in kind).
    let serialize_type = match std::env::var("BENCH_SERIALIZE").as_deref() {
        Ok("ROCKETMQ") => SerializeType::RocketMQ,
        _ => SerializeType::Json,
    };
    let client = RemotingClient::new(ClientConfig {
        serialize_type,
        ..ClientConfig::default()
    });
    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for i in 0..senders {
        let (client, addr, stop, measuring, count, make) = (
            client.clone(),
            addr.clone(),
            stop.clone(),
            measuring.clone(),
            count.clone(),
            make.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new(3).expect("histogram");
            while !stop.load(Ordering::Relaxed) {
                let (req, n) = make(i as i32);
                let t = Instant::now();
                let resp = client
                    .invoke(&addr, req, Duration::from_secs(10))
                    .await
                    .expect("send");
                assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
                if measuring.load(Ordering::Relaxed) {
                    let _ = hist.record(t.elapsed().as_micros() as u64);
                    count.fetch_add(n, Ordering::Relaxed);
                }
            }
            hist
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await; // warm-up
    measuring.store(true, Ordering::Relaxed);
    let start = Instant::now();
    let cpu_start = process_cpu_time();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = start.elapsed();
    let cpu = match (cpu_start, process_cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => Duration::ZERO,
    };
    stop.store(true, Ordering::Relaxed);
    let mut latency = Histogram::<u64>::new(3).expect("histogram");
    for t in tasks {
        latency.add(t.await.expect("sender")).expect("merge");
    }
    client.shutdown().await;
    Outcome {
        messages: count.load(Ordering::Relaxed),
        elapsed,
        latency,
        cpu,
    }
}

fn report(name: &str, what: &str, o: &Outcome) {
    let who = if std::env::var("BENCH_BROKER").is_ok() {
        "client only"
    } else {
        "client + broker"
    };
    let tps = o.messages as f64 / o.elapsed.as_secs_f64();
    let cpu_us = o.cpu.as_secs_f64() * 1e6 / o.messages.max(1) as f64;
    let cores = o.cpu.as_secs_f64() / o.elapsed.as_secs_f64();
    println!(
        "{name:<8} {what:<40} {tps:>10.0} msgs/s  p50 {:>5} µs  p99 {:>6} µs  | CPU {cpu_us:>6.2} µs/msg on {cores:.2} cores ({who})",
        o.latency.value_at_quantile(0.5),
        o.latency.value_at_quantile(0.99),
    );
}

async fn scenario(name: &str, secs: u64) {
    // BENCH_BROKER=host:port measures an already running broker (e.g.
    // `mqbroker` in its own process, whose CPU can then be read apart).
    let external = std::env::var("BENCH_BROKER").ok();
    let dir = tempfile::tempdir().expect("temp dir");
    let broker = match &external {
        Some(_) => None,
        None => {
            let broker_config = BrokerConfig {
                broker_ip1: "127.0.0.1".into(),
                listen_port: 0,
                ..BrokerConfig::default()
            };
            let store_config = MessageStoreConfig::with_root(dir.path());
            Some(
                BrokerController::new(broker_config, store_config)
                    .expect("open")
                    .start()
                    .await
                    .expect("start"),
            )
        }
    };
    let addr = match (&external, &broker) {
        (Some(a), _) => a.clone(),
        (None, Some(b)) => b.local_addr().to_string(),
        (None, None) => unreachable!("a broker was started above"),
    };
    let body_1k = Bytes::from(vec![b'x'; 1024]);
    match name {
        "send1" => {
            let make =
                Arc::new(move |_| (send_request("BenchTopic", 0, body_1k.clone(), false), 1));
            report(
                name,
                "1 sync sender, 1 KiB",
                &run_senders(addr, 1, secs, make).await,
            );
        }
        "send64" => {
            let make = Arc::new(move |i: i32| {
                (send_request("BenchTopic", i % 8, body_1k.clone(), false), 1)
            });
            report(
                name,
                "64 sync senders, 1 KiB",
                &run_senders(addr, 64, secs, make).await,
            );
        }
        "batch" => {
            let messages: Vec<Message> = (0..128)
                .map(|_| Message::new("BenchBatch", Bytes::from(vec![b'y'; 128])))
                .collect();
            let body = message_decoder::encode_messages(&messages);
            let make = Arc::new(move |i: i32| {
                (send_request("BenchBatch", i % 8, body.clone(), true), 128)
            });
            report(
                name,
                "16 sync senders, batches of 128 x 128 B",
                &run_senders(addr, 16, secs, make).await,
            );
        }
        other => eprintln!("unknown scenario {other}"),
    }
    if let Some(broker) = broker {
        broker.shutdown().await;
    }
}

fn main() {
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    // `cargo bench` passes `--bench`; any other argument picks scenarios.
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let all = ["send1", "send64", "batch"];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for name in all {
        if wanted.is_empty() || wanted.iter().any(|w| name.contains(w.as_str())) {
            runtime.block_on(scenario(name, secs));
        }
    }
}

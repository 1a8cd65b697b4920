//! `mqbench` — load generator after RocketMQ's bundled benchmark
//! (`distribution/benchmark/producer.sh`, `consumer.sh`, `batchproducer.sh`;
//! Java `example.benchmark.Producer` / `Consumer`, in
//! `example/src/main/java/org/apache/rocketmq/example/benchmark/`).
//!
//! ```text
//! mqbench producer -n 127.0.0.1:9876 -t BenchmarkTest -w 64 -s 1024 -d 30
//! mqbench producer -n 127.0.0.1:9876 -s 1024 --async --window 2048 -d 30
//! mqbench producer -n 127.0.0.1:9876 -s 128 -b 2048 -w 4 -d 30
//! mqbench consumer -n 127.0.0.1:9876 -t BenchmarkTest -g bench_cg --from-first -q 1000000
//! ```
//!
//! Every `--interval` seconds it prints one line — throughput and latency
//! percentiles (p50 / p99 / p99.9 / max, from an HDR histogram) of that
//! interval — and at the end one `SUMMARY` line over the whole run. On a
//! terminal a progress line ticks in between.
//!
//! ## Keeping the client out of the way
//!
//! All senders share **one** `DefaultMQProducer`, hence one client instance
//! and one TCP connection per broker; their requests are pipelined on it and
//! matched by opaque. The route is cached (no name-server call per send), the
//! body is one `Bytes` shared by every message, and each sender records into
//! its own histogram, which the reporter swaps out — so measuring costs an
//! uncontended lock per send, not a shared hot spot.
//!
//! It speaks only the RocketMQ protocol, so it runs against any RocketMQ
//! name server, not just ours.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::{Args, Parser, Subcommand};
use hdrhistogram::Histogram;
use mini_rocketmq::client::ClientConfig;
use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};
use mini_rocketmq::client::producer::DefaultMQProducer;
use mini_rocketmq::common::message::Message;
use mini_rocketmq::remoting::command::SerializeType;
use parking_lot::Mutex;
use tokio::sync::Semaphore;

#[derive(Parser, Debug)]
#[command(
    name = "mqbench",
    version,
    about = "Producer and consumer load for RocketMQ-protocol clusters"
)]
struct Cli {
    /// Worker threads of the async runtime. The default, 1, runs every task
    /// on one thread: no cross-thread wake-ups, which on a small machine
    /// shared with the broker halves the client's CPU per message. Raise it
    /// when the client has cores of its own.
    #[arg(long, global = true, default_value_t = 1)]
    threads: usize,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Send messages as fast as the cluster takes them.
    Producer(ProducerArgs),
    /// Consume a topic and report the rate.
    Consumer(ConsumerArgs),
}

#[derive(Args, Debug, Clone)]
struct Common {
    /// Name server address(es).
    #[arg(short = 'n', long = "namesrvAddr", env = "NAMESRV_ADDR")]
    namesrv_addr: String,
    /// Topic.
    #[arg(short = 't', long, default_value = "BenchmarkTest")]
    topic: String,
    /// Stop after this many seconds.
    #[arg(short = 'd', long = "duration")]
    duration_secs: Option<f64>,
    /// Stop after this many messages (0 = no limit).
    #[arg(short = 'q', long = "quantity", default_value_t = 0)]
    quantity: u64,
    /// Seconds between report lines.
    #[arg(long = "interval", default_value_t = 5.0)]
    interval_secs: f64,
    /// Request header encoding: `rocketmq` (binary, cheaper on both ends)
    /// or `json` (what Java clients send by default).
    #[arg(long = "serialize", default_value = "rocketmq")]
    serialize: String,
}

impl Common {
    fn client_config(&self) -> Result<ClientConfig, String> {
        let serialize_type = match self.serialize.to_ascii_lowercase().as_str() {
            "rocketmq" => SerializeType::RocketMQ,
            "json" => SerializeType::Json,
            other => return Err(format!("--serialize {other}: expected rocketmq or json")),
        };
        Ok(ClientConfig {
            namesrv_addr: self.namesrv_addr.clone(),
            serialize_type,
            ..ClientConfig::default()
        })
    }
}

#[derive(Args, Debug, Clone)]
struct ProducerArgs {
    #[command(flatten)]
    common: Common,
    /// Concurrent senders (sync mode) or send loops (async mode).
    #[arg(short = 'w', long = "senders")]
    senders: Option<usize>,
    /// Body size in bytes.
    #[arg(short = 's', long = "size", default_value_t = 128)]
    size: usize,
    /// Messages per SEND_BATCH_MESSAGE request (1 = single sends).
    #[arg(short = 'b', long = "batch", default_value_t = 1)]
    batch: usize,
    /// Don't wait for each answer before the next send: keep `--window`
    /// requests in flight.
    #[arg(short = 'y', long = "async")]
    async_mode: bool,
    /// Requests in flight in async mode.
    #[arg(long = "window", default_value_t = 1024)]
    window: usize,
    /// Queues per broker when the topic is auto-created.
    #[arg(long = "queues", default_value_t = 8)]
    queues: i32,
    /// Give each message a key (`-k` in Java's tool).
    #[arg(short = 'k', long = "keys")]
    keys: bool,
}

#[derive(Args, Debug, Clone)]
struct ConsumerArgs {
    #[command(flatten)]
    common: Common,
    /// Consumer group.
    #[arg(short = 'g', long = "group", default_value = "benchmark_consumer")]
    group: String,
    /// Start a new group at the oldest message (catch-up) instead of the newest.
    #[arg(long = "from-first")]
    from_first: bool,
    /// Messages per listener call.
    #[arg(long = "consume-batch", default_value_t = 32)]
    consume_batch: usize,
    /// Messages per pull.
    #[arg(long = "pull-batch", default_value_t = 32)]
    pull_batch: i32,
    /// Concurrent listener calls.
    #[arg(long = "consumers", default_value_t = 20)]
    consume_threads: usize,
}

/// Counters and histograms shared by the workers and the reporter.
struct Stats {
    ok: AtomicU64,
    failed: AtomicU64,
    /// One histogram per worker, swapped out by the reporter.
    shards: Vec<Mutex<Histogram<u64>>>,
    /// Messages still allowed (`-q`); negative once exhausted.
    remaining: AtomicI64,
    stop: AtomicBool,
    /// Wakes the reporter for the final line as soon as the run ends.
    stopped: tokio::sync::Notify,
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs … 60 s at 3 significant digits. The bounds are constants, so
    // construction cannot fail.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

impl Stats {
    fn new(shards: usize, quantity: u64) -> Arc<Self> {
        Arc::new(Stats {
            ok: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            shards: (0..shards.max(1))
                .map(|_| Mutex::new(new_histogram()))
                .collect(),
            remaining: AtomicI64::new(if quantity == 0 {
                i64::MAX
            } else {
                quantity as i64
            }),
            stop: AtomicBool::new(false),
            stopped: tokio::sync::Notify::new(),
        })
    }

    /// Reserves `n` messages of the quantity budget; false when the run is over.
    fn take(&self, n: u64) -> bool {
        !self.stop.load(Ordering::Relaxed)
            && self.remaining.fetch_sub(n as i64, Ordering::Relaxed) > 0
    }

    fn finish(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.stopped.notify_one();
    }

    fn record(&self, shard: usize, micros: u64, messages: u64) {
        self.ok.fetch_add(messages, Ordering::Relaxed);
        let _ = self.shards[shard % self.shards.len()]
            .lock()
            .record(micros.clamp(1, 60_000_000));
    }

    /// Moves every shard's samples into one histogram and resets the shards.
    fn drain(&self) -> Histogram<u64> {
        let mut merged = new_histogram();
        for shard in &self.shards {
            let mut h = shard.lock();
            let _ = merged.add(&*h);
            h.reset();
        }
        merged
    }
}

fn fmt_micros(us: u64) -> String {
    if us >= 10_000 {
        format!("{:.1} ms", us as f64 / 1000.0)
    } else {
        format!("{us} µs")
    }
}

fn latency_summary(h: &Histogram<u64>) -> String {
    if h.is_empty() {
        return "p50 - | p99 - | p99.9 - | max -".to_string();
    }
    format!(
        "p50 {} | p99 {} | p99.9 {} | max {}",
        fmt_micros(h.value_at_quantile(0.50)),
        fmt_micros(h.value_at_quantile(0.99)),
        fmt_micros(h.value_at_quantile(0.999)),
        fmt_micros(h.max())
    )
}

/// Prints a report line every `interval`, a progress line in between when
/// stdout is a terminal, and returns the whole run's histogram at the end.
async fn reporter(
    stats: Arc<Stats>,
    what: &'static str,
    interval: Duration,
    started: Instant,
) -> Histogram<u64> {
    let tty = std::io::stdout().is_terminal();
    let mut total = new_histogram();
    let mut last_ok = 0;
    let mut last_report = Instant::now();
    let tick = if tty {
        Duration::from_millis(250)
    } else {
        interval
    };
    loop {
        let next = last_report + interval;
        tokio::select! {
            _ = tokio::time::sleep(tick.min(next.saturating_duration_since(Instant::now()))) => {}
            _ = stats.stopped.notified() => {}
        }
        let done = stats.stop.load(Ordering::Relaxed);
        if done || last_report.elapsed() >= interval {
            let window = stats.drain();
            let _ = total.add(&window);
            let ok = stats.ok.load(Ordering::Relaxed);
            let secs = last_report.elapsed().as_secs_f64();
            let tps = (ok - last_ok) as f64 / secs.max(1e-9);
            last_ok = ok;
            last_report = Instant::now();
            if tty {
                print!("\r\x1b[2K");
            }
            println!(
                "[{:>7.1}s] {what} TPS {:>10.0} | {} | failed {}",
                started.elapsed().as_secs_f64(),
                tps,
                latency_summary(&window),
                stats.failed.load(Ordering::Relaxed)
            );
            if done {
                return total;
            }
        } else if tty {
            let ok = stats.ok.load(Ordering::Relaxed);
            print!(
                "\r\x1b[2K  {:>7.1}s  {ok} {what} so far",
                started.elapsed().as_secs_f64()
            );
            let _ = std::io::stdout().flush();
        }
    }
}

/// Ends the run after `-d` seconds (if given). `wake_reporter` is false for
/// the producer, which first lets its in-flight sends finish and then wakes
/// the reporter itself.
fn stop_after(stats: &Arc<Stats>, duration: Option<f64>, wake_reporter: bool) {
    if let Some(secs) = duration {
        let stats = Arc::clone(stats);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs_f64(secs)).await;
            if wake_reporter {
                stats.finish();
            } else {
                stats.stop.store(true, Ordering::Relaxed);
            }
        });
    }
}

fn random_body(size: usize) -> Bytes {
    // A tiny xorshift: the content does not matter, only that it is not
    // all one byte (which a compressing disk or link would flatter).
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALPHABET[(x % ALPHABET.len() as u64) as usize]
        })
        .collect::<Vec<u8>>()
        .into()
}

async fn run_producer(args: ProducerArgs) -> Result<(), String> {
    let common = &args.common;
    if args.batch == 0 || args.size == 0 {
        return Err("batch size and body size must be at least 1".into());
    }
    let senders = args.senders.unwrap_or(if args.async_mode { 1 } else { 64 });
    let client_config = ClientConfig {
        instance_name: format!("mqbench-{}", std::process::id()),
        ..common.client_config()?
    };
    let producer = DefaultMQProducer::builder()
        .producer_group("benchmark_producer")
        .client_config(client_config)
        .default_topic_queue_nums(args.queues)
        .build();
    producer.start().await.map_err(|e| e.to_string())?;
    let body = random_body(args.size);
    // Warm-up: learn the route (and auto-create the topic) before timing.
    producer
        .send(Message::new(&common.topic, body.clone()))
        .await
        .map_err(|e| format!("first send to {} failed: {e}", common.topic))?;

    let mode = match (args.async_mode, args.batch > 1) {
        (false, false) => "sync",
        (false, true) => "sync-batch",
        (true, false) => "async",
        (true, true) => "async-batch",
    };
    println!(
        "mqbench producer: topic={} senders={} body={}B batch={} mode={}{}",
        common.topic,
        senders,
        args.size,
        args.batch,
        mode,
        if args.async_mode {
            format!(" window={}", args.window)
        } else {
            String::new()
        }
    );
    let stats = Stats::new(senders, common.quantity);
    let started = Instant::now();
    stop_after(&stats, common.duration_secs, false);
    let report = tokio::spawn(reporter(
        Arc::clone(&stats),
        "send",
        Duration::from_secs_f64(common.interval_secs),
        started,
    ));

    let window = Arc::new(Semaphore::new(args.window.max(1)));
    let mut workers = Vec::new();
    for shard in 0..senders {
        let (producer, stats, body, topic, window) = (
            producer.clone(),
            Arc::clone(&stats),
            body.clone(),
            common.topic.clone(),
            Arc::clone(&window),
        );
        let (batch, keys, async_mode) = (args.batch, args.keys, args.async_mode);
        workers.push(tokio::spawn(async move {
            let mut seq: u64 = 0;
            while stats.take(batch as u64) {
                let make = |seq: u64| {
                    let msg = Message::new(topic.as_str(), body.clone());
                    if keys {
                        msg.with_keys([format!("{shard}-{seq}")])
                    } else {
                        msg
                    }
                };
                if async_mode {
                    let Ok(permit) = Arc::clone(&window).acquire_owned().await else {
                        break;
                    };
                    let (producer, stats) = (producer.clone(), Arc::clone(&stats));
                    let msgs: Vec<Message> = (0..batch).map(|i| make(seq + i as u64)).collect();
                    tokio::spawn(async move {
                        let t0 = Instant::now();
                        let result = if batch > 1 {
                            producer.send_batch(msgs).await
                        } else {
                            let mut msgs = msgs;
                            producer.send(msgs.remove(0)).await
                        };
                        match result {
                            Ok(_) => {
                                stats.record(shard, t0.elapsed().as_micros() as u64, batch as u64)
                            }
                            Err(_) => {
                                stats.failed.fetch_add(batch as u64, Ordering::Relaxed);
                            }
                        }
                        drop(permit);
                    });
                } else {
                    let t0 = Instant::now();
                    let result = if batch > 1 {
                        let msgs: Vec<Message> = (0..batch).map(|i| make(seq + i as u64)).collect();
                        producer.send_batch(msgs).await
                    } else {
                        producer.send(make(seq)).await
                    };
                    match result {
                        Ok(_) => stats.record(shard, t0.elapsed().as_micros() as u64, batch as u64),
                        Err(e) => {
                            stats.failed.fetch_add(batch as u64, Ordering::Relaxed);
                            // Like Java's tool: back off after an error
                            // rather than spin on a dead broker.
                            tracing::warn!(error = %e, "send failed");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
                seq += batch as u64;
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    // Let async sends in flight finish before the final report.
    let _ = window.acquire_many(args.window.max(1) as u32).await;
    let elapsed = started.elapsed();
    stats.finish();
    let total = report.await.unwrap_or_else(|_| new_histogram());
    let ok = stats.ok.load(Ordering::Relaxed);
    println!(
        "SUMMARY producer mode={mode} senders={senders} body={}B batch={} sent={ok} failed={} elapsed={:.1}s TPS={:.0} {}",
        args.size,
        args.batch,
        stats.failed.load(Ordering::Relaxed),
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64().max(1e-9),
        latency_summary(&total)
    );
    producer.shutdown().await;
    Ok(())
}

async fn run_consumer(args: ConsumerArgs) -> Result<(), String> {
    let common = &args.common;
    let stats = Stats::new(args.consume_threads, common.quantity);
    let client_config = common.client_config()?;
    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group(&args.group)
        .client_config(client_config)
        .consume_from_where(if args.from_first {
            ConsumeFromWhere::ConsumeFromFirstOffset
        } else {
            ConsumeFromWhere::ConsumeFromLastOffset
        })
        .consume_message_batch_max_size(args.consume_batch)
        .pull_batch_size(args.pull_batch)
        .consume_thread_max(args.consume_threads)
        .build();
    consumer
        .subscribe(&common.topic, "*")
        .map_err(|e| e.to_string())?;
    let sink = Arc::clone(&stats);
    let shard = Arc::new(AtomicU64::new(0));
    consumer.register_message_listener_concurrently(move |msgs, _ctx| {
        let (stats, shard) = (Arc::clone(&sink), Arc::clone(&shard));
        async move {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            let i = shard.fetch_add(1, Ordering::Relaxed) as usize;
            for msg in &msgs {
                // Born → consumed, in ms resolution (the clocks are the
                // same host's only when producer and consumer share it).
                let e2e_us = (now_ms - msg.born_timestamp).max(0) as u64 * 1000;
                stats.record(i, e2e_us, 1);
            }
            if stats
                .remaining
                .fetch_sub(msgs.len() as i64, Ordering::Relaxed)
                <= msgs.len() as i64
            {
                stats.finish();
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        }
    });
    consumer.start().await.map_err(|e| e.to_string())?;
    println!(
        "mqbench consumer: topic={} group={} from={} consume-batch={} pull-batch={} (latency = born→consumed)",
        common.topic,
        args.group,
        if args.from_first { "first" } else { "last" },
        args.consume_batch,
        args.pull_batch
    );
    let started = Instant::now();
    stop_after(&stats, common.duration_secs, true);
    let total = reporter(
        Arc::clone(&stats),
        "consume",
        Duration::from_secs_f64(common.interval_secs),
        started,
    )
    .await;
    let elapsed = started.elapsed();
    let ok = stats.ok.load(Ordering::Relaxed);
    println!(
        "SUMMARY consumer consumed={ok} elapsed={:.1}s TPS={:.0} {}",
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64().max(1e-9),
        latency_summary(&total)
    );
    consumer.shutdown().await;
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    // One thread means no cross-thread wake-ups at all: a current-thread
    // runtime, every task on the main thread.
    let mut builder = if cli.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(cli.threads);
        b
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mqbench: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Producer(args) => run_producer(args).await,
            Command::Consumer(args) => run_consumer(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mqbench: {e}");
            ExitCode::from(1)
        }
    }
}

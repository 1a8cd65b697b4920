//! `client_bench` — sync-send throughput and latency of `rocketmq-client-rust`'s
//! producer against any RocketMQ-protocol name server.
//!
//! It mirrors what RocketMQ's own `producer.sh` benchmark measures (W threads
//! doing synchronous sends in a loop) but with the third-party Rust client, so
//! the same client can be pointed at mini-rocketmq and at rocketmq-rust's
//! broker and the figures compared. One warm-up send creates the topic and
//! fills the route cache; then W tasks send for D seconds, each recording the
//! latency of every send in its own histogram; the histograms are merged at
//! the end.
//!
//! ```text
//! client_bench -n 127.0.0.1:9876 -t BenchTopic -w 4 -d 20 -s 1024
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use clap::Parser;
use compat::rust_client::{ClientHarness, SendStatus, message};
use hdrhistogram::Histogram;

#[derive(Parser, Debug)]
#[command(about = "Sync-send benchmark of rocketmq-client-rust's producer")]
struct Args {
    /// Name server address, host:port.
    #[arg(
        short = 'n',
        long,
        env = "NAMESRV_ADDR",
        default_value = "127.0.0.1:9876"
    )]
    namesrv: String,
    /// Topic to send to (auto-created by the broker on first send).
    #[arg(short = 't', long, default_value = "BenchTopic")]
    topic: String,
    /// Producer group.
    #[arg(short = 'g', long, default_value = "compat_bench_pg")]
    group: String,
    /// Concurrent senders.
    #[arg(short = 'w', long, default_value_t = 1)]
    senders: usize,
    /// Measured duration in seconds.
    #[arg(short = 'd', long, default_value_t = 10)]
    duration: u64,
    /// Warm-up seconds (sends not measured).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Body size in bytes.
    #[arg(short = 's', long, default_value_t = 1024)]
    size: usize,
}

/// What one sender measured.
struct SenderReport {
    latencies_us: Histogram<u64>,
    errors: u64,
    not_ok: u64,
    first_error: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let harness = ClientHarness::new("bench")?;
    let producer = Arc::new(harness.start_producer(&args.namesrv, &args.group).await?);
    let body = vec![b'x'; args.size];

    // The first send creates the topic (TBW102 route) and warms the route cache.
    let first = producer
        .send(message(&args.topic, "bench", "warmup", &body))
        .await
        .map_err(|e| anyhow!("warm-up send failed: {e}"))?;
    eprintln!("warm-up send: {first:?}");

    let measuring = Arc::new(AtomicBool::new(false));
    let warmup_end = Instant::now() + Duration::from_secs(args.warmup);
    let end = warmup_end + Duration::from_secs(args.duration);
    let mut tasks = Vec::new();
    for sender in 0..args.senders {
        let producer = producer.clone();
        let body = body.clone();
        let topic = args.topic.clone();
        let measuring = measuring.clone();
        tasks.push(tokio::spawn(async move {
            let mut report = SenderReport {
                latencies_us: Histogram::new_with_bounds(1, 60_000_000, 3)
                    .expect("static histogram bounds are valid"),
                errors: 0,
                not_ok: 0,
                first_error: None,
            };
            let mut seq = 0u64;
            while Instant::now() < end {
                seq += 1;
                let msg = message(&topic, "bench", &format!("k-{sender}-{seq}"), &body);
                let started = Instant::now();
                let result = producer.send(msg).await;
                let elapsed = started.elapsed();
                if !measuring.load(Ordering::Relaxed) {
                    continue;
                }
                match result {
                    Ok(Some(r)) if r.send_status == SendStatus::SendOk => {
                        let _ = report
                            .latencies_us
                            .record(elapsed.as_micros().max(1) as u64);
                    }
                    Ok(other) => {
                        report.not_ok += 1;
                        report
                            .first_error
                            .get_or_insert_with(|| format!("{other:?}"));
                    }
                    Err(e) => {
                        report.errors += 1;
                        report.first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            report
        }));
    }

    tokio::time::sleep_until(warmup_end.into()).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    let mut all = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let (mut errors, mut not_ok, mut first_error) = (0u64, 0u64, None);
    for task in tasks {
        let report = task.await?;
        all.add(&report.latencies_us)?;
        errors += report.errors;
        not_ok += report.not_ok;
        if first_error.is_none() {
            first_error = report.first_error;
        }
    }
    let measured = started.elapsed().as_secs_f64();
    let ok = all.len();
    println!(
        "senders={} size={}B duration={:.1}s sent_ok={} errors={} not_ok={} tps={:.0} \
         p50={}us p90={}us p99={}us p999={}us max={}us",
        args.senders,
        args.size,
        measured,
        ok,
        errors,
        not_ok,
        ok as f64 / measured,
        all.value_at_quantile(0.50),
        all.value_at_quantile(0.90),
        all.value_at_quantile(0.99),
        all.value_at_quantile(0.999),
        all.max(),
    );
    if let Some(e) = first_error {
        println!("first error: {e}");
    }

    match Arc::try_unwrap(producer) {
        Ok(mut producer) => producer.shutdown().await,
        Err(_) => eprintln!("producer still shared at exit; skipping its shutdown"),
    }
    harness.shutdown().await;
    Ok(())
}

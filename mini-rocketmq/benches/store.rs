//! Store benchmarks: CommitLog appends (single 1 KiB / 128 B messages and
//! 128 B batches), the full `DefaultMessageStore::put_message` path, and
//! consume-queue / pull reads.
//!
//! Run: `cargo bench -p mini-rocketmq --bench store -- --quick`
//!
//! Appends write real files (in a temp dir) through the page cache, exactly
//! as the broker does; old CommitLog files are deleted as the bench goes so
//! a long run does not fill the disk.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mini_rocketmq::common::message::{Message, MessageExtBatch, MessageExtBrokerInner};
use mini_rocketmq::common::message_client_id::create_uniq_id;
use mini_rocketmq::common::message_decoder::encode_messages;
use std::sync::Arc;

use mini_rocketmq::store::allocate_mapped_file_service::AllocateMappedFileService;
use mini_rocketmq::store::commit_log::CommitLog;
use mini_rocketmq::store::{DefaultMessageStore, MessageStoreConfig};

const FILE_SIZE: usize = 256 * 1024 * 1024;

fn config(dir: &std::path::Path) -> MessageStoreConfig {
    let mut c = MessageStoreConfig::with_root(dir);
    c.mapped_file_size_commit_log = FILE_SIZE;
    c
}

/// A message as the send processor hands it to the store: properties as a
/// producer sets them (UNIQ_KEY, WAIT, TAGS) plus the broker's own.
fn inner(body_len: usize, queue_id: i32) -> MessageExtBrokerInner {
    let mut m = Message::new("BenchTopic", Bytes::from(vec![b'x'; body_len])).with_tags("TagA");
    m.put_property("UNIQ_KEY", create_uniq_id());
    m.put_property("WAIT", "true");
    m.put_property("MSG_REGION", "DefaultRegion");
    m.put_property("TRACE_ON", "true");
    let mut i = MessageExtBrokerInner::from_message(m);
    i.queue_id = queue_id;
    i.born_host = "10.0.0.1:50000".parse::<SocketAddr>().unwrap();
    i.store_host = "10.0.0.2:10911".parse::<SocketAddr>().unwrap();
    i.born_timestamp = 1_700_000_000_000;
    i
}

/// 64 messages of 128 B, as a producer's `MessageBatch` carries them.
fn batch_messages() -> Vec<Message> {
    (0..64)
        .map(|_| {
            let mut m = Message::new("BenchTopic", Bytes::from(vec![b'y'; 128]));
            m.put_property("UNIQ_KEY", create_uniq_id());
            m.put_property("WAIT", "true");
            m
        })
        .collect()
}

/// A CommitLog with its page-warming service running, as inside the store.
fn commit_log(dir: &std::path::Path) -> (Arc<CommitLog>, Arc<AllocateMappedFileService>) {
    let c = config(dir);
    let cl = Arc::new(CommitLog::new(&c));
    let warm = Arc::new(AllocateMappedFileService::new(
        Arc::clone(&cl),
        c.commit_log_warm_ahead_size,
    ));
    warm.start().unwrap();
    (cl, warm)
}

/// Keep at most two CommitLog files on disk.
fn trim(cl: &CommitLog) {
    let q = cl.mapped_file_queue();
    if q.mapped_files().len() > 2 {
        q.delete_files_before(cl.max_offset() - FILE_SIZE as i64);
    }
}

fn commit_log_append(c: &mut Criterion) {
    let mut g = c.benchmark_group("commit_log_append");
    for &size in &[1024usize, 128] {
        let dir = tempfile::tempdir().unwrap();
        let (cl, warm) = commit_log(dir.path());
        let msg = inner(size, 0);
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("single_{size}B"), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(cl.put_message(black_box(&msg)));
                    warm.after_put();
                }
                let t = start.elapsed();
                trim(&cl);
                t
            })
        });
    }
    // 64 × 128 B in one SEND_BATCH_MESSAGE body.
    let dir = tempfile::tempdir().unwrap();
    let (cl, warm) = commit_log(dir.path());
    let msgs = batch_messages();
    let mut batch = inner(0, 0);
    batch.ext.message.body = encode_messages(&msgs);
    let batch = MessageExtBatch::new(batch);
    g.throughput(Throughput::Elements(64));
    g.bench_function("batch_64x128B", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(cl.put_messages(black_box(&batch)));
                warm.after_put();
            }
            let t = start.elapsed();
            trim(&cl);
            t
        })
    });
    g.finish();
}

fn store_put(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = DefaultMessageStore::open(config(dir.path())).unwrap();
    store.start().unwrap();
    let mut g = c.benchmark_group("message_store");
    g.throughput(Throughput::Elements(1));
    g.bench_function("put_message_1KiB_async_flush", |b| {
        b.iter_batched(
            || inner(1024, 0),
            |m| rt.block_on(store.put_message(m)),
            BatchSize::SmallInput,
        )
    });
    let mut batch = inner(0, 1);
    batch.ext.message.body = encode_messages(&batch_messages());
    let batch = MessageExtBatch::new(batch);
    g.throughput(Throughput::Elements(64));
    g.bench_function("put_messages_64x128B_async_flush", |b| {
        b.iter_batched(
            || batch.clone(),
            |m| rt.block_on(store.put_messages(m)),
            BatchSize::SmallInput,
        )
    });
    g.finish();
    store.shutdown();
}

fn reads(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = DefaultMessageStore::open(config(dir.path())).unwrap();
    store.start().unwrap();
    const N: i64 = 100_000;
    for i in 0..N {
        rt.block_on(store.put_message(inner(128, (i % 4) as i32)));
    }
    while store.dispatch_behind_bytes() > 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let cq = store.find_consume_queue("BenchTopic", 1).unwrap();
    let mut g = c.benchmark_group("consume_queue");
    g.throughput(Throughput::Elements(1));
    let mut i = 0i64;
    g.bench_function("get_unit", |b| {
        b.iter(|| {
            i = (i + 7919) % (N / 4);
            black_box(cq.get_unit(black_box(i)))
        })
    });
    g.throughput(Throughput::Elements(32));
    let mut off = 0i64;
    g.bench_function("get_message_32x128B", |b| {
        b.iter(|| {
            off = (off + 32) % (N / 4 - 32);
            black_box(store.get_message("g", "BenchTopic", 1, off, 32, None))
        })
    });
    g.finish();
    store.shutdown();
}

criterion_group!(benches, commit_log_append, store_put, reads);
criterion_main!(benches);

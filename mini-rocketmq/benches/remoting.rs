//! Remoting benchmarks: the frame codec on the hottest request there is
//! (SEND_MESSAGE_V2 with a 1 KiB body) in both header serializations, and
//! round trips over loopback TCP through `RemotingServer` / `RemotingClient`.
//!
//! Run: `cargo bench -p mini-rocketmq --bench remoting -- --quick`

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::codec;
use mini_rocketmq::remoting::processor::processor_fn;
use mini_rocketmq::remoting::protocol::header::{
    SendMessageRequestHeader, SendMessageRequestHeaderV2, SendMessageResponseHeader,
    decode_send_message_request_header,
};
use mini_rocketmq::remoting::{
    ClientConfig, RemotingClient, RemotingCommand, RemotingServer, SerializeType, ServerConfig,
};

/// A SEND_MESSAGE_V2 request as a Java producer sends it.
fn send_v2_request(serialize_type: SerializeType) -> RemotingCommand {
    let v1 = SendMessageRequestHeader {
        producer_group: "please_rename_unique_group_name".into(),
        topic: "BenchmarkTest".into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id: 3,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        flag: 0,
        properties: Some(
            "UNIQ_KEY\u{1}7F0000010C7018B4AAC27B5F4A330000\u{2}WAIT\u{1}true\u{2}TAGS\u{1}TagA\u{2}"
                .into(),
        ),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(false),
        max_reconsume_times: None,
        broker_name: Some("broker-a".into()),
    };
    let mut cmd = RemotingCommand::new_request_with_header(
        request_code::SEND_MESSAGE_V2,
        &SendMessageRequestHeaderV2::from(v1),
    )
    .with_body(Bytes::from(vec![b'x'; 1024]));
    cmd.serialize_type = serialize_type;
    cmd
}

fn codec_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("codec/send_message_v2_1KiB");
    group.throughput(Throughput::Elements(1));
    for (name, st) in [
        ("json", SerializeType::Json),
        ("rocketmq", SerializeType::RocketMQ),
    ] {
        let cmd = send_v2_request(st);
        let mut buf = BytesMut::with_capacity(4096);
        group.bench_function(BenchmarkId::new("encode", name), |b| {
            b.iter(|| {
                buf.clear();
                codec::encode(black_box(&cmd), &mut buf).unwrap();
                black_box(buf.len())
            })
        });

        let mut frame = BytesMut::new();
        codec::encode(&cmd, &mut frame).unwrap();
        let frame = frame.freeze();
        group.bench_function(BenchmarkId::new("decode", name), |b| {
            b.iter(|| {
                let mut src = BytesMut::from(&frame[..]);
                black_box(codec::decode(&mut src).unwrap().unwrap())
            })
        });
        group.bench_function(BenchmarkId::new("decode+header", name), |b| {
            b.iter(|| {
                let mut src = BytesMut::from(&frame[..]);
                let cmd = codec::decode(&mut src).unwrap().unwrap();
                black_box(decode_send_message_request_header(&cmd).unwrap())
            })
        });
    }
    group.finish();
}

/// A server that answers every send with a SendMessageResponseHeader, the
/// way a broker would (minus the store).
async fn start_send_server() -> mini_rocketmq::remoting::ServerHandle {
    let mut server = RemotingServer::bind("127.0.0.1:0", ServerConfig::default())
        .await
        .unwrap();
    server.register_processor(
        request_code::SEND_MESSAGE_V2,
        processor_fn(|_ch, req: RemotingCommand| async move {
            let header = decode_send_message_request_header(&req).ok()?;
            Some(
                RemotingCommand::new_response(response_code::SUCCESS, None).with_header(
                    &SendMessageResponseHeader {
                        msg_id: "7F00000100002A9F0000000000000000".into(),
                        queue_id: header.queue_id,
                        queue_offset: 0,
                        transaction_id: None,
                        batch_uniq_id: None,
                        recall_handle: None,
                    },
                ),
            )
        }),
    );
    server.start()
}

fn loopback_benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(start_send_server());
    let addr = server.local_addr().to_string();

    let mut group = c.benchmark_group("loopback/send_message_v2_1KiB");
    group.throughput(Throughput::Elements(1));
    for (name, st) in [
        ("json", SerializeType::Json),
        ("rocketmq", SerializeType::RocketMQ),
    ] {
        let client = RemotingClient::new(ClientConfig {
            serialize_type: st,
            ..ClientConfig::default()
        });
        let template = send_v2_request(st);

        // One request in flight: the round-trip latency.
        group.bench_function(BenchmarkId::new("sync_1_in_flight", name), |b| {
            b.to_async(&rt).iter(|| {
                let client = client.clone();
                let addr = addr.clone();
                let mut req = template.clone();
                req.opaque = mini_rocketmq::remoting::command::next_opaque();
                async move {
                    let resp = client
                        .invoke(&addr, req, Duration::from_secs(3))
                        .await
                        .unwrap();
                    black_box(resp.code)
                }
            })
        });

        // Many callers sharing the one connection: the throughput. Time per
        // element is the inverse of requests per second.
        for in_flight in [4usize, 64] {
            group.bench_function(
                BenchmarkId::new(format!("sync_{in_flight}_in_flight"), name),
                |b| {
                    b.to_async(&rt).iter_custom(|iters| {
                        let client = client.clone();
                        let addr = Arc::new(addr.clone());
                        let template = template.clone();
                        async move {
                            let per_task = iters.div_ceil(in_flight as u64);
                            let start = Instant::now();
                            let mut tasks = Vec::with_capacity(in_flight);
                            for _ in 0..in_flight {
                                let client = client.clone();
                                let addr = addr.clone();
                                let template = template.clone();
                                tasks.push(tokio::spawn(async move {
                                    for _ in 0..per_task {
                                        let mut req = template.clone();
                                        req.opaque =
                                            mini_rocketmq::remoting::command::next_opaque();
                                        client
                                            .invoke(&addr, req, Duration::from_secs(3))
                                            .await
                                            .unwrap();
                                    }
                                }));
                            }
                            for t in tasks {
                                t.await.unwrap();
                            }
                            let elapsed = start.elapsed();
                            // Scale to exactly `iters` requests.
                            elapsed.mul_f64(iters as f64 / (per_task * in_flight as u64) as f64)
                        }
                    })
                },
            );
        }
    }
    group.finish();
    rt.block_on(server.shutdown());
}

criterion_group!(benches, codec_benches, loopback_benches);
criterion_main!(benches);

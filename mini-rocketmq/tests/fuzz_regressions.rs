//! Replays every fuzz corpus and crash input on stable Rust.
//!
//! The fuzz targets (`fuzz/fuzz_targets/*.rs`, run with cargo-fuzz on
//! nightly) call `mini_rocketmq::fuzzing::*`; this test calls the same
//! functions on every file in `fuzz/corpus/<target>/` (the minimised corpus)
//! and `fuzz/regressions/<target>/` (inputs that once crashed, kept after
//! the fix). A panic here is a regression.
//!
//! `write_seed_corpus` (ignored) writes the hand-made seeds a fresh corpus
//! starts from: real frames, records, batches, JSON bodies and a broker.conf.

use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};
use mini_rocketmq::common::message::{Message, MessageExt};
use mini_rocketmq::common::message_decoder;
use mini_rocketmq::fuzzing::{TARGETS, run};
use mini_rocketmq::remoting::code::request_code;
use mini_rocketmq::remoting::codec;
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::protocol::header::{
    GetRouteInfoRequestHeader, PullMessageRequestHeader, SendMessageRequestHeader,
    SendMessageRequestHeaderV2,
};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    out.sort();
    out
}

#[test]
fn every_corpus_and_regression_input_runs_clean() {
    let mut total = 0;
    for target in TARGETS {
        let corpus = files_under(&fuzz_dir().join("corpus").join(target));
        assert!(
            !corpus.is_empty(),
            "fuzz/corpus/{target}/ is empty: every target keeps a corpus"
        );
        let regressions = files_under(&fuzz_dir().join("regressions").join(target));
        for file in corpus.iter().chain(&regressions) {
            let data = std::fs::read(file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(target, &data));
            assert!(outcome.is_ok(), "{target} panicked on {}", file.display());
            total += 1;
        }
    }
    assert!(total > 0);
}

fn frame(cmd: &RemotingCommand, ty: SerializeType) -> Vec<u8> {
    let mut cmd = cmd.clone();
    cmd.serialize_type = ty;
    let mut out = BytesMut::new();
    codec::encode(&cmd, &mut out).unwrap();
    out.to_vec()
}

fn send_request() -> RemotingCommand {
    let header = SendMessageRequestHeader {
        producer_group: "pg".into(),
        topic: "TopicTest".into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id: 1,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        flag: 0,
        properties: Some("TAGS\u{1}TagA\u{2}KEYS\u{1}k1\u{2}".into()),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(false),
        max_reconsume_times: None,
        broker_name: Some("broker-a".into()),
    };
    RemotingCommand::new_request_with_header(
        request_code::SEND_MESSAGE_V2,
        &SendMessageRequestHeaderV2::from(header),
    )
    .with_body(Bytes::from_static(b"hello"))
}

fn record() -> Vec<u8> {
    let mut m = Message::new("TopicTest", Bytes::from_static(b"a body"));
    m.set_tags("TagA");
    let mut ext = MessageExt {
        message: m,
        ..MessageExt::default()
    };
    ext.body_crc = message_decoder::body_crc(&ext.body);
    ext.queue_offset = 7;
    ext.commit_log_offset = 4096;
    message_decoder::encode(&ext).unwrap()
}

#[test]
#[ignore = "writes the seed corpus into fuzz/corpus; run by hand before fuzzing a new target"]
fn write_seed_corpus() {
    let send = send_request();
    let pull = RemotingCommand::new_request_with_header(
        request_code::PULL_MESSAGE,
        &PullMessageRequestHeader {
            consumer_group: "cg".into(),
            topic: "TopicTest".into(),
            queue_id: 0,
            queue_offset: 3,
            max_msg_nums: 32,
            sys_flag: 2,
            commit_offset: 0,
            suspend_timeout_millis: 15000,
            subscription: Some("*".into()),
            sub_version: 0,
            expression_type: Some("TAG".into()),
            max_msg_bytes: None,
            request_source: None,
            proxy_froward_client_id: None,
            broker_name: None,
        },
    );
    let route = RemotingCommand::new_request_with_header(
        request_code::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader {
            topic: "TopicTest".into(),
            accept_standard_json_only: None,
        },
    );
    let mut response = RemotingCommand::new_response(0, Some("ok".into()));
    response.opaque = 9;
    let mut seeds: Vec<(&str, &str, Vec<u8>)> = Vec::new();
    for (name, cmd) in [
        ("send", &send),
        ("pull", &pull),
        ("route", &route),
        ("response", &response),
    ] {
        for (ty_name, ty) in [
            ("json", SerializeType::Json),
            ("rocketmq", SerializeType::RocketMQ),
        ] {
            let f = frame(cmd, ty);
            seeds.push((
                "remoting_frame",
                leak(format!("{name}-{ty_name}")),
                f.clone(),
            ));
            seeds.push((
                "request_headers",
                leak(format!("{name}-{ty_name}")),
                f[4..].to_vec(),
            ));
        }
    }
    seeds.push((
        "request_headers",
        "lines",
        b"topic=TopicTest\nqueueId=1\nqueueOffset=-1\nmaxMsgNums=abc\nbornTimestamp=9223372036854775807".to_vec(),
    ));
    let rec = record();
    seeds.push(("commit_log_record", "record", rec.clone()));
    let mut two = rec.clone();
    two.extend_from_slice(&rec);
    seeds.push(("commit_log_record", "two-records", two));
    let batch = message_decoder::encode_messages(&[
        Message::new("TopicTest", Bytes::from_static(b"one")),
        Message::new("TopicTest", Bytes::from_static(b"two")),
    ]);
    seeds.push(("batch_body", "two", batch.to_vec()));
    let route_json = r#"{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"b","cluster":"c","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}"#;
    let heartbeat = r#"{"clientID":"10.0.0.5@12345","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"cg","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919],"expressionType":"TAG","subString":"TagA","subVersion":1,"tagsSet":["TagA"],"topic":"TopicTest"}],"unitMode":false}],"producerDataSet":[{"groupName":"pg"}]}"#;
    let register = r#"{"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":1},"topicConfigTable":{"TopicTest":{"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}},"filterServerList":[]}"#;
    for (name, text) in [
        ("route", route_json),
        ("heartbeat", heartbeat),
        ("register", register),
    ] {
        seeds.push(("route_and_heartbeat", name, text.as_bytes().to_vec()));
        seeds.push(("fastjson", name, text.as_bytes().to_vec()));
    }
    seeds.push((
        "fastjson",
        "quirks",
        br#"{a:1,'b':'x',0:[1.5e3,-0,true,null],"c":"\u00e9\n"}"#.to_vec(),
    ));
    seeds.push((
        "broker_conf",
        "broker",
        b"brokerClusterName = DefaultCluster\nbrokerName=broker-a\nbrokerId=0\ndeleteWhen=04\nfileReservedTime=48\nbrokerRole=ASYNC_MASTER\nflushDiskType=ASYNC_FLUSH\nlistenPort:10911\nstorePathRootDir=/tmp/store\\\n  /more\nmappedFileSizeCommitLog=1073741824\n# comment\n".to_vec(),
    ));
    for (target, name, data) in seeds {
        let dir = fuzz_dir().join("corpus").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

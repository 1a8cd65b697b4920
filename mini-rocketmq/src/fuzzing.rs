//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs` at the
//! repository root), kept here so that stable `cargo test` can replay every
//! corpus and crash input through exactly the same code
//! (`tests/fuzz_regressions.rs`), while cargo-fuzz drives them with
//! coverage guidance on nightly.
//!
//! Each function takes arbitrary bytes and must return without panicking,
//! whatever the bytes. Some also check a property that must hold for any
//! input they accept (a decoded frame encodes and decodes back to itself);
//! a broken property panics, which the fuzzer reports like a crash.
//!
//! RocketMQ has no fuzz targets; the decoders fuzzed here stand for Java's
//! `NettyDecoder` / `RemotingCommand#decode`, `CommandCustomHeader`
//! decoding, `CommitLog#checkMessageAndReturnSize`, `MessageDecoder`,
//! fastjson's `JSON.parseObject`, and `MixAll#properties2Object`.

use bytes::{Bytes, BytesMut};

use crate::broker::BrokerConfig;
use crate::common::fastjson;
use crate::common::message_batch::{batch_entries, decode_messages};
use crate::common::message_decoder;
use crate::common::properties_file::PropertiesFile;
use crate::common::route::TopicRouteData;
use crate::remoting::codec;
use crate::remoting::command::RemotingCommand;
use crate::remoting::protocol::body::cluster_info::ClusterInfo;
use crate::remoting::protocol::body::heartbeat_data::HeartbeatData;
use crate::remoting::protocol::body::lock_batch::LockBatchRequestBody;
use crate::remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use crate::remoting::protocol::body::topic_list::TopicList;
use crate::remoting::protocol::header::*;
use crate::store::MessageStoreConfig;
use crate::store::dispatch_request::{check_message_and_return_size, parse_delay_levels};

/// The names of the targets, as directories under `fuzz/corpus/`.
pub const TARGETS: &[&str] = &[
    "remoting_frame",
    "request_headers",
    "commit_log_record",
    "batch_body",
    "fastjson",
    "route_and_heartbeat",
    "broker_conf",
];

/// Run the target named `name` on `data` (for the replay test).
pub fn run(name: &str, data: &[u8]) {
    match name {
        "remoting_frame" => remoting_frame(data),
        "request_headers" => request_headers(data),
        "commit_log_record" => commit_log_record(data),
        "batch_body" => batch_body(data),
        "fastjson" => fastjson_reader(data),
        "route_and_heartbeat" => route_and_heartbeat(data),
        "broker_conf" => broker_conf(data),
        other => panic!("no fuzz target named {other}"),
    }
}

/// The frame decoder, both header serializations (the high byte of the
/// header mark picks one): bytes as they come off a socket, possibly several
/// frames in a row. Every decoded command must survive encode → decode.
pub fn remoting_frame(data: &[u8]) {
    let mut buf = BytesMut::from(data);
    let _ = codec::pending_frame_total(&buf);
    while let Ok(Some(cmd)) = codec::decode(&mut buf) {
        round_trip(&cmd);
    }
    // The same bytes as one frame without its length prefix.
    if let Ok(cmd) = codec::decode_frame(Bytes::copy_from_slice(data)) {
        round_trip(&cmd);
    }
}

fn round_trip(cmd: &RemotingCommand) {
    let mut out = BytesMut::new();
    if codec::encode(cmd, &mut out).is_err() {
        return; // too large to send back: refused, not a bug
    }
    let again = codec::decode(&mut out)
        .expect("a frame we encoded decodes")
        .expect("a frame we encoded is complete");
    assert_eq!(again.code, cmd.code);
    assert_eq!(again.opaque, cmd.opaque);
    assert_eq!(again.flag, cmd.flag);
    assert_eq!(again.ext_fields, cmd.ext_fields);
    assert_eq!(
        again.body.as_deref().unwrap_or_default(),
        cmd.body.as_deref().unwrap_or_default()
    );
}

/// Every typed request (and response) header, read from the ext fields of a
/// frame — or, when the bytes are not a frame, from `key=value` lines, which
/// lets the fuzzer reach the field parsers without building frames.
pub fn request_headers(data: &[u8]) {
    let cmd = match codec::decode_frame(Bytes::copy_from_slice(data)) {
        Ok(cmd) => cmd,
        Err(_) => {
            let mut cmd = RemotingCommand::default();
            for line in String::from_utf8_lossy(data).split('\n') {
                let (k, v) = line.split_once('=').unwrap_or((line, ""));
                cmd.ext_fields.insert(k.to_owned(), v.to_owned());
            }
            cmd
        }
    };
    macro_rules! try_all {
        ($($h:ty),* $(,)?) => {
            $( let _ = cmd.decode_header::<$h>(); )*
        };
    }
    try_all!(
        GetTopicStatsInfoRequestHeader,
        GetConsumeStatsRequestHeader,
        CreateTopicRequestHeader,
        DeleteTopicRequestHeader,
        GetAllTopicConfigRequestHeader,
        GetAllTopicConfigResponseHeader,
        GetTopicConfigRequestHeader,
        DeleteSubscriptionGroupRequestHeader,
        GetBrokerConfigResponseHeader,
        QueryTopicConsumeByWhoRequestHeader,
        GetConsumerStatusRequestHeader,
        UnregisterClientRequestHeader,
        GetConsumerListByGroupRequestHeader,
        NotifyConsumerIdsChangedRequestHeader,
        ConsumerSendMsgBackRequestHeader,
        GetConsumerConnectionListRequestHeader,
        GetConsumerRunningInfoRequestHeader,
        RegisterBrokerRequestHeader,
        RegisterBrokerResponseHeader,
        UnRegisterBrokerRequestHeader,
        GetRouteInfoRequestHeader,
        QueryDataVersionRequestHeader,
        QueryDataVersionResponseHeader,
        BrokerHeartbeatRequestHeader,
        PutKVConfigRequestHeader,
        GetKVConfigRequestHeader,
        GetKVConfigResponseHeader,
        DeleteKVConfigRequestHeader,
        GetKVListByNamespaceRequestHeader,
        WipeWritePermOfBrokerRequestHeader,
        WipeWritePermOfBrokerResponseHeader,
        AddWritePermOfBrokerRequestHeader,
        AddWritePermOfBrokerResponseHeader,
        DeleteTopicFromNamesrvRequestHeader,
        RegisterTopicRequestHeader,
        GetTopicsByClusterRequestHeader,
        QueryConsumerOffsetRequestHeader,
        QueryConsumerOffsetResponseHeader,
        UpdateConsumerOffsetRequestHeader,
        GetMaxOffsetRequestHeader,
        GetMaxOffsetResponseHeader,
        GetMinOffsetRequestHeader,
        GetMinOffsetResponseHeader,
        SearchOffsetRequestHeader,
        SearchOffsetResponseHeader,
        GetEarliestMsgStoretimeRequestHeader,
        GetEarliestMsgStoretimeResponseHeader,
        ResetOffsetRequestHeader,
        PullMessageRequestHeader,
        PullMessageResponseHeader,
        QueryMessageRequestHeader,
        QueryMessageResponseHeader,
        ViewMessageRequestHeader,
        SendMessageRequestHeader,
        SendMessageRequestHeaderV2,
        SendMessageResponseHeader,
        ReplyMessageRequestHeader,
        EndTransactionRequestHeader,
        CheckTransactionStateRequestHeader,
    );
    // V2 headers are read through V1 by the send processor.
    if let Ok(v2) = cmd.decode_header::<SendMessageRequestHeaderV2>() {
        let _ = SendMessageRequestHeader::from(v2);
    }
}

/// One CommitLog record as recovery, the dispatcher and a pulling client
/// read it; also a pull body of several records.
pub fn commit_log_record(data: &[u8]) {
    let levels = parse_delay_levels("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h");
    let _ = check_message_and_return_size(data, true, &levels);
    if let Ok(view) = message_decoder::parse_record(data) {
        let _ = view.verify_crc();
        let _ = view.properties_str();
        let _ = view.topic_str();
    }
    let bytes = Bytes::copy_from_slice(data);
    let _ = message_decoder::decode(&bytes, true, true);
    let _ = message_decoder::decodes_batch(&bytes, true, true);
}

/// A SEND_BATCH_MESSAGE body.
pub fn batch_body(data: &[u8]) {
    for entry in batch_entries(data) {
        if entry.is_err() {
            break;
        }
    }
    let _ = decode_messages(&Bytes::copy_from_slice(data));
}

/// The fastjson-compatible reader (unquoted keys, integer keys, single
/// quotes…) into generic JSON and into a few typed bodies.
pub fn fastjson_reader(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = fastjson::normalize(text);
    }
    let _ = fastjson::from_slice::<serde_json::Value>(data);
    let _ = TopicList::decode(data);
    let _ = LockBatchRequestBody::decode(data);
}

/// Route data, heartbeats, broker registrations (plain and compressed) and
/// cluster info — the JSON bodies that cross between roles.
pub fn route_and_heartbeat(data: &[u8]) {
    let _ = TopicRouteData::decode(data);
    let _ = HeartbeatData::decode(data);
    let _ = ClusterInfo::decode(data);
    let _ = RegisterBrokerBody::decode(data, false, 0);
    let _ = RegisterBrokerBody::decode(data, true, 0);
}

/// A `broker.conf`, applied to both configs the way `mqbroker -c` does.
pub fn broker_conf(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let file = PropertiesFile::parse(&text);
    let mut broker = BrokerConfig::default();
    let mut store = MessageStoreConfig::default();
    for (key, value) in &file.entries {
        if let Ok(true) = broker.set_property(key, value) {
            continue;
        }
        let _ = store.set_property(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_takes_empty_and_odd_input() {
        for t in TARGETS {
            run(t, b"");
            run(t, &[0xFF; 64]);
            run(t, b"{\"a\":[1,2,{\"b\":null}]}");
        }
    }
}

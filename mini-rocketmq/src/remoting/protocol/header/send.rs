//! Send headers — Java `SendMessageRequestHeader`, `SendMessageRequestHeaderV2`,
//! `SendMessageResponseHeader` and `ReplyMessageRequestHeader` (Java `SendMessageRequestHeader`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/SendMessageRequestHeader.java`).
//!
//! SEND_MESSAGE (10) carries the long field names. SEND_MESSAGE_V2 (310) and
//! SEND_BATCH_MESSAGE (320) carry the same fields under one-letter keys — a
//! send is the hottest request there is, and the short keys save about 150
//! bytes per message. The broker turns V2 back into V1 first
//! ([`SendMessageRequestHeader::from`]) so the rest of the send path sees one
//! shape; [`decode_send_message_request_header`] picks by request code.

use crate::command_custom_header;
use crate::remoting::code::request_code;
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::RemotingError;

command_custom_header! {
    /// SEND_MESSAGE (10), and the V1 form of every send after conversion.
    pub struct SendMessageRequestHeader {
        ! producer_group: String = "producerGroup",
        ! topic: String = "topic",
        /// Normally `TBW102`, the topic whose config seeds an auto-created one.
        ! default_topic: String = "defaultTopic",
        ! default_topic_queue_nums: i32 = "defaultTopicQueueNums",
        /// Negative: the broker picks a queue.
        ! queue_id: i32 = "queueId",
        /// MessageSysFlag bits (Java `MessageSysFlag`, `common/src/main/java/org/apache/rocketmq/common/sysflag/MessageSysFlag.java`).
        ! sys_flag: i32 = "sysFlag",
        ! born_timestamp: i64 = "bornTimestamp",
        /// The user's message flag.
        ! flag: i32 = "flag",
        /// Properties in `\u0001`/`\u0002` encoding (Java `MessageDecoder#messageProperties2String`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`).
        ? properties: String = "properties",
        ? reconsume_times: i32 = "reconsumeTimes",
        ? unit_mode: bool = "unitMode",
        ? batch: bool = "batch",
        ? max_reconsume_times: i32 = "maxReconsumeTimes",
        /// `RpcRequestHeader.bname`: the broker the client meant.
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): V1 with short keys.
    pub struct SendMessageRequestHeaderV2 {
        /// producerGroup
        ! a: String = "a",
        /// topic
        ! b: String = "b",
        /// defaultTopic
        ! c: String = "c",
        /// defaultTopicQueueNums
        ! d: i32 = "d",
        /// queueId
        ! e: i32 = "e",
        /// sysFlag
        ! f: i32 = "f",
        /// bornTimestamp
        ! g: i64 = "g",
        /// flag
        ! h: i32 = "h",
        /// properties
        ? i: String = "i",
        /// reconsumeTimes
        ? j: i32 = "j",
        /// unitMode
        ? k: bool = "k",
        /// maxReconsumeTimes
        ? l: i32 = "l",
        /// batch
        ? m: bool = "m",
        /// brokerName
        ? n: String = "n",
    }
}

/// Java `SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1`.
impl From<SendMessageRequestHeaderV2> for SendMessageRequestHeader {
    fn from(v2: SendMessageRequestHeaderV2) -> Self {
        SendMessageRequestHeader {
            producer_group: v2.a,
            topic: v2.b,
            default_topic: v2.c,
            default_topic_queue_nums: v2.d,
            queue_id: v2.e,
            sys_flag: v2.f,
            born_timestamp: v2.g,
            flag: v2.h,
            properties: v2.i,
            reconsume_times: v2.j,
            unit_mode: v2.k,
            max_reconsume_times: v2.l,
            batch: v2.m,
            broker_name: v2.n,
        }
    }
}

/// Java `SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2`.
impl From<SendMessageRequestHeader> for SendMessageRequestHeaderV2 {
    fn from(v1: SendMessageRequestHeader) -> Self {
        SendMessageRequestHeaderV2 {
            a: v1.producer_group,
            b: v1.topic,
            c: v1.default_topic,
            d: v1.default_topic_queue_nums,
            e: v1.queue_id,
            f: v1.sys_flag,
            g: v1.born_timestamp,
            h: v1.flag,
            i: v1.properties,
            j: v1.reconsume_times,
            k: v1.unit_mode,
            l: v1.max_reconsume_times,
            m: v1.batch,
            n: v1.broker_name,
        }
    }
}

/// Java `AbstractSendMessageProcessor#parseRequestHeader`: the V1 header of
/// any send request, whichever form it arrived in.
pub fn decode_send_message_request_header(
    request: &RemotingCommand,
) -> Result<SendMessageRequestHeader, RemotingError> {
    match request.code {
        request_code::SEND_MESSAGE_V2
        | request_code::SEND_BATCH_MESSAGE
        | request_code::SEND_REPLY_MESSAGE_V2 => request
            .decode_header::<SendMessageRequestHeaderV2>()
            .map(SendMessageRequestHeader::from),
        _ => request.decode_header::<SendMessageRequestHeader>(),
    }
}

command_custom_header! {
    /// The response to every send.
    pub struct SendMessageResponseHeader {
        /// The offset message id (Java `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`); comma-joined for a batch.
        ! msg_id: String = "msgId",
        ! queue_id: i32 = "queueId",
        ! queue_offset: i64 = "queueOffset",
        /// The message's UNIQ_KEY.
        ? transaction_id: String = "transactionId",
        ? batch_uniq_id: String = "batchUniqId",
        ? recall_handle: String = "recallHandle",
    }
}

command_custom_header! {
    /// SEND_REPLY_MESSAGE (324): a send whose message is a reply to a request.
    pub struct ReplyMessageRequestHeader {
        ! producer_group: String = "producerGroup",
        ! topic: String = "topic",
        ! default_topic: String = "defaultTopic",
        ! default_topic_queue_nums: i32 = "defaultTopicQueueNums",
        ! queue_id: i32 = "queueId",
        ! sys_flag: i32 = "sysFlag",
        ! born_timestamp: i64 = "bornTimestamp",
        ! flag: i32 = "flag",
        ? properties: String = "properties",
        ? reconsume_times: i32 = "reconsumeTimes",
        ? unit_mode: bool = "unitMode" or false,
        ! born_host: String = "bornHost",
        ! store_host: String = "storeHost",
        ! store_timestamp: i64 = "storeTimestamp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::protocol::header::CommandCustomHeader;

    fn v1() -> SendMessageRequestHeader {
        SendMessageRequestHeader {
            producer_group: "pg".into(),
            topic: "TopicTest".into(),
            default_topic: "TBW102".into(),
            default_topic_queue_nums: 4,
            queue_id: 2,
            sys_flag: 0,
            born_timestamp: 1_700_000_000_000,
            flag: 0,
            properties: Some("TAGS\u{1}TagA\u{2}".into()),
            reconsume_times: Some(0),
            unit_mode: Some(false),
            batch: Some(false),
            max_reconsume_times: None,
            broker_name: Some("broker-a".into()),
        }
    }

    #[test]
    fn v2_uses_short_keys_and_converts_to_v1() {
        let v2 = SendMessageRequestHeaderV2::from(v1());
        let req = RemotingCommand::new_request_with_header(request_code::SEND_MESSAGE_V2, &v2);
        assert_eq!(req.ext("a"), Some("pg"));
        assert_eq!(req.ext("e"), Some("2"));
        assert_eq!(req.ext("g"), Some("1700000000000"));
        assert_eq!(req.ext("n"), Some("broker-a"));
        assert_eq!(req.ext("l"), None);
        assert_eq!(req.ext("topic"), None);
        assert_eq!(decode_send_message_request_header(&req).unwrap(), v1());
    }

    #[test]
    fn v1_uses_long_keys_and_bname() {
        let req = RemotingCommand::new_request_with_header(request_code::SEND_MESSAGE, &v1());
        assert_eq!(req.ext("producerGroup"), Some("pg"));
        assert_eq!(req.ext("defaultTopicQueueNums"), Some("4"));
        assert_eq!(req.ext("bname"), Some("broker-a"));
        assert_eq!(decode_send_message_request_header(&req).unwrap(), v1());
    }

    #[test]
    fn v2_missing_required_key_names_it() {
        let mut req = RemotingCommand::new_request_with_header(
            request_code::SEND_BATCH_MESSAGE,
            &SendMessageRequestHeaderV2::from(v1()),
        );
        req.ext_fields.remove("b");
        let err = decode_send_message_request_header(&req).unwrap_err();
        assert_eq!(err.to_string(), "the custom field <b> is null");
    }

    #[test]
    fn response_round_trip() {
        let h = SendMessageResponseHeader {
            msg_id: "7F00000100002A9F0000000000000000".into(),
            queue_id: 1,
            queue_offset: 9,
            transaction_id: Some("UNIQ".into()),
            batch_uniq_id: None,
            recall_handle: None,
        };
        let mut ext = std::collections::HashMap::new();
        h.write_ext_fields(&mut ext);
        assert_eq!(ext.len(), 4);
        assert_eq!(SendMessageResponseHeader::read_ext_fields(&ext).unwrap(), h);
    }
}

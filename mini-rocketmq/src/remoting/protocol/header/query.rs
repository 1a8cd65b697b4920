//! Message query headers — Java `QueryMessage*` and `ViewMessage*` (Java `QueryMessageRequestHeader`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/QueryMessageRequestHeader.java`).

use crate::command_custom_header;

/// The extField that turns QUERY_MESSAGE into a lookup by UNIQ_KEY
/// (Java `MixAll.UNIQUE_MSG_QUERY_FLAG`).
pub const UNIQUE_MSG_QUERY_FLAG: &str = "_UNIQUE_KEY_QUERY";

command_custom_header! {
    /// QUERY_MESSAGE (12): messages by key within a time range, via the index.
    pub struct QueryMessageRequestHeader {
        ! topic: String = "topic",
        ! key: String = "key",
        ! max_num: i32 = "maxNum",
        ! begin_timestamp: i64 = "beginTimestamp",
        ! end_timestamp: i64 = "endTimestamp",
    }
}

command_custom_header! {
    /// The response to QUERY_MESSAGE; the body is the raw messages.
    pub struct QueryMessageResponseHeader {
        ! index_last_update_timestamp: i64 = "indexLastUpdateTimestamp",
        ! index_last_update_phyoffset: i64 = "indexLastUpdatePhyoffset",
    }
}

command_custom_header! {
    /// VIEW_MESSAGE_BY_ID (33): one message by CommitLog offset (decoded from
    /// an offset message id); the response body is the raw record.
    pub struct ViewMessageRequestHeader {
        ? topic: String = "topic",
        ! offset: i64 = "offset",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::command::RemotingCommand;

    #[test]
    fn view_message_needs_only_the_offset() {
        let h: ViewMessageRequestHeader = RemotingCommand::new_request(33)
            .with_ext("offset", "4096")
            .decode_header()
            .unwrap();
        assert_eq!((h.topic, h.offset), (None, 4096));
    }
}

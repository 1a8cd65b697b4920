//! `ResetOffsetBody`: new offsets of a consumer group, queue by queue.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.body.ResetOffsetBody`. The
//! broker sends it to every online member of a group with
//! RESET_CONSUMER_CLIENT_OFFSET (220) after `mqadmin resetOffsetByTime`, and
//! returns it as the answer to INVOKE_BROKER_TO_RESET_OFFSET (222). A
//! `Map<MessageQueue, Long>`, so fastjson writes objects as keys:
//!
//! ```text
//! {"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:17}}
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::message_queue::MessageQueue;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResetOffsetBody {
    #[serde(with = "fastjson::object_key_map")]
    pub offset_table: BTreeMap<MessageQueue, i64>,
}

impl ResetOffsetBody {
    pub fn encode(&self) -> Vec<u8> {
        fastjson::to_vec(self, JsonStyle::Fastjson).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FastjsonError> {
        fastjson::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut b = ResetOffsetBody::default();
        b.offset_table.insert(MessageQueue::new("T", "b", 0), 17);
        let bytes = b.encode();
        assert!(String::from_utf8_lossy(&bytes).starts_with(r#"{"offsetTable":{{"#));
        assert_eq!(ResetOffsetBody::decode(&bytes).unwrap(), b);
    }
}

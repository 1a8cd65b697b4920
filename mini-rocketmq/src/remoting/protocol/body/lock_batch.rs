//! Bodies of LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42).
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.body.{LockBatchRequestBody,
//! LockBatchResponseBody, UnlockBatchRequestBody}`. An orderly consumer locks
//! the queues it was assigned on their broker before consuming them, so that
//! two members of a group never consume one queue at the same time during a
//! rebalance (Java `LockBatchRequestBody`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/body/LockBatchRequestBody.java`; the broker side is `broker::rebalance_lock_manager`).
//!
//! ```text
//! request:  {"clientId":"c1","consumerGroup":"cg","mqSet":[{"brokerName":"b","queueId":0,"topic":"T"}],
//!            "onlyThisBroker":false}
//! response: {"lockOKMQSet":[{"brokerName":"b","queueId":0,"topic":"T"}]}
//! ```
//!
//! The same request shape serves UNLOCK_BATCH_MQ; it has no response body.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};
use crate::common::message_queue::MessageQueue;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LockBatchRequestBody {
    pub client_id: String,
    pub consumer_group: String,
    pub mq_set: BTreeSet<MessageQueue>,
    pub only_this_broker: bool,
}

/// UNLOCK_BATCH_MQ carries the same fields.
pub type UnlockBatchRequestBody = LockBatchRequestBody;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockBatchResponseBody {
    #[serde(rename = "lockOKMQSet", default)]
    pub lock_ok_mq_set: BTreeSet<MessageQueue>,
}

impl LockBatchRequestBody {
    pub fn encode(&self) -> Vec<u8> {
        fastjson::to_vec(self, JsonStyle::Fastjson).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FastjsonError> {
        fastjson::from_slice(bytes)
    }
}

impl LockBatchResponseBody {
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
    fn java_names() {
        let req = LockBatchRequestBody::decode(
            br#"{"clientId":"c1","consumerGroup":"cg","mqSet":[{"brokerName":"b","queueId":0,"topic":"T"}],"onlyThisBroker":false}"#,
        )
        .unwrap();
        assert_eq!(req.mq_set.len(), 1);
        let resp = LockBatchResponseBody {
            lock_ok_mq_set: req.mq_set.clone(),
        };
        let text = String::from_utf8(resp.encode()).unwrap();
        assert!(text.starts_with(r#"{"lockOKMQSet":[{"#), "{text}");
    }
}

//! Custom headers of PULL_MESSAGE — mirror `PullMessageRequestHeader` and
//! `PullMessageResponseHeader` of `org.apache.rocketmq.remoting.protocol.header`.

use std::collections::HashMap;

use crate::remoting::command::{CommandCustomHeader, required, required_parsed};
use crate::remoting::error::RemotingError;

/// Header of PULL_MESSAGE (11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullMessageRequestHeader {
    pub consumer_group: String,
    pub topic: String,
    pub queue_id: i32,
    /// The queue offset to read from.
    pub queue_offset: i64,
    /// At most this many messages (a push consumer asks for 32).
    pub max_msg_nums: i32,
    /// `PullSysFlag` bits: COMMIT_OFFSET 1, SUSPEND 2, SUBSCRIPTION 4.
    pub sys_flag: i32,
    /// The consumer's progress in this queue, stored when COMMIT_OFFSET is set.
    pub commit_offset: i64,
    /// How long the broker may hold the request (chapter 06).
    pub suspend_timeout_millis: i64,
    /// `*` or `TagA || TagB`, read when SUBSCRIPTION is set.
    pub subscription: Option<String>,
    pub sub_version: i64,
    /// `TAG` (or `SQL92`, chapter 22).
    pub expression_type: Option<String>,
}

impl CommandCustomHeader for PullMessageRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::from([
            ("consumerGroup".to_string(), self.consumer_group.clone()),
            ("topic".to_string(), self.topic.clone()),
            ("queueId".to_string(), self.queue_id.to_string()),
            ("queueOffset".to_string(), self.queue_offset.to_string()),
            ("maxMsgNums".to_string(), self.max_msg_nums.to_string()),
            ("sysFlag".to_string(), self.sys_flag.to_string()),
            ("commitOffset".to_string(), self.commit_offset.to_string()),
            ("suspendTimeoutMillis".to_string(), self.suspend_timeout_millis.to_string()),
            ("subVersion".to_string(), self.sub_version.to_string()),
        ]);
        if let Some(subscription) = &self.subscription {
            ext.insert("subscription".to_string(), subscription.clone());
        }
        if let Some(expression_type) = &self.expression_type {
            ext.insert("expressionType".to_string(), expression_type.clone());
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(PullMessageRequestHeader {
            consumer_group: required(ext, "consumerGroup")?,
            topic: required(ext, "topic")?,
            queue_id: required_parsed(ext, "queueId")?,
            queue_offset: required_parsed(ext, "queueOffset")?,
            max_msg_nums: required_parsed(ext, "maxMsgNums")?,
            sys_flag: required_parsed(ext, "sysFlag")?,
            commit_offset: required_parsed(ext, "commitOffset")?,
            suspend_timeout_millis: required_parsed(ext, "suspendTimeoutMillis")?,
            subscription: ext.get("subscription").cloned(),
            sub_version: required_parsed(ext, "subVersion")?,
            expression_type: ext.get("expressionType").cloned(),
        })
    }
}

/// Header of the PULL_MESSAGE response; the remark is the status's name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullMessageResponseHeader {
    /// Which broker of the replica set to pull from next: 0, the master.
    pub suggest_which_broker_id: i64,
    pub next_begin_offset: i64,
    pub min_offset: i64,
    pub max_offset: i64,
}

impl CommandCustomHeader for PullMessageResponseHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        HashMap::from([
            ("suggestWhichBrokerId".to_string(), self.suggest_which_broker_id.to_string()),
            ("nextBeginOffset".to_string(), self.next_begin_offset.to_string()),
            ("minOffset".to_string(), self.min_offset.to_string()),
            ("maxOffset".to_string(), self.max_offset.to_string()),
        ])
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(PullMessageResponseHeader {
            suggest_which_broker_id: required_parsed(ext, "suggestWhichBrokerId")?,
            next_begin_offset: required_parsed(ext, "nextBeginOffset")?,
            min_offset: required_parsed(ext, "minOffset")?,
            max_offset: required_parsed(ext, "maxOffset")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_header_round_trips() {
        let header = PullMessageRequestHeader {
            consumer_group: "G".into(),
            topic: "T".into(),
            queue_id: 1,
            queue_offset: 7,
            max_msg_nums: 32,
            sys_flag: 5,
            commit_offset: 3,
            suspend_timeout_millis: 15_000,
            subscription: Some("TagA".into()),
            sub_version: 0,
            expression_type: Some("TAG".into()),
        };
        let back = PullMessageRequestHeader::from_ext_fields(&header.to_ext_fields()).unwrap();
        assert_eq!(back, header);
    }
}

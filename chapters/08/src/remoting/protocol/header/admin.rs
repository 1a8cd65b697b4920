//! Custom header of the admin request this chapter handles — mirrors
//! `org.apache.rocketmq.remoting.protocol.header.CreateTopicRequestHeader`.

use std::collections::HashMap;

use crate::remoting::command::{CommandCustomHeader, optional_parsed, required, required_parsed};
use crate::remoting::error::RemotingError;

/// Header of UPDATE_AND_CREATE_TOPIC (17): `mqadmin updateTopic` creating or
/// changing one topic on one broker. Java also carries `attributes` and
/// `force`, which the workbook does not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTopicRequestHeader {
    pub topic: String,
    /// The template topic, `TBW102`; kept for old brokers, unused by new ones.
    pub default_topic: String,
    pub read_queue_nums: i32,
    pub write_queue_nums: i32,
    /// `PermName` bits: READ 4, WRITE 2, INHERIT 1.
    pub perm: i32,
    /// `SINGLE_TAG` (always, in practice) or `MULTI_TAG`.
    pub topic_filter_type: String,
    pub topic_sys_flag: Option<i32>,
    pub order: bool,
}

impl CommandCustomHeader for CreateTopicRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::from([
            ("topic".to_string(), self.topic.clone()),
            ("defaultTopic".to_string(), self.default_topic.clone()),
            ("readQueueNums".to_string(), self.read_queue_nums.to_string()),
            ("writeQueueNums".to_string(), self.write_queue_nums.to_string()),
            ("perm".to_string(), self.perm.to_string()),
            ("topicFilterType".to_string(), self.topic_filter_type.clone()),
            ("order".to_string(), self.order.to_string()),
        ]);
        if let Some(flag) = self.topic_sys_flag {
            ext.insert("topicSysFlag".to_string(), flag.to_string());
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(CreateTopicRequestHeader {
            topic: required(ext, "topic")?,
            default_topic: required(ext, "defaultTopic")?,
            read_queue_nums: required_parsed(ext, "readQueueNums")?,
            write_queue_nums: required_parsed(ext, "writeQueueNums")?,
            perm: required_parsed(ext, "perm")?,
            topic_filter_type: required(ext, "topicFilterType")?,
            topic_sys_flag: optional_parsed(ext, "topicSysFlag")?,
            order: optional_parsed(ext, "order")?.unwrap_or(false),
        })
    }
}

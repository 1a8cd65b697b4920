//! Custom headers of the consumer-offset requests — mirror
//! `UpdateConsumerOffsetRequestHeader`, `QueryConsumerOffsetRequestHeader`
//! and `QueryConsumerOffsetResponseHeader`.

use std::collections::HashMap;

use crate::remoting::command::{CommandCustomHeader, optional_parsed, required, required_parsed};
use crate::remoting::error::RemotingError;

/// Header of UPDATE_CONSUMER_OFFSET (15): "group G has consumed queue Q of
/// topic T up to (not including) `commitOffset`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateConsumerOffsetRequestHeader {
    pub consumer_group: String,
    pub topic: String,
    pub queue_id: i32,
    pub commit_offset: i64,
}

impl CommandCustomHeader for UpdateConsumerOffsetRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        HashMap::from([
            ("consumerGroup".to_string(), self.consumer_group.clone()),
            ("topic".to_string(), self.topic.clone()),
            ("queueId".to_string(), self.queue_id.to_string()),
            ("commitOffset".to_string(), self.commit_offset.to_string()),
        ])
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(UpdateConsumerOffsetRequestHeader {
            consumer_group: required(ext, "consumerGroup")?,
            topic: required(ext, "topic")?,
            queue_id: required_parsed(ext, "queueId")?,
            commit_offset: required_parsed(ext, "commitOffset")?,
        })
    }
}

/// Header of QUERY_CONSUMER_OFFSET (14): where should group G resume?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryConsumerOffsetRequestHeader {
    pub consumer_group: String,
    pub topic: String,
    pub queue_id: i32,
    /// Answer 0 rather than QUERY_NOT_FOUND for a group with no offset yet.
    pub set_zero_if_not_found: Option<bool>,
}

impl CommandCustomHeader for QueryConsumerOffsetRequestHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        let mut ext = HashMap::from([
            ("consumerGroup".to_string(), self.consumer_group.clone()),
            ("topic".to_string(), self.topic.clone()),
            ("queueId".to_string(), self.queue_id.to_string()),
        ]);
        if let Some(flag) = self.set_zero_if_not_found {
            ext.insert("setZeroIfNotFound".to_string(), flag.to_string());
        }
        ext
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(QueryConsumerOffsetRequestHeader {
            consumer_group: required(ext, "consumerGroup")?,
            topic: required(ext, "topic")?,
            queue_id: required_parsed(ext, "queueId")?,
            set_zero_if_not_found: optional_parsed(ext, "setZeroIfNotFound")?,
        })
    }
}

/// Header of the QUERY_CONSUMER_OFFSET response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryConsumerOffsetResponseHeader {
    pub offset: i64,
}

impl CommandCustomHeader for QueryConsumerOffsetResponseHeader {
    fn to_ext_fields(&self) -> HashMap<String, String> {
        HashMap::from([("offset".to_string(), self.offset.to_string())])
    }

    fn from_ext_fields(ext: &HashMap<String, String>) -> Result<Self, RemotingError> {
        Ok(QueryConsumerOffsetResponseHeader {
            offset: required_parsed(ext, "offset")?,
        })
    }
}

//! `GetConsumerListByGroupResponseBody`: the body of GET_CONSUMER_LIST_BY_GROUP (38).
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.header.GetConsumerListByGroupResponseBody`.
//! A consumer asks for its group's member ids before every rebalance and
//! allocates queues over the sorted list, so every member computes the same
//! split without talking to the others:
//!
//! ```text
//! {"consumerIdList":["10.0.0.5@123","10.0.0.6@456"]}
//! ```

use serde::{Deserialize, Serialize};

use crate::common::fastjson::{self, FastjsonError, JsonStyle};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GetConsumerListByGroupResponseBody {
    pub consumer_id_list: Vec<String>,
}

impl GetConsumerListByGroupResponseBody {
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
    fn shape() {
        let b = GetConsumerListByGroupResponseBody {
            consumer_id_list: vec!["a".into(), "b".into()],
        };
        assert_eq!(b.encode(), br#"{"consumerIdList":["a","b"]}"#);
    }
}

//! The three enums a consumer announces in its heartbeat — Java
//! `MessageModel`, `ConsumeFromWhere` and `ConsumeType`.
//!
//! On the wire (`HeartbeatData`, Java `MessageModel`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/heartbeat/MessageModel.java`) they are their Java constant
//! names as strings, and the broker's body type keeps them as strings so that
//! it accepts values other clients send. A *user* of our client, though,
//! should not be able to misspell `CLUSTERING`; so the client API takes these
//! enums and converts with `as_str` when it writes a heartbeat.

use std::fmt;

use crate::remoting::protocol::body::heartbeat_data;

/// Java `MessageModel`: who gets a message of the group's topic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum MessageModel {
    /// Every member of the group gets every message; each member keeps its
    /// own offsets in a local file.
    Broadcasting,
    /// Each message goes to one member; the group's offsets live on the
    /// broker. The default.
    #[default]
    Clustering,
}

impl MessageModel {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageModel::Broadcasting => heartbeat_data::BROADCASTING,
            MessageModel::Clustering => heartbeat_data::CLUSTERING,
        }
    }
}

/// Java `ConsumeFromWhere`: where a group starts on a queue it has **no
/// committed offset for**. Once an offset is committed it always wins; these
/// only decide the very first start (a common surprise for new users).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ConsumeFromWhere {
    /// Start at the end: only messages sent from now on. The default.
    #[default]
    ConsumeFromLastOffset,
    /// Start at the oldest message still stored.
    ConsumeFromFirstOffset,
    /// Start at the first message stored at or after
    /// `consume_timestamp` (`yyyyMMddHHmmss`).
    ConsumeFromTimestamp,
}

impl ConsumeFromWhere {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumeFromWhere::ConsumeFromLastOffset => "CONSUME_FROM_LAST_OFFSET",
            ConsumeFromWhere::ConsumeFromFirstOffset => "CONSUME_FROM_FIRST_OFFSET",
            ConsumeFromWhere::ConsumeFromTimestamp => "CONSUME_FROM_TIMESTAMP",
        }
    }
}

/// Java `ConsumeType`: push consumers are "passive" (messages are delivered
/// to a listener), pull consumers "active" (the application asks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsumeType {
    ConsumeActively,
    ConsumePassively,
}

impl ConsumeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumeType::ConsumeActively => heartbeat_data::CONSUME_ACTIVELY,
            ConsumeType::ConsumePassively => heartbeat_data::CONSUME_PASSIVELY,
        }
    }
}

impl fmt::Display for MessageModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ConsumeFromWhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

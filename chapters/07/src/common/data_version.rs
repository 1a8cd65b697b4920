//! `DataVersion` — mirrors `org.apache.rocketmq.remoting.protocol.DataVersion`.
//!
//! A broker stamps its set of topic configs with a version and bumps it on
//! every change. The broker re-sends *all* its topics to every name server on
//! every registration, but the name server only rebuilds its queue data when
//! the version differs from the one it holds: a cheap "did anything change?"
//! that spares the write path of the busiest table.
//!
//! On the wire it is `{"counter":N,"stateVersion":0,"timestamp":ms}`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataVersion {
    /// Bumped on every change.
    pub counter: i64,
    /// Used by the controller-mode HA of RocketMQ 5; always 0 here.
    pub state_version: i64,
    /// Java writes `System.currentTimeMillis()` here on every change. The
    /// workbook keeps wall-clock time out of everything it prints, and the
    /// counter alone already makes two versions differ, so we leave it at 0.
    pub timestamp: i64,
}

impl DataVersion {
    /// `DataVersion#nextVersion`: the topic configs changed.
    pub fn next_version(&mut self) {
        self.counter += 1;
    }
}

//! `DataVersion`: the version stamp of a broker's topic table.
//!
//! Mirrors `org.apache.rocketmq.remoting.protocol.DataVersion`. A broker bumps
//! its `DataVersion` every time its topic configs change and sends it with every
//! REGISTER_BROKER. The name server keeps the last one it saw per broker address
//! (`BrokerLiveInfo.dataVersion`) and rebuilds that broker's queue data only
//! when the stamp differs — that is what makes a 30-second re-registration
//! of thousands of topics cheap.
//!
//! On the wire it is plain JSON, keys in fastjson's alphabetical order:
//! `{"counter":3,"stateVersion":0,"timestamp":1700000000000}`. Java keeps
//! `counter` in an `AtomicLong`; fastjson writes that as a plain number, so
//! an `i64` here reads and writes the same text.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// A version stamp: `(stateVersion, counter, timestamp)`.
///
/// Two stamps are equal only when all three fields are equal (Java's
/// `equals`). Field order here is alphabetical so that serde writes the keys
/// in the same order fastjson does.
///
/// `Default` is the all-zero stamp, which is what the Java name server
/// substitutes when a REGISTER_BROKER arrives without a body. Use
/// [`DataVersion::new`] for a fresh stamp carrying the current time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DataVersion {
    pub counter: i64,
    pub state_version: i64,
    pub timestamp: i64,
}

impl DataVersion {
    /// A fresh stamp: counter 0, state version 0, timestamp = now (ms), as
    /// Java's constructor does.
    pub fn new() -> Self {
        DataVersion {
            counter: 0,
            state_version: 0,
            timestamp: current_time_millis(),
        }
    }

    /// Java `nextVersion()`: bump the counter, reset the state version to 0
    /// and take the current time.
    pub fn next_version(&mut self) {
        self.next_version_with_state(0);
    }

    /// Java `nextVersion(stateVersion)`: used by controller-mode brokers,
    /// whose state version is their epoch.
    pub fn next_version_with_state(&mut self, state_version: i64) {
        self.timestamp = current_time_millis();
        self.state_version = state_version;
        self.counter += 1;
    }

    /// Java `assignNewOne`: copy another stamp into this one.
    pub fn assign_new_one(&mut self, other: &DataVersion) {
        *self = *other;
    }

    /// Java `compare`: state version first, then counter, then timestamp.
    /// (Not `Ord`, because equality above is field-wise and this order is a
    /// separate, RocketMQ-specific notion of "newer".)
    pub fn compare(&self, other: &DataVersion) -> Ordering {
        self.state_version
            .cmp(&other.state_version)
            .then(self.counter.cmp(&other.counter))
            .then(self.timestamp.cmp(&other.timestamp))
    }

    /// The JSON bytes of this stamp (RocketMQ's `encode()`).
    pub fn encode(&self) -> Vec<u8> {
        // Serializing three integers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parse a stamp from JSON bytes; missing fields become 0.
    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// Milliseconds since the Unix epoch (Java `System.currentTimeMillis()`).
pub use crate::common::system_clock::now_millis as current_time_millis;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_uses_rocketmq_names_in_fastjson_order() {
        let v = DataVersion {
            counter: 3,
            state_version: 0,
            timestamp: 1_700_000_000_000,
        };
        assert_eq!(
            String::from_utf8(v.encode()).unwrap(),
            r#"{"counter":3,"stateVersion":0,"timestamp":1700000000000}"#
        );
        assert_eq!(DataVersion::decode(&v.encode()).unwrap(), v);
    }

    #[test]
    fn missing_fields_read_as_zero() {
        let v = DataVersion::decode(br#"{"counter":7}"#).unwrap();
        assert_eq!(v.counter, 7);
        assert_eq!(v.state_version, 0);
        assert_eq!(v.timestamp, 0);
    }

    #[test]
    fn next_version_bumps_counter_and_resets_state() {
        let mut v = DataVersion {
            counter: 1,
            state_version: 9,
            timestamp: 0,
        };
        v.next_version();
        assert_eq!(v.counter, 2);
        assert_eq!(v.state_version, 0);
        assert!(v.timestamp > 0);
    }

    #[test]
    fn compare_orders_state_then_counter_then_time() {
        let a = DataVersion {
            counter: 5,
            state_version: 1,
            timestamp: 0,
        };
        let b = DataVersion {
            counter: 9,
            state_version: 0,
            timestamp: 9,
        };
        assert_eq!(a.compare(&b), Ordering::Greater);
        let c = DataVersion {
            counter: 5,
            state_version: 1,
            timestamp: 1,
        };
        assert_eq!(a.compare(&c), Ordering::Less);
        assert_ne!(a, c);
    }
}

//! The wall clock — Java `System.currentTimeMillis()`, which RocketMQ also
//! wraps as `SystemClock#now`
//! (`common/src/main/java/org/apache/rocketmq/common/SystemClock.java`).
//!
//! Every timestamp on the wire and on disk (born and store times, data
//! versions, subscription versions, message-id time windows) is Unix
//! milliseconds read here; this is the one place the crate reads the wall
//! clock in milliseconds. Code that must be testable against time takes a
//! clock instead (the name server's `namesrv::clock::Clock`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch. A clock set before 1970 reads as 0
/// rather than panicking.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

//! Reference answers to chapter 01's exercises. Spoilers: try first.

/// The master's address, which the name server looks up in
/// `brokerAddrTable[broker-a]` under id 0 (`MixAll.MASTER_ID`).
pub const EXERCISE_1_MASTER_ADDR: Option<&str> = Some("10.0.0.1:10911");
/// No: only a master's topics become queue data; a slave holds copies.
pub const EXERCISE_1_TOPIC_QUEUE_TABLE_CHANGES: Option<bool> = Some(false);
/// 8 of 4 + 8 = 12: a producer that spreads sends over all write queues
/// sends two thirds of `TopicTest` to broker-b.
pub const EXERCISE_2_WRITE_QUEUES: Option<(i32, i32)> = Some((8, 12));

//! What the dispatcher learns from one CommitLog record (Java:
//! `DispatchRequest` and `CommitLog#checkMessageAndReturnSize`).
//!
//! The same check serves two readers: the ReputMessageService, which tails
//! the CommitLog to build consume queues and index entries, and recovery,
//! which walks the files to find where valid data ends. The request borrows
//! topic and properties straight from the mapped file, so dispatching a
//! message allocates nothing.

use crate::common::message::{is_consumable_transaction_state, java_string_hash_code};
use crate::common::message_const::{
    PROPERTY_DELAY_TIME_LEVEL, PROPERTY_KEYS, PROPERTY_TAGS, PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
};
use crate::common::message_decoder::{DecodeError, parse_record, property_pairs};

/// The schedule topic whose tagsCode is a delivery time (Java `TopicValidator.RMQ_SYS_SCHEDULE_TOPIC`).
pub const RMQ_SYS_SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";

/// One valid message record, ready to be dispatched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispatchRequest<'a> {
    pub topic: &'a str,
    pub queue_id: i32,
    pub commit_log_offset: i64,
    pub msg_size: i32,
    pub tags_code: i64,
    pub store_timestamp: i64,
    /// The queue offset written in the record by the put.
    pub consume_queue_offset: i64,
    pub keys: Option<&'a str>,
    pub uniq_key: Option<&'a str>,
    pub sys_flag: i32,
    pub prepared_transaction_offset: i64,
    /// The encoded properties string.
    pub properties: &'a str,
}

impl DispatchRequest<'_> {
    /// Prepared and rolled-back transactional messages get no consume-queue entry.
    pub fn is_consumable(&self) -> bool {
        is_consumable_transaction_state(self.sys_flag)
    }

    /// CommitLog offset just after this record.
    pub fn next_offset(&self) -> i64 {
        self.commit_log_offset + self.msg_size as i64
    }
}

/// What a reader finds at a position of the CommitLog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckedRecord<'a> {
    Message(DispatchRequest<'a>),
    /// The end-of-file filler: continue at the next file.
    Blank,
    /// Nothing was ever written here (zeros, or too few bytes for a header).
    End,
    /// Something is written but it is not a valid record.
    Invalid(DecodeError),
}

/// Delay of each level in ms, parsed from `messageDelayLevel` ("1s 5s … 2h").
pub fn parse_delay_levels(spec: &str) -> Vec<i64> {
    spec.split_whitespace()
        .filter_map(|t| {
            let (num, unit) = t.split_at(t.len().checked_sub(1)?);
            let n: i64 = num.parse().ok()?;
            let ms = match unit {
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => return None,
            };
            Some(n * ms)
        })
        .collect()
}

/// Check the record at the start of `buf` (Java `checkMessageAndReturnSize`).
///
/// * `check_crc`: recompute the body CRC (recovery does; the dispatcher, which
///   reads what this process just wrote, does not).
/// * `delay_levels`: for `SCHEDULE_TOPIC_XXXX` the tagsCode is the delivery
///   time, `store_timestamp + delay(level)`, so the schedule service can scan
///   its queue in time order.
pub fn check_message_and_return_size<'a>(
    buf: &'a [u8],
    check_crc: bool,
    delay_levels: &[i64],
) -> CheckedRecord<'a> {
    if buf.len() < 8 || buf[..8].iter().all(|&b| b == 0) {
        return CheckedRecord::End;
    }
    let v = match parse_record(buf) {
        Ok(v) => v,
        Err(DecodeError::Blank(_)) => return CheckedRecord::Blank,
        Err(e) => return CheckedRecord::Invalid(e),
    };
    if check_crc && let Err(e) = v.verify_crc() {
        return CheckedRecord::Invalid(e);
    }
    let Ok(topic) = std::str::from_utf8(v.topic) else {
        return CheckedRecord::Invalid(DecodeError::BadLength(
            v.topic.len() as i64,
            "TOPIC (not UTF-8)",
        ));
    };
    // A client may put anything in properties; a non-UTF-8 string is stored
    // but treated as "no properties" for tags and keys.
    let properties = v.properties_str().unwrap_or("");
    let mut tags = None;
    let mut keys = None;
    let mut uniq_key = None;
    let mut delay = None;
    for (k, val) in property_pairs(properties) {
        match k {
            PROPERTY_TAGS => tags = Some(val),
            PROPERTY_KEYS => keys = Some(val),
            PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX => uniq_key = Some(val),
            PROPERTY_DELAY_TIME_LEVEL => delay = Some(val),
            _ => {}
        }
    }
    let mut tags_code = tags.map(|t| java_string_hash_code(t) as i64).unwrap_or(0);
    if topic == RMQ_SYS_SCHEDULE_TOPIC {
        let level = delay
            .and_then(|d| d.parse::<usize>().ok())
            .unwrap_or(0)
            .min(delay_levels.len());
        if level > 0 {
            tags_code = v.store_timestamp + delay_levels[level - 1];
        }
    }
    CheckedRecord::Message(DispatchRequest {
        topic,
        queue_id: v.queue_id,
        commit_log_offset: v.physical_offset,
        msg_size: v.total_size,
        tags_code,
        store_timestamp: v.store_timestamp,
        consume_queue_offset: v.queue_offset,
        keys,
        uniq_key,
        sys_flag: v.sys_flag,
        prepared_transaction_offset: v.prepared_transaction_offset,
        properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_levels_parse() {
        let d = parse_delay_levels("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h");
        assert_eq!(d.len(), 18);
        assert_eq!(d[0], 1000);
        assert_eq!(d[4], 60_000);
        assert_eq!(d[17], 7_200_000);
    }

    #[test]
    fn zeros_are_the_end() {
        assert_eq!(
            check_message_and_return_size(&[0u8; 100], true, &[]),
            CheckedRecord::End
        );
        assert_eq!(
            check_message_and_return_size(&[1u8; 4], true, &[]),
            CheckedRecord::End
        );
    }
}

//! `DefaultMessageStore` — where a broker puts its messages. Mirrors
//! `org.apache.rocketmq.store.DefaultMessageStore` (the `MessageStore`
//! interface) and, for now, stands in for the `CommitLog` and
//! `ConsumeQueue`s behind it.
//!
//! RocketMQ stores every message of every topic in **one** append-only
//! commit log and gives each topic queue a small index into it, the consume
//! queue. So a stored message has two positions:
//!
//! * its **commit-log offset**: the byte where its record starts in the one
//!   log, growing by each record's size, across all topics;
//! * its **queue offset**: its index in its own queue, 0, 1, 2, ... per
//!   topic and queue id. This is what consumers count in.
//!
//! Until Part IV the store keeps both in memory: a running commit-log offset
//! (advanced by the size the record *would* have on disk, so the numbers
//! match a real broker's) and, per topic and queue, a vector whose index is
//! the queue offset. Part IV replaces the vectors with files and keeps this
//! API.
//!
//! A read (`getMessage`) names a queue and a queue offset and classifies the
//! offset against the queue's `[min, max)` first: inside, it walks the queue
//! and lets a [`MessageFilter`] drop messages by tag hash; outside, it
//! answers a status and the offset the consumer should use instead.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use workbook_trace::step;

use crate::common::message::{MessageExt, MessageExtBrokerInner};
use crate::common::message_decoder::{create_message_id, message_properties_to_string};
use crate::common::topic_validator::TOPIC_MAX_LENGTH;
use crate::common::virtual_clock::VirtualClock;
use crate::store::config::MessageStoreConfig;
use crate::store::get_message_result::{GetMessageResult, GetMessageStatus};
use crate::store::message_arriving_listener::MessageArrivingListener;
use crate::store::message_filter::MessageFilter;
use crate::store::put_message_result::{AppendMessageResult, PutMessageResult, PutMessageStatus};

/// What the commit log and the consume queues hold, behind one lock: Java's
/// `putMessageLock` also serialises every append.
#[derive(Default)]
struct CommitLog {
    /// The commit-log offset the next record starts at.
    max_offset: i64,
    /// topic → queue id → messages, indexed by queue offset.
    consume_queue_table: BTreeMap<String, BTreeMap<i32, Vec<MessageExt>>>,
}

pub struct DefaultMessageStore {
    /// Who we are in the trace (the broker name).
    actor: String,
    message_store_config: MessageStoreConfig,
    clock: VirtualClock,
    commit_log: Mutex<CommitLog>,
    /// Told about every message put (long polling); set once at start-up.
    message_arriving_listener: OnceLock<Arc<dyn MessageArrivingListener>>,
}

impl DefaultMessageStore {
    pub fn new(actor: &str, message_store_config: MessageStoreConfig, clock: VirtualClock) -> Self {
        DefaultMessageStore {
            actor: actor.to_string(),
            message_store_config,
            clock,
            commit_log: Mutex::new(CommitLog::default()),
            message_arriving_listener: OnceLock::new(),
        }
    }

    /// `DefaultMessageStore#setMessageArrivingListener` (a second call is
    /// ignored).
    pub fn set_message_arriving_listener(&self, listener: Arc<dyn MessageArrivingListener>) {
        let _ = self.message_arriving_listener.set(listener);
    }

    // ANCHOR: put_message
    /// `DefaultMessageStore#putMessage`: check, then append. The record gets
    /// the next commit-log offset and the next queue offset of its queue.
    pub fn put_message(&self, msg: MessageExtBrokerInner) -> PutMessageResult {
        const JAVA: &str = "DefaultMessageStore#putMessage";
        if let Err((status, why)) = self.check_message(&msg) {
            step!(self.actor, JAVA, "{why} -> {}", status.name());
            return PutMessageResult::failed(status);
        }
        let store_timestamp = self.clock.now_ms() as i64;
        let size = cal_msg_length(&msg);
        let (topic, queue_id, tags_code) = (msg.topic.clone(), msg.queue_id, msg.tags_code);
        let mut log = self.lock();
        let wrote_offset = log.max_offset;
        let queue = log.consume_queue_table.entry(topic.clone()).or_default();
        let queue = queue.entry(queue_id).or_default();
        let queue_offset = queue.len() as i64;
        let msg_id = create_message_id(msg.store_host, wrote_offset);
        queue.push(MessageExt {
            msg,
            queue_offset,
            commit_log_offset: wrote_offset,
            store_size: size,
            store_timestamp,
            msg_id: msg_id.clone(),
        });
        log.max_offset += i64::from(size);
        drop(log);
        let facts = format!(
            "{topic}-{queue_id}: queueOffset={queue_offset} commitLogOffset={wrote_offset} size={size}B"
        );
        step!(self.actor, JAVA, "{facts}");
        // Java's ReputMessageService tells the listener once the message is
        // in its consume queue; in memory that is now, and outside the lock:
        // the listener may read the queue.
        if let Some(listener) = self.message_arriving_listener.get() {
            listener.arriving(&topic, queue_id, queue_offset, tags_code);
        }
        PutMessageResult {
            put_message_status: PutMessageStatus::PutOk,
            append_message_result: Some(AppendMessageResult {
                wrote_offset,
                wrote_bytes: size,
                msg_id,
                store_timestamp,
                logics_offset: queue_offset,
            }),
        }
    }
    // ANCHOR_END: put_message

    /// `DefaultMessageStore#checkMessage` and the size check of
    /// `MessageExtEncoder`: what the store refuses to append.
    fn check_message(&self, msg: &MessageExtBrokerInner) -> Result<(), (PutMessageStatus, String)> {
        if msg.topic.len() > TOPIC_MAX_LENGTH {
            let why = format!("topic length {} > {TOPIC_MAX_LENGTH}", msg.topic.len());
            return Err((PutMessageStatus::MessageIllegal, why));
        }
        let (body, max) = (msg.body.len(), self.message_store_config.max_message_size);
        if body > max {
            let why = format!("body {body}B > maxMessageSize {max}B");
            return Err((PutMessageStatus::MessageIllegal, why));
        }
        Ok(())
    }

    // ANCHOR: get_message
    /// `DefaultMessageStore#getMessage`: up to `max_msg_nums` messages of a
    /// queue from `offset` that pass `filter`. An offset outside the queue
    /// gets a status instead, and a `next_begin_offset` that puts the
    /// consumer back inside.
    pub fn get_message(
        &self,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_msg_nums: i32,
        filter: &dyn MessageFilter,
    ) -> GetMessageResult {
        let log = self.lock();
        let queue = log
            .consume_queue_table
            .get(topic)
            .and_then(|queues| queues.get(&queue_id))
            .map_or(&[][..], Vec::as_slice);
        // In memory nothing is ever deleted, so a queue starts at 0.
        let (min, max) = (0, queue.len() as i64);
        let outside = |status, next_begin_offset| GetMessageResult {
            status,
            next_begin_offset,
            min_offset: min,
            max_offset: max,
            message_list: Vec::new(),
        };
        let result = match offset {
            _ if max == 0 => outside(GetMessageStatus::NoMessageInQueue, 0),
            o if o < min => outside(GetMessageStatus::OffsetTooSmall, min),
            o if o == max => outside(GetMessageStatus::OffsetOverflowOne, offset),
            o if o > max => {
                outside(GetMessageStatus::OffsetOverflowBadly, if min == 0 { min } else { max })
            }
            _ => read_queue(queue, offset, max_msg_nums, filter),
        };
        let (status, next, found) =
            (result.status.name(), result.next_begin_offset, result.message_list.len());
        let facts = format!(
            "{topic}-{queue_id} offset={offset} of [{min}, {max}) -> {status} ({found} msgs), nextBeginOffset={next}"
        );
        step!(self.actor, "DefaultMessageStore#getMessage", "{facts}");
        result
    }
    // ANCHOR_END: get_message

    /// `DefaultMessageStore#getMinOffsetInQueue`.
    pub fn get_min_offset_in_queue(&self, _topic: &str, _queue_id: i32) -> i64 {
        0
    }

    /// `DefaultMessageStore#getMaxOffsetInQueue`: one past the last message.
    pub fn get_max_offset_in_queue(&self, topic: &str, queue_id: i32) -> i64 {
        let log = self.lock();
        let queue = log
            .consume_queue_table
            .get(topic)
            .and_then(|q| q.get(&queue_id));
        queue.map_or(0, |q| q.len() as i64)
    }

    /// The largest body this store accepts (`maxMessageSize`).
    pub fn max_message_size(&self) -> usize {
        self.message_store_config.max_message_size
    }

    /// The commit-log offset the next message will get
    /// (`DefaultMessageStore#getMaxPhyOffset`).
    pub fn get_max_phy_offset(&self) -> i64 {
        self.lock().max_offset
    }

    fn lock(&self) -> MutexGuard<'_, CommitLog> {
        // Each append completes before anything that could panic runs.
        self.commit_log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

// ANCHOR: read_queue
/// The FOUND path of `getMessage`: walk the queue from `offset`, skip what
/// the filter rejects by tag hash, stop after `max_msg_nums` messages.
/// `NO_MATCHED_MESSAGE` when the walk reached the end and found nothing; the
/// consumer then continues from the end rather than re-reading.
fn read_queue(
    queue: &[MessageExt],
    offset: i64,
    max_msg_nums: i32,
    filter: &dyn MessageFilter,
) -> GetMessageResult {
    let max = queue.len() as i64;
    let wanted = max_msg_nums.max(1) as usize;
    let mut message_list = Vec::new();
    let mut next_begin_offset = offset;
    for msg in &queue[offset as usize..] {
        if message_list.len() == wanted {
            break;
        }
        next_begin_offset = msg.queue_offset + 1;
        if filter.is_matched_by_consume_queue(msg.msg.tags_code) {
            message_list.push(msg.clone());
        }
    }
    let status = if message_list.is_empty() {
        GetMessageStatus::NoMatchedMessage
    } else {
        GetMessageStatus::Found
    };
    GetMessageResult {
        status,
        next_begin_offset,
        min_offset: 0,
        max_offset: max,
        message_list,
    }
}
// ANCHOR_END: read_queue

// ANCHOR: cal_msg_length
/// `CommitLog.calMsgLength`: the size of a message's commit-log record, for
/// IPv4 born and store hosts. 91 bytes of fixed fields (sizes, magic code,
/// CRC, queue id, flag, both offsets, sys flag, timestamps, hosts, ...),
/// then the body, the topic and the properties, each after its length.
/// Chapter 12 writes exactly these bytes.
fn cal_msg_length(msg: &MessageExtBrokerInner) -> i32 {
    let properties = message_properties_to_string(&msg.properties);
    let variable = msg.body.len() + msg.topic.len() + properties.len();
    // Each part was checked against a limit far below i32::MAX.
    91 + variable as i32
}
// ANCHOR_END: cal_msg_length

/// The address a store stamps its messages with, `brokerIP1:listenPort`.
pub fn store_host(broker_addr: &str) -> Option<SocketAddr> {
    broker_addr.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use bytes::Bytes;

    use super::*;

    fn msg(topic: &str, queue_id: i32, body: &'static [u8]) -> MessageExtBrokerInner {
        MessageExtBrokerInner {
            topic: topic.into(),
            queue_id,
            flag: 0,
            body: Bytes::from_static(body),
            properties: BTreeMap::new(),
            sys_flag: 0,
            born_timestamp: 0,
            born_host: "10.0.0.50:50000".into(),
            store_host: "10.0.0.1:10911".parse().unwrap(),
            tags_code: 0,
            reconsume_times: 0,
        }
    }

    #[test]
    fn queue_offsets_count_per_queue_and_commit_log_offsets_count_bytes() {
        let config = MessageStoreConfig::new(Path::new("unused"));
        let store = DefaultMessageStore::new("b", config, VirtualClock::new());
        let a0 = store
            .put_message(msg("A", 0, b"x"))
            .append_message_result
            .unwrap();
        let a1 = store
            .put_message(msg("A", 1, b"y"))
            .append_message_result
            .unwrap();
        let a0b = store
            .put_message(msg("A", 0, b"z"))
            .append_message_result
            .unwrap();
        assert_eq!((a0.logics_offset, a1.logics_offset, a0b.logics_offset), (0, 0, 1));
        // 91 fixed bytes + 1 body + 1 topic, no properties.
        assert_eq!(a0.wrote_bytes, 93);
        assert_eq!((a1.wrote_offset, a0b.wrote_offset), (93, 186));
        assert_eq!(store.get_max_phy_offset(), 279);
    }

    #[test]
    fn an_oversized_body_is_illegal_and_stores_nothing() {
        let mut config = MessageStoreConfig::new(Path::new("unused"));
        config.max_message_size = 2;
        let store = DefaultMessageStore::new("b", config, VirtualClock::new());
        let result = store.put_message(msg("A", 0, b"abc"));
        assert_eq!(result.put_message_status, PutMessageStatus::MessageIllegal);
        assert_eq!(store.get_max_phy_offset(), 0);
    }
}

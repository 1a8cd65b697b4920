//! Reference solutions to this chapter's exercises (`tests/exercises.rs`).
//! Compiled only with `--features solutions`; try the exercises first.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::common::message::MessageExtBrokerInner;
use crate::common::message_decoder::message_properties_to_string;
use crate::common::perm::{PERM_READ, PERM_WRITE};
use crate::common::topic_config::TopicConfig;
use crate::common::topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC;
use crate::store::put_message_result::PutMessageStatus;

/// Exercise 1: with `autoCreateTopicEnable=false`, a `TBW102` loaded from an
/// old `topics.json` is no template: Java drops its INHERIT bit right here.
pub(crate) fn template_perm(auto_create_topic_enable: bool, default_topic: &str, perm: i32) -> i32 {
    if default_topic == AUTO_CREATE_TOPIC_KEY_TOPIC && !auto_create_topic_enable {
        PERM_READ | PERM_WRITE
    } else {
        perm
    }
}

/// Exercise 2: a negative queue id asks the broker to pick one. Java picks
/// at random; a rotating counter spreads as well and keeps tests repeatable.
pub(crate) fn random_queue_id(queue_id: i32, topic_config: &TopicConfig) -> i32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    if queue_id >= 0 {
        return queue_id;
    }
    let queues = topic_config.write_queue_nums.max(1) as u32;
    (NEXT.fetch_add(1, Ordering::Relaxed) % queues) as i32
}

/// Exercise 3: the commit log stores the properties' length in two bytes.
pub(crate) fn check_properties(
    msg: &MessageExtBrokerInner,
) -> Result<(), (PutMessageStatus, String)> {
    let len = message_properties_to_string(&msg.properties).len();
    if len > i16::MAX as usize {
        let why = format!("properties {len}B > {}", i16::MAX);
        return Err((PutMessageStatus::PropertiesSizeExceeded, why));
    }
    Ok(())
}

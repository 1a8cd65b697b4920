//! The checks and the send-back shared by the send codes — Java
//! `AbstractSendMessageProcessor`.
//!
//! Java splits its send processor in two: the abstract base holds what every
//! kind of send needs (`msgCheck`: topic name, system topics, the topic's
//! existence and auto-creation, the queue id; what the broker adds to a
//! message) and the consumer's "send back" of a message it could not process
//! (`consumerSendMsgBack`); `SendMessageProcessor` holds the single and batch
//! sends. This file is that base: [`AbstractSendMessageProcessor`] holds the
//! services every send uses, and
//! [`SendMessageProcessor`](super::send_message_processor::SendMessageProcessor)
//! contains one (Rust has composition where Java has inheritance).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;

use super::error_response;
use super::invalid_header;
use crate::broker::broker_config::BrokerConfig;
use crate::broker::subscription_group_manager::SubscriptionGroupManager;
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::broker::topic_route_registration::TopicRouteRegistration;
use crate::common::message::{
    Message, MessageExt, MessageExtBrokerInner, MessageVersion, tags_string_to_tags_code,
};
use crate::common::message_client_id::create_uniq_id;
use crate::common::message_const::*;
use crate::common::message_decoder::{message_properties_to_string, property_of};
use crate::common::mix_all;
use crate::common::perm;
use crate::common::subscription_group::SubscriptionGroupConfig;
use crate::common::topic_config::TopicConfig;
use crate::common::topic_validator;
use crate::remoting::channel::Channel;
use crate::remoting::code::response_code;
use crate::remoting::command::RemotingCommand;
use crate::remoting::protocol::header::client_manage::ConsumerSendMsgBackRequestHeader;
use crate::remoting::protocol::header::send::SendMessageRequestHeader;
use crate::store::config::MessageStoreConfig;
use crate::store::message_store::DefaultMessageStore;

/// `TopicSysFlag` bits for unit-mode topics.
pub(super) const FLAG_UNIT: i32 = 0x1;
pub(super) const FLAG_UNIT_SUB: i32 = 0x2;
/// Queues of a `%DLQ%<group>` topic (Java `DLQ_NUMS_PER_GROUP`).
pub(super) const DLQ_NUMS_PER_GROUP: i32 = 1;

/// The services every kind of send uses.
pub struct AbstractSendMessageProcessor {
    pub(super) broker_config: Arc<BrokerConfig>,
    pub(super) store_config: Arc<MessageStoreConfig>,
    pub(super) store: DefaultMessageStore,
    pub(super) topic_config_manager: Arc<TopicConfigManager>,
    pub(super) subscription_group_manager: Arc<SubscriptionGroupManager>,
    /// Registers a topic a send created before the send is answered.
    pub(super) topic_route_registration: Arc<TopicRouteRegistration>,
    /// `brokerIP1:listenPort`, written into every stored message.
    pub(super) store_host: SocketAddr,
    /// Picks a queue when the producer sent `queueId < 0`. Round robin is
    /// as good as Java's random pick for spreading load, and cheaper.
    next_queue: AtomicU32,
}

impl AbstractSendMessageProcessor {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        broker_config: Arc<BrokerConfig>,
        store_config: Arc<MessageStoreConfig>,
        store: DefaultMessageStore,
        topic_config_manager: Arc<TopicConfigManager>,
        subscription_group_manager: Arc<SubscriptionGroupManager>,
        topic_route_registration: Arc<TopicRouteRegistration>,
        store_host: SocketAddr,
    ) -> Self {
        AbstractSendMessageProcessor {
            broker_config,
            store_config,
            store,
            topic_config_manager,
            subscription_group_manager,
            topic_route_registration,
            store_host,
            next_queue: AtomicU32::new(0),
        }
    }

    pub(super) fn pick_queue(&self, write_queue_nums: i32) -> i32 {
        let n = write_queue_nums.max(1) as u32;
        (self.next_queue.fetch_add(1, Ordering::Relaxed) % n) as i32
    }

    /// Java `TopicConfigManager#registerBrokerData` after an auto-creation:
    /// the first send to a new topic is answered only once the name servers
    /// know the topic, so a consumer that looks the route up right after the
    /// producer's SEND_OK finds it (Java registers synchronously here too).
    /// Later changes are registered in the background by the controller.
    pub(super) async fn register_new_topic(&self) {
        self.topic_route_registration.register_broker_data().await;
    }

    /// Java `AbstractSendMessageProcessor#msgCheck`: every reason to refuse a
    /// send before touching the store. Returns the topic's config, and
    /// whether this send just created the topic.
    pub(super) fn msg_check(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
    ) -> Result<(Arc<TopicConfig>, bool), Box<RemotingCommand>> {
        if !perm::is_writeable(self.broker_config.broker_permission) {
            return Err(Box::new(error_response(
                response_code::NO_PERMISSION,
                format!(
                    "the broker[{}] sending message is forbidden",
                    self.broker_config.broker_ip1
                ),
            )));
        }
        if let Err(e) = topic_validator::validate_topic(&header.topic) {
            tracing::warn!(topic = %header.topic, producer = %channel.remote_addr(), "send refused: {e}");
            return Err(Box::new(error_response(
                response_code::INVALID_PARAMETER,
                e.to_string(),
            )));
        }
        if topic_validator::is_not_allowed_send_topic(&header.topic) {
            return Err(Box::new(error_response(
                response_code::NO_PERMISSION,
                format!("Sending message to topic[{}] is forbidden.", header.topic),
            )));
        }
        let mut created_now = false;
        let topic_config = match self.topic_config_manager.select_topic_config(&header.topic) {
            Some(tc) => tc,
            None => match self.create_topic_for_send(channel, header) {
                Some(tc) => {
                    created_now = true;
                    tc
                }
                None => {
                    return Err(Box::new(error_response(
                        response_code::TOPIC_NOT_EXIST,
                        format!("topic[{}] not exist, apply first please!", header.topic),
                    )));
                }
            },
        };
        let id_valid = topic_config
            .write_queue_nums
            .max(topic_config.read_queue_nums);
        if header.queue_id >= id_valid {
            let info = format!(
                "request queueId[{}] is illegal, topic:[{}] writeQueueNums:[{}] readQueueNums:[{}] Producer: {}",
                header.queue_id,
                header.topic,
                topic_config.write_queue_nums,
                topic_config.read_queue_nums,
                channel.remote_addr()
            );
            tracing::warn!("{info}");
            return Err(Box::new(error_response(
                response_code::INVALID_PARAMETER,
                info,
            )));
        }
        Ok((topic_config, created_now))
    }

    /// The auto-creation half of `msgCheck`: a topic nobody created yet is
    /// made from its template (`TBW102`, when `autoCreateTopicEnable`) by
    /// `TopicConfigManager#createTopicInSendMessageMethod`; a retry topic is
    /// made anyway, with one queue. `None`: the topic may not be created.
    fn create_topic_for_send(
        &self,
        channel: &Channel,
        header: &SendMessageRequestHeader,
    ) -> Option<Arc<TopicConfig>> {
        let unit = header.unit_mode.unwrap_or(false);
        let is_retry = mix_all::is_retry_topic(&header.topic);
        let topic_sys_flag = match (unit, is_retry) {
            (false, _) => 0,
            (true, true) => FLAG_UNIT_SUB,
            (true, false) => FLAG_UNIT,
        };
        let remote = channel.remote_addr().to_string();
        tracing::warn!(topic = %header.topic, producer = %remote, "the topic does not exist");
        let created = self
            .topic_config_manager
            .create_topic_in_send_message_method(
                &header.topic,
                &header.default_topic,
                &remote,
                header.default_topic_queue_nums,
                topic_sys_flag,
            );
        created.or_else(|| {
            is_retry.then(|| {
                self.topic_config_manager
                    .create_topic_in_send_message_back_method(
                        &header.topic,
                        1,
                        perm::PERM_READ | perm::PERM_WRITE,
                        topic_sys_flag,
                    )
                    .0
            })
        })
    }

    /// The store would refuse an oversized body too; refusing it here gives
    /// the producer a remark that names the limit.
    pub(super) fn check_body(&self, body: &Bytes, topic: &str) -> Option<RemotingCommand> {
        let max = self.store_config.max_message_size;
        if body.len() > max {
            tracing::warn!(
                topic,
                size = body.len(),
                max,
                "send refused: body larger than maxMessageSize"
            );
            return Some(error_response(
                response_code::MESSAGE_ILLEGAL,
                format!(
                    "the message body size {} is larger than maxMessageSize {max} bytes",
                    body.len()
                ),
            ));
        }
        None
    }

    pub(super) fn transaction_forbidden(&self) -> RemotingCommand {
        error_response(
            response_code::NO_PERMISSION,
            format!(
                "the broker[{}] sending transaction message is forbidden",
                self.broker_config.broker_ip1
            ),
        )
    }

    /// Append what the broker adds to every stored message, keeping what the
    /// producer already set (Java overwrites CLUSTER; a producer setting it
    /// is unheard of, so keeping theirs is equivalent in practice). Returns
    /// the message's UNIQ_KEY, the producer's or a new one.
    pub(super) fn add_broker_properties(
        &self,
        properties: &mut String,
        scan: &ProducerProperties,
    ) -> String {
        let config = &self.broker_config;
        properties.reserve(96);
        let uniq_key = match &scan.uniq_key {
            Some(k) => k.clone(),
            None => {
                let k = create_uniq_id();
                append_property(properties, PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, &k);
                k
            }
        };
        if !scan.has_region {
            append_property(properties, PROPERTY_MSG_REGION, &config.region_id);
        }
        if !scan.has_trace_switch {
            let on = if config.trace_on { "true" } else { "false" };
            append_property(properties, PROPERTY_TRACE_SWITCH, on);
        }
        if !scan.has_cluster {
            append_property(properties, PROPERTY_CLUSTER, &config.broker_cluster_name);
        }
        uniq_key
    }

    /// CONSUMER_SEND_MSG_BACK (36): a consumer could not process a message
    /// and hands it back. It is copied into the group's `%RETRY%<group>`
    /// topic with `reconsumeTimes + 1` — or into `%DLQ%<group>` once the
    /// group's `retryMaxTimes` is reached (Java
    /// `AbstractSendMessageProcessor#consumerSendMsgBack`).
    pub(super) async fn consumer_send_msg_back(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> RemotingCommand {
        let header: ConsumerSendMsgBackRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(&request, &e),
        };
        let group_config = match self.check_send_back(&header) {
            Ok(group_config) => group_config,
            Err(response) => return *response,
        };
        if group_config.retry_queue_nums <= 0 {
            // The group asked for no retries: the message is dropped.
            return RemotingCommand::new_response(response_code::SUCCESS, None);
        }
        let Some(msg) = self.store.look_message_by_offset(header.offset) else {
            return error_response(
                response_code::SYSTEM_ERROR,
                format!("look message by offset failed, {}", header.offset),
            );
        };

        let max_reconsume_times = header
            .max_reconsume_times
            .unwrap_or(group_config.retry_max_times);
        let to_dlq = msg.reconsume_times >= max_reconsume_times || header.delay_level < 0;
        let (topic, queue_id, queue_nums) = if to_dlq {
            (mix_all::get_dlq_topic(&header.group), 0, DLQ_NUMS_PER_GROUP)
        } else {
            let nums = group_config.retry_queue_nums;
            (
                mix_all::get_retry_topic(&header.group),
                self.pick_queue(nums),
                nums,
            )
        };
        let topic_sys_flag = if header.unit_mode { FLAG_UNIT_SUB } else { 0 };
        // Created (and registered) before the answer, so the consumer that
        // pulls its retries finds the route at once.
        let topic_config = self
            .topic_route_registration
            .create_topic_in_send_message_back_method(
                &topic,
                queue_nums,
                perm::PERM_READ | perm::PERM_WRITE,
                topic_sys_flag,
            )
            .await;
        if !perm::is_writeable(topic_config.perm) {
            return error_response(
                response_code::NO_PERMISSION,
                format!("the topic[{topic}] sending message is forbidden"),
            );
        }

        if to_dlq {
            tracing::info!(group = %header.group, reconsume_times = msg.reconsume_times, max_reconsume_times,
                "message sent back too often, moved to the dead-letter queue");
        }
        let inner = self.build_send_back_message(&header, msg, topic, queue_id, to_dlq);
        let result = self.store.put_message(inner).await;
        if result.is_ok() {
            tracing::debug!(group = %header.group, offset = header.offset, client = %channel.remote_addr(),
                "SendMessageProcessor#consumerSendMsgBack: message re-queued");
            RemotingCommand::new_response(response_code::SUCCESS, None)
        } else {
            error_response(
                response_code::SYSTEM_ERROR,
                result.status.name().to_string(),
            )
        }
    }

    /// Every reason to refuse a send-back: a bad or unknown group, a broker
    /// that may not be written to. Returns the group's config.
    fn check_send_back(
        &self,
        header: &ConsumerSendMsgBackRequestHeader,
    ) -> Result<Arc<SubscriptionGroupConfig>, Box<RemotingCommand>> {
        let refuse = |code, remark: String| Err(Box::new(error_response(code, remark)));
        if let Err(e) = topic_validator::validate_group(&header.group) {
            return refuse(response_code::INVALID_PARAMETER, e.to_string());
        }
        let Some(group_config) = self
            .subscription_group_manager
            .find_subscription_group_config(&header.group)
        else {
            return refuse(
                response_code::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!("subscription group not exist, {}", header.group),
            );
        };
        if !perm::is_writeable(self.broker_config.broker_permission) {
            return refuse(
                response_code::NO_PERMISSION,
                format!(
                    "the broker[{}] sending message is forbidden",
                    self.broker_config.broker_ip1
                ),
            );
        }
        Ok(group_config)
    }

    /// The copy that goes back: the original's body, flag, sys flag and born
    /// time and host, one more reconsume, and properties that remember where
    /// it came from (`RETRY_TOPIC`, `ORIGIN_MESSAGE_ID`, and
    /// `DLQ_ORIGIN_TOPIC` for the dead-letter queue).
    fn build_send_back_message(
        &self,
        header: &ConsumerSendMsgBackRequestHeader,
        msg: MessageExt,
        topic: String,
        queue_id: i32,
        to_dlq: bool,
    ) -> MessageExtBrokerInner {
        let mut properties = msg.message.properties.clone();
        properties
            .entry(PROPERTY_RETRY_TOPIC.to_string())
            .or_insert_with(|| msg.message.topic.clone());
        let origin = header
            .origin_msg_id
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| properties.get(PROPERTY_ORIGIN_MESSAGE_ID).cloned())
            .unwrap_or_else(|| msg.msg_id.clone());
        properties.insert(PROPERTY_ORIGIN_MESSAGE_ID.to_string(), origin);
        // No delay levels yet: the retry is consumable at once.
        properties.remove(PROPERTY_DELAY_TIME_LEVEL);
        if to_dlq {
            properties.insert(
                PROPERTY_DLQ_ORIGIN_TOPIC.to_string(),
                msg.message.topic.clone(),
            );
        }
        properties.insert(PROPERTY_WAIT_STORE_MSG_OK.to_string(), "false".to_string());

        let tags_code = tags_string_to_tags_code(
            properties
                .get(PROPERTY_TAGS)
                .map(String::as_str)
                .unwrap_or(""),
        );
        let mut inner = MessageExtBrokerInner {
            properties_string: message_properties_to_string(&properties),
            ext: MessageExt {
                message: Message {
                    flag: msg.message.flag,
                    properties,
                    body: msg.message.body.clone(),
                    ..Message::new(topic, Bytes::new())
                },
                queue_id,
                sys_flag: msg.sys_flag,
                born_timestamp: msg.born_timestamp,
                born_host: msg.born_host,
                store_host: self.store_host,
                reconsume_times: msg.reconsume_times + 1,
                ..MessageExt::default()
            },
            version: MessageVersion::default(),
            tags_code,
        };
        inner.refresh_version();
        inner
    }
}

/// What the send path needs to know about the producer's properties string,
/// found in one pass over it (the string is parsed nowhere else on this path).
///
/// Owned (the UNIQ_KEY is copied, the tag reduced to its hash) so the string
/// can be appended to right after.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct ProducerProperties {
    /// Java `String.hashCode` of TAGS (0 without a tag).
    pub tags_code: i64,
    pub uniq_key: Option<String>,
    pub has_region: bool,
    pub has_trace_switch: bool,
    pub has_cluster: bool,
    /// `TRAN_MSG=true`: a transactional half message.
    pub transaction_prepared: bool,
    /// `WAIT=false`: the producer does not wait for a SYNC_FLUSH.
    pub wait_false: bool,
}

impl ProducerProperties {
    /// Scan `key\u0001value\u0002…` once.
    pub fn scan(properties: &str) -> Self {
        let mut found = ProducerProperties::default();
        for pair in properties.split('\u{2}') {
            let Some((key, value)) = pair.split_once('\u{1}') else {
                continue;
            };
            match key {
                PROPERTY_TAGS => found.tags_code = tags_string_to_tags_code(value),
                PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX if !value.is_empty() => {
                    found.uniq_key = Some(value.to_string())
                }
                PROPERTY_MSG_REGION => found.has_region = true,
                PROPERTY_TRACE_SWITCH => found.has_trace_switch = true,
                PROPERTY_CLUSTER => found.has_cluster = true,
                PROPERTY_TRANSACTION_PREPARED => {
                    found.transaction_prepared = value.eq_ignore_ascii_case("true")
                }
                PROPERTY_WAIT_STORE_MSG_OK => found.wait_false = value == "false",
                _ => {}
            }
        }
        found
    }
}

/// The few properties the store reads from the map rather than from
/// `properties_string`: only `WAIT=false` (it decides whether a SYNC_FLUSH
/// put waits for the disk). Everything else stays in the string, unparsed.
pub(super) fn store_read_properties(
    wait_false: bool,
) -> std::collections::BTreeMap<String, String> {
    let mut map = std::collections::BTreeMap::new();
    if wait_false {
        map.insert(PROPERTY_WAIT_STORE_MSG_OK.to_string(), "false".to_string());
    }
    map
}

/// Append `key\u0001value\u0002` to a properties string.
pub(super) fn append_property(properties: &mut String, key: &str, value: &str) {
    // A producer that did not terminate its last pair would otherwise glue
    // our key onto its value.
    if !properties.is_empty() && !properties.ends_with('\u{2}') {
        properties.push('\u{2}');
    }
    properties.push_str(key);
    properties.push('\u{1}');
    properties.push_str(value);
    properties.push('\u{2}');
}

pub(super) fn append_property_if_absent(properties: &mut String, key: &str, value: &str) {
    if property_of(properties, key).is_none() {
        append_property(properties, key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::message_decoder::string_to_message_properties;

    #[test]
    fn one_scan_finds_what_the_send_path_needs() {
        let p = "TAGS\u{1}TagA\u{2}UNIQ_KEY\u{1}ABC\u{2}WAIT\u{1}false\u{2}TRAN_MSG\u{1}TRUE\u{2}junk\u{2}";
        let scan = ProducerProperties::scan(p);
        assert_eq!(scan.tags_code, tags_string_to_tags_code("TagA"));
        assert_eq!(scan.uniq_key.as_deref(), Some("ABC"));
        assert!(scan.wait_false && scan.transaction_prepared);
        assert!(!scan.has_region && !scan.has_cluster && !scan.has_trace_switch);
        assert_eq!(ProducerProperties::scan(""), ProducerProperties::default());
    }

    #[test]
    fn appended_properties_decode_like_rocketmq() {
        let mut p = String::from("TAGS\u{1}TagA\u{2}KEYS\u{1}k1");
        append_property_if_absent(&mut p, "MSG_REGION", "DefaultRegion");
        append_property_if_absent(&mut p, "TAGS", "other");
        let map = string_to_message_properties(&p);
        assert_eq!(map.get("TAGS").map(String::as_str), Some("TagA"));
        assert_eq!(map.get("KEYS").map(String::as_str), Some("k1"));
        assert_eq!(
            map.get("MSG_REGION").map(String::as_str),
            Some("DefaultRegion")
        );
        assert!(p.ends_with('\u{2}'));
    }
}

//! `DefaultMQProducerImpl` — the send path behind `DefaultMQProducer`.
//! Mirrors `org.apache.rocketmq.client.impl.producer.DefaultMQProducerImpl`.
//!
//! One synchronous send, `sendDefaultImpl`:
//!
//! 1. **Route**: `tryToFindTopicPublishInfo` — the producer's cached
//!    `TopicPublishInfo`, or a fresh route from the name server, or, for a
//!    topic nobody created yet, the template `TBW102`'s route (the broker
//!    then creates the topic when the message arrives, chapter 04).
//! 2. **Queue**: `selectOneMessageQueue` — round robin over every writable
//!    queue of every broker; on a retry, not the broker that just failed.
//! 3. **Send**: `sendKernelImpl` — the master's address, the request header,
//!    SEND_MESSAGE_V2.
//! 4. **Retry**: up to `retryTimesWhenSendFailed` (2) more attempts, but only
//!    after a failure another broker may not share: no answer at all, or a
//!    code in `retryResponseCodes`. A message the broker finds illegal would
//!    be illegal everywhere, so that error returns at once.
//!
//! A retry after a *lost answer* can store a message twice: RocketMQ
//! delivers at least once, and consumers must tolerate duplicates.

use std::sync::{Arc, Mutex};

use workbook_trace::step;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::{MQClientInstance, TopicPublishInfoTable, lock};
use crate::client::mq_client_api_impl::MQClientError;
use crate::client::mq_client_manager::MQClientManager;
use crate::client::send_result::SendResult;
use crate::client::topic_publish_info::TopicPublishInfo;
use crate::common::message::Message;
use crate::common::message_queue::MessageQueue;
use crate::common::topic_validator::AUTO_CREATE_TOPIC_KEY_TOPIC;
use crate::remoting::code::{response_code, response_code_name};
use crate::remoting::error::RemotingError;
use crate::remoting::protocol::header::send::SendMessageRequestHeader;

/// `DefaultMQProducer`'s settings, under their Java names.
#[derive(Debug, Clone)]
pub struct ProducerConfig {
    /// `producerGroup`: producers of one group are interchangeable to a
    /// broker (it asks any of them to check a transaction, chapter 20).
    pub producer_group: String,
    /// `createTopicKey`, default `TBW102`: the template topic whose route a
    /// producer borrows for a topic that does not exist yet.
    pub create_topic_key: String,
    /// `defaultTopicQueueNums`, default 4: queues per broker of a topic
    /// created by its first message.
    pub default_topic_queue_nums: i32,
    /// `retryTimesWhenSendFailed`, default 2: a sync send makes up to
    /// 1 + 2 = 3 attempts.
    pub retry_times_when_send_failed: u32,
    pub client_config: ClientConfig,
}

impl ProducerConfig {
    /// A producer of `producer_group` with RocketMQ's defaults.
    pub fn new(producer_group: &str, client_config: ClientConfig) -> Self {
        ProducerConfig {
            producer_group: producer_group.to_string(),
            create_topic_key: AUTO_CREATE_TOPIC_KEY_TOPIC.to_string(),
            default_topic_queue_nums: 4,
            retry_times_when_send_failed: 2,
            client_config,
        }
    }
}

pub struct DefaultMQProducerImpl {
    config: ProducerConfig,
    /// topic → the queues this producer may write to.
    topic_publish_info_table: TopicPublishInfoTable,
    /// Set by `start`.
    mq_client_factory: Mutex<Option<Arc<MQClientInstance>>>,
}

impl DefaultMQProducerImpl {
    pub fn new(config: ProducerConfig) -> Self {
        DefaultMQProducerImpl {
            config,
            topic_publish_info_table: TopicPublishInfoTable::default(),
            mq_client_factory: Mutex::new(None),
        }
    }

    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }

    // ANCHOR: start
    /// `DefaultMQProducerImpl#start`: get the instance of this client id,
    /// join it under the producer group, and start it (the first client of
    /// an instance starts it; the others find it running).
    pub fn start(&self, manager: &MQClientManager) -> Result<(), MQClientError> {
        let instance = manager.get_or_create_mq_client_instance(&self.config.client_config);
        let group = &self.config.producer_group;
        if !instance.register_producer(group, self.topic_publish_info_table.clone()) {
            let why = format!(
                "The producer group[{group}] has been created before, specify another name please."
            );
            return Err(MQClientError::Client(why));
        }
        instance.start();
        *lock(&self.mq_client_factory) = Some(instance);
        Ok(())
    }
    // ANCHOR_END: start

    /// `DefaultMQProducerImpl#shutdown`: leave the instance, and shut it
    /// down when this was its last client.
    pub fn shutdown(&self) {
        if let Some(instance) = lock(&self.mq_client_factory).take()
            && instance.unregister_producer(&self.config.producer_group)
        {
            instance.shutdown();
        }
    }

    // ANCHOR: send_default_impl
    /// `DefaultMQProducerImpl#sendDefaultImpl` (sync): route, queue, send;
    /// on a failure worth retrying, again on another broker.
    pub fn send_default_impl(&self, msg: &Message) -> Result<SendResult, MQClientError> {
        const JAVA: &str = "DefaultMQProducerImpl#sendDefaultImpl";
        let instance = self.mq_client_factory()?;
        let me = instance.actor();
        let topic = &msg.topic;
        let Some(info) = self.try_to_find_topic_publish_info(&instance, topic) else {
            return Err(MQClientError::Client(format!("No route info of this topic: {topic}")));
        };
        let times_total = 1 + self.config.retry_times_when_send_failed;
        let mut brokers_sent: Vec<String> = Vec::new();
        let mut mq: Option<MessageQueue> = None;
        let mut exception = None;
        for times in 0..times_total {
            let last_broker_name = mq.as_ref().map(|mq| mq.broker_name.clone());
            let Some(selected) =
                self.select_one_message_queue(&instance, &info, last_broker_name.as_deref())
            else {
                break;
            };
            brokers_sent.push(selected.broker_name.clone());
            let result = self.send_kernel_impl(&instance, msg, &selected);
            let broker = &selected.broker_name;
            mq = Some(selected.clone());
            match result {
                Ok(send_result) => {
                    if times > 0 {
                        let status = send_result.send_status;
                        let sent = brokers_sent.join(", ");
                        step!(me, JAVA, "times={times}: {status}, brokersSent=[{sent}]");
                    }
                    return Ok(send_result);
                }
                Err(e) if is_retryable(&e) => {
                    step!(me, JAVA, "times={times} on {broker}: {} -> retry", describe(&e));
                    exception = Some(e);
                }
                Err(e) => {
                    step!(me, JAVA, "times={times} on {broker}: {} -> not retried", describe(&e));
                    return Err(e);
                }
            }
        }
        let (times, sent) = (brokers_sent.len(), brokers_sent.join(", "));
        step!(me, JAVA, "Send [{times}] times, still failed, BrokersSent: [{sent}]");
        let cause = exception.map_or_else(|| "no queue to send to".to_string(), |e| e.to_string());
        let why = format!(
            "Send [{times}] times, still failed, Topic: {topic}, BrokersSent: [{sent}]: {cause}"
        );
        Err(MQClientError::Client(why))
    }
    // ANCHOR_END: send_default_impl

    // ANCHOR: try_to_find_topic_publish_info
    /// `DefaultMQProducerImpl#tryToFindTopicPublishInfo`: the cached publish
    /// info; else ask the name server for the topic; else borrow the route
    /// of `createTopicKey` (`TBW102`), so the first message can create it.
    fn try_to_find_topic_publish_info(
        &self,
        instance: &MQClientInstance,
        topic: &str,
    ) -> Option<Arc<TopicPublishInfo>> {
        const JAVA: &str = "DefaultMQProducerImpl#tryToFindTopicPublishInfo";
        let cached = lock(&self.topic_publish_info_table).get(topic).cloned();
        if let Some(info) = cached.filter(|info| info.ok()) {
            return Some(info);
        }
        step!(instance.actor(), JAVA, "topicPublishInfoTable has no {topic}: ask the name server");
        instance.update_topic_route_info_from_name_server_for(topic, None);
        if let Some(info) = lock(&self.topic_publish_info_table)
            .get(topic)
            .filter(|info| info.ok())
        {
            return Some(info.clone());
        }
        let key = &self.config.create_topic_key;
        step!(instance.actor(), JAVA, "no route for {topic}: use {key}'s");
        let default = (key.as_str(), self.config.default_topic_queue_nums);
        instance.update_topic_route_info_from_name_server_for(topic, Some(default));
        lock(&self.topic_publish_info_table)
            .get(topic)
            .filter(|info| info.ok())
            .cloned()
    }
    // ANCHOR_END: try_to_find_topic_publish_info

    /// `DefaultMQProducerImpl#selectOneMessageQueue`: in this chapter the
    /// publish info decides alone.
    fn select_one_message_queue(
        &self,
        instance: &MQClientInstance,
        info: &TopicPublishInfo,
        last_broker_name: Option<&str>,
    ) -> Option<MessageQueue> {
        const JAVA: &str = "TopicPublishInfo#selectOneMessageQueue";
        let mq = info.select_one_message_queue(last_broker_name)?;
        let (last, index) = (last_broker_name.unwrap_or("null"), info.send_which_queue());
        step!(instance.actor(), JAVA, "lastBrokerName={last} sendWhichQueue={index} -> {mq}");
        Some(mq)
    }

    // ANCHOR: send_kernel_impl
    /// `DefaultMQProducerImpl#sendKernelImpl`: one attempt on one queue: the
    /// address of its broker's master, and the header of SEND_MESSAGE_V2.
    fn send_kernel_impl(
        &self,
        instance: &MQClientInstance,
        msg: &Message,
        mq: &MessageQueue,
    ) -> Result<SendResult, MQClientError> {
        let broker_name = &mq.broker_name;
        let Some(broker_addr) = instance.find_broker_address_in_publish(broker_name) else {
            return Err(MQClientError::Client(format!("The broker[{broker_name}] not exist")));
        };
        let header = SendMessageRequestHeader {
            producer_group: self.config.producer_group.clone(),
            topic: msg.topic.clone(),
            default_topic: self.config.create_topic_key.clone(),
            default_topic_queue_nums: self.config.default_topic_queue_nums,
            queue_id: mq.queue_id,
            sys_flag: 0,
            born_timestamp: instance.clock().now_ms() as i64,
            flag: msg.flag,
            properties: None,
            reconsume_times: Some(0),
            unit_mode: Some(false),
            batch: Some(false),
            max_reconsume_times: None,
            broker_name: Some(broker_name.clone()),
        };
        instance
            .mq_client_api_impl()
            .send_message(&broker_addr, msg, header)
    }
    // ANCHOR_END: send_kernel_impl

    fn mq_client_factory(&self) -> Result<Arc<MQClientInstance>, MQClientError> {
        let instance = lock(&self.mq_client_factory).clone();
        instance.ok_or_else(|| {
            MQClientError::Client("The producer service state not OK, maybe started once".into())
        })
    }
}

// ANCHOR: retry_response_codes
/// Is another attempt worth it? Yes when no answer came (the broker may be
/// down, another is not) or the client gave up on this queue, and for the
/// codes of `DefaultMQProducer#retryResponseCodes`: answers that say "not
/// here, not now" rather than "never".
fn is_retryable(e: &MQClientError) -> bool {
    match e {
        MQClientError::Remoting(_) | MQClientError::Client(_) => true,
        MQClientError::Response { code, .. } => matches!(
            *code,
            response_code::TOPIC_NOT_EXIST
                | response_code::SERVICE_NOT_AVAILABLE
                | response_code::SYSTEM_ERROR
                | response_code::SYSTEM_BUSY
                | response_code::NO_PERMISSION
                | response_code::NO_BUYER_ID
                | response_code::NOT_IN_CURRENT_UNIT
                | response_code::GO_AWAY
        ),
    }
}
// ANCHOR_END: retry_response_codes

/// The Java exception a failure would be, in a few words (the address is
/// on the trace line above it).
fn describe(e: &MQClientError) -> String {
    match e {
        MQClientError::Remoting(RemotingError::ConnectFailed(_)) => {
            "RemotingConnectException".into()
        }
        MQClientError::Remoting(other) => format!("RemotingException: {other}"),
        MQClientError::Response { code, .. } => {
            format!("MQBrokerException {}({code})", response_code_name(*code))
        }
        MQClientError::Client(why) => format!("MQClientException: {why}"),
    }
}

//! `DefaultMQProducer` — what an application holds. Mirrors
//! `org.apache.rocketmq.client.producer.DefaultMQProducer`.
//!
//! ```text
//! let producer = DefaultMQProducer::new(ProducerConfig::new("ProducerGroupA", client_config));
//! producer.start(&mq_client_manager)?;
//! let result = producer.send(&Message::new("TopicTest", "TagA", "Hello RocketMQ"))?;
//! ```
//!
//! As in Java, the face holds no logic: every call goes to
//! [`DefaultMQProducerImpl`]. The one difference is `start`, which takes the
//! process's `MQClientManager` (a singleton in Java, a value here: see
//! `mq_client_manager.rs`).

use workbook_trace::step;

use crate::client::mq_client_api_impl::MQClientError;
use crate::client::mq_client_manager::MQClientManager;
use crate::client::producer::default_mq_producer_impl::{DefaultMQProducerImpl, ProducerConfig};
use crate::client::send_result::SendResult;
use crate::common::message::Message;

pub struct DefaultMQProducer {
    default_mq_producer_impl: DefaultMQProducerImpl,
}

impl DefaultMQProducer {
    pub fn new(config: ProducerConfig) -> Self {
        DefaultMQProducer {
            default_mq_producer_impl: DefaultMQProducerImpl::new(config),
        }
    }

    /// `DefaultMQProducer#start`.
    pub fn start(&self, manager: &MQClientManager) -> Result<(), MQClientError> {
        let config = self.default_mq_producer_impl.config();
        let (me, group) = (&config.client_config.instance_name, &config.producer_group);
        let retries = config.retry_times_when_send_failed;
        const JAVA: &str = "DefaultMQProducer#start";
        step!(me, JAVA, "producerGroup={group} retryTimesWhenSendFailed={retries}");
        self.default_mq_producer_impl.start(manager)
    }

    /// `DefaultMQProducer#send(Message)`: a synchronous send, retried on
    /// another broker when it fails there.
    pub fn send(&self, msg: &Message) -> Result<SendResult, MQClientError> {
        self.default_mq_producer_impl.send_default_impl(msg)
    }

    /// `DefaultMQProducer#shutdown`.
    pub fn shutdown(&self) {
        self.default_mq_producer_impl.shutdown();
    }
}

//! Telling the name servers about a new topic before answering the request
//! that created it.
//!
//! Java's `TopicConfigManager` calls `registerBrokerData` (→
//! `BrokerController#registerIncrementBrokerData`) from every method that
//! creates a topic — `createTopicInSendMessageMethod`,
//! `createTopicInSendMessageBackMethod` — and `AdminBrokerProcessor#
//! updateAndCreateTopic` does the same, all before the request is answered.
//! A client that looks the route up right after the answer then finds it.
//! Registering later, in the background, leaves a window of a few
//! milliseconds in which the topic exists but has no route; a consumer that
//! asks for its retry topic's route in that window caches "no route" for a
//! whole poll period (30 s), and its retries wait that long.
//!
//! This service is what the processors that create topics hold. It sends
//! the whole topic table (what the periodic registration sends), not only
//! the new topic: one path to the name servers, and a name server that
//! missed an earlier change catches up at the same time. The background
//! registration after a topic change (the controller's) stays for changes
//! made elsewhere.

use std::sync::Arc;

use crate::broker::broker_outer_api::{BrokerIdentity, BrokerOuterAPI};
use crate::broker::topic_config_manager::TopicConfigManager;
use crate::common::topic_config::TopicConfig;

pub struct TopicRouteRegistration {
    topic_config_manager: Arc<TopicConfigManager>,
    broker_outer_api: Arc<BrokerOuterAPI>,
    identity: BrokerIdentity,
    /// The broker's own permission, which caps every topic's.
    broker_permission: i32,
}

impl TopicRouteRegistration {
    pub fn new(
        topic_config_manager: Arc<TopicConfigManager>,
        broker_outer_api: Arc<BrokerOuterAPI>,
        identity: BrokerIdentity,
        broker_permission: i32,
    ) -> Self {
        TopicRouteRegistration {
            topic_config_manager,
            broker_outer_api,
            identity,
            broker_permission,
        }
    }

    /// Java `registerIncrementBrokerData`: REGISTER_BROKER to every name
    /// server, waiting for their answers (each bounded by
    /// `registerBrokerTimeoutMills`; a name server that is down delays the
    /// answer by that much, as in Java, and is caught up by the periodic
    /// registration).
    pub async fn register_broker_data(&self) {
        let wrapper = self
            .topic_config_manager
            .build_serialize_wrapper_for_registration(self.broker_permission);
        self.broker_outer_api
            .register_broker_all(&self.identity, wrapper)
            .await;
    }

    /// Java `createTopicInSendMessageBackMethod`: the group's `%RETRY%` or
    /// `%DLQ%` topic, created (and registered, before returning) if it did
    /// not exist.
    pub async fn create_topic_in_send_message_back_method(
        &self,
        topic: &str,
        queue_nums: i32,
        perm: i32,
        topic_sys_flag: i32,
    ) -> Arc<TopicConfig> {
        let (tc, created) = self
            .topic_config_manager
            .create_topic_in_send_message_back_method(topic, queue_nums, perm, topic_sys_flag);
        if created {
            self.register_broker_data().await;
        }
        tc
    }
}

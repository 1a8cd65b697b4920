//! Sending a pull and turning its response into messages — Java
//! `PullAPIWrapper` (`pullKernelImpl`, `processPullResult`,
//! `updatePullFromWhichNode`). The push consumer's pull loop and the lite
//! pull consumer's pull tasks both pull through [`PullAPIWrapper::pull_kernel_impl`].
//!
//! The broker filters by tag *hash code* (the consume queue stores only the
//! hash, Java `ConsumeQueue#CQ_STORE_UNIT_SIZE`, `store/src/main/java/org/apache/rocketmq/store/ConsumeQueue.java`), so two tags with the same hash both pass its filter.
//! The client therefore filters again by the tag *string* after decoding —
//! the second half of RocketMQ's two-step tag filter.
//!
//! It also remembers, per queue, which broker id the broker suggested for
//! the next pull (master, or a slave when the master is busy).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use parking_lot::RwLock;

use crate::client::client_instance::MQClientInstance;
use crate::client::exception::MQClientError;
use crate::client::mq_client_api::pull_result::{PullResult, PullStatus};
use crate::common::message::MessageExt;
use crate::common::message_const;
use crate::common::message_decoder;
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::common::sysflag::PullSysFlag;
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;
use crate::remoting::protocol::header::PullMessageRequestHeader;

/// What one pull asks for: the arguments of Java `pullKernelImpl`.
#[derive(Debug)]
pub struct PullArgs<'a> {
    pub mq: &'a MessageQueue,
    pub consumer_group: &'a str,
    pub subscription: &'a SubscriptionData,
    /// The queue offset to read from.
    pub offset: i64,
    pub max_nums: i32,
    /// The consumer's progress to store on the broker (0 = none).
    pub commit_offset: i64,
    /// How long the broker may hold the pull when nothing is there.
    pub broker_suspend_max_time: Duration,
    /// The client's timeout for the whole call (longer than the hold).
    pub timeout: Duration,
}

/// Why a pull got no answer to process.
#[derive(Debug)]
pub enum PullError {
    /// The queue's broker is not in the route cache; the route was refreshed.
    BrokerNotFound,
    /// The call failed (connection, timeout, or an error code).
    Remote {
        broker_addr: Arc<str>,
        error: MQClientError,
    },
}

/// Java `PullAPIWrapper`.
#[derive(Debug, Default)]
pub struct PullAPIWrapper {
    /// queue → the broker id to pull from next (absent = master).
    pull_from_which_node_table: RwLock<HashMap<MessageQueue, i64>>,
}

impl PullAPIWrapper {
    /// The broker id to pull `mq` from (Java `recalculatePullFromWhichNode`).
    pub fn recalculate_pull_from_which_node(&self, mq: &MessageQueue) -> i64 {
        self.pull_from_which_node_table
            .read()
            .get(mq)
            .copied()
            .unwrap_or(mix_all::MASTER_ID)
    }

    /// Java `pullKernelImpl` plus `processPullResult`: find the broker to
    /// pull from (refreshing the route when it is unknown), build the
    /// PULL_MESSAGE header — the consumer's offset is committed only to a
    /// master — send it, and decode what comes back.
    pub async fn pull_kernel_impl(
        &self,
        instance: &MQClientInstance,
        args: PullArgs<'_>,
    ) -> Result<PullResult, PullError> {
        let mq = args.mq;
        let broker_id = self.recalculate_pull_from_which_node(mq);
        let Some(broker) =
            instance.find_broker_address_in_subscribe(&mq.broker_name, broker_id, false)
        else {
            instance
                .update_topic_route_info_from_name_server_for(&mq.topic, None)
                .await;
            return Err(PullError::BrokerNotFound);
        };
        // A slave must not move the group's offset; only masters take commits.
        let commit = args.commit_offset > 0 && !broker.slave;
        let header = PullMessageRequestHeader {
            consumer_group: args.consumer_group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            queue_offset: args.offset,
            max_msg_nums: args.max_nums,
            sys_flag: PullSysFlag::build_sys_flag(commit, true, true, false),
            commit_offset: args.commit_offset,
            suspend_timeout_millis: args.broker_suspend_max_time.as_millis() as i64,
            subscription: Some(args.subscription.sub_string.clone()),
            sub_version: args.subscription.sub_version,
            expression_type: Some(args.subscription.expression_type.clone()),
            broker_name: Some(mq.broker_name.clone()),
            ..Default::default()
        };
        match instance
            .api()
            .pull_message(&broker.broker_addr, header, args.timeout)
            .await
        {
            Ok((result, body)) => Ok(self.process_pull_result(
                mq,
                args.consumer_group,
                result,
                body,
                args.subscription,
            )),
            Err(error) => Err(PullError::Remote {
                broker_addr: broker.broker_addr,
                error,
            }),
        }
    }

    /// Java `processPullResult`: decode, filter by tag string, stamp the
    /// queue's min/max offsets and broker name, and put a retried message
    /// back under its original topic (`resetRetryAndNamespace`, done here
    /// once rather than before every consume).
    pub fn process_pull_result(
        &self,
        mq: &MessageQueue,
        consumer_group: &str,
        mut result: PullResult,
        body: Bytes,
        subscription: &SubscriptionData,
    ) -> PullResult {
        self.pull_from_which_node_table
            .write()
            .insert(mq.clone(), result.suggest_which_broker_id);
        if result.pull_status != PullStatus::Found || body.is_empty() {
            return result;
        }
        let retry_topic = mix_all::get_retry_topic(consumer_group);
        let min_offset = result.min_offset.to_string();
        let max_offset = result.max_offset.to_string();
        let filter_by_tags = !subscription.tags_set.is_empty() && !subscription.class_filter_mode;
        result.msg_found_list = message_decoder::decodes_batch(&body, true, true)
            .into_iter()
            .filter(|msg| {
                !filter_by_tags
                    || msg
                        .tags()
                        .is_some_and(|tag| subscription.tags_set.contains(tag))
            })
            .map(|mut msg: MessageExt| {
                msg.put_property(message_const::PROPERTY_MIN_OFFSET, min_offset.clone());
                msg.put_property(message_const::PROPERTY_MAX_OFFSET, max_offset.clone());
                msg.broker_name = mq.broker_name.clone();
                if msg.topic == retry_topic
                    && let Some(original) = msg.property(message_const::PROPERTY_RETRY_TOPIC)
                {
                    msg.message.topic = original.to_string();
                }
                Arc::new(msg)
            })
            .collect();
        result
    }
}

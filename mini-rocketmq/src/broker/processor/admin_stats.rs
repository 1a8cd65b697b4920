//! The computations behind the admin codes that report on queues and groups:
//! topic stats, consume stats (lag) and offset resets.
//!
//! Split out of [`admin_broker_processor`](super::admin_broker_processor)
//! because each one walks every queue of a topic and asks the store and the
//! offset table about it — the part a reader wants to see on its own.

use super::admin_broker_processor::AdminBrokerProcessor;
use crate::broker::client::broker2client;
use crate::common::message_queue::MessageQueue;
use crate::remoting::code::response_code;
use crate::remoting::protocol::body::consume_stats::{ConsumeStats, OffsetWrapper};
use crate::remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use crate::remoting::protocol::body::topic_stats_table::{TopicOffset, TopicStatsTable};
use crate::remoting::protocol::header::offset::ResetOffsetRequestHeader;

impl AdminBrokerProcessor {
    /// GET_TOPIC_STATS_INFO: min, max and last store time of every queue;
    /// `None` for an unknown topic.
    pub(super) fn topic_stats_table(&self, topic: &str) -> Option<TopicStatsTable> {
        let tc = self.topic_config_manager.select_topic_config(topic)?;
        let store = &self.store;
        let mut table = TopicStatsTable::default();
        for queue_id in 0..tc.write_queue_nums {
            let min = store.get_min_offset_in_queue(topic, queue_id).max(0);
            let max = store.get_max_offset_in_queue(topic, queue_id).max(0);
            let last = if max > 0 {
                store.get_message_store_timestamp(topic, queue_id, max - 1)
            } else {
                0
            };
            table.offset_table.insert(
                MessageQueue::new(topic, self.broker_config.broker_name.clone(), queue_id),
                TopicOffset {
                    last_update_timestamp: last,
                    max_offset: max,
                    min_offset: min,
                },
            );
        }
        Some(table)
    }

    /// GET_CONSUME_STATS: for every queue of the group's topics (or of `topic`),
    /// the broker's max offset and the group's committed offset.
    pub(super) fn consume_stats(&self, group: &str, topic: Option<&str>) -> ConsumeStats {
        let topics: Vec<String> = match topic.filter(|t| !t.is_empty()) {
            Some(t) => vec![t.to_string()],
            None => {
                let mut t: Vec<String> = self
                    .consumer_offset_manager
                    .which_topic_by_consumer(group)
                    .into_iter()
                    .collect();
                t.sort();
                t
            }
        };
        let online = self.consumer_manager.is_group_online(group);
        let store = &self.store;
        let mut stats = ConsumeStats::default();
        for topic in topics {
            let Some(tc) = self.topic_config_manager.select_topic_config(&topic) else {
                continue;
            };
            // An online group that does not subscribe to the topic has no lag on it.
            if online
                && self
                    .consumer_manager
                    .find_subscription_data(group, &topic)
                    .is_none()
            {
                continue;
            }
            for queue_id in 0..tc.write_queue_nums {
                let broker_offset = store.get_max_offset_in_queue(&topic, queue_id).max(0);
                let consumer_offset = self
                    .consumer_offset_manager
                    .query_offset(group, &topic, queue_id)
                    .max(0);
                let last_timestamp = if consumer_offset > 0 {
                    store.get_message_store_timestamp(&topic, queue_id, consumer_offset - 1)
                } else {
                    0
                };
                stats.offset_table.insert(
                    MessageQueue::new(
                        topic.clone(),
                        self.broker_config.broker_name.clone(),
                        queue_id,
                    ),
                    OffsetWrapper {
                        broker_offset,
                        consumer_offset,
                        last_timestamp,
                        pull_offset: consumer_offset,
                    },
                );
            }
        }
        stats
    }

    /// INVOKE_BROKER_TO_RESET_OFFSET (Java `Broker2Client#resetOffset`): for
    /// every queue, the offset of the first message stored at `timestamp`
    /// (`-1` = the end of the queue); only moved backwards unless `isForce`.
    ///
    /// Online members are told with RESET_CONSUMER_CLIENT_OFFSET, as in Java.
    /// One deliberate difference: the broker also commits the new offsets
    /// itself, so resetting a group whose consumers are stopped works too (Java
    /// answers CONSUMER_NOT_ONLINE and `mqadmin` then falls back to committing
    /// each queue's offset with UPDATE_CONSUMER_OFFSET — the same end result).
    pub(super) fn reset_offset_of_group(
        &self,
        h: &ResetOffsetRequestHeader,
    ) -> Result<ResetOffsetBody, (i32, String)> {
        let Some(tc) = self.topic_config_manager.select_topic_config(&h.topic) else {
            return Err((
                response_code::TOPIC_NOT_EXIST,
                format!(
                    "[reset-offset] reset offset failed, no topic in this self. topic={}",
                    h.topic
                ),
            ));
        };
        let store = &self.store;
        let offsets = &self.consumer_offset_manager;
        let mut body = ResetOffsetBody::default();
        for queue_id in 0..tc.write_queue_nums {
            let consumer_offset = offsets.query_offset(&h.group, &h.topic, queue_id);
            let target = if h.timestamp == -1 {
                store.get_max_offset_in_queue(&h.topic, queue_id)
            } else {
                store.get_offset_in_queue_by_time(
                    &h.topic,
                    queue_id,
                    h.timestamp,
                    crate::store::consume_queue::BoundaryType::Lower,
                )
            }
            .max(0);
            let new_offset = if h.is_force || consumer_offset < 0 || target < consumer_offset {
                target
            } else {
                consumer_offset
            };
            offsets.commit_offset("reset-offset", &h.group, &h.topic, queue_id, new_offset);
            body.offset_table.insert(
                MessageQueue::new(
                    h.topic.clone(),
                    self.broker_config.broker_name.clone(),
                    queue_id,
                ),
                new_offset,
            );
        }
        let header = ResetOffsetRequestHeader {
            group: h.group.clone(),
            topic: h.topic.clone(),
            queue_id: -1,
            offset: None,
            timestamp: h.timestamp,
            is_force: h.is_force,
        };
        for channel in self.consumer_manager.channels_of(&h.group) {
            broker2client::reset_consumer_client_offset(&channel, &header, &body);
        }
        Ok(body)
    }
}

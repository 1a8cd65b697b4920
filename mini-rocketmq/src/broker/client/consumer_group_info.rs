//! `ConsumerGroupInfo`: one consumer group's members and subscriptions.
//!
//! Mirrors `org.apache.rocketmq.broker.client.ConsumerGroupInfo`. The group's
//! live connections (one per client instance), the subscriptions its members
//! announced, and how it consumes (push or pull, clustering or broadcasting,
//! where a new member starts). Heartbeats refresh it; the two `update_*`
//! methods report whether the *membership* or the *subscriptions* changed,
//! because only a change is worth a NOTIFY_CONSUMER_IDS_CHANGED to the group.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::time::Instant;

use super::client_channel_info::ClientChannelInfo;
use crate::remoting::protocol::body::heartbeat_data::{BROADCASTING, SubscriptionData};

pub struct ConsumerGroupInfo {
    pub group_name: String,
    pub consume_type: String,
    pub message_model: String,
    pub consume_from_where: String,
    /// channel id → the member on that connection.
    pub channels: HashMap<u64, ClientChannelInfo>,
    /// topic → subscription. `Arc` so the pull path can keep one without
    /// holding the table's lock.
    pub subscriptions: HashMap<String, Arc<SubscriptionData>>,
    pub last_update: Instant,
}

impl ConsumerGroupInfo {
    pub fn new(
        group_name: &str,
        consume_type: &str,
        message_model: &str,
        consume_from_where: &str,
    ) -> Self {
        ConsumerGroupInfo {
            group_name: group_name.to_string(),
            consume_type: consume_type.to_string(),
            message_model: message_model.to_string(),
            consume_from_where: consume_from_where.to_string(),
            channels: HashMap::new(),
            subscriptions: HashMap::new(),
            last_update: Instant::now(),
        }
    }

    /// Java `updateChannel`: record (or refresh) a member. Returns `true` when
    /// the connection is new to the group.
    pub fn update_channel(
        &mut self,
        info: ClientChannelInfo,
        consume_type: &str,
        message_model: &str,
        consume_from_where: &str,
    ) -> bool {
        self.consume_type = consume_type.to_string();
        self.message_model = message_model.to_string();
        self.consume_from_where = consume_from_where.to_string();
        let now = Instant::now();
        self.last_update = now;
        match self.channels.get_mut(&info.channel_id()) {
            Some(old) => {
                if old.client_id != info.client_id {
                    tracing::error!(group = %self.group_name, old = %old.client_id, new = %info.client_id,
                        "consumer channel exists in broker, but clientId is not the same one");
                    *old = info;
                }
                old.last_update = now;
                false
            }
            None => {
                tracing::info!(group = %self.group_name, consume_type, message_model, channel = ?info,
                    "new consumer connected");
                let mut info = info;
                info.last_update = now;
                self.channels.insert(info.channel_id(), info);
                true
            }
        }
    }

    /// Java `updateSubscription`: adopt the heartbeat's subscriptions. A new
    /// topic or a dropped topic is a change; a newer `subVersion` of a known
    /// topic replaces the old one silently (Java does not notify for it either).
    pub fn update_subscription(&mut self, subs: &[SubscriptionData]) -> bool {
        let mut updated = false;
        for sub in subs {
            match self.subscriptions.get(&sub.topic) {
                None => {
                    tracing::info!(group = %self.group_name, topic = %sub.topic, expression = %sub.sub_string,
                        "subscription changed, add new topic");
                    self.subscriptions
                        .insert(sub.topic.clone(), Arc::new(sub.clone()));
                    updated = true;
                }
                Some(old) if sub.sub_version > old.sub_version => {
                    self.subscriptions
                        .insert(sub.topic.clone(), Arc::new(sub.clone()));
                }
                Some(_) => {}
            }
        }
        let before = self.subscriptions.len();
        self.subscriptions
            .retain(|topic, _| subs.iter().any(|s| &s.topic == topic));
        if self.subscriptions.len() != before {
            tracing::warn!(group = %self.group_name, "subscription changed, topics removed");
            updated = true;
        }
        self.last_update = Instant::now();
        updated
    }

    /// Client ids of every member, in connection order of the table
    /// (callers sort when they need a stable order).
    pub fn all_client_ids(&self) -> Vec<String> {
        self.channels
            .values()
            .map(|c| c.client_id.clone())
            .collect()
    }

    pub fn is_broadcast(&self) -> bool {
        self.message_model == BROADCASTING
    }
}

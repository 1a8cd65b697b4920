//! `ConsumerManager`: every consumer group with members on this broker.
//!
//! Mirrors `org.apache.rocketmq.broker.client.ConsumerManager` together with
//! `DefaultConsumerIdsChangeListener`. It is fed by HEART_BEAT (register),
//! UNREGISTER_CLIENT, closed connections and the 120-second expiry scan, and
//! read by
//!
//! - GET_CONSUMER_LIST_BY_GROUP, which every consumer calls before it
//!   rebalances (the list of member client ids);
//! - the pull path, which filters with the subscription a member registered
//!   when the pull itself does not carry one ([`find_subscription_data`]);
//! - the admin codes (consumer connections, consume stats).
//!
//! When a group's membership or subscriptions change, every member is sent
//! NOTIFY_CONSUMER_IDS_CHANGED so all of them rebalance at once (clustering
//! groups only: in broadcasting mode every member reads every queue anyway).
//! The pushes are collected under the lock and sent after it is released.
//!
//! [`find_subscription_data`]: ConsumerManager::find_subscription_data

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;
use tokio::time::Instant;

use super::broker2client;
use super::client_channel_info::ClientChannelInfo;
use super::consumer_group_info::ConsumerGroupInfo;
use crate::remoting::channel::Channel;
use crate::remoting::protocol::body::consumer_connection::{Connection, ConsumerConnection};
use crate::remoting::protocol::body::heartbeat_data::SubscriptionData;

pub struct ConsumerManager {
    table: RwLock<HashMap<String, ConsumerGroupInfo>>,
    channel_expired_timeout: Duration,
    notify_consumer_ids_changed_enable: bool,
}

impl ConsumerManager {
    pub fn new(
        channel_expired_timeout: Duration,
        notify_consumer_ids_changed_enable: bool,
    ) -> Self {
        ConsumerManager {
            table: RwLock::new(HashMap::new()),
            channel_expired_timeout,
            notify_consumer_ids_changed_enable,
        }
    }

    /// Java `registerConsumer`: a heartbeat of one member. Returns whether the
    /// group changed (new member or changed subscriptions); in that case the
    /// group's members are notified when `notify` is set (the group config's
    /// `notifyConsumerIdsChangedEnable`).
    #[allow(clippy::too_many_arguments)]
    pub fn register_consumer(
        &self,
        group: &str,
        info: ClientChannelInfo,
        consume_type: &str,
        message_model: &str,
        consume_from_where: &str,
        subs: &[SubscriptionData],
        notify: bool,
    ) -> bool {
        let (changed, to_notify) = {
            let mut table = self.table.write();
            let g = table.entry(group.to_string()).or_insert_with(|| {
                ConsumerGroupInfo::new(group, consume_type, message_model, consume_from_where)
            });
            let r1 = g.update_channel(info, consume_type, message_model, consume_from_where);
            let r2 = g.update_subscription(subs);
            let changed = r1 || r2;
            let to_notify = if changed && notify && !g.is_broadcast() {
                g.channels.values().map(|c| c.channel.clone()).collect()
            } else {
                Vec::new()
            };
            (changed, to_notify)
        };
        self.notify(group, &to_notify);
        changed
    }

    /// Java `unregisterConsumer`: a member said goodbye (UNREGISTER_CLIENT).
    pub fn unregister_consumer(&self, group: &str, channel: &Channel, notify: bool) {
        let to_notify = {
            let mut table = self.table.write();
            let Some(g) = table.get_mut(group) else {
                return;
            };
            if g.channels.remove(&channel.id()).is_some() {
                tracing::info!(group, client = %channel.remote_addr(), "unregister consumer ok");
            }
            let remaining: Vec<Channel> = g.channels.values().map(|c| c.channel.clone()).collect();
            let broadcast = g.is_broadcast();
            if g.channels.is_empty() {
                table.remove(group);
                tracing::info!(
                    group,
                    "unregister consumer ok, no any connection, and remove consumer group"
                );
            }
            if notify && !broadcast {
                remaining
            } else {
                Vec::new()
            }
        };
        self.notify(group, &to_notify);
    }

    /// Java `doChannelCloseEvent`: a connection closed; remove it from every
    /// group it was in and tell the remaining members. Returns whether it was
    /// a consumer's connection.
    pub fn do_channel_close_event(&self, channel: &Channel) -> bool {
        self.remove_channels(|info| info.channel_id() == channel.id(), "channel closed")
    }

    /// Java `scanNotActiveChannel`: drop members silent for longer than
    /// `channelExpiredTimeout` and close their connections.
    pub fn scan_not_active_channel(&self, now: Instant) {
        let timeout = self.channel_expired_timeout;
        let expired: Vec<Channel> = {
            let table = self.table.read();
            table
                .values()
                .flat_map(|g| g.channels.values())
                .filter(|c| now.saturating_duration_since(c.last_update) > timeout)
                .map(|c| c.channel.clone())
                .collect()
        };
        for channel in expired {
            tracing::warn!(client = %channel.remote_addr(),
                "SCAN: remove expired channel from ConsumerManager consumerTable");
            self.remove_channels(|info| info.channel_id() == channel.id(), "expired");
            channel.close();
        }
    }

    fn remove_channels(&self, matches: impl Fn(&ClientChannelInfo) -> bool, why: &str) -> bool {
        let mut notifications: Vec<(String, Vec<Channel>)> = Vec::new();
        let mut removed_any = false;
        {
            let mut table = self.table.write();
            let mut empty_groups = Vec::new();
            for (name, g) in table.iter_mut() {
                let before = g.channels.len();
                g.channels.retain(|_, info| !matches(info));
                if g.channels.len() == before {
                    continue;
                }
                removed_any = true;
                tracing::info!(group = %name, why, "consumer left the group");
                if g.channels.is_empty() {
                    empty_groups.push(name.clone());
                } else if self.notify_consumer_ids_changed_enable && !g.is_broadcast() {
                    notifications.push((
                        name.clone(),
                        g.channels.values().map(|c| c.channel.clone()).collect(),
                    ));
                }
            }
            for name in empty_groups {
                table.remove(&name);
                tracing::info!(group = %name, "no connection left, consumer group removed");
            }
        }
        for (group, channels) in notifications {
            self.notify(&group, &channels);
        }
        removed_any
    }

    fn notify(&self, group: &str, channels: &[Channel]) {
        if !self.notify_consumer_ids_changed_enable {
            return;
        }
        for channel in channels {
            broker2client::notify_consumer_ids_changed(channel, group);
        }
    }

    /// Client ids of the group's members, sorted; `None` for an unknown group.
    pub fn get_consumer_id_list(&self, group: &str) -> Option<Vec<String>> {
        let table = self.table.read();
        table.get(group).map(|g| {
            let mut ids = g.all_client_ids();
            ids.sort();
            ids
        })
    }

    /// The subscription a member of `group` registered for `topic`.
    pub fn find_subscription_data(
        &self,
        group: &str,
        topic: &str,
    ) -> Option<Arc<SubscriptionData>> {
        let table = self.table.read();
        table.get(group)?.subscriptions.get(topic).cloned()
    }

    /// Whether the group has any member online.
    pub fn is_group_online(&self, group: &str) -> bool {
        self.table
            .read()
            .get(group)
            .is_some_and(|g| !g.channels.is_empty())
    }

    /// The connections of the group's members.
    pub fn channels_of(&self, group: &str) -> Vec<Channel> {
        let table = self.table.read();
        table
            .get(group)
            .map(|g| g.channels.values().map(|c| c.channel.clone()).collect())
            .unwrap_or_default()
    }

    /// The group's message model (`CLUSTERING` / `BROADCASTING`).
    pub fn message_model(&self, group: &str) -> Option<String> {
        self.table
            .read()
            .get(group)
            .map(|g| g.message_model.clone())
    }

    /// Topics the group subscribes to.
    pub fn subscribed_topics(&self, group: &str) -> Vec<String> {
        let table = self.table.read();
        let mut topics: Vec<String> = table
            .get(group)
            .map(|g| g.subscriptions.keys().cloned().collect())
            .unwrap_or_default();
        topics.sort();
        topics
    }

    /// GET_CONSUMER_CONNECTION_LIST's body; `None` for an unknown group.
    pub fn consumer_connection(&self, group: &str) -> Option<ConsumerConnection> {
        let table = self.table.read();
        let g = table.get(group)?;
        let mut connection_set: Vec<Connection> = g
            .channels
            .values()
            .map(|c| Connection {
                client_addr: c.channel.remote_addr().to_string(),
                client_id: c.client_id.clone(),
                language: c.language.name().to_string(),
                version: c.version,
            })
            .collect();
        connection_set.sort();
        Some(ConsumerConnection {
            connection_set,
            consume_from_where: g.consume_from_where.clone(),
            consume_type: g.consume_type.clone(),
            message_model: g.message_model.clone(),
            subscription_table: g
                .subscriptions
                .iter()
                .map(|(t, s)| (t.clone(), SubscriptionData::clone(s)))
                .collect(),
        })
    }

    /// Every group name, sorted.
    pub fn group_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.table.read().keys().cloned().collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::code::request_code;
    use crate::remoting::command::{LanguageCode, RemotingCommand};
    use tokio::sync::mpsc;

    fn channel(port: u16) -> (Channel, mpsc::UnboundedReceiver<RemotingCommand>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let remote = format!("127.0.0.1:{port}").parse().unwrap();
        let local = "127.0.0.1:10911".parse().unwrap();
        (Channel::new(remote, local, tx), rx)
    }

    fn sub(topic: &str) -> SubscriptionData {
        SubscriptionData::build(topic, "*", None, 1)
    }

    fn register(m: &ConsumerManager, ch: &Channel, client: &str, topics: &[&str]) -> bool {
        let info = ClientChannelInfo::new(ch.clone(), client, LanguageCode::Java, 479);
        let subs: Vec<_> = topics.iter().map(|t| sub(t)).collect();
        m.register_consumer(
            "cg",
            info,
            "CONSUME_PASSIVELY",
            "CLUSTERING",
            "CONSUME_FROM_LAST_OFFSET",
            &subs,
            true,
        )
    }

    fn notifications(rx: &mut mpsc::UnboundedReceiver<RemotingCommand>) -> usize {
        let mut n = 0;
        while let Ok(cmd) = rx.try_recv() {
            assert_eq!(cmd.code, request_code::NOTIFY_CONSUMER_IDS_CHANGED);
            assert_eq!(cmd.ext("consumerGroup"), Some("cg"));
            n += 1;
        }
        n
    }

    #[tokio::test]
    async fn membership_changes_notify_the_group() {
        let m = ConsumerManager::new(Duration::from_secs(120), true);
        let (c1, mut rx1) = channel(1);
        let (c2, mut rx2) = channel(2);
        assert!(register(&m, &c1, "client-1", &["T"]));
        assert_eq!(notifications(&mut rx1), 1);
        // The same heartbeat again changes nothing and notifies nobody.
        assert!(!register(&m, &c1, "client-1", &["T"]));
        assert_eq!(notifications(&mut rx1), 0);
        // A second member: both are told.
        assert!(register(&m, &c2, "client-2", &["T"]));
        assert_eq!((notifications(&mut rx1), notifications(&mut rx2)), (1, 1));
        assert_eq!(
            m.get_consumer_id_list("cg").unwrap(),
            vec!["client-1", "client-2"]
        );
        assert!(m.find_subscription_data("cg", "T").is_some());
        // Its connection closes: the survivor is told, the list shrinks.
        assert!(m.do_channel_close_event(&c2));
        assert_eq!((notifications(&mut rx1), notifications(&mut rx2)), (1, 0));
        assert_eq!(m.get_consumer_id_list("cg").unwrap(), vec!["client-1"]);
        m.unregister_consumer("cg", &c1, true);
        assert!(m.get_consumer_id_list("cg").is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn silent_members_expire_after_120_s() {
        let m = ConsumerManager::new(Duration::from_secs(120), true);
        let (c1, _rx1) = channel(1);
        let (c2, _rx2) = channel(2);
        register(&m, &c1, "client-1", &["T"]);
        register(&m, &c2, "client-2", &["T"]);
        tokio::time::advance(Duration::from_secs(100)).await;
        register(&m, &c2, "client-2", &["T"]); // c2 keeps beating
        tokio::time::advance(Duration::from_secs(30)).await;
        m.scan_not_active_channel(tokio::time::Instant::now());
        assert_eq!(m.get_consumer_id_list("cg").unwrap(), vec!["client-2"]);
        assert!(!c1.is_active(), "an expired member's connection is closed");
    }
}

//! `ProducerManager`: producer groups and their connections.
//!
//! Mirrors `org.apache.rocketmq.broker.client.ProducerManager`. The broker
//! does not need producers to send (a send works on any connection), but it
//! needs to know them to call them back: a transactional half message is
//! checked by sending CHECK_TRANSACTION_STATE to *some* live connection of
//! its producer group, and `mqadmin producerConnection` lists them. Fed by the
//! `producerDataSet` of HEART_BEAT, UNREGISTER_CLIENT, closed connections and
//! the 120-second expiry scan.

use std::collections::HashMap;
use std::time::Duration;

use parking_lot::RwLock;
use tokio::time::Instant;

use super::client_channel_info::ClientChannelInfo;
use crate::remoting::channel::Channel;
use crate::remoting::protocol::body::consumer_connection::{Connection, ProducerConnection};

pub struct ProducerManager {
    /// group → channel id → producer.
    table: RwLock<HashMap<String, HashMap<u64, ClientChannelInfo>>>,
    channel_expired_timeout: Duration,
}

impl ProducerManager {
    pub fn new(channel_expired_timeout: Duration) -> Self {
        ProducerManager {
            table: RwLock::new(HashMap::new()),
            channel_expired_timeout,
        }
    }

    /// A producer of `group` sent a heartbeat on `info.channel`.
    pub fn register_producer(&self, group: &str, info: ClientChannelInfo) {
        let mut table = self.table.write();
        let members = table.entry(group.to_string()).or_default();
        match members.get_mut(&info.channel_id()) {
            Some(existing) => existing.last_update = Instant::now(),
            None => {
                tracing::info!(group, channel = ?info, "new producer connected");
                members.insert(info.channel_id(), info);
            }
        }
    }

    /// UNREGISTER_CLIENT for a producer group.
    pub fn unregister_producer(&self, group: &str, channel: &Channel) {
        let mut table = self.table.write();
        if let Some(members) = table.get_mut(group) {
            if members.remove(&channel.id()).is_some() {
                tracing::info!(group, client = %channel.remote_addr(), "unregister a producer");
            }
            if members.is_empty() {
                table.remove(group);
            }
        }
    }

    /// A connection closed: forget it in every group.
    pub fn do_channel_close_event(&self, channel: &Channel) -> bool {
        let mut removed = false;
        let mut table = self.table.write();
        for (group, members) in table.iter_mut() {
            if members.remove(&channel.id()).is_some() {
                removed = true;
                tracing::info!(group = %group, client = %channel.remote_addr(),
                    "NETTY EVENT: remove channel from ProducerManager groupChannelTable");
            }
        }
        table.retain(|_, members| !members.is_empty());
        removed
    }

    /// Drop producers silent for longer than `channelExpiredTimeout`.
    pub fn scan_not_active_channel(&self, now: Instant) {
        let mut expired = Vec::new();
        {
            let mut table = self.table.write();
            for (group, members) in table.iter_mut() {
                members.retain(|_, info| {
                    let alive = now.saturating_duration_since(info.last_update)
                        <= self.channel_expired_timeout;
                    if !alive {
                        tracing::warn!(group = %group, client = %info.channel.remote_addr(),
                            "ProducerManager#scanNotActiveChannel: remove expired channel");
                        expired.push(info.channel.clone());
                    }
                    alive
                });
            }
            table.retain(|_, members| !members.is_empty());
        }
        for channel in expired {
            channel.close();
        }
    }

    /// A live connection of the group (for transaction check-backs).
    pub fn get_available_channel(&self, group: &str) -> Option<Channel> {
        let table = self.table.read();
        table
            .get(group)?
            .values()
            .map(|i| &i.channel)
            .find(|c| c.is_active())
            .cloned()
    }

    /// GET_PRODUCER_CONNECTION_LIST's body; `None` for an unknown group.
    pub fn producer_connection(&self, group: &str) -> Option<ProducerConnection> {
        let table = self.table.read();
        let members = table.get(group)?;
        let mut connection_set: Vec<Connection> = members
            .values()
            .map(|c| Connection {
                client_addr: c.channel.remote_addr().to_string(),
                client_id: c.client_id.clone(),
                language: c.language.name().to_string(),
                version: c.version,
            })
            .collect();
        connection_set.sort();
        Some(ProducerConnection { connection_set })
    }
}

//! `ClientHousekeepingService`: forget clients whose connections are gone.
//!
//! Mirrors `org.apache.rocketmq.broker.client.ClientHousekeepingService`. Two
//! ways a client leaves without saying goodbye:
//!
//! - its connection closes, fails or idles out — the remoting server reports
//!   that through [`ChannelEventListener`] and the client is removed at once
//!   (and its group's other consumers are told to rebalance);
//! - it stays connected but stops sending heartbeats — a scan every 10 s
//!   removes members silent for `channelExpiredTimeout` (120 s) and closes
//!   their connections.

use std::sync::Arc;
use std::time::Duration;

use super::consumer_manager::ConsumerManager;
use super::producer_manager::ProducerManager;
use crate::remoting::channel::{Channel, ChannelEventListener};

/// How often the expiry scan runs (Java: every 10 s, first after 1 s).
pub const SCAN_INTERVAL: Duration = Duration::from_secs(10);

pub struct ClientHousekeepingService {
    producer_manager: Arc<ProducerManager>,
    consumer_manager: Arc<ConsumerManager>,
}

impl ClientHousekeepingService {
    pub fn new(
        producer_manager: Arc<ProducerManager>,
        consumer_manager: Arc<ConsumerManager>,
    ) -> Self {
        ClientHousekeepingService {
            producer_manager,
            consumer_manager,
        }
    }

    /// Java `scanExceptionChannel`.
    pub fn scan_exception_channel(&self) {
        let now = tokio::time::Instant::now();
        self.producer_manager.scan_not_active_channel(now);
        self.consumer_manager.scan_not_active_channel(now);
    }

    /// Run the scan every [`SCAN_INTERVAL`] until the returned task is aborted.
    pub fn start(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            let start = tokio::time::Instant::now() + Duration::from_secs(1);
            let mut tick = tokio::time::interval_at(start, SCAN_INTERVAL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                this.scan_exception_channel();
            }
        })
    }

    fn channel_gone(&self, channel: &Channel) {
        self.producer_manager.do_channel_close_event(channel);
        self.consumer_manager.do_channel_close_event(channel);
    }
}

impl ChannelEventListener for ClientHousekeepingService {
    fn on_channel_close(&self, channel: &Channel) {
        self.channel_gone(channel);
    }

    fn on_channel_exception(&self, channel: &Channel) {
        self.channel_gone(channel);
    }

    fn on_channel_idle(&self, channel: &Channel) {
        self.channel_gone(channel);
    }
}

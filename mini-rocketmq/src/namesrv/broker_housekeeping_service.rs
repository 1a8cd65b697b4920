//! `BrokerHousekeepingService`: a broker whose connection dies leaves the
//! routes at once.
//!
//! Mirrors `org.apache.rocketmq.namesrv.routeinfo.BrokerHousekeepingService`.
//! The remoting server reports every connection event to a
//! [`ChannelEventListener`]. A broker registers over a long-lived connection
//! and re-registers on it every 30 s, so when that connection closes, errors
//! or goes idle, the broker process is gone (or unreachable) and waiting for
//! the 120-second scan would keep sending clients to a dead address. All
//! three events therefore call `RouteInfoManager#onChannelDestroy`, which
//! finds the broker registered on that channel (if any) and unregisters it.
//!
//! Connections of clients (producers, consumers, tools) close all the time;
//! for them `on_channel_destroy` finds no broker and does nothing.

use std::sync::Arc;

use crate::namesrv::route_info_manager::RouteInfoManager;
use crate::remoting::server::{Channel, ChannelEventListener};

pub struct BrokerHousekeepingService {
    route_info_manager: Arc<RouteInfoManager>,
}

impl BrokerHousekeepingService {
    pub fn new(route_info_manager: Arc<RouteInfoManager>) -> Self {
        BrokerHousekeepingService { route_info_manager }
    }

    fn destroy(&self, channel: &Channel, why: &'static str) {
        for broker in self.route_info_manager.on_channel_destroy(channel.id()) {
            tracing::info!(%broker, peer = %channel.remote_addr(), why, "broker removed with its channel");
        }
    }
}

impl ChannelEventListener for BrokerHousekeepingService {
    fn on_channel_close(&self, channel: &Channel) {
        self.destroy(channel, "close");
    }

    fn on_channel_exception(&self, channel: &Channel) {
        self.destroy(channel, "exception");
    }

    fn on_channel_idle(&self, channel: &Channel) {
        self.destroy(channel, "idle");
    }
}

//! `NamesrvController` — owns the name server's parts and starts them.
//! Mirrors `org.apache.rocketmq.namesrv.NamesrvController` (and the little
//! that `NamesrvStartup` does before it).
//!
//! Java's controller wires a Netty server, thread pools, a KV-config store and
//! scheduled tasks around the one thing that matters, the `RouteInfoManager`.
//! In this chapter the controller is exactly that wiring: create the tables,
//! put a `DefaultRequestProcessor` in front of them, listen, and scan for
//! silent brokers every 5 s.

use std::sync::Arc;

use workbook_trace::step;

use crate::common::virtual_clock::VirtualClock;
use crate::namesrv::processor::DefaultRequestProcessor;
use crate::namesrv::route_info_manager::RouteInfoManager;
use crate::remoting::transport::InProcessNetwork;

/// `NamesrvConfig.scanNotActiveBrokerInterval`: 5000 ms in RocketMQ 5
/// (RocketMQ 4 scanned every 10 s, hard-coded).
pub const SCAN_NOT_ACTIVE_BROKER_INTERVAL: u64 = 5_000;

pub struct NamesrvController {
    /// Who we are in the trace (`namesrv-1`, `namesrv-2`).
    actor: String,
    listen_addr: String,
    /// Shared with the processor, which reads and writes it on every request.
    route_info_manager: Arc<RouteInfoManager>,
    clock: VirtualClock,
}

impl NamesrvController {
    /// A name server called `actor` in the trace that will listen at
    /// `listen_addr` (RocketMQ's default port is 9876), with five empty
    /// tables, living on `clock`.
    pub fn new(actor: &str, listen_addr: &str, clock: VirtualClock) -> Self {
        NamesrvController {
            actor: actor.to_string(),
            listen_addr: listen_addr.to_string(),
            route_info_manager: Arc::new(RouteInfoManager::new(actor, clock.clone())),
            clock,
        }
    }

    // ANCHOR: start
    /// `NamesrvController#initialize` + `#start`: register the processor as
    /// the default for every request code, start the scan, then listen.
    pub fn start(&self, network: &InProcessNetwork) {
        self.start_schedule_service();
        let processor = DefaultRequestProcessor::new(self.route_info_manager.clone());
        network.listen(&self.listen_addr, Arc::new(processor));
        let facts = format!(
            "listening at {}, DefaultRequestProcessor answers every request code",
            self.listen_addr
        );
        step!(self.actor, "NamesrvController#start", "{facts}");
    }
    // ANCHOR_END: start

    // ANCHOR: start_schedule_service
    /// `NamesrvController#startScheduleService`: `scanNotActiveBroker` at a
    /// fixed rate, for as long as the name server runs.
    fn start_schedule_service(&self) {
        let route_info_manager = self.route_info_manager.clone();
        self.clock.schedule_at_fixed_rate(
            SCAN_NOT_ACTIVE_BROKER_INTERVAL,
            SCAN_NOT_ACTIVE_BROKER_INTERVAL,
            move || {
                route_info_manager.scan_not_active_broker();
            },
        );
        let facts = format!("scanNotActiveBroker every {SCAN_NOT_ACTIVE_BROKER_INTERVAL}ms");
        step!(self.actor, "NamesrvController#startScheduleService", "{facts}");
    }
    // ANCHOR_END: start_schedule_service

    pub fn route_info_manager(&self) -> &Arc<RouteInfoManager> {
        &self.route_info_manager
    }
}

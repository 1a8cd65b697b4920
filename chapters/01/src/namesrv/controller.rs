//! `NamesrvController` — owns the name server's parts and starts them.
//! Mirrors `org.apache.rocketmq.namesrv.NamesrvController` (and the little
//! that `NamesrvStartup` does before it).
//!
//! Java's controller wires a Netty server, thread pools, a KV-config store and
//! scheduled tasks around the one thing that matters, the `RouteInfoManager`.
//! In this chapter the controller is exactly that wiring: create the tables,
//! put a `DefaultRequestProcessor` in front of them, listen.

use std::sync::Arc;

use workbook_trace::step;

use crate::namesrv::processor::DefaultRequestProcessor;
use crate::namesrv::route_info_manager::RouteInfoManager;
use crate::remoting::transport::InProcessNetwork;

pub struct NamesrvController {
    listen_addr: String,
    /// Shared with the processor, which reads and writes it on every request.
    route_info_manager: Arc<RouteInfoManager>,
}

impl NamesrvController {
    /// A name server that will listen at `listen_addr` (RocketMQ's default
    /// port is 9876), with five empty tables.
    pub fn new(listen_addr: &str) -> Self {
        NamesrvController {
            listen_addr: listen_addr.to_string(),
            route_info_manager: Arc::new(RouteInfoManager::new()),
        }
    }

    // ANCHOR: start
    /// `NamesrvController#initialize` + `#start`: register the processor as
    /// the default for every request code, then listen.
    pub fn start(&self, network: &InProcessNetwork) {
        let processor = DefaultRequestProcessor::new(self.route_info_manager.clone());
        network.listen(&self.listen_addr, Arc::new(processor));
        let addr = &self.listen_addr;
        step!("namesrv", "NamesrvController#start", "listening at {addr}");
        step!("namesrv", "NamesrvController#start", "DefaultRequestProcessor answers every code");
    }
    // ANCHOR_END: start

    pub fn route_info_manager(&self) -> &Arc<RouteInfoManager> {
        &self.route_info_manager
    }
}

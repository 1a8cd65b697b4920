//! `BrokerStartup` — what the `mqbroker` script runs. Mirrors
//! `org.apache.rocketmq.broker.BrokerStartup`.
//!
//! Java's `main` is two calls: `createBrokerController` (parse the command
//! line and `broker.conf` into `BrokerConfig`, `NettyServerConfig` and
//! `MessageStoreConfig`, build the controller, `initialize` it, exit with -3
//! if that fails) and `start`. Here the configs arrive already built, and the
//! "network" and the clock are handed in, since a scenario runs several
//! roles in one process.

use std::sync::Arc;

use workbook_trace::step;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::controller::{BrokerController, BrokerError};
use crate::common::virtual_clock::VirtualClock;
use crate::remoting::transport::InProcessNetwork;
use crate::store::config::MessageStoreConfig;

// ANCHOR: create_broker_controller
/// `BrokerStartup#createBrokerController`: build and initialize.
pub fn create_broker_controller(
    broker_config: BrokerConfig,
    message_store_config: MessageStoreConfig,
    network: &InProcessNetwork,
    clock: &VirtualClock,
) -> Result<Arc<BrokerController>, BrokerError> {
    let (name, cluster) = (&broker_config.broker_name, &broker_config.broker_cluster_name);
    let namesrv_addr = &broker_config.namesrv_addr;
    let facts = format!(
        "brokerClusterName={cluster} brokerId={} namesrvAddr={namesrv_addr}",
        broker_config.broker_id
    );
    step!(name, "BrokerStartup#createBrokerController", "{facts}");
    let mut controller =
        BrokerController::new(broker_config, message_store_config, network.clone(), clock.clone());
    controller.initialize()?;
    Ok(Arc::new(controller))
}
// ANCHOR_END: create_broker_controller

/// `BrokerStartup#start`: start the controller and say so, in Java's words.
pub fn start(controller: &Arc<BrokerController>) {
    controller.start();
    let config = controller.broker_config();
    let (name, addr) = (&config.broker_name, config.broker_addr());
    let namesrv_addr = &config.namesrv_addr;
    let facts = format!("The broker[{name}, {addr}] boot success. name server is {namesrv_addr}");
    step!(name, "BrokerStartup#start", "{facts}");
}

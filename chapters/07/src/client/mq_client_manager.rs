//! `MQClientManager` — one `MQClientInstance` per client id. Mirrors
//! `org.apache.rocketmq.client.impl.MQClientManager`.
//!
//! In Java this is a singleton: one table per JVM. Our scenarios play
//! several processes inside one test process, and tests run in parallel, so
//! the table is a value instead: the scenario makes one per client process
//! it plays, with the network and clock that process lives on.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use workbook_trace::step;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::{MQClientInstance, lock};
use crate::common::virtual_clock::VirtualClock;
use crate::remoting::transport::InProcessNetwork;

/// The client instances of one process.
pub struct MQClientManager {
    /// client id → instance (Java's `factoryTable`).
    factory_table: Mutex<BTreeMap<String, Arc<MQClientInstance>>>,
    network: InProcessNetwork,
    clock: VirtualClock,
}

impl MQClientManager {
    /// The table of a process that lives on `network` and reads `clock`.
    pub fn new(network: &InProcessNetwork, clock: &VirtualClock) -> Self {
        MQClientManager {
            factory_table: Mutex::new(BTreeMap::new()),
            network: network.clone(),
            clock: clock.clone(),
        }
    }

    // ANCHOR: get_or_create_mq_client_instance
    /// `MQClientManager#getOrCreateMQClientInstance`: the instance of this
    /// client id, made on first use.
    pub fn get_or_create_mq_client_instance(
        &self,
        client_config: &ClientConfig,
    ) -> Arc<MQClientInstance> {
        const JAVA: &str = "MQClientManager#getOrCreateMQClientInstance";
        let client_id = client_config.build_mq_client_id();
        let me = &client_config.instance_name;
        let mut factory_table = lock(&self.factory_table);
        if let Some(instance) = factory_table.get(&client_id) {
            step!(me, JAVA, "factoryTable[{client_id}] exists: shared");
            return instance.clone();
        }
        let instance = MQClientInstance::new(
            client_config.clone(),
            client_id.clone(),
            &self.network,
            &self.clock,
        );
        step!(me, JAVA, "factoryTable[{client_id}] = new MQClientInstance");
        let instance = Arc::new(instance);
        factory_table.insert(client_id, instance.clone());
        instance
    }
    // ANCHOR_END: get_or_create_mq_client_instance
}

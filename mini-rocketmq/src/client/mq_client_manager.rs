//! One client instance per client id — Java `MQClientManager`.
//!
//! Every producer and consumer asks here for the instance of its client id
//! (`ip@instanceName`). Two clients with the same id share one instance —
//! one set of connections, one route cache, one heartbeat — which is what a
//! fixed `instance_name` buys; the default instance name is made unique per
//! client (`pid#nanos`), so by default each client has its own. The table
//! is process-wide because the sharing is.
//!
//! Java's `MQClientInstance#shutdown` removes the instance from this table,
//! which makes the two classes import each other. Here the table forgets
//! shut-down instances itself, on the next lookup, so the arrow points one
//! way: the manager knows the instance, the instance does not know the
//! manager.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use parking_lot::Mutex;

use crate::client::client_config::ClientConfig;
use crate::client::client_instance::MQClientInstance;

/// Every live instance, by client id (Java `MQClientManager.factoryTable`).
static INSTANCES: LazyLock<Mutex<HashMap<String, Arc<MQClientInstance>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Java `MQClientManager`: one instance per client id in the process.
pub struct MQClientManager;

impl MQClientManager {
    /// Returns the instance for `config`'s client id, creating it on first
    /// use. The caller has already applied `change_instance_name_to_pid`.
    pub fn get_or_create(config: &ClientConfig) -> Arc<MQClientInstance> {
        let client_id = config.build_mq_client_id();
        let mut instances = INSTANCES.lock();
        instances.retain(|_, instance| !instance.is_shut_down());
        if let Some(existing) = instances.get(&client_id) {
            return Arc::clone(existing);
        }
        let instance = MQClientInstance::new(config.clone(), client_id.clone());
        instances.insert(client_id, Arc::clone(&instance));
        instance
    }
}

//! `BrokerStartup`: from a config file to a running broker.
//!
//! Mirrors `org.apache.rocketmq.broker.BrokerStartup`
//! (`broker/src/main/java/org/apache/rocketmq/broker/BrokerStartup.java`).
//! Java's `main` is `start(createBrokerController(args))`; here the three
//! steps are three functions, and the `mqbroker` binary adds only the
//! command line and the shutdown signal:
//!
//! 1. [`load_config`] — defaults, then the `-c` properties file, then `-n`
//!    (Java `createBrokerController` with `MixAll.properties2Object`): every
//!    key is offered to the broker config first and then to the store config;
//! 2. [`create_broker_controller`] — `new BrokerController(…)` and
//!    `initialize()`: open and recover the store, load the config files;
//! 3. [`start`] — `BrokerController#start`: listen, serve, register with the
//!    name servers.

use std::path::Path;

use crate::broker::broker_config::BrokerConfig;
use crate::broker::controller::{BrokerController, BrokerError, BrokerHandle};
use crate::common::properties_file::{PropertiesFile, expand_home};
use crate::store::config::MessageStoreConfig;

/// The configuration a broker starts with, and the keys of the file that
/// neither config knows (reported, then ignored, as Java does).
#[derive(Debug)]
pub struct BrokerStartupConfig {
    pub broker_config: BrokerConfig,
    pub store_config: MessageStoreConfig,
    pub unknown_properties: Vec<(String, String)>,
}

/// Defaults, then the properties file (if any), then `namesrv_addr` (`-n`
/// wins over `namesrvAddr` in the file, as in Java). A value that does not
/// parse is an error naming the file and the key.
pub fn load_config(
    config_file: Option<&Path>,
    namesrv_addr: Option<&str>,
) -> Result<BrokerStartupConfig, String> {
    let mut broker = BrokerConfig::default();
    let mut store = MessageStoreConfig::default();
    let mut unknown_properties = Vec::new();
    if let Some(path) = config_file {
        let file = PropertiesFile::load(path).map_err(|e| e.to_string())?;
        for (key, value) in &file.entries {
            let known = broker
                .set_property(key, value)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if known {
                continue;
            }
            // Store paths may be written with `~`, as in RocketMQ's samples.
            let value = if key.starts_with("storePath") {
                expand_home(value).display().to_string()
            } else {
                value.clone()
            };
            match store.set_property(key, &value) {
                Ok(true) => {}
                Ok(false) => unknown_properties.push((key.clone(), value)),
                Err(e) => {
                    return Err(format!(
                        "{}: bad value for property {key}: {e}",
                        path.display()
                    ));
                }
            }
        }
    }
    if let Some(addr) = namesrv_addr {
        broker.namesrv_addr = addr.to_string();
    }
    Ok(BrokerStartupConfig {
        broker_config: broker,
        store_config: store,
        unknown_properties,
    })
}

/// Java `createBrokerController`'s last step: build the controller and
/// `initialize` it. Nothing listens yet.
pub fn create_broker_controller(
    broker_config: BrokerConfig,
    store_config: MessageStoreConfig,
) -> Result<BrokerController, BrokerError> {
    BrokerController::new(broker_config, store_config)
}

/// Java `BrokerStartup#start`: start the controller; the handle stops it.
pub async fn start(controller: BrokerController) -> Result<BrokerHandle, BrokerError> {
    controller.start().await
}

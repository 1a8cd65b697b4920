//! The steps of REGISTER_BROKER, each a method on the tables it edits under
//! the write lock (Java does them inline in `RouteInfoManager#registerBroker`,
//! `namesrv/src/main/java/org/apache/rocketmq/namesrv/routeinfo/RouteInfoManager.java`).
//! [`RouteInfoManager::register_broker`](super::RouteInfoManager::register_broker)
//! calls them in order.

use crate::common::mix_all::MASTER_ID;
use crate::common::perm;
use crate::common::route::BrokerData;

use super::route_tables::RouteTables;
use super::{
    BrokerAddrInfo, BrokerLiveInfo, BrokerRegistration, DEFAULT_BROKER_CHANNEL_EXPIRED_TIME,
    RegisterBrokerError, RegisterBrokerResult,
};

/// Where the registering broker stands in its group, as step 1 found it.
pub(super) struct BrokerRole {
    /// The group was new, or this id had no address yet.
    pub register_first: bool,
    pub is_master: bool,
    /// The lowest-id slave of a broker that knows acting-master mode: it
    /// publishes routes (read only) while the master is away.
    pub is_prime_slave: bool,
    pub acting_master_enabled: bool,
}

impl RouteTables {
    /// The checks, made before any table changes so a refused registration
    /// changes nothing. `Ok(false)`: ignore the registration (another
    /// process holds this id with a newer `stateVersion`).
    pub(super) fn check_broker_registration(
        &mut self,
        reg: &BrokerRegistration,
    ) -> Result<bool, RegisterBrokerError> {
        let holder = self
            .broker_addr_table
            .get(&reg.broker_name)
            .and_then(|bd| bd.broker_addrs.get(&reg.broker_id));
        if holder.is_none() && reg.topic_config_wrapper.topic_config_table.len() == 1 {
            tracing::warn!(
                broker_id = reg.broker_id, broker_addr = %reg.broker_addr,
                "Can't register a single topic because the broker has not registered"
            );
            return Err(RegisterBrokerError::NotRegisteredYet {
                broker_id: reg.broker_id,
                broker_addr: reg.broker_addr.clone(),
            });
        }
        // Another process already holds this id at a different address: keep
        // whichever has the higher stateVersion (controller mode bumps it on
        // every election).
        let Some(old_addr) = holder.filter(|addr| **addr != reg.broker_addr).cloned() else {
            return Ok(true);
        };
        let old_state = self
            .broker_live_table
            .get(&BrokerAddrInfo::new(&reg.cluster_name, &old_addr))
            .map(|live| live.data_version.state_version);
        let new_state = reg.topic_config_wrapper.data_version.state_version;
        if old_state.is_some_and(|old| old > new_state) {
            tracing::warn!(
                cluster_name = %reg.cluster_name, broker_name = %reg.broker_name,
                broker_id = reg.broker_id, %old_addr, ?old_state,
                broker_addr = %reg.broker_addr, new_state,
                "Registering Broker conflicts with the existed one, just ignore"
            );
            self.broker_live_table
                .remove(&BrokerAddrInfo::new(&reg.cluster_name, &reg.broker_addr));
            return Ok(false);
        }
        Ok(true)
    }

    /// Step 1: the broker name under its cluster, `id → addr` under its
    /// name. An address that re-registers under a new id (a slave promoted to
    /// master) loses its old id.
    pub(super) fn update_broker_addr_table(&mut self, reg: &BrokerRegistration) -> BrokerRole {
        self.cluster_addr_table
            .entry(reg.cluster_name.clone())
            .or_default()
            .insert(reg.broker_name.clone());

        let mut register_first = false;
        let broker_data = self
            .broker_addr_table
            .entry(reg.broker_name.clone())
            .or_insert_with(|| {
                register_first = true;
                BrokerData::new(&reg.cluster_name, &reg.broker_name)
            });
        let is_old_version_broker = reg.enable_acting_master.is_none();
        broker_data.enable_acting_master = reg.enable_acting_master.unwrap_or(false);
        broker_data.zone_name = reg.zone_name.clone();
        // The same ip:port may only appear once: drop it under any other id.
        broker_data
            .broker_addrs
            .retain(|id, addr| *addr != reg.broker_addr || *id == reg.broker_id);
        let old_addr = broker_data
            .broker_addrs
            .insert(reg.broker_id, reg.broker_addr.clone());
        register_first |= old_addr.is_none_or(|a| a.is_empty());

        let is_master = reg.broker_id == MASTER_ID;
        BrokerRole {
            register_first,
            is_master,
            is_prime_slave: !is_old_version_broker
                && !is_master
                && broker_data.broker_addrs.keys().next() == Some(&reg.broker_id),
            acting_master_enabled: broker_data.enable_acting_master,
        }
    }

    /// Step 2, for the master (or the acting master) only: rebuild its
    /// `QueueData` for each topic — but only on a first registration, when
    /// its `DataVersion` changed, or for a topic whose route does not list it
    /// yet (Java `createAndUpdateQueueData` per topic).
    pub(super) fn update_topic_queue_data(
        &mut self,
        reg: &BrokerRegistration,
        role: &BrokerRole,
        delete_topic_with_broker_registration: bool,
    ) {
        let wrapper = &reg.topic_config_wrapper;
        let broker_changed = self.is_broker_topic_config_changed(
            &reg.cluster_name,
            &reg.broker_addr,
            &wrapper.data_version,
        );
        if delete_topic_with_broker_registration && wrapper.topic_queue_mapping_info_map.is_empty()
        {
            self.delete_topics_missing_from(&reg.broker_name, &wrapper.topic_config_table);
        }
        for tc in wrapper.topic_config_table.values() {
            if role.register_first
                || broker_changed
                || !self.topic_lists_broker(&tc.topic_name, &reg.broker_name)
            {
                let mut tc = tc.clone();
                if role.is_prime_slave && role.acting_master_enabled {
                    // An acting master serves reads only.
                    tc.perm &= !perm::PERM_WRITE;
                }
                self.create_and_update_queue_data(&reg.broker_name, &tc);
            }
        }
        if broker_changed || role.register_first {
            for (topic, info) in &wrapper.topic_queue_mapping_info_map {
                let bname = info
                    .get("bname")
                    .and_then(|b| b.as_str())
                    .unwrap_or(&reg.broker_name)
                    .to_string();
                self.topic_queue_mapping_info_table
                    .entry(topic.clone())
                    .or_default()
                    .insert(bname, info.clone());
            }
        }
    }

    /// Step 3: the broker's live entry — now, its timeout, its data version,
    /// its channel — and its filter servers.
    pub(super) fn update_broker_live_info(&mut self, reg: BrokerRegistration, now: i64) {
        let addr_info = BrokerAddrInfo::new(&reg.cluster_name, &reg.broker_addr);
        let ha_server_addr = reg.ha_server_addr;
        let prev = self.broker_live_table.insert(
            addr_info.clone(),
            BrokerLiveInfo {
                last_update_timestamp: now,
                heartbeat_timeout_millis: reg
                    .heartbeat_timeout_millis
                    .unwrap_or(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME),
                data_version: reg.topic_config_wrapper.data_version,
                channel: reg.channel,
                ha_server_addr: ha_server_addr.clone(),
            },
        );
        if prev.is_none() {
            tracing::info!(broker = %addr_info, ha_server_addr = %ha_server_addr, "new broker registered");
        }
        if let Some(list) = reg.filter_server_list {
            if list.is_empty() {
                self.filter_server_table.remove(&addr_info);
            } else {
                self.filter_server_table.insert(addr_info, list);
            }
        }
    }

    /// Step 4: a slave learns where its master is, once the master is live.
    pub(super) fn master_of(&self, cluster_name: &str, broker_name: &str) -> RegisterBrokerResult {
        let mut result = RegisterBrokerResult::default();
        let master_addr = self
            .broker_addr_table
            .get(broker_name)
            .and_then(|bd| bd.master_addr())
            .map(str::to_string);
        if let Some(master_addr) = master_addr
            && let Some(live) = self
                .broker_live_table
                .get(&BrokerAddrInfo::new(cluster_name, &master_addr))
        {
            result.ha_server_addr = Some(live.ha_server_addr.clone());
            result.master_addr = Some(master_addr);
        }
        result
    }
}

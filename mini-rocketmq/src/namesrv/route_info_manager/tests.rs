//! Unit tests of the route tables, with a manual clock.

use super::*;
use crate::common::route::QueueData;
use crate::common::topic_config::TopicConfig;
use crate::namesrv::clock::ManualClock;
use crate::remoting::protocol::body::register_broker_body::TopicConfigAndMappingSerializeWrapper;
use std::collections::BTreeMap;

const T0: i64 = 1_000_000;

fn manager() -> (RouteInfoManager, ManualClock) {
    let clock = ManualClock::new(T0);
    let rim = RouteInfoManager::new(&NamesrvConfig::default(), Arc::new(clock.clone()));
    (rim, clock)
}

fn wrapper(counter: i64, topics: &[(&str, i32)]) -> TopicConfigAndMappingSerializeWrapper {
    let mut w = TopicConfigAndMappingSerializeWrapper {
        data_version: DataVersion {
            counter,
            state_version: 0,
            timestamp: 7,
        },
        ..Default::default()
    };
    for (name, queues) in topics {
        w.topic_config_table.insert(
            name.to_string(),
            TopicConfig::with_queues(*name, *queues, *queues, 6),
        );
    }
    w
}

fn reg(
    name: &str,
    addr: &str,
    id: i64,
    w: TopicConfigAndMappingSerializeWrapper,
) -> BrokerRegistration {
    BrokerRegistration {
        cluster_name: "DefaultCluster".into(),
        broker_addr: addr.into(),
        broker_name: name.into(),
        broker_id: id,
        ha_server_addr: format!("{addr}-ha"),
        topic_config_wrapper: w,
        ..Default::default()
    }
}

#[test]
fn two_brokers_serve_one_topic() {
    let (rim, _) = manager();
    rim.register_broker(reg(
        "broker-a",
        "a:10911",
        0,
        wrapper(1, &[("T", 4), ("OnlyA", 1)]),
    ))
    .unwrap();
    rim.register_broker(reg(
        "broker-b",
        "b:10911",
        0,
        wrapper(1, &[("T", 8), ("OnlyB", 1)]),
    ))
    .unwrap();

    let route = rim.pickup_topic_route_data("T").unwrap();
    let names: Vec<_> = route
        .queue_datas
        .iter()
        .map(|q| q.broker_name.as_str())
        .collect();
    assert_eq!(names, ["broker-a", "broker-b"]);
    assert_eq!(route.queue_datas[1].write_queue_nums, 8);
    assert_eq!(route.broker_datas[0].master_addr(), Some("a:10911"));
    assert_eq!(route.broker_datas[1].master_addr(), Some("b:10911"));
    assert!(rim.pickup_topic_route_data("Nope").is_none());

    let ci = rim.get_all_cluster_info();
    assert_eq!(ci.cluster_addr_table["DefaultCluster"].len(), 2);
    let topics = rim.get_all_topic_list().topic_list;
    assert_eq!(
        topics.into_iter().collect::<Vec<_>>(),
        ["OnlyA", "OnlyB", "T"]
    );
}

#[test]
fn queue_data_comes_from_the_master_only() {
    let (rim, _) = manager();
    rim.register_broker(reg("broker-a", "m:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    // A slave with a different table changes no queue data.
    let res = rim
        .register_broker(reg(
            "broker-a",
            "s:1",
            1,
            wrapper(1, &[("T", 2), ("SlaveOnly", 1)]),
        ))
        .unwrap();
    assert_eq!(res.master_addr.as_deref(), Some("m:1"));
    assert_eq!(res.ha_server_addr.as_deref(), Some("m:1-ha"));
    assert!(rim.pickup_topic_route_data("SlaveOnly").is_none());
    let route = rim.pickup_topic_route_data("T").unwrap();
    assert_eq!(route.queue_datas[0].write_queue_nums, 4);
    assert_eq!(route.broker_datas[0].broker_addrs.len(), 2);
}

#[test]
fn a_slave_before_its_master_learns_nothing() {
    let (rim, _) = manager();
    let res = rim
        .register_broker(reg("broker-a", "s:1", 1, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    assert_eq!(res, RegisterBrokerResult::default());
}

#[test]
fn queue_data_rebuilt_only_when_the_data_version_changes() {
    let (rim, _) = manager();
    rim.register_broker(reg("broker-a", "a:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    // Same version, different content: ignored (the broker would have bumped it).
    rim.register_broker(reg(
        "broker-a",
        "a:1",
        0,
        wrapper(1, &[("T", 16), ("U", 1)]),
    ))
    .unwrap();
    assert_eq!(
        rim.pickup_topic_route_data("T").unwrap().queue_datas[0].write_queue_nums,
        4
    );
    // New version: rebuilt.
    rim.register_broker(reg(
        "broker-a",
        "a:1",
        0,
        wrapper(2, &[("T", 16), ("U", 1)]),
    ))
    .unwrap();
    assert_eq!(
        rim.pickup_topic_route_data("T").unwrap().queue_datas[0].write_queue_nums,
        16
    );
    assert!(!rim.is_broker_topic_config_changed(
        "DefaultCluster",
        "a:1",
        &wrapper(2, &[]).data_version
    ));
    assert!(rim.is_broker_topic_config_changed(
        "DefaultCluster",
        "a:1",
        &wrapper(3, &[]).data_version
    ));
    assert!(rim.is_broker_topic_config_changed(
        "DefaultCluster",
        "zz:1",
        &wrapper(2, &[]).data_version
    ));
}

#[test]
fn an_address_changing_id_keeps_one_entry() {
    let (rim, _) = manager();
    rim.register_broker(reg("broker-a", "m:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    rim.register_broker(reg("broker-a", "s:1", 1, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    // The old master goes; the slave comes back as master.
    rim.unregister_broker("DefaultCluster", "m:1", "broker-a", 0);
    rim.register_broker(reg("broker-a", "s:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    let route = rim.pickup_topic_route_data("T").unwrap();
    assert_eq!(
        route.broker_datas[0].broker_addrs,
        BTreeMap::from([(0, "s:1".to_string())])
    );
}

#[test]
fn single_topic_registration_needs_a_known_broker() {
    let (rim, _) = manager();
    let err = rim
        .register_broker(reg("broker-a", "a:1", 0, wrapper(1, &[("T", 4)])))
        .unwrap_err();
    assert!(matches!(err, RegisterBrokerError::NotRegisteredYet { .. }));
    // Nothing was left behind.
    assert!(rim.get_all_cluster_info().cluster_addr_table.is_empty());
    assert!(rim.get_all_cluster_info().broker_addr_table.is_empty());
}

#[test]
fn unregister_removes_the_group_and_orphaned_topics() {
    let (rim, _) = manager();
    rim.register_broker(reg(
        "broker-a",
        "a:1",
        0,
        wrapper(1, &[("T", 4), ("OnlyA", 1)]),
    ))
    .unwrap();
    rim.register_broker(reg(
        "broker-b",
        "b:1",
        0,
        wrapper(1, &[("T", 4), ("OnlyB", 1)]),
    ))
    .unwrap();
    rim.unregister_broker("DefaultCluster", "a:1", "broker-a", 0);
    assert!(rim.pickup_topic_route_data("OnlyA").is_none());
    let route = rim.pickup_topic_route_data("T").unwrap();
    assert_eq!(route.queue_datas.len(), 1);
    assert_eq!(route.broker_datas[0].broker_name, "broker-b");
    rim.unregister_broker("DefaultCluster", "b:1", "broker-b", 0);
    assert!(rim.get_all_cluster_info().cluster_addr_table.is_empty());
    assert!(rim.get_all_topic_list().topic_list.is_empty());
    assert!(rim.live_brokers().is_empty());
}

#[test]
fn silent_brokers_expire_after_120_seconds() {
    let (rim, clock) = manager();
    rim.register_broker(reg("broker-a", "a:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    let mut custom = reg("broker-b", "b:1", 0, wrapper(1, &[("T", 4), ("U", 1)]));
    custom.heartbeat_timeout_millis = Some(10_000);
    rim.register_broker(custom).unwrap();

    clock.advance(10_001);
    assert_eq!(
        rim.scan_not_active_broker(),
        [BrokerAddrInfo::new("DefaultCluster", "b:1")]
    );

    clock.advance(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME - 10_001);
    assert!(
        rim.scan_not_active_broker().is_empty(),
        "exactly at the limit is still alive"
    );
    // A heartbeat refreshes the timestamp.
    rim.update_broker_info_update_timestamp("DefaultCluster", "a:1");
    clock.advance(DEFAULT_BROKER_CHANNEL_EXPIRED_TIME);
    assert!(rim.scan_not_active_broker().is_empty());
    clock.advance(1);
    assert_eq!(rim.scan_not_active_broker().len(), 1);
    assert!(rim.pickup_topic_route_data("T").is_none());
    assert!(rim.live_brokers().is_empty());
}

#[test]
fn write_perm_wipe_and_restore() {
    let (rim, _) = manager();
    rim.register_broker(reg("broker-a", "a:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    assert_eq!(rim.wipe_write_perm_of_broker("broker-a"), 2);
    assert_eq!(
        rim.pickup_topic_route_data("T").unwrap().queue_datas[0].perm,
        4
    );
    assert_eq!(rim.add_write_perm_of_broker("broker-a"), 2);
    assert_eq!(
        rim.pickup_topic_route_data("T").unwrap().queue_datas[0].perm,
        6
    );
    assert_eq!(rim.wipe_write_perm_of_broker("nobody"), 0);
}

#[test]
fn topics_by_cluster_register_and_delete_topic() {
    let (rim, _) = manager();
    rim.register_broker(reg("broker-a", "a:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    let qd = QueueData {
        broker_name: "broker-a".into(),
        perm: 6,
        read_queue_nums: 2,
        topic_sys_flag: 0,
        write_queue_nums: 2,
    };
    assert!(rim.register_topic("Manual", std::slice::from_ref(&qd)));
    let mut bad = qd.clone();
    bad.broker_name = "ghost".into();
    assert!(!rim.register_topic("Ghost", &[bad]));
    let by_cluster = rim.get_topics_by_cluster("DefaultCluster").topic_list;
    assert_eq!(
        by_cluster.into_iter().collect::<Vec<_>>(),
        ["Manual", "T", "U"]
    );
    assert!(rim.get_topics_by_cluster("Other").topic_list.is_empty());

    rim.delete_topic_in_cluster("Manual", "DefaultCluster");
    assert!(rim.pickup_topic_route_data("Manual").is_none());
    rim.delete_topic("T");
    assert!(rim.pickup_topic_route_data("T").is_none());

    let sys = rim.get_system_topic_list();
    assert!(sys.topic_list.contains("DefaultCluster") && sys.topic_list.contains("broker-a"));
    assert_eq!(sys.broker_addr.as_deref(), Some("a:1"));
}

#[test]
fn delete_topic_with_broker_registration_when_enabled() {
    let clock = ManualClock::new(T0);
    let config = NamesrvConfig {
        delete_topic_with_broker_registration: true,
        ..Default::default()
    };
    let rim = RouteInfoManager::new(&config, Arc::new(clock));
    rim.register_broker(reg("broker-a", "a:1", 0, wrapper(1, &[("T", 4), ("U", 1)])))
        .unwrap();
    rim.register_broker(reg("broker-a", "a:1", 0, wrapper(2, &[("T", 4), ("V", 1)])))
        .unwrap();
    assert!(rim.pickup_topic_route_data("U").is_none());
    assert!(rim.pickup_topic_route_data("V").is_some());
}

#[test]
fn acting_master_promotes_the_lowest_slave_in_routes() {
    let clock = ManualClock::new(T0);
    let config = NamesrvConfig {
        support_acting_master: true,
        ..Default::default()
    };
    let rim = RouteInfoManager::new(&config, Arc::new(clock));
    let mut m = reg("broker-a", "m:1", 0, wrapper(1, &[("T", 4), ("U", 1)]));
    m.enable_acting_master = Some(true);
    rim.register_broker(m).unwrap();
    let mut s = reg("broker-a", "s:1", 1, wrapper(1, &[("T", 4), ("U", 1)]));
    s.enable_acting_master = Some(true);
    rim.register_broker(s).unwrap();
    rim.unregister_broker("DefaultCluster", "m:1", "broker-a", 0);

    let route = rim.pickup_topic_route_data("T").unwrap();
    assert!(!perm::is_writeable(route.queue_datas[0].perm));
    assert_eq!(route.broker_datas[0].master_addr(), Some("s:1"));
}

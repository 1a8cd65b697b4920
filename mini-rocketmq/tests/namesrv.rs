//! Black-box tests of the name server over real TCP.
//!
//! Every test starts its own `NamesrvController` on `127.0.0.1:0` and talks
//! to it with raw `RemotingCommand`s through the remoting client, the way a
//! broker or a client of another language would. Time-based behaviour
//! (the 120 s expiry) uses a `ManualClock`: the test moves the clock, the
//! name server's scan (every 20 ms here) notices. Waits for asynchronous
//! effects are bounded polls of a *result*, never assertions about time.

mod wait_support;
use wait_support::Poll;

use std::sync::Arc;
use std::time::Duration;

use mini_rocketmq::common::data_version::DataVersion;
use mini_rocketmq::common::route::TopicRouteData;
use mini_rocketmq::common::topic_config::TopicConfig;
use mini_rocketmq::namesrv::clock::ManualClock;
use mini_rocketmq::namesrv::{NamesrvConfig, NamesrvController, NamesrvHandle};
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::protocol::body::cluster_info::ClusterInfo;
use mini_rocketmq::remoting::protocol::body::kv_table::KVTable;
use mini_rocketmq::remoting::protocol::body::register_broker_body::RegisterBrokerBody;
use mini_rocketmq::remoting::protocol::body::topic_list::TopicList;
use mini_rocketmq::remoting::protocol::header::namesrv::{
    DeleteKVConfigRequestHeader, GetKVConfigRequestHeader, GetKVConfigResponseHeader,
    GetKVListByNamespaceRequestHeader, GetRouteInfoRequestHeader, PutKVConfigRequestHeader,
    QueryDataVersionRequestHeader, QueryDataVersionResponseHeader, RegisterBrokerRequestHeader,
    RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader,
};
use mini_rocketmq::remoting::{ClientConfig, RemotingClient};

const TIMEOUT: Duration = Duration::from_secs(5);
const CLUSTER: &str = "DefaultCluster";

/// A name server with KV kept in memory and a fast scan.
async fn start_namesrv(clock: Option<ManualClock>) -> NamesrvHandle {
    let config = NamesrvConfig {
        kv_config_path: Default::default(),
        scan_not_active_broker_interval: 20,
        ..Default::default()
    };
    let mut controller = NamesrvController::new(config);
    if let Some(clock) = clock {
        controller = controller.with_clock(Arc::new(clock));
    }
    controller
        .start("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0")
}

fn client() -> RemotingClient {
    RemotingClient::new(ClientConfig::default())
}

/// A REGISTER_BROKER request like a 5.3 broker sends, with a correct CRC.
fn register_request(
    broker_name: &str,
    broker_addr: &str,
    broker_id: i64,
    counter: i64,
    topics: &[(&str, i32)],
) -> RemotingCommand {
    let mut body = RegisterBrokerBody::default();
    let w = &mut body.topic_config_serialize_wrapper;
    w.data_version = DataVersion {
        counter,
        state_version: 0,
        timestamp: 1_700_000_000_000,
    };
    for (topic, queues) in topics {
        w.topic_config_table.insert(
            topic.to_string(),
            TopicConfig::with_queues(*topic, *queues, *queues, 6),
        );
    }
    let bytes = body.encode();
    let header = RegisterBrokerRequestHeader {
        broker_name: broker_name.into(),
        broker_addr: broker_addr.into(),
        cluster_name: CLUSTER.into(),
        ha_server_addr: format!("{broker_addr}-ha"),
        broker_id,
        body_crc32: (crc32fast::hash(&bytes) & 0x7FFF_FFFF) as i32,
        ..Default::default()
    };
    RemotingCommand::new_request_with_header(request_code::REGISTER_BROKER, &header)
        .with_body(bytes)
}

fn route_request(topic: &str, version: i32, standard_only: Option<bool>) -> RemotingCommand {
    let mut req = RemotingCommand::new_request_with_header(
        request_code::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader {
            topic: topic.into(),
            accept_standard_json_only: standard_only,
        },
    );
    req.version = version;
    req
}

async fn call(client: &RemotingClient, addr: &str, req: RemotingCommand) -> RemotingCommand {
    client
        .invoke(addr, req, TIMEOUT)
        .await
        .expect("name server answers")
}

async fn route(client: &RemotingClient, addr: &str, topic: &str) -> RemotingCommand {
    call(client, addr, route_request(topic, 479, None)).await
}

/// Poll until the topic has no route (the effect is asynchronous to the test).
async fn wait_until_topic_gone(
    client: &RemotingClient,
    addr: &str,
    topic: &str,
) -> RemotingCommand {
    let mut poll = Poll::until(&format!("the route of {topic} is gone"));
    loop {
        let resp = route(client, addr, topic).await;
        if resp.code == response_code::TOPIC_NOT_EXIST {
            return resp;
        }
        poll.pause().await;
    }
}

#[tokio::test]
async fn two_brokers_register_and_a_client_gets_the_route() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let (a, b, c) = (client(), client(), client());

    let resp = call(
        &a,
        &addr,
        register_request(
            "broker-a",
            "127.0.0.1:10911",
            0,
            1,
            &[("TopicTest", 4), ("OnlyA", 1)],
        ),
    )
    .await;
    assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
    let resp = call(
        &b,
        &addr,
        register_request(
            "broker-b",
            "127.0.0.1:10921",
            0,
            1,
            &[("TopicTest", 8), ("OnlyB", 1)],
        ),
    )
    .await;
    assert_eq!(resp.code, response_code::SUCCESS);

    let resp = route(&c, &addr, "TopicTest").await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let data = TopicRouteData::decode(resp.body.as_ref().unwrap()).unwrap();
    let brokers: Vec<_> = data
        .broker_datas
        .iter()
        .map(|b| (b.broker_name.as_str(), b.master_addr()))
        .collect();
    assert_eq!(
        brokers,
        [
            ("broker-a", Some("127.0.0.1:10911")),
            ("broker-b", Some("127.0.0.1:10921"))
        ]
    );
    let queues: Vec<_> = data
        .queue_datas
        .iter()
        .map(|q| (q.broker_name.as_str(), q.write_queue_nums, q.perm))
        .collect();
    assert_eq!(queues, [("broker-a", 4, 6), ("broker-b", 8, 6)]);

    // The same answer in the binary header serialization.
    let rocketmq = RemotingClient::new(ClientConfig {
        serialize_type: SerializeType::RocketMQ,
        ..Default::default()
    });
    let resp = route(&rocketmq, &addr, "OnlyB").await;
    assert_eq!(resp.code, response_code::SUCCESS);
    assert_eq!(resp.serialize_type, SerializeType::RocketMQ);
    let only_b = TopicRouteData::decode(resp.body.as_ref().unwrap()).unwrap();
    assert_eq!(only_b.broker_datas.len(), 1);

    ns.shutdown().await;
}

#[tokio::test]
async fn unknown_topic_is_topic_not_exist_with_rocketmqs_remark() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let resp = route(&client(), &addr, "NoSuchTopic").await;
    assert_eq!(resp.code, response_code::TOPIC_NOT_EXIST);
    assert_eq!(
        resp.remark.as_deref(),
        Some(
            "No topic route info in name server for the topic: NoSuchTopic\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details."
        )
    );
    assert!(resp.body.is_none());
    ns.shutdown().await;
}

#[tokio::test]
async fn broker_addrs_keys_are_quoted_by_request_version() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let c = client();
    call(
        &c,
        &addr,
        register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]),
    )
    .await;

    let body_of = |resp: RemotingCommand| String::from_utf8(resp.body.unwrap().to_vec()).unwrap();

    // 4.9.4 and later: standard JSON.
    let new = body_of(call(&c, &addr, route_request("T", 401, None)).await);
    assert!(
        new.contains(r#""brokerAddrs":{"0":"127.0.0.1:10911"}"#),
        "{new}"
    );
    // Older clients: fastjson's default, unquoted Long keys.
    let old = body_of(call(&c, &addr, route_request("T", 400, None)).await);
    assert!(
        old.contains(r#""brokerAddrs":{0:"127.0.0.1:10911"}"#),
        "{old}"
    );
    // An old client may still ask for standard JSON.
    let asked = body_of(call(&c, &addr, route_request("T", 213, Some(true))).await);
    assert!(asked.contains(r#"{"0":"127.0.0.1:10911"}"#), "{asked}");
    // Both forms decode to the same route.
    assert_eq!(
        TopicRouteData::decode(new.as_bytes()).unwrap(),
        TopicRouteData::decode(old.as_bytes()).unwrap()
    );
    ns.shutdown().await;
}

#[tokio::test]
async fn register_with_a_wrong_crc_is_rejected() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let c = client();
    let mut req = register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]);
    let good = req.ext("bodyCrc32").unwrap().parse::<i32>().unwrap();
    req.ext_fields
        .insert("bodyCrc32".into(), (good ^ 1).to_string());
    let resp = call(&c, &addr, req).await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    assert_eq!(resp.remark.as_deref(), Some("crc32 not match"));
    assert_eq!(
        route(&c, &addr, "T").await.code,
        response_code::TOPIC_NOT_EXIST
    );

    // bodyCrc32 = 0 means "not checked".
    let mut req = register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]);
    req.ext_fields.insert("bodyCrc32".into(), "0".into());
    assert_eq!(call(&c, &addr, req).await.code, response_code::SUCCESS);
    assert_eq!(route(&c, &addr, "T").await.code, response_code::SUCCESS);
    ns.shutdown().await;
}

#[tokio::test]
async fn slave_learns_its_master_and_a_compressed_body_is_accepted() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let (m, s) = (client(), client());
    call(
        &m,
        &addr,
        register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]),
    )
    .await;

    // The slave sends its body zlib-compressed.
    let mut req = register_request("broker-a", "127.0.0.1:10921", 1, 1, &[("T", 4), ("U", 4)]);
    let mut body = RegisterBrokerBody::default();
    body.topic_config_serialize_wrapper
        .topic_config_table
        .insert("T".into(), TopicConfig::with_queues("T", 4, 4, 6));
    body.topic_config_serialize_wrapper
        .topic_config_table
        .insert("U".into(), TopicConfig::with_queues("U", 4, 4, 6));
    let compressed = body.encode_compressed(479);
    req.ext_fields.insert("compressed".into(), "true".into());
    req.ext_fields.insert(
        "bodyCrc32".into(),
        ((crc32fast::hash(&compressed) & 0x7FFF_FFFF) as i32).to_string(),
    );
    req.body = Some(compressed.into());

    let resp = call(&s, &addr, req).await;
    assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
    let h: RegisterBrokerResponseHeader = resp.decode_header().unwrap();
    assert_eq!(h.master_addr.as_deref(), Some("127.0.0.1:10911"));
    assert_eq!(h.ha_server_addr.as_deref(), Some("127.0.0.1:10911-ha"));

    let data = TopicRouteData::decode(route(&s, &addr, "T").await.body.as_ref().unwrap()).unwrap();
    assert_eq!(data.broker_datas[0].broker_addrs.len(), 2);
    ns.shutdown().await;
}

#[tokio::test]
async fn a_brokers_connection_closing_removes_it_at_once() {
    // A manual clock that never moves: only the closed connection can remove the broker.
    let ns = start_namesrv(Some(ManualClock::new(1_000_000))).await;
    let addr = ns.local_addr().to_string();
    let (broker_a, broker_b, c) = (client(), client(), client());
    call(
        &broker_a,
        &addr,
        register_request(
            "broker-a",
            "127.0.0.1:10911",
            0,
            1,
            &[("T", 4), ("OnlyA", 1)],
        ),
    )
    .await;
    call(
        &broker_b,
        &addr,
        register_request(
            "broker-b",
            "127.0.0.1:10921",
            0,
            1,
            &[("T", 4), ("OnlyB", 1)],
        ),
    )
    .await;
    assert_eq!(route(&c, &addr, "OnlyA").await.code, response_code::SUCCESS);

    broker_a.shutdown().await;

    wait_until_topic_gone(&c, &addr, "OnlyA").await;
    let data = TopicRouteData::decode(route(&c, &addr, "T").await.body.as_ref().unwrap()).unwrap();
    let names: Vec<_> = data
        .broker_datas
        .iter()
        .map(|b| b.broker_name.as_str())
        .collect();
    assert_eq!(names, ["broker-b"]);
    // The client's own connection is not a broker's: it closing changes nothing.
    c.shutdown().await;
    let again = client();
    assert_eq!(
        route(&again, &addr, "OnlyB").await.code,
        response_code::SUCCESS
    );
    ns.shutdown().await;
}

#[tokio::test]
async fn a_silent_broker_expires_after_120_seconds_of_clock_time() {
    let clock = ManualClock::new(1_000_000);
    let ns = start_namesrv(Some(clock.clone())).await;
    let addr = ns.local_addr().to_string();
    let (broker, c) = (client(), client());
    call(
        &broker,
        &addr,
        register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]),
    )
    .await;

    // At exactly 120 s the broker is still alive. The scan runs every 20 ms
    // of real time; these sleeps let several scans pass, and the route must
    // survive every one of them. Time passing is what is tested: there is
    // no condition to poll for "nothing happens".
    clock.advance(120_000);
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        assert_eq!(route(&c, &addr, "T").await.code, response_code::SUCCESS);
    }

    // A QUERY_DATA_VERSION counts as a sign of life and answers "unchanged".
    let version = DataVersion {
        counter: 1,
        state_version: 0,
        timestamp: 1_700_000_000_000,
    };
    let q = RemotingCommand::new_request_with_header(
        request_code::QUERY_DATA_VERSION,
        &QueryDataVersionRequestHeader {
            broker_name: "broker-a".into(),
            broker_addr: "127.0.0.1:10911".into(),
            cluster_name: CLUSTER.into(),
            broker_id: 0,
        },
    )
    .with_body(version.encode());
    let resp = call(&broker, &addr, q).await;
    let h: QueryDataVersionResponseHeader = resp.decode_header().unwrap();
    assert!(!h.changed);
    assert_eq!(
        DataVersion::decode(resp.body.as_ref().unwrap()).unwrap(),
        version
    );

    // Then silence: one millisecond past the timeout, it goes.
    clock.advance(120_001);
    wait_until_topic_gone(&c, &addr, "T").await;
    assert!(ns.route_info_manager().live_brokers().is_empty());
    ns.shutdown().await;
}

#[tokio::test]
async fn cluster_info_and_topic_list() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let c = client();
    call(
        &c,
        &addr,
        register_request(
            "broker-a",
            "127.0.0.1:10911",
            0,
            1,
            &[("T", 4), ("OnlyA", 1)],
        ),
    )
    .await;
    call(
        &c,
        &addr,
        register_request(
            "broker-b",
            "127.0.0.1:10921",
            0,
            1,
            &[("T", 4), ("OnlyB", 1)],
        ),
    )
    .await;

    let resp = call(
        &c,
        &addr,
        RemotingCommand::new_request(request_code::GET_BROKER_CLUSTER_INFO),
    )
    .await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let raw = String::from_utf8(resp.body.clone().unwrap().to_vec()).unwrap();
    assert!(
        raw.contains(r#""brokerAddrs":{0:"127.0.0.1:10911"}"#),
        "fastjson form, as Java sends it: {raw}"
    );
    let info = ClusterInfo::decode(resp.body.as_ref().unwrap()).unwrap();
    let names: Vec<_> = info.cluster_addr_table[CLUSTER].iter().cloned().collect();
    assert_eq!(names, ["broker-a", "broker-b"]);
    assert_eq!(
        info.broker_addr_table["broker-b"].master_addr(),
        Some("127.0.0.1:10921")
    );

    let resp = call(
        &c,
        &addr,
        RemotingCommand::new_request(request_code::GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
    )
    .await;
    let list = TopicList::decode(resp.body.as_ref().unwrap()).unwrap();
    assert_eq!(
        list.topic_list.into_iter().collect::<Vec<_>>(),
        ["OnlyA", "OnlyB", "T"]
    );

    // A clean UNREGISTER_BROKER shrinks both.
    let unregister = RemotingCommand::new_request_with_header(
        request_code::UNREGISTER_BROKER,
        &UnRegisterBrokerRequestHeader {
            broker_name: "broker-a".into(),
            broker_addr: "127.0.0.1:10911".into(),
            cluster_name: CLUSTER.into(),
            broker_id: 0,
        },
    );
    assert_eq!(
        call(&c, &addr, unregister).await.code,
        response_code::SUCCESS
    );
    let resp = call(
        &c,
        &addr,
        RemotingCommand::new_request(request_code::GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
    )
    .await;
    let list = TopicList::decode(resp.body.as_ref().unwrap()).unwrap();
    assert_eq!(
        list.topic_list.into_iter().collect::<Vec<_>>(),
        ["OnlyB", "T"]
    );
    ns.shutdown().await;
}

#[tokio::test]
async fn kv_config_round_trip() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let c = client();
    let get = |key: &str| {
        RemotingCommand::new_request_with_header(
            request_code::GET_KV_CONFIG,
            &GetKVConfigRequestHeader {
                namespace: "ORDER_TOPIC_CONFIG".into(),
                key: key.into(),
            },
        )
    };

    let resp = call(&c, &addr, get("TopicA")).await;
    assert_eq!(resp.code, response_code::QUERY_NOT_FOUND);
    assert_eq!(
        resp.remark.as_deref(),
        Some("No config item, Namespace: ORDER_TOPIC_CONFIG Key: TopicA")
    );

    let put = RemotingCommand::new_request_with_header(
        request_code::PUT_KV_CONFIG,
        &PutKVConfigRequestHeader {
            namespace: "ORDER_TOPIC_CONFIG".into(),
            key: "TopicA".into(),
            value: "broker-a:4".into(),
        },
    );
    assert_eq!(call(&c, &addr, put).await.code, response_code::SUCCESS);

    let resp = call(&c, &addr, get("TopicA")).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let h: GetKVConfigResponseHeader = resp.decode_header().unwrap();
    assert_eq!(h.value.as_deref(), Some("broker-a:4"));

    let list = RemotingCommand::new_request_with_header(
        request_code::GET_KVLIST_BY_NAMESPACE,
        &GetKVListByNamespaceRequestHeader {
            namespace: "ORDER_TOPIC_CONFIG".into(),
        },
    );
    let resp = call(&c, &addr, list).await;
    let table = KVTable::decode(resp.body.as_ref().unwrap()).unwrap();
    assert_eq!(table.table["TopicA"], "broker-a:4");

    // A registering broker receives the ORDER_TOPIC_CONFIG table.
    let resp = call(
        &c,
        &addr,
        register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]),
    )
    .await;
    let table = KVTable::decode(resp.body.as_ref().unwrap()).unwrap();
    assert_eq!(table.table["TopicA"], "broker-a:4");

    let delete = RemotingCommand::new_request_with_header(
        request_code::DELETE_KV_CONFIG,
        &DeleteKVConfigRequestHeader {
            namespace: "ORDER_TOPIC_CONFIG".into(),
            key: "TopicA".into(),
        },
    );
    assert_eq!(call(&c, &addr, delete).await.code, response_code::SUCCESS);
    assert_eq!(
        call(&c, &addr, get("TopicA")).await.code,
        response_code::QUERY_NOT_FOUND
    );
    ns.shutdown().await;
}

#[tokio::test]
async fn bad_requests_get_clear_errors_and_the_server_keeps_serving() {
    let ns = start_namesrv(None).await;
    let addr = ns.local_addr().to_string();
    let c = client();

    // REGISTER_BROKER without the required brokerAddr.
    let mut req = register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]);
    req.ext_fields.remove("brokerAddr");
    let resp = call(&c, &addr, req).await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    assert_eq!(
        resp.remark.as_deref(),
        Some("the custom field <brokerAddr> is null")
    );

    // A brokerId that is not a number.
    let mut req = register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]);
    req.ext_fields.insert("brokerId".into(), "zero".into());
    let resp = call(&c, &addr, req).await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    assert!(resp.remark.unwrap().contains("brokerId"));

    // A body that is not JSON (CRC check off).
    let mut req = register_request("broker-a", "127.0.0.1:10911", 0, 1, &[]);
    req.ext_fields.insert("bodyCrc32".into(), "0".into());
    req.body = Some(b"{not json".to_vec().into());
    let resp = call(&c, &addr, req).await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    assert!(
        resp.remark
            .unwrap()
            .starts_with("Failed to decode RegisterBrokerBody")
    );

    // GET_ROUTEINFO_BY_TOPIC without a topic.
    let resp = call(
        &c,
        &addr,
        RemotingCommand::new_request(request_code::GET_ROUTEINFO_BY_TOPIC),
    )
    .await;
    assert_eq!(resp.code, response_code::SYSTEM_ERROR);
    assert_eq!(
        resp.remark.as_deref(),
        Some("the custom field <topic> is null")
    );

    // A code the name server does not serve.
    let resp = call(
        &c,
        &addr,
        RemotingCommand::new_request(request_code::SEND_MESSAGE),
    )
    .await;
    assert_eq!(resp.code, response_code::REQUEST_CODE_NOT_SUPPORTED);
    assert_eq!(
        resp.remark.as_deref(),
        Some(" request type 10 not supported")
    );

    // Same connection, still serving.
    let resp = call(
        &c,
        &addr,
        register_request("broker-a", "127.0.0.1:10911", 0, 1, &[("T", 4), ("U", 4)]),
    )
    .await;
    assert_eq!(resp.code, response_code::SUCCESS);
    assert_eq!(route(&c, &addr, "T").await.code, response_code::SUCCESS);
    ns.shutdown().await;
}

#[tokio::test]
async fn every_broker_on_a_closed_connection_leaves() {
    let ns = start_namesrv(Some(ManualClock::new(1_000_000))).await;
    let addr = ns.local_addr().to_string();
    let (shared, c) = (client(), client());
    for (name, ip) in [
        ("broker-a", "127.0.0.1:10911"),
        ("broker-b", "127.0.0.1:10921"),
    ] {
        let resp = call(
            &shared,
            &addr,
            register_request(name, ip, 0, 1, &[("T", 4), ("U", 4)]),
        )
        .await;
        assert_eq!(resp.code, response_code::SUCCESS);
    }
    shared.shutdown().await;
    wait_until_topic_gone(&c, &addr, "T").await;
    assert!(ns.route_info_manager().live_brokers().is_empty());
    ns.shutdown().await;
}

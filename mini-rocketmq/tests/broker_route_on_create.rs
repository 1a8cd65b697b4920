//! A topic is routable the moment the request that created it is answered.
//!
//! RocketMQ's broker registers with its name servers before it answers a
//! request that created a topic (`registerIncrementBrokerData`), so a client
//! that asks for the route right after the answer finds it. Without that a
//! route appears some milliseconds later, and a client that asks too early
//! caches "no route" for its whole poll period (a Node.js consumer's
//! retries then came back only after 16–46 s).
//!
//! Each check asks the name server once, immediately after the answer, and
//! never waits: if the registration happened after the answer, it fails.

mod broker_support;

use broker_support::*;
use mini_rocketmq::namesrv::controller::NamesrvController;
use mini_rocketmq::namesrv::namesrv_config::NamesrvConfig;
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::protocol::body::heartbeat_data::{
    ConsumerData, HeartbeatData, SubscriptionData,
};
use mini_rocketmq::remoting::protocol::header::admin::CreateTopicRequestHeader;
use mini_rocketmq::remoting::protocol::header::client_manage::ConsumerSendMsgBackRequestHeader;
use mini_rocketmq::remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;

fn route(topic: &str) -> RemotingCommand {
    RemotingCommand::new_request_with_header(
        request_code::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader {
            topic: topic.into(),
            accept_standard_json_only: Some(true),
        },
    )
}

/// Asks the name server once: is `topic` routable right now?
async fn assert_routable_now(ns: &mut RawConn, topic: &str, after: &str) {
    let resp = ns.call(route(topic)).await;
    assert_eq!(
        resp.code,
        response_code::SUCCESS,
        "the route of {topic} is not there when {after} is answered: {:?}",
        resp.remark
    );
}

fn create_topic(topic: &str) -> RemotingCommand {
    RemotingCommand::new_request_with_header(
        request_code::UPDATE_AND_CREATE_TOPIC,
        &CreateTopicRequestHeader {
            topic: topic.into(),
            default_topic: "TBW102".into(),
            read_queue_nums: 4,
            write_queue_nums: 4,
            perm: 6,
            topic_filter_type: "SINGLE_TAG".into(),
            topic_sys_flag: Some(0),
            order: false,
            attributes: None,
            force: false,
        },
    )
}

fn heartbeat(group: &str, topic: &str) -> RemotingCommand {
    let hb = HeartbeatData {
        client_id: format!("client-of-{group}"),
        consumer_data_set: vec![ConsumerData {
            group_name: group.into(),
            subscription_data_set: vec![SubscriptionData::build(topic, "*", None, 1)],
            ..ConsumerData::default()
        }],
        ..HeartbeatData::default()
    };
    RemotingCommand::new_request(request_code::HEART_BEAT).with_body(hb.encode())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_are_routable_when_the_creating_request_is_answered() {
    let ns_dir = tempfile::tempdir().unwrap();
    let namesrv = NamesrvController::new(NamesrvConfig {
        kv_config_path: ns_dir.path().join("kvConfig.json"),
        ..NamesrvConfig::default()
    })
    .start("127.0.0.1:0")
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), Some(namesrv.local_addr())).await;
    let mut ns = RawConn::connect(namesrv.local_addr(), SerializeType::Json).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::Json).await;

    // UPDATE_AND_CREATE_TOPIC (mqadmin updateTopic), several times over so
    // that a registration racing the answer would show.
    for i in 0..10 {
        let topic = format!("Created{i}");
        let resp = conn.call(create_topic(&topic)).await;
        assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
        assert_routable_now(&mut ns, &topic, "UPDATE_AND_CREATE_TOPIC").await;
    }

    // A send that creates its topic from TBW102.
    for i in 0..5 {
        let topic = format!("AutoCreated{i}");
        let resp = conn.call(send_v2(&topic, 0, "T", "first")).await;
        assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
        assert_routable_now(&mut ns, &topic, "the first SEND_MESSAGE_V2").await;
    }

    // A consumer's first heartbeat creates its group's retry topic.
    for i in 0..5 {
        let group = format!("route_cg_{i}");
        let resp = conn.call(heartbeat(&group, "Created0")).await;
        assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
        assert_routable_now(&mut ns, &format!("%RETRY%{group}"), "HEART_BEAT").await;
    }

    // A message sent back too often goes to the group's dead-letter queue,
    // which the send-back creates.
    let resp = conn.call(send_v2("Created1", 0, "T", "poison")).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let stored =
        mini_rocketmq::common::message_decoder::decode_message_id(resp.ext("msgId").unwrap())
            .unwrap();
    wait_max_offset(&mut conn, "Created1", 0, 1).await;
    let back = RemotingCommand::new_request_with_header(
        request_code::CONSUMER_SEND_MSG_BACK,
        &ConsumerSendMsgBackRequestHeader {
            offset: stored.offset,
            group: "dlq_cg".into(),
            delay_level: -1, // "give up": straight to the DLQ
            origin_msg_id: None,
            origin_topic: Some("Created1".into()),
            unit_mode: false,
            max_reconsume_times: Some(1),
            broker_name: None,
        },
    );
    let resp = conn.call(back).await;
    assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
    assert_routable_now(&mut ns, "%DLQ%dlq_cg", "CONSUMER_SEND_MSG_BACK").await;

    broker.shutdown().await;
    namesrv.shutdown().await;
}

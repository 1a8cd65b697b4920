//! Black-box tests of the broker over TCP with raw remoting frames: send and
//! pull in both header serializations, batches, tag filtering, long polling,
//! consumer groups, offsets across restarts, crash recovery and registration
//! with a name server.

mod broker_support;

use broker_support::*;
use bytes::Bytes;
use mini_rocketmq::common::message::Message;
use mini_rocketmq::common::message_decoder;
use mini_rocketmq::namesrv::controller::NamesrvController;
use mini_rocketmq::namesrv::namesrv_config::NamesrvConfig;
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::protocol::body::get_consumer_list_by_group::GetConsumerListByGroupResponseBody;
use mini_rocketmq::remoting::protocol::body::heartbeat_data::{
    ConsumerData, HeartbeatData, ProducerData, SubscriptionData,
};
use mini_rocketmq::remoting::protocol::body::lock_batch::{
    LockBatchRequestBody, LockBatchResponseBody,
};
use mini_rocketmq::remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use mini_rocketmq::remoting::protocol::header::offset::{
    QueryConsumerOffsetRequestHeader, UpdateConsumerOffsetRequestHeader,
};
use mini_rocketmq::remoting::protocol::header::pull::PullMessageRequestHeader;

async fn round_trip(serialize_type: SerializeType) {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), serialize_type).await;

    // V1 and V2 headers into the same queue of a topic that does not exist
    // yet: the first send creates it from TBW102.
    for i in 0..6 {
        let tags = if i % 2 == 0 { "TagA" } else { "TagB" };
        let body = format!("hello {i}");
        let req = if i < 3 {
            send_v1("TopicTest", 1, tags, body)
        } else {
            send_v2("TopicTest", 1, tags, body)
        };
        let resp = conn.call(req).await;
        assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
        assert_eq!(resp.ext("queueId"), Some("1"));
        assert_eq!(resp.ext("queueOffset"), Some(i.to_string().as_str()));
        assert_eq!(resp.ext("msgId").map(str::len), Some(32));
        assert_eq!(resp.ext("MSG_REGION"), Some("DefaultRegion"));
        assert_eq!(resp.ext("TRACE_ON"), Some("true"));
    }
    let topic = broker
        .controller()
        .topic_config_manager
        .select_topic_config("TopicTest")
        .unwrap();
    assert_eq!(
        (topic.read_queue_nums, topic.write_queue_nums, topic.perm),
        (4, 4, 6)
    );

    // Pull everything back (waiting for the dispatcher if needed).
    let mut pulled = Vec::new();
    let mut offset = 0;
    let mut poll = Poll::until("all six messages are pulled");
    while pulled.len() < 6 {
        let resp = conn.call(pull("TopicTest", 1, offset, "*", None)).await;
        for key in [
            "suggestWhichBrokerId",
            "nextBeginOffset",
            "minOffset",
            "maxOffset",
        ] {
            assert!(resp.ext(key).is_some(), "pull response lacks {key}");
        }
        if resp.code == response_code::SUCCESS {
            let msgs = decode_pulled(&resp);
            offset = resp.ext("nextBeginOffset").unwrap().parse().unwrap();
            pulled.extend(msgs);
        } else {
            poll.pause().await;
        }
    }
    for (i, m) in pulled.iter().enumerate() {
        assert_eq!(m.body, Bytes::from(format!("hello {i}")));
        assert_eq!(m.queue_offset, i as i64);
        assert_eq!(m.topic, "TopicTest");
        assert!(m.property("UNIQ_KEY").is_some(), "broker adds UNIQ_KEY");
        assert_eq!(m.property("CLUSTER"), Some("DefaultCluster"));
        assert_eq!(m.property("MSG_REGION"), Some("DefaultRegion"));
        assert_eq!(m.store_host, broker.local_addr());
    }

    // Tag filtering by hash code: only TagB comes back.
    let resp = conn.call(pull("TopicTest", 1, 0, "TagB", None)).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let tags: Vec<_> = decode_pulled(&resp)
        .iter()
        .map(|m| m.tags().unwrap_or("").to_string())
        .collect();
    assert_eq!(tags, ["TagB", "TagB", "TagB"]);

    // Past the end: PULL_NOT_FOUND (no suspend bit, so answered at once).
    let resp = conn.call(pull("TopicTest", 1, 6, "*", None)).await;
    assert_eq!(resp.code, response_code::PULL_NOT_FOUND);
    assert_eq!(resp.ext("nextBeginOffset"), Some("6"));

    broker.shutdown().await;
}

#[tokio::test]
async fn send_pull_round_trip_json_headers() {
    round_trip(SerializeType::Json).await;
}

#[tokio::test]
async fn send_pull_round_trip_rocketmq_headers() {
    round_trip(SerializeType::RocketMQ).await;
}

#[tokio::test]
async fn batch_send_stores_every_message() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::RocketMQ).await;
    let messages: Vec<Message> = (0..5)
        .map(|i| {
            let mut m = Message::new("BatchTopic", format!("m{i}")).with_tags("T");
            m.put_property("UNIQ_KEY", format!("ID{i}"));
            m
        })
        .collect();
    let resp = conn.call(send_batch("BatchTopic", 0, &messages)).await;
    assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
    assert_eq!(resp.ext("queueOffset"), Some("0"));
    assert_eq!(resp.ext("msgId").unwrap().split(',').count(), 5);

    let mut got = Vec::new();
    let mut poll = Poll::until("the batch is pulled");
    while got.len() < 5 {
        let resp = conn
            .call(pull("BatchTopic", 0, got.len() as i64, "*", None))
            .await;
        if resp.code == response_code::SUCCESS {
            got.extend(decode_pulled(&resp));
        } else {
            poll.pause().await;
        }
    }
    let bodies: Vec<_> = got
        .iter()
        .map(|m| String::from_utf8_lossy(&m.body).to_string())
        .collect();
    assert_eq!(bodies, ["m0", "m1", "m2", "m3", "m4"]);
    assert_eq!(got[3].property("UNIQ_KEY"), Some("ID3"));
    broker.shutdown().await;
}

/// LITE_PULL_MESSAGE (361) is what RocketMQ 5's lite pull consumers send;
/// the broker serves it with the pull processor, so the answer is a pull's:
/// the messages, and `nextBeginOffset` to continue from.
#[tokio::test]
async fn lite_pull_is_served_like_pull() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::Json).await;
    for i in 0..3 {
        let resp = conn
            .call(send_v2("LiteTopic", 0, "T", format!("lite {i}")))
            .await;
        assert_eq!(resp.code, response_code::SUCCESS);
    }
    wait_max_offset(&mut conn, "LiteTopic", 0, 3).await;

    let mut lite = pull("LiteTopic", 0, 0, "*", None);
    lite.code = request_code::LITE_PULL_MESSAGE;
    let resp = conn.call(lite).await;
    assert_eq!(resp.code, response_code::SUCCESS, "{:?}", resp.remark);
    assert_eq!(resp.ext("nextBeginOffset"), Some("3"));
    let bodies: Vec<_> = decode_pulled(&resp)
        .into_iter()
        .map(|m| m.body.clone())
        .collect();
    assert_eq!(bodies, ["lite 0", "lite 1", "lite 2"]);
    broker.shutdown().await;
}

#[tokio::test]
async fn long_polling_wakes_on_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let addr = broker.local_addr();
    // Create the topic first so the pull has a queue to wait on.
    let mut producer = RawConn::connect(addr, SerializeType::Json).await;
    let resp = producer.call(send_v1("PollTopic", 0, "T", "first")).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    wait_max_offset(&mut producer, "PollTopic", 0, 1).await;

    // A pull at offset 1 with SUSPEND and a long timeout is held...
    let mut consumer = RawConn::connect(addr, SerializeType::Json).await;
    let opaque = consumer
        .send(pull("PollTopic", 0, 1, "*", Some(60_000)))
        .await;
    let hold = broker.controller().pull_request_hold_service.clone();
    wait_until("the pull is held", || {
        std::future::ready(hold.held_count() > 0)
    })
    .await;

    // ...until a message arrives, which wakes it with that message.
    let resp = producer.call(send_v1("PollTopic", 0, "T", "second")).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let answer = consumer.recv().await.expect("held pull answered");
    assert_eq!(answer.opaque, opaque);
    assert_eq!(answer.code, response_code::SUCCESS);
    let msgs = decode_pulled(&answer);
    assert_eq!(msgs[0].body, Bytes::from("second"));
    assert_eq!(hold.held_count(), 0);

    // A held pull whose timeout passes is answered PULL_NOT_FOUND.
    let opaque = consumer.send(pull("PollTopic", 0, 2, "*", Some(200))).await;
    let answer = consumer.recv().await.expect("expired pull answered");
    assert_eq!(
        (answer.opaque, answer.code),
        (opaque, response_code::PULL_NOT_FOUND)
    );
    broker.shutdown().await;
}

fn heartbeat(client_id: &str, group: &str, topic: &str, tags: &str) -> RemotingCommand {
    let hb = HeartbeatData {
        client_id: client_id.into(),
        consumer_data_set: vec![ConsumerData {
            group_name: group.into(),
            subscription_data_set: vec![SubscriptionData::build(topic, tags, None, 1)],
            ..ConsumerData::default()
        }],
        producer_data_set: vec![ProducerData {
            group_name: "pg".into(),
        }],
        ..HeartbeatData::default()
    };
    RemotingCommand::new_request(request_code::HEART_BEAT).with_body(hb.encode())
}

#[tokio::test]
async fn consumer_group_membership_subscriptions_and_locks() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let addr = broker.local_addr();
    let mut c1 = RawConn::connect(addr, SerializeType::Json).await;
    let mut c2 = RawConn::connect(addr, SerializeType::RocketMQ).await;

    assert_eq!(
        c1.call(heartbeat("client-1", "cg", "GroupTopic", "TagA"))
            .await
            .code,
        response_code::SUCCESS
    );
    // The retry topic of the group now exists.
    assert!(
        broker
            .controller()
            .topic_config_manager
            .select_topic_config("%RETRY%cg")
            .is_some()
    );
    // A second member joins: the first one is told to rebalance.
    assert_eq!(
        c2.call(heartbeat("client-2", "cg", "GroupTopic", "TagA"))
            .await
            .code,
        response_code::SUCCESS
    );
    let notify = loop {
        let frame = c1.recv().await.expect("notification");
        if frame.code == request_code::NOTIFY_CONSUMER_IDS_CHANGED && !frame.is_response() {
            break frame;
        }
    };
    assert_eq!(notify.ext("consumerGroup"), Some("cg"));

    let list = c1
        .call(
            RemotingCommand::new_request(request_code::GET_CONSUMER_LIST_BY_GROUP)
                .with_ext("consumerGroup", "cg"),
        )
        .await;
    let body = GetConsumerListByGroupResponseBody::decode(list.body.as_deref().unwrap()).unwrap();
    assert_eq!(body.consumer_id_list, ["client-1", "client-2"]);

    // A pull without its own subscription uses the heartbeat's (TagA only).
    let mut producer = RawConn::connect(addr, SerializeType::Json).await;
    for tags in ["TagA", "TagB", "TagA"] {
        assert_eq!(
            producer
                .call(send_v1("GroupTopic", 0, tags, tags))
                .await
                .code,
            response_code::SUCCESS
        );
    }
    let header = PullMessageRequestHeader {
        consumer_group: "cg".into(),
        topic: "GroupTopic".into(),
        queue_id: 0,
        queue_offset: 0,
        max_msg_nums: 32,
        sys_flag: 0,
        sub_version: 1,
        ..Default::default()
    };
    let mut tags = Vec::new();
    let mut poll = Poll::until("the group pulls its two TagA messages");
    while tags.len() < 2 {
        let resp = c1
            .call(RemotingCommand::new_request_with_header(
                request_code::PULL_MESSAGE,
                &header,
            ))
            .await;
        if resp.code == response_code::SUCCESS {
            tags = decode_pulled(&resp)
                .iter()
                .map(|m| m.tags().unwrap().to_string())
                .collect();
        } else {
            poll.pause().await;
        }
    }
    assert_eq!(tags, ["TagA", "TagA"]);

    // Queue locks: one holder at a time.
    let mq = mini_rocketmq::common::message_queue::MessageQueue::new("GroupTopic", "broker-a", 0);
    let lock = |client: &str| {
        let body = LockBatchRequestBody {
            client_id: client.into(),
            consumer_group: "cg".into(),
            mq_set: [mq.clone()].into(),
            only_this_broker: false,
        };
        RemotingCommand::new_request(request_code::LOCK_BATCH_MQ).with_body(body.encode())
    };
    let locked = |r: &RemotingCommand| {
        LockBatchResponseBody::decode(r.body.as_deref().unwrap())
            .unwrap()
            .lock_ok_mq_set
            .len()
    };
    assert_eq!(locked(&c1.call(lock("client-1")).await), 1);
    assert_eq!(locked(&c2.call(lock("client-2")).await), 0);

    // Unregistering leaves one member.
    let resp = c2
        .call(
            RemotingCommand::new_request(request_code::UNREGISTER_CLIENT)
                .with_ext("clientID", "client-2")
                .with_ext("consumerGroup", "cg"),
        )
        .await;
    assert_eq!(resp.code, response_code::SUCCESS);
    assert_eq!(
        broker
            .controller()
            .consumer_manager
            .get_consumer_id_list("cg")
            .unwrap(),
        ["client-1"]
    );
    broker.shutdown().await;
}

fn update_offset(topic: &str, queue_id: i32, offset: i64) -> RemotingCommand {
    RemotingCommand::new_request_with_header(
        request_code::UPDATE_CONSUMER_OFFSET,
        &UpdateConsumerOffsetRequestHeader {
            consumer_group: "cg".into(),
            topic: topic.into(),
            queue_id,
            commit_offset: offset,
            broker_name: None,
        },
    )
}

fn query_offset(topic: &str, queue_id: i32) -> RemotingCommand {
    RemotingCommand::new_request_with_header(
        request_code::QUERY_CONSUMER_OFFSET,
        &QueryConsumerOffsetRequestHeader {
            consumer_group: "cg".into(),
            topic: topic.into(),
            queue_id,
            set_zero_if_not_found: None,
            broker_name: None,
        },
    )
}

#[tokio::test]
async fn offsets_and_messages_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::Json).await;
    for i in 0..3 {
        assert_eq!(
            conn.call(send_v1("OffsetTopic", 2, "T", format!("m{i}")))
                .await
                .code,
            response_code::SUCCESS
        );
    }
    // Consume-queue entries are built asynchronously; wait for all three.
    wait_max_offset(&mut conn, "OffsetTopic", 2, 3).await;
    // Never committed: 0, because the queue still starts at 0.
    let resp = conn.call(query_offset("OffsetTopic", 2)).await;
    assert_eq!(
        (resp.code, resp.ext("offset")),
        (response_code::SUCCESS, Some("0"))
    );
    // A queue with no messages: not found.
    assert_eq!(
        conn.call(query_offset("OffsetTopic", 3)).await.code,
        response_code::QUERY_NOT_FOUND
    );
    assert_eq!(
        conn.call(update_offset("OffsetTopic", 2, 2)).await.code,
        response_code::SUCCESS
    );
    broker.shutdown().await;
    assert!(
        !dir.path().join("abort").exists(),
        "clean shutdown removes the abort file"
    );

    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::RocketMQ).await;
    let resp = conn.call(query_offset("OffsetTopic", 2)).await;
    assert_eq!(
        (resp.code, resp.ext("offset")),
        (response_code::SUCCESS, Some("2"))
    );
    let resp = conn.call(max_offset("OffsetTopic", 2)).await;
    assert_eq!(resp.ext("offset"), Some("3"));
    let resp = conn.call(pull("OffsetTopic", 2, 2, "*", None)).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    assert_eq!(decode_pulled(&resp)[0].body, Bytes::from("m2"));
    broker.shutdown().await;
}

#[tokio::test]
async fn restart_after_crash_serves_every_complete_message() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::Json).await;
    for i in 0..10 {
        assert_eq!(
            conn.call(send_v1("CrashTopic", 0, "T", format!("m{i}")))
                .await
                .code,
            response_code::SUCCESS
        );
    }
    let end = broker.controller().store.max_phy_offset();
    broker.shutdown().await;

    // Simulate a crash in the middle of an append: the abort file is still
    // there and the CommitLog tail holds the first half of a record.
    std::fs::write(dir.path().join("abort"), b"12345").unwrap();
    let commit_log = dir.path().join("commitlog").join("00000000000000000000");
    let mut file = std::fs::read(&commit_log).unwrap();
    let first_len = i32::from_be_bytes(file[0..4].try_into().unwrap()) as usize;
    let half: Vec<u8> = file[0..first_len / 2].to_vec();
    file[end as usize..end as usize + half.len()].copy_from_slice(&half);
    std::fs::write(&commit_log, &file).unwrap();

    let broker = start_broker(dir.path(), None).await;
    assert_eq!(
        broker.controller().store.max_phy_offset(),
        end,
        "the torn record is truncated"
    );
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::Json).await;
    let mut bodies = Vec::new();
    let mut poll = Poll::until("the ten recovered messages are pulled");
    while bodies.len() < 10 {
        let resp = conn
            .call(pull("CrashTopic", 0, bodies.len() as i64, "*", None))
            .await;
        assert_ne!(resp.code, response_code::PULL_OFFSET_MOVED);
        if resp.code == response_code::SUCCESS {
            bodies.extend(decode_pulled(&resp).into_iter().map(|m| m.body.clone()));
        } else {
            poll.pause().await;
        }
    }
    assert_eq!(
        bodies,
        (0..10)
            .map(|i| Bytes::from(format!("m{i}")))
            .collect::<Vec<_>>()
    );
    // New messages go where the torn record was.
    let resp = conn.call(send_v1("CrashTopic", 0, "T", "after")).await;
    assert_eq!(
        (resp.code, resp.ext("queueOffset")),
        (response_code::SUCCESS, Some("10"))
    );
    let id = message_decoder::decode_message_id(resp.ext("msgId").unwrap()).unwrap();
    assert_eq!(id.offset, end);
    broker.shutdown().await;
}

#[tokio::test]
async fn broker_registers_and_its_topics_appear_in_the_route() {
    let ns_dir = tempfile::tempdir().unwrap();
    let namesrv_config = NamesrvConfig {
        kv_config_path: ns_dir.path().join("kvConfig.json"),
        ..NamesrvConfig::default()
    };
    let namesrv = NamesrvController::new(namesrv_config)
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), Some(namesrv.local_addr())).await;
    let broker_addr = broker.local_addr().to_string();
    let mut ns = RawConn::connect(namesrv.local_addr(), SerializeType::Json).await;
    let route = |topic: &str| {
        RemotingCommand::new_request_with_header(
            request_code::GET_ROUTEINFO_BY_TOPIC,
            &GetRouteInfoRequestHeader {
                topic: topic.into(),
                accept_standard_json_only: Some(true),
            },
        )
    };

    // Registered during start: TBW102 is routable.
    let resp = ns.call(route("TBW102")).await;
    assert_eq!(resp.code, response_code::SUCCESS);
    let body = String::from_utf8(resp.body.unwrap().to_vec()).unwrap();
    assert!(body.contains(&broker_addr), "{body}");

    // A topic created by a send is pushed to the name server right away.
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::Json).await;
    assert_eq!(
        conn.call(send_v1("RoutedTopic", 0, "T", "x")).await.code,
        response_code::SUCCESS
    );
    let mut poll = Poll::until("the name server has the route of the new topic");
    let found = loop {
        let resp = ns.call(route("RoutedTopic")).await;
        if resp.code == response_code::SUCCESS {
            break String::from_utf8(resp.body.unwrap().to_vec()).unwrap();
        }
        poll.pause().await;
    };
    assert!(found.contains("\"writeQueueNums\":4"), "{found}");

    // Shutdown unregisters: the route is gone at once.
    broker.shutdown().await;
    assert_eq!(
        ns.call(route("RoutedTopic")).await.code,
        response_code::TOPIC_NOT_EXIST
    );
    namesrv.shutdown().await;
}

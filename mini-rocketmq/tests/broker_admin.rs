//! The admin codes over raw frames: topics, stats, offsets, subscription
//! groups, send-back to the retry and dead-letter topics, message lookup.

mod broker_support;

use broker_support::*;
use bytes::Bytes;
use mini_rocketmq::common::message_decoder;
use mini_rocketmq::common::subscription_group::SubscriptionGroupConfig;
use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::command::{RemotingCommand, SerializeType};
use mini_rocketmq::remoting::protocol::body::consume_stats::ConsumeStats;
use mini_rocketmq::remoting::protocol::body::kv_table::KVTable;
use mini_rocketmq::remoting::protocol::body::reset_offset_body::ResetOffsetBody;
use mini_rocketmq::remoting::protocol::body::topic_stats_table::TopicStatsTable;
use mini_rocketmq::remoting::protocol::header::admin::{
    CreateTopicRequestHeader, DeleteTopicRequestHeader, GetConsumeStatsRequestHeader,
    GetTopicStatsInfoRequestHeader,
};
use mini_rocketmq::remoting::protocol::header::client_manage::ConsumerSendMsgBackRequestHeader;
use mini_rocketmq::remoting::protocol::header::offset::{
    ResetOffsetRequestHeader, SearchOffsetRequestHeader, UpdateConsumerOffsetRequestHeader,
};
use mini_rocketmq::remoting::protocol::header::query::ViewMessageRequestHeader;

fn create_topic(topic: &str, queues: i32) -> RemotingCommand {
    RemotingCommand::new_request_with_header(
        request_code::UPDATE_AND_CREATE_TOPIC,
        &CreateTopicRequestHeader {
            topic: topic.into(),
            default_topic: "TBW102".into(),
            read_queue_nums: queues,
            write_queue_nums: queues,
            perm: 6,
            topic_filter_type: "SINGLE_TAG".into(),
            topic_sys_flag: Some(0),
            order: false,
            attributes: None,
            force: false,
        },
    )
}

#[tokio::test]
async fn topics_stats_and_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::Json).await;

    assert_eq!(
        conn.call(create_topic("AdminTopic", 2)).await.code,
        response_code::SUCCESS
    );
    assert_eq!(
        conn.call(create_topic("SCHEDULE_TOPIC_XXXX", 2)).await.code,
        response_code::INVALID_PARAMETER,
        "system topics cannot be redefined"
    );
    assert_eq!(
        conn.call(create_topic("Bad", 0)).await.code,
        response_code::INVALID_PARAMETER
    );
    let all = conn
        .call(RemotingCommand::new_request(
            request_code::GET_ALL_TOPIC_CONFIG,
        ))
        .await;
    let all: serde_json::Value = serde_json::from_slice(all.body.as_deref().unwrap()).unwrap();
    assert_eq!(all["topicConfigTable"]["AdminTopic"]["writeQueueNums"], 2);

    for i in 0..4 {
        assert_eq!(
            conn.call(send_v1("AdminTopic", 1, "T", format!("m{i}")))
                .await
                .code,
            response_code::SUCCESS
        );
    }
    wait_max_offset(&mut conn, "AdminTopic", 1, 4).await;

    let stats = conn
        .call(RemotingCommand::new_request_with_header(
            request_code::GET_TOPIC_STATS_INFO,
            &GetTopicStatsInfoRequestHeader {
                topic: "AdminTopic".into(),
            },
        ))
        .await;
    let stats = TopicStatsTable::decode(stats.body.as_deref().unwrap()).unwrap();
    let maxes: Vec<i64> = stats.offset_table.values().map(|o| o.max_offset).collect();
    assert_eq!(maxes, [0, 4]);
    assert!(
        stats
            .offset_table
            .values()
            .nth(1)
            .unwrap()
            .last_update_timestamp
            > 0
    );

    // A group that committed 1 of 4 on queue 1 lags by 3.
    let commit = RemotingCommand::new_request_with_header(
        request_code::UPDATE_CONSUMER_OFFSET,
        &UpdateConsumerOffsetRequestHeader {
            consumer_group: "admin_cg".into(),
            topic: "AdminTopic".into(),
            queue_id: 1,
            commit_offset: 1,
            broker_name: None,
        },
    );
    assert_eq!(conn.call(commit).await.code, response_code::SUCCESS);
    let consume_stats = |topic: Option<&str>| {
        RemotingCommand::new_request_with_header(
            request_code::GET_CONSUME_STATS,
            &GetConsumeStatsRequestHeader {
                consumer_group: "admin_cg".into(),
                topic: topic.map(str::to_string),
                topic_list: None,
            },
        )
    };
    let cs = conn.call(consume_stats(None)).await;
    let cs = ConsumeStats::decode(cs.body.as_deref().unwrap()).unwrap();
    assert_eq!(cs.compute_total_diff(), 3);

    // Reset to the end of the topic (timestamp -1): no lag left.
    let reset = RemotingCommand::new_request_with_header(
        request_code::INVOKE_BROKER_TO_RESET_OFFSET,
        &ResetOffsetRequestHeader {
            group: "admin_cg".into(),
            topic: "AdminTopic".into(),
            queue_id: -1,
            offset: None,
            timestamp: -1,
            is_force: true,
        },
    );
    let reset = conn.call(reset).await;
    assert_eq!(reset.code, response_code::SUCCESS, "{:?}", reset.remark);
    let body = ResetOffsetBody::decode(reset.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body.offset_table.values().copied().collect::<Vec<_>>(),
        [0, 4]
    );
    let cs = conn.call(consume_stats(Some("AdminTopic"))).await;
    assert_eq!(
        ConsumeStats::decode(cs.body.as_deref().unwrap())
            .unwrap()
            .compute_total_diff(),
        0
    );

    // Offsets by time: everything was stored after t=0, nothing after the far future.
    let search = |ts: i64| {
        RemotingCommand::new_request_with_header(
            request_code::SEARCH_OFFSET_BY_TIMESTAMP,
            &SearchOffsetRequestHeader {
                topic: "AdminTopic".into(),
                queue_id: 1,
                timestamp: ts,
                boundary_type: None,
                broker_name: None,
            },
        )
    };
    assert_eq!(conn.call(search(0)).await.ext("offset"), Some("0"));
    let earliest = conn
        .call(
            RemotingCommand::new_request(request_code::GET_EARLIEST_MSG_STORETIME)
                .with_ext("topic", "AdminTopic")
                .with_ext("queueId", "1"),
        )
        .await;
    assert!(earliest.ext("timestamp").unwrap().parse::<i64>().unwrap() > 0);

    // Runtime info and config.
    let info = conn
        .call(RemotingCommand::new_request(
            request_code::GET_BROKER_RUNTIME_INFO,
        ))
        .await;
    let info = KVTable::decode(info.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        info.table.get("brokerName").map(String::as_str),
        Some("broker-a")
    );
    let config = conn
        .call(RemotingCommand::new_request(
            request_code::GET_BROKER_CONFIG,
        ))
        .await;
    let text = String::from_utf8(config.body.unwrap().to_vec()).unwrap();
    assert!(
        text.lines()
            .any(|l| l == "brokerClusterName=DefaultCluster")
    );
    assert!(text.lines().any(|l| l.starts_with("storePathRootDir=")));

    // Delete: gone from the table, from the offsets and from the store.
    let delete = RemotingCommand::new_request_with_header(
        request_code::DELETE_TOPIC_IN_BROKER,
        &DeleteTopicRequestHeader {
            topic: "AdminTopic".into(),
        },
    );
    assert_eq!(conn.call(delete).await.code, response_code::SUCCESS);
    assert!(
        broker
            .controller()
            .topic_config_manager
            .select_topic_config("AdminTopic")
            .is_none()
    );
    assert_eq!(
        conn.call(pull("AdminTopic", 1, 0, "*", None)).await.code,
        response_code::TOPIC_NOT_EXIST
    );
    broker.shutdown().await;
}

#[tokio::test]
async fn subscription_groups_send_back_and_message_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let broker = start_broker(dir.path(), None).await;
    let mut conn = RawConn::connect(broker.local_addr(), SerializeType::RocketMQ).await;

    // A group that allows one retry.
    let group = SubscriptionGroupConfig {
        retry_max_times: 1,
        ..SubscriptionGroupConfig::new("back_cg")
    };
    let create = RemotingCommand::new_request(request_code::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
        .with_body(serde_json::to_vec(&group).unwrap());
    assert_eq!(conn.call(create).await.code, response_code::SUCCESS);
    let all = conn
        .call(RemotingCommand::new_request(
            request_code::GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
        ))
        .await;
    let all: serde_json::Value = serde_json::from_slice(all.body.as_deref().unwrap()).unwrap();
    assert_eq!(all["subscriptionGroupTable"]["back_cg"]["retryMaxTimes"], 1);

    let sent = conn.call(send_v1("BackTopic", 0, "TagX", "payload")).await;
    assert_eq!(sent.code, response_code::SUCCESS);
    let id = message_decoder::decode_message_id(sent.ext("msgId").unwrap()).unwrap();

    // VIEW_MESSAGE_BY_ID: the record at that CommitLog offset.
    let view = conn
        .call(RemotingCommand::new_request_with_header(
            request_code::VIEW_MESSAGE_BY_ID,
            &ViewMessageRequestHeader {
                topic: None,
                offset: id.offset,
            },
        ))
        .await;
    assert_eq!(view.code, response_code::SUCCESS);
    let viewed = decode_pulled(&view);
    assert_eq!(viewed[0].body, Bytes::from("payload"));
    // QUERY_MESSAGE by the client's message id (UNIQ_KEY, indexed by the store).
    let uniq_key = sent.ext("transactionId").unwrap().to_string();
    let query = |key: &str| {
        RemotingCommand::new_request(request_code::QUERY_MESSAGE)
            .with_ext("topic", "BackTopic")
            .with_ext("key", key)
            .with_ext("maxNum", "32")
            .with_ext("beginTimestamp", "0")
            .with_ext("endTimestamp", i64::MAX.to_string())
            .with_ext("_UNIQUE_KEY_QUERY", "true")
    };
    let mut poll = Poll::until("the message is indexed");
    let found = loop {
        let resp = conn.call(query(&uniq_key)).await;
        if resp.code == response_code::SUCCESS {
            break resp;
        }
        poll.pause().await;
    };
    assert_eq!(decode_pulled(&found)[0].body, Bytes::from("payload"));
    assert!(found.ext("indexLastUpdatePhyoffset").is_some());
    assert_eq!(
        conn.call(query("no-such-key")).await.code,
        response_code::QUERY_NOT_FOUND
    );

    // First send-back: into %RETRY%back_cg with reconsumeTimes 1.
    let send_back = |offset: i64| {
        RemotingCommand::new_request_with_header(
            request_code::CONSUMER_SEND_MSG_BACK,
            &ConsumerSendMsgBackRequestHeader {
                offset,
                group: "back_cg".into(),
                delay_level: 0,
                origin_msg_id: None,
                origin_topic: Some("BackTopic".into()),
                unit_mode: false,
                max_reconsume_times: None,
                broker_name: None,
            },
        )
    };
    assert_eq!(
        conn.call(send_back(id.offset)).await.code,
        response_code::SUCCESS
    );
    let retry = pull_one(&mut conn, "%RETRY%back_cg").await;
    assert_eq!(retry.reconsume_times, 1);
    assert_eq!(retry.property("RETRY_TOPIC"), Some("BackTopic"));
    assert!(retry.property("ORIGIN_MESSAGE_ID").is_some());
    assert_eq!(retry.tags(), Some("TagX"));

    // Second send-back: the group's retryMaxTimes (1) is reached → DLQ.
    assert_eq!(
        conn.call(send_back(retry.commit_log_offset)).await.code,
        response_code::SUCCESS
    );
    let dead = pull_one(&mut conn, "%DLQ%back_cg").await;
    assert_eq!(dead.body, Bytes::from("payload"));
    assert_eq!(dead.reconsume_times, 2);
    broker.shutdown().await;
}

/// The first message of queue 0 of `topic`, waiting for it to be dispatched.
async fn pull_one(conn: &mut RawConn, topic: &str) -> mini_rocketmq::common::message::MessageExt {
    let mut poll = Poll::until(&format!("a message of {topic} is dispatched"));
    loop {
        let resp = conn.call(pull(topic, 0, 0, "*", None)).await;
        if resp.code == response_code::SUCCESS {
            return decode_pulled(&resp).remove(0);
        }
        poll.pause().await;
    }
}

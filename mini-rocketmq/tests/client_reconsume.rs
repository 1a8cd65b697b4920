//! RECONSUME_LATER: the consumer sends the message back to the broker
//! (CONSUMER_SEND_MSG_BACK), the broker re-stores it in the group's retry
//! topic, and it comes back — under its original topic, with its reconsume
//! count raised. After `max_reconsume_times` it goes to the dead-letter queue.

mod client_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use client_support::{Cluster, wait_until};
use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};
use mini_rocketmq::client::producer::DefaultMQProducer;
use mini_rocketmq::common::message::Message;
use parking_lot::Mutex;

/// body → [(topic, reconsume_times)] per delivery.
type Deliveries = Arc<Mutex<BTreeMap<String, Vec<(String, i32)>>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_message_comes_back_then_dead_letters() {
    let cluster = Cluster::start(1).await;
    cluster.create_topic("RetryTopic", 2).await;

    let deliveries: Deliveries = Arc::default();
    let mut config = mini_rocketmq::client::consumer::PushConsumerConfig {
        consumer_group: "retry_cg".into(),
        client_config: cluster.client_config(),
        consume_from_where: ConsumeFromWhere::ConsumeFromFirstOffset,
        ..Default::default()
    };
    config.max_reconsume_times = 2;
    let consumer = DefaultMQPushConsumer::with_config(config);
    consumer.subscribe("RetryTopic", "*").unwrap();
    let sink = Arc::clone(&deliveries);
    consumer.register_message_listener_concurrently(move |msgs, _ctx| {
        let sink = Arc::clone(&sink);
        async move {
            let mut status = ConsumeConcurrentlyStatus::ConsumeSuccess;
            for msg in &msgs {
                let body = String::from_utf8_lossy(&msg.body).into_owned();
                sink.lock()
                    .entry(body.clone())
                    .or_default()
                    .push((msg.topic.clone(), msg.reconsume_times));
                // "flaky" fails once, "poison" always.
                if (body == "flaky" && msg.reconsume_times == 0) || body == "poison" {
                    status = ConsumeConcurrentlyStatus::ReconsumeLater;
                }
            }
            status
        }
    });
    consumer.start().await.unwrap();

    let producer = DefaultMQProducer::builder()
        .producer_group("pg_retry")
        .client_config(cluster.client_config())
        .build();
    producer.start().await.unwrap();
    for body in ["fine", "flaky", "poison"] {
        producer
            .send(Message::new("RetryTopic", body))
            .await
            .unwrap();
    }

    wait_until("flaky came back and poison was tried three times", || {
        let deliveries = Arc::clone(&deliveries);
        async move {
            let d = deliveries.lock();
            d.get("flaky").is_some_and(|v| v.len() == 2)
                && d.get("poison").is_some_and(|v| v.len() == 3)
        }
    })
    .await;
    // The third failure of "poison" sends it to the group's dead-letter
    // queue: the broker creates %DLQ%retry_cg and stores the message there.
    // Once it is there, no fourth delivery can come, so the counts below are
    // final.
    let api_instance = consumer.client_instance().unwrap();
    wait_until("the poison message is in the dead-letter queue", || {
        let api = Arc::clone(&api_instance);
        async move { dlq_messages(&api).await == 1 }
    })
    .await;
    let d = deliveries.lock().clone();
    assert_eq!(d["fine"], [("RetryTopic".to_string(), 0)]);
    assert_eq!(
        d["flaky"],
        [("RetryTopic".to_string(), 0), ("RetryTopic".to_string(), 1)],
        "the retry arrives under the original topic, counted"
    );
    assert_eq!(
        d["poison"].len(),
        3,
        "1 + max_reconsume_times deliveries, then the DLQ: {:?}",
        d["poison"]
    );

    consumer.shutdown().await;
    producer.shutdown().await;
    cluster.shutdown().await;
}

/// How many messages the dead-letter queue of `retry_cg` holds (0 while the
/// topic does not exist yet).
async fn dlq_messages(api: &mini_rocketmq::client::client_instance::MQClientInstance) -> i64 {
    let timeout = std::time::Duration::from_secs(3);
    let Ok(route) = api
        .api()
        .get_topic_route_info_from_name_server("%DLQ%retry_cg", timeout)
        .await
    else {
        return 0;
    };
    let mut total = 0;
    for bd in &route.broker_datas {
        let Some(addr) = bd.master_addr() else {
            continue;
        };
        if let Ok(stats) = api
            .api()
            .get_topic_stats_info(addr, "%DLQ%retry_cg", timeout)
            .await
        {
            total += stats
                .offset_table
                .values()
                .map(|o| o.max_offset)
                .sum::<i64>();
        }
    }
    total
}

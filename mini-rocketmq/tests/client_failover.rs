//! A broker stops in the middle of a run: the producer's sends move to the
//! other broker of the cluster, and none of them fails.

mod client_support;

use std::collections::BTreeSet;
use std::time::Duration;

use client_support::Cluster;
use mini_rocketmq::client::producer::{DefaultMQProducer, SendStatus};
use mini_rocketmq::common::message::Message;

async fn producer(cluster: &Cluster, group: &str, latency_faults: bool) -> DefaultMQProducer {
    let mut config = cluster.client_config();
    // Keep the stale route: the producer must cope through its own retries,
    // not by learning the new route from the name server.
    config.poll_name_server_interval = Duration::from_secs(3600);
    let producer = DefaultMQProducer::builder()
        .producer_group(group)
        .client_config(config)
        .send_latency_fault_enable(latency_faults)
        .build();
    producer.start().await.unwrap();
    producer
}

async fn brokers_used(producer: &DefaultMQProducer, topic: &str, n: usize) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for i in 0..n {
        let result = producer
            .send(Message::new(topic, format!("m-{i}")))
            .await
            .unwrap_or_else(|e| panic!("send {i} failed: {e}"));
        assert_eq!(result.send_status, SendStatus::SendOk);
        used.insert(result.message_queue.broker_name);
    }
    used
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_move_to_the_surviving_broker() {
    let mut cluster = Cluster::start(2).await;
    cluster.create_topic("TopicFailover", 4).await;
    let producer = producer(&cluster, "pg_failover", false).await;

    let before = brokers_used(&producer, "TopicFailover", 16).await;
    assert_eq!(
        before,
        BTreeSet::from(["broker-a".to_string(), "broker-b".to_string()])
    );

    cluster.stop_broker(0).await;
    let after = brokers_used(&producer, "TopicFailover", 40).await;
    assert_eq!(after, BTreeSet::from(["broker-b".to_string()]));

    producer.shutdown().await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_fault_tolerance_isolates_the_dead_broker() {
    let mut cluster = Cluster::start(2).await;
    cluster.create_topic("TopicIsolate", 4).await;
    let producer = producer(&cluster, "pg_isolate", true).await;
    brokers_used(&producer, "TopicIsolate", 8).await;

    cluster.stop_broker(0).await;
    let after = brokers_used(&producer, "TopicIsolate", 20).await;
    assert_eq!(after, BTreeSet::from(["broker-b".to_string()]));
    let lft = producer.fault_strategy().latency_fault_tolerance();
    assert!(
        !lft.is_available("broker-a"),
        "a failed send puts the broker in the penalty box"
    );
    assert!(lft.is_available("broker-b"));

    producer.shutdown().await;
    cluster.shutdown().await;
}

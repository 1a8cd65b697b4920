//! Message models and start positions: BROADCASTING gives every member every
//! message (offsets in local files); CONSUME_FROM_LAST_OFFSET skips what was
//! sent before the group first started.

mod client_support;

use std::collections::BTreeSet;
use std::sync::Arc;

use client_support::{Cluster, wait_until};
use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer, MessageModel,
};
use mini_rocketmq::client::producer::DefaultMQProducer;
use mini_rocketmq::common::message::Message;
use parking_lot::Mutex;

type Seen = Arc<Mutex<BTreeSet<String>>>;

fn recording(consumer: &DefaultMQPushConsumer) -> Seen {
    let seen: Seen = Arc::default();
    let sink = Arc::clone(&seen);
    consumer.register_message_listener_concurrently(move |msgs, _ctx| {
        let sink = Arc::clone(&sink);
        async move {
            for msg in &msgs {
                sink.lock()
                    .insert(String::from_utf8_lossy(&msg.body).into_owned());
            }
            ConsumeConcurrentlyStatus::ConsumeSuccess
        }
    });
    seen
}

async fn producer(cluster: &Cluster, group: &str) -> DefaultMQProducer {
    let producer = DefaultMQProducer::builder()
        .producer_group(group)
        .client_config(cluster.client_config())
        .build();
    producer.start().await.unwrap();
    producer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasting_delivers_everything_to_every_member() {
    let cluster = Cluster::start(1).await;
    cluster.create_topic("BroadcastTopic", 4).await;
    let offsets_dir = tempfile::tempdir().unwrap();
    let mut members = Vec::new();
    for name in ["member-1", "member-2"] {
        let mut config = cluster.client_config();
        config.instance_name = name.to_string();
        config.local_offset_store_dir = Some(offsets_dir.path().to_path_buf());
        let consumer = DefaultMQPushConsumer::builder()
            .consumer_group("broadcast_cg")
            .client_config(config)
            .message_model(MessageModel::Broadcasting)
            .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
            .build();
        consumer.subscribe("BroadcastTopic", "*").unwrap();
        let seen = recording(&consumer);
        consumer.start().await.unwrap();
        members.push((consumer, seen));
    }
    let producer = producer(&cluster, "pg_broadcast").await;
    for i in 0..20 {
        producer
            .send(Message::new("BroadcastTopic", format!("b-{i}")))
            .await
            .unwrap();
    }
    for (consumer, seen) in &members {
        wait_until("a member saw all 20", || {
            let seen = Arc::clone(seen);
            async move { seen.lock().len() == 20 }
        })
        .await;
        assert_eq!(
            consumer.assigned_queues().len(),
            4,
            "a broadcasting member reads every queue"
        );
    }
    for (consumer, _) in &members {
        consumer.shutdown().await;
    }
    // Each member kept its own position, in its own file.
    for name in ["member-1", "member-2"] {
        let path = offsets_dir
            .path()
            .join(format!("127.0.0.1@{name}"))
            .join("broadcast_cg")
            .join("offsets.json");
        assert!(path.exists(), "{} exists", path.display());
    }
    producer.shutdown().await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_group_starting_from_the_last_offset_skips_old_messages() {
    let cluster = Cluster::start(1).await;
    cluster.create_topic("FromLastTopic", 4).await;
    let producer = producer(&cluster, "pg_from_last").await;
    for i in 0..10 {
        producer
            .send(Message::new("FromLastTopic", format!("old-{i}")))
            .await
            .unwrap();
    }
    cluster.wait_dispatched("FromLastTopic", 10).await;
    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group("from_last_cg")
        .client_config(cluster.client_config())
        .consume_from_where(ConsumeFromWhere::ConsumeFromLastOffset)
        .build();
    consumer.subscribe("FromLastTopic", "*").unwrap();
    let seen = recording(&consumer);
    consumer.start().await.unwrap();
    wait_until("the consumer holds all four queues", || {
        let consumer = consumer.clone();
        async move {
            consumer
                .assigned_queues()
                .iter()
                .filter(|mq| mq.topic == "FromLastTopic")
                .count()
                == 4
        }
    })
    .await;
    for i in 0..5 {
        producer
            .send(Message::new("FromLastTopic", format!("new-{i}")))
            .await
            .unwrap();
    }
    wait_until("the new messages arrived", || {
        let seen = Arc::clone(&seen);
        async move { seen.lock().len() >= 5 }
    })
    .await;
    // Not a wait for something: time passing is the point. Anything
    // delivered twice, or a message this consumer should not see, would
    // arrive in this window; a wait-until has no condition to poll for
    // "nothing more comes".
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let seen = seen.lock().clone();
    assert!(seen.iter().all(|b| b.starts_with("new-")), "{seen:?}");
    assert_eq!(seen.len(), 5);

    consumer.shutdown().await;
    producer.shutdown().await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_group_starting_from_a_timestamp_reads_what_was_stored_after_it() {
    let cluster = Cluster::start(1).await;
    cluster.create_topic("FromTimeTopic", 2).await;
    let producer = producer(&cluster, "pg_from_time").await;
    for i in 0..6 {
        producer
            .send(Message::new("FromTimeTopic", format!("before-{i}")))
            .await
            .unwrap();
    }
    // Store timestamps have millisecond resolution: let the clock move on
    // so no "before" message shares its millisecond with `since`. Time
    // passing is the behaviour here, not a stand-in for a condition.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // …and the same on the other side of `since`.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    for i in 0..6 {
        producer
            .send(Message::new("FromTimeTopic", format!("after-{i}")))
            .await
            .unwrap();
    }
    cluster.wait_dispatched("FromTimeTopic", 12).await;

    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group("from_time_cg")
        .client_config(cluster.client_config())
        .consume_from_where(ConsumeFromWhere::ConsumeFromTimestamp)
        .consume_timestamp(since)
        .build();
    consumer.subscribe("FromTimeTopic", "*").unwrap();
    let seen = recording(&consumer);
    consumer.start().await.unwrap();
    wait_until("the later messages arrived", || {
        let seen = Arc::clone(&seen);
        async move { seen.lock().len() >= 6 }
    })
    .await;
    // Not a wait for something: time passing is the point. Anything
    // delivered twice, or a message this consumer should not see, would
    // arrive in this window; a wait-until has no condition to poll for
    // "nothing more comes".
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let seen = seen.lock().clone();
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen.iter().all(|b| b.starts_with("after-")), "{seen:?}");

    consumer.shutdown().await;
    producer.shutdown().await;
    cluster.shutdown().await;
}

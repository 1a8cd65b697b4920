//! Driving `rocketmq-client-rust` 1.0.0 — the client nobody on the team wrote.
//!
//! Its public API wants an application-owned runtime: a
//! `rocketmq_runtime::RuntimeOwner` (which builds its own multi-threaded tokio
//! runtime), a `ClientRuntime` derived from it, and producers/consumers built
//! from that. `ClientHarness` owns that stack for one test or one benchmark,
//! and `RecordingListener` collects what a push consumer receives so a test can
//! assert on it.
//!
//! Telemetry is the no-op handle: installing the client's global telemetry
//! subscriber would clash between tests running in the same process.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use rocketmq_client_rust::{
    ClientRuntime, ClientRuntimeConfig, ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus,
    DefaultLitePullConsumer, DefaultMQProducer, DefaultMQPushConsumer, MQPushConsumer,
    MessageListenerConcurrently, TelemetryHandle,
};
use rocketmq_model::common::consumer::consume_from_where::ConsumeFromWhere;
use rocketmq_model::common::message::MessageTrait;
use rocketmq_model::common::message::message_ext::MessageExt;
use rocketmq_runtime::{RuntimeConfig, RuntimeOwner};

/// The runtime stack the client needs, owned for the life of a test.
pub struct ClientHarness {
    owner: Option<RuntimeOwner>,
    runtime: Arc<ClientRuntime>,
}

impl ClientHarness {
    /// Builds a runtime owner and a client runtime. `scope` names the
    /// client's worker threads (handy in a stack dump).
    pub fn new(scope: &str) -> anyhow::Result<Self> {
        let owner = RuntimeOwner::plan(RuntimeConfig {
            thread_name: format!("rmq-client-{scope}"),
            ..Default::default()
        })
        .map_err(|e| anyhow!("rocketmq runtime config rejected: {e}"))?
        .build()
        .map_err(|e| anyhow!("rocketmq runtime owner did not start: {e}"))?;
        let runtime = ClientRuntime::try_new(
            owner.root_context().component("client"),
            ClientRuntimeConfig::default(),
            TelemetryHandle::noop(),
        )
        .map_err(|e| anyhow!("ClientRuntime::try_new failed: {e}"))?;
        Ok(Self {
            owner: Some(owner),
            runtime,
        })
    }

    pub fn runtime(&self) -> Arc<ClientRuntime> {
        self.runtime.clone()
    }

    /// A started producer in `group`, talking to `namesrv` (`host:port`).
    pub async fn start_producer(
        &self,
        namesrv: &str,
        group: &str,
    ) -> anyhow::Result<DefaultMQProducer> {
        let mut producer = DefaultMQProducer::builder(self.runtime())
            .producer_group(group.to_string())
            .name_server_addr(namesrv.to_string())
            .build();
        producer
            .start()
            .await
            .map_err(|e| anyhow!("producer.start() failed: {e}"))?;
        Ok(producer)
    }

    /// A started clustering push consumer of `group` subscribed to `topic`
    /// with `*`, starting from the first offset when the group has no
    /// committed offset yet, recording into `listener`.
    pub async fn start_push_consumer(
        &self,
        namesrv: &str,
        group: &str,
        topic: &str,
        listener: RecordingListener,
    ) -> anyhow::Result<DefaultMQPushConsumer> {
        let mut consumer = DefaultMQPushConsumer::builder(self.runtime())
            .consumer_group(group.to_string())
            .name_server_addr(namesrv.to_string())
            .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
            .build();
        consumer
            .subscribe(topic, "*")
            .await
            .map_err(|e| anyhow!("consumer.subscribe({topic}) failed: {e}"))?;
        consumer.register_message_listener_concurrently(listener);
        consumer
            .start()
            .await
            .map_err(|e| anyhow!("consumer.start() failed: {e}"))?;
        Ok(consumer)
    }

    /// A lite pull consumer of `group` (clustering, from the first offset
    /// when the group has no committed offset), built but not started:
    /// the caller subscribes (rebalance hands it queues) or assigns queues
    /// itself, then starts it.
    pub fn lite_pull_consumer(
        &self,
        namesrv: &str,
        group: &str,
    ) -> anyhow::Result<DefaultLitePullConsumer> {
        DefaultLitePullConsumer::builder(self.runtime())
            .consumer_group(group.to_string())
            .name_server_addr(namesrv.to_string())
            .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
            .build()
            .map_err(|e| anyhow!("lite pull consumer build failed: {e}"))
    }

    /// Stops the client runtime and its tokio runtime. Safe inside an async
    /// test: the owner's runtime is shut down in the background rather than
    /// dropped in place.
    pub async fn shutdown(mut self) {
        let _ = self.runtime.shutdown().await;
        if let Some(owner) = self.owner.take() {
            let _ = owner.shutdown_tasks().await;
            let _ = owner.shutdown_background();
        }
    }
}

impl Drop for ClientHarness {
    fn drop(&mut self) {
        // A harness dropped without `shutdown` (a failing test) must not panic
        // by dropping a tokio runtime inside another one.
        if let Some(owner) = self.owner.take() {
            let _ = owner.shutdown_background();
        }
    }
}

/// What the test keeps of each received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub topic: String,
    pub queue_id: i32,
    pub queue_offset: i64,
    pub body: Vec<u8>,
    pub keys: Option<String>,
    pub tags: Option<String>,
    /// The UNIQ_KEY (client-side message id).
    pub uniq_key: Option<String>,
}

/// A concurrent listener that records every message and answers
/// CONSUME_SUCCESS. Clones share the same record.
#[derive(Clone, Default)]
pub struct RecordingListener {
    seen: Arc<Mutex<Vec<Received>>>,
}

impl RecordingListener {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn received(&self) -> Vec<Received> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn count(&self) -> usize {
        self.seen.lock().map(|s| s.len()).unwrap_or_default()
    }

    /// Waits until at least `n` messages arrived or `timeout` passed; returns
    /// how many arrived. Polls, because the listener is called on the
    /// client's own threads.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let count = self.count();
            if count >= n || Instant::now() >= deadline {
                return count;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Received {
    /// What a test keeps of a message the client handed over.
    pub fn of(msg: &MessageExt) -> Self {
        Received {
            topic: msg.topic().to_string(),
            queue_id: msg.queue_id,
            queue_offset: msg.queue_offset,
            body: msg.get_body().map(|b| b.to_vec()).unwrap_or_default(),
            keys: msg.get_keys().map(|k| k.to_string()),
            tags: msg.tags().map(|t| t.to_string()),
            uniq_key: msg.property(&"UNIQ_KEY".into()).map(|k| k.to_string()),
        }
    }
}

impl MessageListenerConcurrently for RecordingListener {
    fn consume_message(
        &self,
        msgs: &[&MessageExt],
        _context: &ConsumeConcurrentlyContext,
    ) -> rocketmq_client_rust::ClientResult<ConsumeConcurrentlyStatus> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.extend(msgs.iter().map(|msg| Received::of(msg)));
        }
        Ok(ConsumeConcurrentlyStatus::ConsumeSuccess)
    }
}

/// Polls a started lite pull consumer until `n` messages arrived or
/// `timeout` passed, then returns everything it got. Each poll waits up to
/// 500 ms for messages, so the loop itself is the wait (no sleeps).
pub async fn poll_lite(
    consumer: &DefaultLitePullConsumer,
    n: usize,
    timeout: Duration,
) -> Vec<Received> {
    let deadline = Instant::now() + timeout;
    let mut got = Vec::new();
    while got.len() < n && Instant::now() < deadline {
        got.extend(
            consumer
                .poll_with_timeout(500)
                .await
                .iter()
                .map(Received::of),
        );
    }
    got
}

/// Re-export so tests need not name the dependency.
pub use rocketmq_client_rust::{
    DefaultLitePullConsumer as LitePullConsumer, SendResult, SendStatus,
};
pub use rocketmq_model::common::message::message_single::Message;

/// Builds a message with a tag, a key and a body.
pub fn message(topic: &str, tag: &str, key: &str, body: &[u8]) -> Message {
    Message::builder()
        .topic(topic)
        .tags(tag)
        .key(key)
        .body_slice(body)
        .build_unchecked()
}

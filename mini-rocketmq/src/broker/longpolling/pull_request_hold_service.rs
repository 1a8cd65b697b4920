//! `PullRequestHoldService`: where empty pulls wait for messages.
//!
//! Mirrors `org.apache.rocketmq.broker.longpolling.PullRequestHoldService`.
//! A push consumer pulls each of its queues in a loop. When a queue has
//! nothing new, answering "not found" at once would make the consumer ask
//! again immediately — a busy loop of round trips. Instead the pull processor
//! parks the request here (when the request has the SUSPEND bit) and the
//! broker answers it later, through the request's connection:
//!
//! ```text
//! PULL (offset 17, suspend 15 s) ──► PullMessageProcessor: queue max is 17 → hold
//!                                      │
//!   SEND ──► store ──► dispatcher ──► NotifyMessageArrivingListener
//!                                      │  notify_message_arriving(topic, queue, max 18)
//!                                      ▼
//!                        18 > 17 and the tag matches → run the pull again
//!                        (not allowed to suspend this time) → send the response
//! ```
//!
//! A held request is also answered when its deadline passes
//! (`suspendTimeoutMillis`, 15 s from a push consumer, or
//! `shortPollingTimeMills` = 1 s with `longPollingEnable=false`); the re-run
//! then finds nothing and answers PULL_NOT_FOUND. Java checks all held
//! requests every 5 s, so a request can wait up to 5 s past its deadline;
//! here the checking task sleeps until the earliest deadline or 5 s,
//! whichever comes first, so deadlines are kept closely. The periodic check
//! also covers a missed wake-up (the check compares against the queue's real
//! max offset), so the system stays correct even if a notification is lost.
//!
//! ## Concurrency
//!
//! The table is `topic → queue id → requests` under one `parking_lot::Mutex`.
//! The listener runs on the store's dispatcher thread for every message, so
//! it first checks an atomic count of held requests and returns at once when
//! nothing is held — the common case on a busy broker whose consumers keep
//! up. Requests to wake are taken out of the table under the lock and re-run
//! on the tokio runtime after it is released.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::runtime::Handle;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::pull_request::PullRequest;
use crate::remoting::channel::Channel;
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::BoxFuture;
use crate::store::message_filter::MessageFilter;
use crate::store::message_store::DefaultMessageStore;

/// How often held requests are re-checked at most (Java: 5 s with long polling).
pub const CHECK_INTERVAL: Duration = Duration::from_secs(5);

/// The one thing long polling needs from the pull processor: run a woken
/// pull again, this time without the right to suspend it (Java
/// `PullMessageProcessor#executeRequestWhenWakeup`, which calls
/// `processRequest(channel, request, false)`). `None` means the request was
/// held again, which a re-run never does.
///
/// Java's hold service reaches the processor through the controller; this
/// trait, owned by the long-polling module and implemented by
/// [`PullMessageProcessor`](crate::broker::processor::pull_message_processor::PullMessageProcessor),
/// lets the dependency point one way: the processor uses the hold service,
/// the hold service knows only this trait.
pub trait ExecuteRequestWhenWakeup: Send + Sync {
    fn execute_request_when_wakeup(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>>;
}

pub struct PullRequestHoldService {
    store: DefaultMessageStore,
    /// topic → queue id → held requests.
    table: Mutex<HashMap<String, HashMap<i32, Vec<PullRequest>>>>,
    /// Number of requests in `table`, read without the lock by the listener.
    held: AtomicUsize,
    /// Wakes the checking task when a request with an earlier deadline arrives.
    added: Notify,
    processor: OnceLock<Weak<dyn ExecuteRequestWhenWakeup>>,
    /// The runtime woken pulls run on; recorded by [`start`](Self::start)
    /// because wake-ups also come from the store's dispatcher thread, which
    /// is not a tokio thread.
    runtime: OnceLock<Handle>,
}

impl PullRequestHoldService {
    pub fn new(store: DefaultMessageStore) -> Self {
        PullRequestHoldService {
            store,
            table: Mutex::new(HashMap::new()),
            held: AtomicUsize::new(0),
            added: Notify::new(),
            processor: OnceLock::new(),
            runtime: OnceLock::new(),
        }
    }

    /// Connect the processor that re-runs woken pulls. A `Weak` because the
    /// processor owns this service; the pair is created together by the
    /// controller.
    pub fn set_pull_message_processor(&self, processor: Arc<dyn ExecuteRequestWhenWakeup>) {
        let _ = self.processor.set(Arc::downgrade(&processor));
    }

    /// Java `suspendPullRequest`: hold `request` for its queue.
    pub fn suspend_pull_request(&self, topic: &str, queue_id: i32, request: PullRequest) {
        tracing::debug!(topic, queue_id, offset = request.pull_from_this_offset,
            client = %request.channel.remote_addr(), "PullRequestHoldService#suspendPullRequest");
        {
            let mut table = self.table.lock();
            table
                .entry(topic.to_string())
                .or_default()
                .entry(queue_id)
                .or_default()
                .push(request);
            self.held.fetch_add(1, Ordering::AcqRel);
        }
        self.added.notify_one();
    }

    /// Number of pulls currently held.
    pub fn held_count(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }

    /// Java `notifyMessageArriving`: the queue's max offset is now
    /// `max_offset`. Wake every held pull that now has a matching message, and
    /// every pull whose deadline has passed. `tags_code` is the arriving
    /// message's tag hash (`None` from the periodic check, which wakes on any
    /// new message and lets the pull itself filter).
    pub fn notify_message_arriving(
        &self,
        topic: &str,
        queue_id: i32,
        max_offset: i64,
        tags_code: Option<i64>,
    ) {
        if self.held.load(Ordering::Acquire) == 0 {
            return;
        }
        let now = Instant::now();
        let mut woken = Vec::new();
        {
            let mut table = self.table.lock();
            let Some(queues) = table.get_mut(topic) else {
                return;
            };
            let Some(requests) = queues.get_mut(&queue_id) else {
                return;
            };
            let mut i = 0;
            while i < requests.len() {
                let r = &requests[i];
                let mut newest = max_offset;
                if newest <= r.pull_from_this_offset {
                    // The notification may be older than the queue; ask the store.
                    newest = self.store.get_max_offset_in_queue(topic, queue_id);
                }
                let has_new = newest > r.pull_from_this_offset
                    && (tags_code.is_none()
                        || r.message_filter.is_matched_by_consume_queue(tags_code));
                if has_new || r.is_expired(now) {
                    woken.push(requests.swap_remove(i));
                } else {
                    i += 1;
                }
            }
            if requests.is_empty() {
                queues.remove(&queue_id);
                if queues.is_empty() {
                    table.remove(topic);
                }
            }
            self.held.fetch_sub(woken.len(), Ordering::AcqRel);
        }
        for request in woken {
            self.execute_request_when_wakeup(request);
        }
    }

    /// Java `checkHoldRequest`: look at every held queue's real max offset.
    pub fn check_hold_request(&self) {
        let keys: Vec<(String, i32)> = {
            let table = self.table.lock();
            table
                .iter()
                .flat_map(|(t, qs)| qs.keys().map(move |q| (t.clone(), *q)))
                .collect()
        };
        for (topic, queue_id) in keys {
            let max = self.store.get_max_offset_in_queue(&topic, queue_id);
            self.notify_message_arriving(&topic, queue_id, max, None);
        }
    }

    /// The earliest deadline of any held request.
    fn next_deadline(&self) -> Option<Instant> {
        let table = self.table.lock();
        table
            .values()
            .flat_map(|qs| qs.values())
            .flat_map(|rs| rs.iter())
            .map(|r| r.deadline)
            .min()
    }

    /// Run the checking loop until the returned task is aborted.
    pub fn start(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let _ = self.runtime.set(Handle::current());
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                let mut wake_at = Instant::now() + CHECK_INTERVAL;
                if let Some(d) = this.next_deadline() {
                    wake_at = wake_at.min(d);
                }
                tokio::select! {
                    _ = tokio::time::sleep_until(wake_at) => this.check_hold_request(),
                    // A new request may have an earlier deadline: recompute.
                    _ = this.added.notified() => {}
                }
            }
        })
    }

    /// Answer every held pull now (at shutdown, before the store closes), so
    /// consumers see an empty answer instead of waiting for their timeout.
    pub fn wake_all(&self) {
        let all: Vec<PullRequest> = {
            let mut table = self.table.lock();
            let drained: Vec<PullRequest> = table
                .drain()
                .flat_map(|(_, qs)| qs.into_values().flatten())
                .collect();
            self.held.store(0, Ordering::Release);
            drained
        };
        for request in all {
            self.execute_request_when_wakeup(request);
        }
    }

    /// Java `PullMessageProcessor#executeRequestWhenWakeup`: re-run the pull
    /// (without the right to suspend again) on the runtime and send whatever
    /// it answers on the request's connection.
    fn execute_request_when_wakeup(&self, held: PullRequest) {
        let Some(processor) = self.processor.get().and_then(Weak::upgrade) else {
            return;
        };
        let Some(runtime) = self
            .runtime
            .get()
            .cloned()
            .or_else(|| Handle::try_current().ok())
        else {
            return;
        };
        runtime.spawn(async move {
            let PullRequest {
                request, channel, ..
            } = held;
            if !channel.is_active() {
                return;
            }
            let opaque = request.opaque;
            let serialize_type = request.serialize_type;
            if let Some(response) = processor
                .execute_request_when_wakeup(channel.clone(), request)
                .await
                && let Err(e) = channel.send_response(opaque, serialize_type, response)
            {
                tracing::debug!(client = %channel.remote_addr(), error = %e,
                        "held pull could not be answered, the connection is gone");
            }
        });
    }
}

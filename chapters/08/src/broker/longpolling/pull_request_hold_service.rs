//! `PullRequestHoldService` — where pulls wait. Mirrors
//! `org.apache.rocketmq.broker.longpolling.PullRequestHoldService`.
//!
//! A consumer pulls in a loop. Answering "nothing new" at once would make an
//! idle consumer ask again and again; making it sleep between pulls would
//! delay every message by up to that sleep. Long polling does neither: a
//! pull that finds nothing and carries the SUSPEND bit is *held* here,
//! keyed by `topic@queueId`, and answered by one of two endings:
//!
//! * **a message arrives**: the store's arrival event
//!   (`NotifyMessageArrivingListener`) calls
//!   [`notify_message_arriving`](PullRequestHoldService::notify_message_arriving)
//!   with the queue's new max offset; a held pull from below it, whose
//!   subscription takes the message's tag, is run again at once and finds
//!   the message;
//! * **time is up**: every 5 s the service checks every held pull
//!   (`checkHoldRequest`); one held longer than its `suspendTimeoutMillis`
//!   is run again too, and this time answered "nothing" (PULL_NOT_FOUND).
//!
//! Either way the pull runs again through
//! `PullMessageProcessor#executeRequestWhenWakeup`, which the service reaches
//! through the [`PullRequestWakeup`] trait (the processor holds the service,
//! so the service holds the processor weakly).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};

use workbook_trace::step;

use crate::broker::longpolling::pull_request::PullRequest;
use crate::common::virtual_clock::{TaskId, VirtualClock};
use crate::remoting::command::RemotingCommand;
use crate::remoting::transport::Channel;
use crate::store::message_filter::MessageFilter;
use crate::store::message_store::DefaultMessageStore;

/// Between topic and queue id in a key (`TOPIC_QUEUEID_SEPARATOR`).
const TOPIC_QUEUEID_SEPARATOR: &str = "@";
/// How often held pulls are checked with long polling on (Java waits 5 s).
pub const LONG_POLLING_CHECK_INTERVAL_MS: u64 = 5_000;

/// What runs a woken pull again: `PullMessageProcessor#executeRequestWhenWakeup`.
pub trait PullRequestWakeup: Send + Sync {
    fn execute_request_when_wakeup(&self, channel: Channel, request: RemotingCommand);
}

pub struct PullRequestHoldService {
    /// Who we are in the trace (the broker name).
    actor: String,
    message_store: Arc<DefaultMessageStore>,
    clock: VirtualClock,
    /// 5 s with long polling, `shortPollingTimeMills` without.
    check_interval_ms: u64,
    /// `topic@queueId` → the pulls held on that queue (`ManyPullRequest`).
    pull_request_table: Mutex<BTreeMap<String, Vec<PullRequest>>>,
    /// Set once by the controller, after the processor exists.
    pull_message_processor: OnceLock<Weak<dyn PullRequestWakeup>>,
}

impl PullRequestHoldService {
    pub fn new(
        actor: &str,
        message_store: Arc<DefaultMessageStore>,
        clock: VirtualClock,
        check_interval_ms: u64,
    ) -> Self {
        PullRequestHoldService {
            actor: actor.to_string(),
            message_store,
            clock,
            check_interval_ms,
            pull_request_table: Mutex::new(BTreeMap::new()),
            pull_message_processor: OnceLock::new(),
        }
    }

    /// How often held pulls are checked.
    pub fn check_interval_ms(&self) -> u64 {
        self.check_interval_ms
    }

    /// Who runs woken pulls (a second call is ignored).
    pub fn set_pull_message_processor(&self, processor: Weak<dyn PullRequestWakeup>) {
        let _ = self.pull_message_processor.set(processor);
    }

    /// `PullRequestHoldService#run`: check the held pulls every 5 s (every
    /// `shortPollingTimeMills` with long polling off).
    pub fn start(self: &Arc<Self>) -> TaskId {
        let service = Arc::downgrade(self);
        let every = self.check_interval_ms;
        self.clock.schedule_at_fixed_rate(every, every, move || {
            if let Some(service) = service.upgrade() {
                service.check_hold_request();
            }
        })
    }

    // ANCHOR: suspend_pull_request
    /// `PullRequestHoldService#suspendPullRequest`: hold `pull_request` on
    /// its queue until a message or its timeout wakes it.
    pub fn suspend_pull_request(&self, topic: &str, queue_id: i32, pull_request: PullRequest) {
        let key = format!("{topic}{TOPIC_QUEUEID_SEPARATOR}{queue_id}");
        let (offset, timeout) = (pull_request.pull_from_this_offset, pull_request.timeout_millis);
        let held = {
            let mut table = self.lock();
            let requests = table.entry(key.clone()).or_default();
            requests.push(pull_request);
            requests.len()
        };
        let facts = format!(
            "pullRequestTable[{key}] += from offset {offset}, up to {timeout}ms ({held} held)"
        );
        step!(self.actor, "PullRequestHoldService#suspendPullRequest", "{facts}");
    }
    // ANCHOR_END: suspend_pull_request

    // ANCHOR: check_hold_request
    /// `PullRequestHoldService#checkHoldRequest`: every held queue, against
    /// its current max offset. No tag is known here, so any new message
    /// wakes a pull; the re-run then filters.
    fn check_hold_request(&self) {
        let keys: Vec<String> = self.lock().keys().cloned().collect();
        for key in keys {
            let Some((topic, queue_id)) = key.rsplit_once(TOPIC_QUEUEID_SEPARATOR) else {
                continue;
            };
            let Ok(queue_id) = queue_id.parse() else {
                continue;
            };
            let max_offset = self.message_store.get_max_offset_in_queue(topic, queue_id);
            self.notify_message_arriving(topic, queue_id, max_offset, None);
        }
    }
    // ANCHOR_END: check_hold_request

    // ANCHOR: notify_message_arriving
    /// `PullRequestHoldService#notifyMessageArriving`: wake each pull held
    /// on the queue that a new message (with a subscribed tag) answers, or
    /// whose time is up; keep the rest.
    pub fn notify_message_arriving(
        &self,
        topic: &str,
        queue_id: i32,
        max_offset: i64,
        tags_code: Option<i64>,
    ) {
        const JAVA: &str = "PullRequestHoldService#notifyMessageArriving";
        let key = format!("{topic}{TOPIC_QUEUEID_SEPARATOR}{queue_id}");
        let Some(requests) = self.lock().remove(&key) else {
            return;
        };
        let now = self.clock.now_ms();
        let mut replay = Vec::new();
        for request in requests {
            let from = request.pull_from_this_offset;
            let matched = tags_code
                .is_none_or(|code| request.message_filter.is_matched_by_consume_queue(code));
            if max_offset > from && matched {
                let facts = format!("{key}: maxOffset={max_offset} > {from}, tag subscribed: wake");
                step!(self.actor, JAVA, "{facts}");
                self.wake(request);
            } else if now >= request.suspend_timestamp + request.timeout_millis {
                let since = request.suspend_timestamp;
                let facts = format!(
                    "{key}: held since {since}ms, {}ms up at {now}: wake",
                    request.timeout_millis
                );
                step!(self.actor, JAVA, "{facts}");
                self.wake(request);
            } else {
                let held = now - request.suspend_timestamp;
                let facts = format!(
                    "{key}: maxOffset={max_offset}, from {from}: held {held}ms of {}ms, keep",
                    request.timeout_millis
                );
                step!(self.actor, JAVA, "{facts}");
                replay.push(request);
            }
        }
        if !replay.is_empty() {
            self.lock().entry(key).or_default().extend(replay);
        }
    }
    // ANCHOR_END: notify_message_arriving

    /// Run a held pull again, through the processor.
    fn wake(&self, request: PullRequest) {
        let processor = self.pull_message_processor.get().and_then(Weak::upgrade);
        match processor {
            Some(processor) => processor
                .execute_request_when_wakeup(request.client_channel, request.request_command),
            None => tracing::warn!("a held pull woke, but no pull processor is running"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Vec<PullRequest>>> {
        // Entries are moved in and out whole; a panic cannot tear one.
        self.pull_request_table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

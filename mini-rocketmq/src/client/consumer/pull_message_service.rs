//! The push consumer's pull loop — Java `PullMessageService` and
//! `PullRequest`.
//!
//! A push consumer does not get messages pushed; it *pulls*, with long
//! polling making it feel like push. Each owned queue has exactly one
//! [`PullRequest`] in circulation, and that request is the loop:
//!
//! ```text
//!   rebalance ──new queue──▶ [queue of PullRequests] ──▶ pull_message(req)
//!                                  ▲                          │ PULL_MESSAGE, held by the
//!                                  │                          │ broker up to 15 s if empty
//!                                  └── now / after a delay ◀──┘ (flow control, errors)
//! ```
//!
//! After every pull the handler puts the same request back — at once after a
//! normal pull, later when the process queue is full (flow control) or the
//! broker failed. A queue leaves the loop when its `ProcessQueue` is dropped:
//! the handler sees the flag and simply does not put the request back.
//!
//! Java runs one such service per client instance on one thread, and each
//! pull is asynchronous. Here each push consumer owns its service (so no
//! lookup by group is needed), the loop is one tokio task, and every pull
//! runs as its own task so a 15-second long poll on one queue never delays
//! another.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::client::consumer::process_queue::ProcessQueue;
use crate::common::message_queue::MessageQueue;

/// Java `PullRequest`: one queue's place in the pull loop.
#[derive(Debug, Clone)]
pub struct PullRequest {
    pub consumer_group: String,
    pub message_queue: MessageQueue,
    pub process_queue: Arc<ProcessQueue>,
    /// The queue offset the next pull starts at.
    pub next_offset: i64,
}

/// What runs one pull; the push consumer supplies it.
pub type PullHandler = Arc<dyn Fn(PullRequest) + Send + Sync>;

/// Java `PullMessageService`.
pub struct PullMessageService {
    tx: mpsc::UnboundedSender<PullRequest>,
    task: JoinHandle<()>,
}

impl PullMessageService {
    /// Starts the loop; `handler` is called once per request taken off the
    /// queue and must return quickly (it spawns the actual pull).
    pub fn start(handler: PullHandler) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<PullRequest>();
        let task = tokio::spawn(async move {
            while let Some(request) = rx.recv().await {
                if request.process_queue.is_dropped() {
                    continue;
                }
                handler(request);
            }
        });
        PullMessageService { tx, task }
    }

    /// Java `executePullRequestImmediately`.
    pub fn execute_pull_request_immediately(&self, request: PullRequest) {
        // The receiver only goes away at shutdown, when dropping is right.
        let _ = self.tx.send(request);
    }

    /// Java `executePullRequestLater`: back into the queue after `delay`.
    pub fn execute_pull_request_later(&self, request: PullRequest, delay: Duration) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = tx.send(request);
        });
    }

    /// Stops taking requests; pulls already in flight finish on their own
    /// and find their process queue dropped.
    pub fn shutdown(&self) {
        self.task.abort();
    }
}

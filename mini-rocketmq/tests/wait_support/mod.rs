//! Waiting for something that happens asynchronously to the test — a
//! dispatcher building consume-queue entries, a broker registering a topic,
//! a consumer receiving its messages — without guessing how long it takes.
//!
//! A fixed sleep is a guess: too short on a loaded machine (the test fails
//! for no reason), too long everywhere else. These helpers poll the
//! condition itself instead, and give up only after a deadline generous
//! enough that reaching it means the thing is broken, not slow. Nothing here
//! measures time: a test never asserts how long something took.
//!
//! Sleeps that remain in the tests are the behaviour under test (an idle
//! timeout, time passing so that timestamps differ) or give a message the
//! chance to arrive a second time before a test counts deliveries; each says
//! so where it stands.

#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// How long any wait may take before the test fails. Generous on purpose:
/// a 2-core machine running five test suites at once is slow, not broken.
pub const GUARD: Duration = Duration::from_secs(60);

/// How often a condition is checked.
const INTERVAL: Duration = Duration::from_millis(10);

/// Polls `check` until it holds, failing the test after [`GUARD`] with
/// "gave up waiting until {what}".
pub async fn wait_until<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    wait_until_within(GUARD, what, check).await;
}

/// [`wait_until`] with its own deadline.
pub async fn wait_until_within<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let mut poll = Poll::until(what).within(limit);
    while !check().await {
        poll.pause().await;
    }
}

/// The same wait written as a loop, for a condition that needs `&mut`
/// access to something the test owns (a raw connection, say), which a
/// closure returning a future cannot borrow:
///
/// ```ignore
/// let mut poll = Poll::until("the message is dispatched");
/// while conn.call(max_offset("T", 0)).await.ext("offset") != Some("1") {
///     poll.pause().await;
/// }
/// ```
pub struct Poll {
    what: String,
    deadline: Instant,
}

impl Poll {
    pub fn until(what: &str) -> Poll {
        Poll {
            what: what.to_string(),
            deadline: Instant::now() + GUARD,
        }
    }

    pub fn within(mut self, limit: Duration) -> Poll {
        self.deadline = Instant::now() + limit;
        self
    }

    /// Fails the test once the deadline has passed, otherwise waits a
    /// moment before the caller checks again.
    pub async fn pause(&mut self) {
        assert!(
            Instant::now() < self.deadline,
            "gave up waiting until {}",
            self.what
        );
        tokio::time::sleep(INTERVAL).await;
    }
}

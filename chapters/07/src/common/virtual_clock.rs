//! `VirtualClock` — time that moves only when the scenario says so.
//!
//! Liveness is all about time: brokers re-register every 30 s, the name
//! server scans every 5 s, a broker silent for 120 s is dropped. Java reads
//! `System.currentTimeMillis()` and runs its periodic work on
//! `ScheduledExecutorService`s. Running that for real would make this chapter
//! take three minutes and print different numbers on every run.
//!
//! So every role reads the time from one `VirtualClock`, and schedules its
//! periodic work on it, exactly as it would on a
//! `ScheduledExecutorService#scheduleAtFixedRate`. Nothing happens until the
//! scenario calls [`VirtualClock::advance_to`]; then every task that falls due
//! runs, in time order, with the clock set to the moment it was due. Three
//! minutes of cluster life take microseconds and print the same trace every
//! time.
//!
//! Tasks due at the same instant run in the order they were scheduled. That
//! is a choice Java does not make (two executors race), and it is one reason
//! the trace is deterministic.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Identifies a scheduled task, to cancel it (`ScheduledFuture#cancel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskId(u64);

type Task = Arc<dyn Fn() + Send + Sync>;

struct Scheduled {
    id: TaskId,
    next_run_ms: u64,
    period_ms: u64,
    run: Task,
}

#[derive(Default)]
struct Inner {
    now_ms: u64,
    next_id: u64,
    tasks: Vec<Scheduled>,
}

/// One shared timeline. Cheap to clone; all clones are the same clock.
#[derive(Clone, Default)]
pub struct VirtualClock {
    inner: Arc<Mutex<Inner>>,
}

impl VirtualClock {
    /// A clock at t = 0 with nothing scheduled.
    pub fn new() -> Self {
        Self::default()
    }

    /// `System.currentTimeMillis()`, in milliseconds since the scenario began.
    pub fn now_ms(&self) -> u64 {
        self.lock().now_ms
    }

    /// `ScheduledExecutorService#scheduleAtFixedRate`: run `task` at
    /// now + `initial_delay_ms`, then every `period_ms`.
    pub fn schedule_at_fixed_rate(
        &self,
        initial_delay_ms: u64,
        period_ms: u64,
        task: impl Fn() + Send + Sync + 'static,
    ) -> TaskId {
        let mut inner = self.lock();
        let id = TaskId(inner.next_id);
        inner.next_id += 1;
        let next_run_ms = inner.now_ms + initial_delay_ms;
        inner.tasks.push(Scheduled {
            id,
            next_run_ms,
            period_ms,
            run: Arc::new(task),
        });
        id
    }

    /// `ScheduledFuture#cancel`: the task never runs again.
    pub fn cancel(&self, id: TaskId) {
        self.lock().tasks.retain(|t| t.id != id);
    }

    // ANCHOR: advance_to
    /// Move time forward to `target_ms`, running every task that falls due on
    /// the way, each at its own due time.
    pub fn advance_to(&self, target_ms: u64) {
        loop {
            let task = {
                let mut inner = self.lock();
                // The earliest due task; ties go to the one scheduled first.
                let next = inner
                    .tasks
                    .iter_mut()
                    .filter(|t| t.next_run_ms <= target_ms)
                    .min_by_key(|t| (t.next_run_ms, t.id.0));
                let Some(next) = next else {
                    inner.now_ms = inner.now_ms.max(target_ms);
                    return;
                };
                let due = next.next_run_ms;
                next.next_run_ms += next.period_ms;
                let run = next.run.clone();
                inner.now_ms = due;
                run
            };
            // The lock is released before the task runs: the task reads the
            // clock, and may schedule or cancel tasks itself.
            task();
        }
    }
    // ANCHOR_END: advance_to

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every mutation above completes before anything that could panic
        // runs, so a poisoned lock still guards consistent data.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_run_at_their_due_times_in_order() {
        let clock = VirtualClock::new();
        let log = Arc::new(Mutex::new(Vec::new()));
        for (name, delay, period) in [("scan", 5_000, 5_000), ("register", 10_000, 30_000)] {
            let (log, c) = (log.clone(), clock.clone());
            clock.schedule_at_fixed_rate(delay, period, move || {
                log.lock().unwrap().push((name, c.now_ms()))
            });
        }
        clock.advance_to(40_000);
        let log = log.lock().unwrap().clone();
        let registers: Vec<u64> = log
            .iter()
            .filter(|(n, _)| *n == "register")
            .map(|(_, t)| *t)
            .collect();
        assert_eq!(registers, [10_000, 40_000]);
        assert_eq!(log.iter().filter(|(n, _)| *n == "scan").count(), 8);
        // At t=10s both are due; the scan was scheduled first.
        assert_eq!(&log[1..3], &[("scan", 10_000), ("register", 10_000)]);
        assert_eq!(clock.now_ms(), 40_000);
    }

    #[test]
    fn a_cancelled_task_stops() {
        let clock = VirtualClock::new();
        let count = Arc::new(Mutex::new(0));
        let c = count.clone();
        let id = clock.schedule_at_fixed_rate(0, 1_000, move || *c.lock().unwrap() += 1);
        clock.advance_to(2_000);
        clock.cancel(id);
        clock.advance_to(10_000);
        assert_eq!(*count.lock().unwrap(), 3);
    }
}

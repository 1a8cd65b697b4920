//! # workbook-trace — one way to turn a chapter's scenario into text
//!
//! Every chapter of the workbook prints an *execution trace*: a short list of
//! sentences, one per thing that happened, each naming who did it (the actor),
//! which RocketMQ Java method the step mirrors, and the facts that matter.
//!
//! ```text
//! namesrv    RouteInfoManager#registerBroker                  cluster=DefaultCluster broker=broker-a id=0 topics=2
//! client     MQClientAPIImpl#getTopicRouteInfoFromNameServer  topic=TopicTest -> SUCCESS brokers=[broker-a, broker-b]
//! ```
//!
//! The same text reaches three places, and this crate is the only thing that
//! produces it, so they cannot disagree:
//!
//! * the terminal, when a reader types `cargo run -p chapter-NN` ([`init_terminal`]);
//! * the snapshot tests in `tests/`, which pin it with insta ([`capture`]);
//! * the book, which includes the pinned snapshot text.
//!
//! ## How a chapter emits a line
//!
//! Chapter code calls the [`step!`] macro. It is a thin wrapper over a
//! `tracing` event with target `workbook` and two extra fields, `actor` and
//! `java`. Library code never installs a subscriber (the same rule mini-redis
//! follows): it only emits events, and whoever runs the scenario decides where
//! they go. [`scene!`] emits a heading line that separates the acts of a
//! scenario ("t=120s: broker-b has been silent for two minutes").
//!
//! Anything else a chapter logs with plain `tracing::debug!` stays out of the
//! trace; a reader who wants it sets `RUST_LOG=debug` and it goes to stderr.
//!
//! ## Determinism
//!
//! The trace is pinned byte for byte, so a line must never contain a wall-clock
//! time, a port, a path or a pid. Chapters use a virtual clock and fixed ids.
//! [`capture`] installs its collector as the *thread-local* default subscriber,
//! so tests running in parallel on other threads never see each other's lines.
//! A scenario that uses tokio must therefore run on a current-thread runtime
//! inside the closure, which is also what makes its task order deterministic.

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

#[doc(hidden)]
pub use tracing as __tracing;

/// The `tracing` target every trace line is emitted under.
pub const TARGET: &str = "workbook";

/// Width the actor column is padded to.
const ACTOR_WIDTH: usize = 10;
/// Width the `Class#method` column is padded to.
const JAVA_WIDTH: usize = 48;

/// Emit one trace line: `step!(actor, "Class#method", "format {}", args…)`.
///
/// ```
/// use workbook_trace::step;
/// let (text, ()) = workbook_trace::capture(|| {
///     step!("namesrv", "RouteInfoManager#registerBroker", "broker={} id={}", "broker-a", 0);
/// });
/// assert_eq!(text.trim_end(), "namesrv    RouteInfoManager#registerBroker                  broker=broker-a id=0");
/// ```
#[macro_export]
macro_rules! step {
    ($actor:expr, $java:expr, $($fmt:tt)+) => {
        $crate::__tracing::info!(
            target: "workbook",
            actor = %$actor,
            java = %$java,
            $($fmt)+
        )
    };
}

/// Emit a heading that separates the acts of a scenario. It is printed with a
/// blank line before it, so a long trace reads in paragraphs.
#[macro_export]
macro_rules! scene {
    ($($fmt:tt)+) => {
        $crate::__tracing::info!(target: "workbook", scene = true, $($fmt)+)
    };
}

/// The fields of one `workbook` event, as the visitor collects them.
#[derive(Default)]
struct Line {
    actor: Option<String>,
    java: Option<String>,
    message: String,
    scene: bool,
}

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        match field.name() {
            "actor" => self.actor = Some(text),
            "java" => self.java = Some(text),
            "message" => self.message = text,
            "scene" => self.scene = true,
            other => {
                // A stray structured field still reaches the reader.
                let _ = write!(self.message, " {other}={text}");
            }
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.record_debug(field, &value);
    }
}

impl Line {
    /// Render the line; `first` says whether nothing has been written yet,
    /// which decides the blank line before a scene heading.
    fn render(&self, first: bool) -> String {
        if self.scene {
            let gap = if first { "" } else { "\n" };
            return format!("{gap}── {} ──\n", self.message);
        }
        let actor = self.actor.as_deref().unwrap_or("-");
        let java = self.java.as_deref().unwrap_or("-");
        let line = format!("{actor:<ACTOR_WIDTH$} {java:<JAVA_WIDTH$} {}", self.message);
        // Padding leaves trailing spaces when the message is empty.
        format!("{}\n", line.trim_end())
    }
}

/// Where rendered lines go.
#[derive(Clone)]
enum Sink {
    /// Collected in memory, for [`capture`].
    Buffer(Arc<Mutex<String>>),
    /// Printed on standard output, for the chapter binaries.
    Stdout(Arc<Mutex<bool>>),
}

/// A `tracing` layer that renders `workbook` events as trace lines and ignores
/// every other event.
struct TraceLayer {
    sink: Sink,
}

impl<S: Subscriber> Layer<S> for TraceLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        let mut line = Line::default();
        event.record(&mut line);
        match &self.sink {
            Sink::Buffer(buf) => {
                // A poisoned lock means a scenario panicked mid-line; the text
                // collected so far is still the best evidence, so keep it.
                let mut buf = buf.lock().unwrap_or_else(|e| e.into_inner());
                let text = line.render(buf.is_empty());
                buf.push_str(&text);
            }
            Sink::Stdout(started) => {
                let mut started = started.lock().unwrap_or_else(|e| e.into_inner());
                print!("{}", line.render(!*started));
                *started = true;
            }
        }
    }
}

/// Run `f` with a collector installed on this thread and return the trace it
/// produced, together with `f`'s own result.
///
/// The collector is the thread's default subscriber only while `f` runs, so
/// tests on other threads are unaffected. Events emitted on *other* threads
/// (a multi-thread tokio runtime, `spawn_blocking`) are not captured; run
/// scenarios on a current-thread runtime.
pub fn capture<R>(f: impl FnOnce() -> R) -> (String, R) {
    let buf = Arc::new(Mutex::new(String::new()));
    let subscriber = Registry::default().with(TraceLayer {
        sink: Sink::Buffer(buf.clone()),
    });
    let result = tracing::subscriber::with_default(subscriber, f);
    let text = buf.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (text, result)
}

/// Install the global subscriber a chapter binary uses: trace lines to
/// stdout, and any other event allowed by `RUST_LOG` (default: none) to
/// stderr in tracing-subscriber's usual format.
pub fn init_terminal() {
    let trace = TraceLayer {
        sink: Sink::Stdout(Arc::new(Mutex::new(false))),
    };
    let others = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("off")))
        .with_filter(tracing_subscriber::filter::filter_fn(|m| {
            m.target() != TARGET
        }));
    // A second call (a test calling a binary's main) keeps the first subscriber.
    let _ = Registry::default().with(trace).with(others).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_padded_into_columns() {
        let (text, ()) = capture(|| {
            step!(
                "broker-a",
                "BrokerController#start",
                "cluster={}",
                "DefaultCluster"
            );
            step!("namesrv", "RouteInfoManager#registerBroker", "topics={}", 2);
        });
        assert_eq!(
            text,
            "broker-a   BrokerController#start                           cluster=DefaultCluster\n\
             namesrv    RouteInfoManager#registerBroker                  topics=2\n"
        );
    }

    #[test]
    fn scenes_are_headings_separated_by_a_blank_line() {
        let (text, ()) = capture(|| {
            scene!("t=0s: start");
            step!("namesrv", "NamesrvController#start", "ok");
            scene!("t=30s: re-register");
        });
        assert_eq!(
            text,
            "── t=0s: start ──\n\
             namesrv    NamesrvController#start                          ok\n\
             \n── t=30s: re-register ──\n"
        );
    }

    #[test]
    fn other_targets_stay_out_of_the_trace() {
        let (text, ()) = capture(|| {
            tracing::info!("plain log line");
            tracing::debug!(target: "workbook_detail", "detail");
        });
        assert_eq!(text, "");
    }

    #[test]
    fn captures_on_other_threads_do_not_mix() {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                std::thread::spawn(move || {
                    capture(|| {
                        for j in 0..50 {
                            step!(format!("actor-{i}"), "X#y", "n={}", j);
                        }
                    })
                    .0
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            let text = h.join().unwrap();
            assert_eq!(text.lines().count(), 50);
            assert!(text.lines().all(|l| l.starts_with(&format!("actor-{i} "))));
        }
    }
}

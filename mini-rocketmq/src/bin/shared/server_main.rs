//! Start-up and shutdown shared by the server binaries (`mqnamesrv`,
//! `mqbroker`, `mqlocal`). RocketMQ's `NamesrvStartup` and `BrokerStartup`
//! do the same three things around their controllers: set up logging, run
//! the controller, and stop it cleanly from a shutdown hook.
//!
//! Each binary includes this file with `#[path]`, so it stays out of the
//! library: only binaries install a tracing subscriber.

use std::future::Future;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// Run `main` on a multi-thread tokio runtime; `bin` names the program in
/// the one-line error if the runtime cannot start.
pub fn run_on_runtime(bin: &str, main: impl Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(main),
        Err(e) => {
            eprintln!("{bin}: cannot start the tokio runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C everywhere; SIGTERM too on Unix (what `kill` and service managers
/// send). Java's brokers stop from a JVM shutdown hook for the same signals.
///
/// Installed before the server announces that it is up: a SIGTERM that
/// arrives between "boot success" and the first `wait` must still stop the
/// server cleanly, not kill it with the default action (which is what a
/// script that starts the server, waits for that line and stops it again
/// would otherwise see now and then).
pub struct ShutdownSignal {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl ShutdownSignal {
    /// Must run inside the runtime.
    pub fn install() -> ShutdownSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::terminate())
                .and_then(|term| Ok((term, signal(SignalKind::interrupt())?)))
                .map_err(|e| {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                })
                .ok();
            ShutdownSignal { signals }
        }
        #[cfg(not(unix))]
        {
            ShutdownSignal {}
        }
    }

    /// Returns once Ctrl-C (SIGINT) or SIGTERM arrived.
    pub async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut term, mut int)) = self.signals {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

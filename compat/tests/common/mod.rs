//! Shared set-up for the compatibility tests (the cluster itself lives in
//! `compat::cluster` so the bins can use it too).

#![allow(dead_code)]

pub use compat::cluster::{Cluster, unique};

/// Starts our name server and broker, with `RUST_LOG=…` logs from both sides
/// (our servers and the third-party client) captured per test.
pub async fn start_cluster() -> anyhow::Result<Cluster> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    Cluster::start().await
}

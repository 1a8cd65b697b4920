//! `mqbench` smoke test: the binary drives a real cluster in each mode and
//! ends with its SUMMARY line. (Numbers are not checked — speed is measured,
//! never asserted.)

mod client_support;

use client_support::Cluster;

async fn mqbench(args: &[&str]) -> String {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_mqbench"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("run mqbench");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "mqbench {args:?} failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mode_runs_and_summarises() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();
    cluster.create_topic("BenchSmoke", 4).await;

    let sync = mqbench(&[
        "producer",
        "-n",
        &ns,
        "-t",
        "BenchSmoke",
        "-w",
        "4",
        "-s",
        "64",
        "-q",
        "200",
    ])
    .await;
    assert!(
        sync.contains("SUMMARY producer mode=sync senders=4 body=64B batch=1 sent=200 failed=0"),
        "{sync}"
    );
    let batch = mqbench(&[
        "producer",
        "-n",
        &ns,
        "-t",
        "BenchSmoke",
        "-w",
        "2",
        "-b",
        "50",
        "-q",
        "200",
    ])
    .await;
    assert!(
        batch.contains("mode=sync-batch") && batch.contains("sent=200 failed=0"),
        "{batch}"
    );
    let async_ = mqbench(&[
        "producer",
        "-n",
        &ns,
        "-t",
        "BenchSmoke",
        "-y",
        "--window",
        "16",
        "-q",
        "200",
        "--serialize",
        "json",
    ])
    .await;
    assert!(
        async_.contains("mode=async") && async_.contains("sent=200 failed=0"),
        "{async_}"
    );

    // 1 warm-up message per producer run, plus 600.
    let consumed = mqbench(&[
        "consumer",
        "-n",
        &ns,
        "-t",
        "BenchSmoke",
        "-g",
        "bench_smoke",
        "--from-first",
        "-q",
        "603",
    ])
    .await;
    assert!(
        consumed.contains("SUMMARY consumer consumed=603"),
        "{consumed}"
    );

    cluster.shutdown().await;
}

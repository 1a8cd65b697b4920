//! The `mqbroker` binary: config files with RocketMQ's property names, `-p`,
//! and a clean shutdown on SIGTERM (the `abort` file is gone afterwards, so
//! the next start is a normal recovery).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn mqbroker() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqbroker"))
}

#[test]
fn print_config_applies_the_file_and_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broker.conf");
    std::fs::write(
        &conf,
        "# a RocketMQ broker.conf\nbrokerClusterName = TestCluster\nbrokerName=broker-t\nlistenPort=0\n\
         storePathRootDir=/tmp/somewhere\nflushDiskType=SYNC_FLUSH\nnamesrvAddr=127.0.0.1:19876\nunknownKey=1\n",
    )
    .unwrap();
    let out = mqbroker()
        .args(["-c", conf.to_str().unwrap(), "-n", "127.0.0.1:9876", "-p"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "brokerClusterName=TestCluster",
        "brokerName=broker-t",
        "listenPort=0",
        "storePathRootDir=/tmp/somewhere",
        "flushDiskType=SYNC_FLUSH",
        "namesrvAddr=127.0.0.1:9876",
        "defaultTopicQueueNums=8",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "missing {line} in\n{stdout}"
        );
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknownKey"));
}

/// BrokerStartup's rule for the advertised address: without `brokerIP1` the
/// broker advertises this machine's own address (whatever it is here, it is
/// an IP address); a `brokerIP1` in the file is kept as written.
#[test]
fn broker_ip1_is_the_machines_address_unless_the_file_sets_it() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broker.conf");
    let broker_ip1 = |file: &str| {
        std::fs::write(&conf, file).unwrap();
        let out = mqbroker()
            .args(["-c", conf.to_str().unwrap(), "-p"])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("brokerIP1=").map(str::to_string))
            .expect("-p prints brokerIP1")
    };
    let detected = broker_ip1("listenPort=0\n");
    assert!(detected.parse::<std::net::IpAddr>().is_ok(), "{detected}");
    assert_eq!(broker_ip1("brokerIP1=127.0.0.1\n"), "127.0.0.1");
}

#[test]
fn a_bad_value_stops_the_start_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broker.conf");
    std::fs::write(&conf, "listenPort=abc\n").unwrap();
    let out = mqbroker()
        .args(["-c", conf.to_str().unwrap(), "-p"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("listenPort"));
}

#[cfg(unix)]
#[test]
fn boots_and_shuts_down_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broker.conf");
    let store = dir.path().join("store");
    std::fs::write(
        &conf,
        format!(
            "listenPort=0\nbrokerIP1=127.0.0.1\nstorePathRootDir={}\nmappedFileSizeCommitLog=1048576\n",
            store.display()
        ),
    )
    .unwrap();
    let mut child = mqbroker()
        .args(["-c", conf.to_str().unwrap()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let boot = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("boot success"))
        .expect("a boot line");
    assert!(
        boot.contains("The broker[broker-a, 127.0.0.1:") && boot.contains("boot success"),
        "{boot}"
    );
    assert!(
        store.join("abort").exists(),
        "a running store has its abort file"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "mqbroker did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success());
    assert!(
        !store.join("abort").exists(),
        "clean shutdown removes the abort file"
    );
    assert!(store.join("config").join("topics.json").exists());
}

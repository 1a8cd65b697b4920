//! The `mqnamesrv` binary: `--help`, `-p`, and a real start/stop.
//!
//! The start/stop test runs the built binary on port 0 with a properties
//! file, asks it for a route over TCP, sends SIGTERM and expects a clean
//! exit — what an operator or a service manager does.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use mini_rocketmq::remoting::code::{request_code, response_code};
use mini_rocketmq::remoting::command::RemotingCommand;
use mini_rocketmq::remoting::protocol::header::namesrv::GetRouteInfoRequestHeader;
use mini_rocketmq::remoting::{ClientConfig, RemotingClient};

const BIN: &str = env!("CARGO_BIN_EXE_mqnamesrv");

fn write_properties(dir: &tempfile::TempDir, text: &str) -> std::path::PathBuf {
    let path = dir.path().join("namesrv.properties");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn help_explains_every_property() {
    let out = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "-c",
        "--configFile",
        "-p",
        "listenPort [9876]",
        "scanNotActiveBrokerInterval [5000]",
        "kvConfigPath",
        "RUST_LOG",
    ] {
        assert!(text.contains(needle), "--help lacks {needle:?}:\n{text}");
    }
}

#[test]
fn print_config_item_shows_the_effective_config() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_properties(
        &dir,
        "# a comment\nlistenPort = 19876\norderMessageEnable=true\nsomethingUnknown=1\n",
    );
    let out = std::process::Command::new(BIN)
        .arg("-c")
        .arg(&file)
        .arg("-p")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("load config properties file OK"));
    assert!(stdout.lines().any(|l| l == "listenPort=19876"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "orderMessageEnable=true"));
    assert!(
        stdout
            .lines()
            .any(|l| l == "scanNotActiveBrokerInterval=5000")
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("somethingUnknown"),
        "unknown keys are reported: {stderr}"
    );
}

#[test]
fn a_bad_value_stops_start_up_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_properties(&dir, "listenPort=ninety\n");
    let out = std::process::Command::new(BIN)
        .arg("-c")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("listenPort")
    );
}

#[cfg(unix)]
#[tokio::test]
async fn starts_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_properties(&dir, "listenPort=0\nbindAddress=127.0.0.1\nkvConfigPath=\n");
    let mut child = tokio::process::Command::new(BIN)
        .arg("-c")
        .arg(&file)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();

    // "The Name Server boot success. serializeType=JSON, address 127.0.0.1:PORT"
    let addr = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("mqnamesrv printed its boot line")
            .unwrap()
            .expect("mqnamesrv is still running");
        if let Some(rest) =
            line.strip_prefix("The Name Server boot success. serializeType=JSON, address ")
        {
            break rest.to_string();
        }
    };

    let client = RemotingClient::new(ClientConfig::default());
    let req = RemotingCommand::new_request_with_header(
        request_code::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader {
            topic: "TopicTest".into(),
            accept_standard_json_only: None,
        },
    );
    let resp = client
        .invoke(&addr, req, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(resp.code, response_code::TOPIC_NOT_EXIST);
    client.shutdown().await;

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("mqnamesrv exits after SIGTERM")
        .unwrap();
    assert!(status.success(), "clean exit, got {status}");
    let mut rest = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push_str(&line);
        rest.push('\n');
    }
    assert!(rest.contains("The Name Server shut down."), "{rest}");
}

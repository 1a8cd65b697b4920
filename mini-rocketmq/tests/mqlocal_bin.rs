//! `mqlocal` as a user runs it: both servers in one process, on loopback
//! only. It must listen on 127.0.0.1 (not on every interface) and the broker
//! must advertise 127.0.0.1, so nothing outside the machine reaches it and
//! no client is sent to another address.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The `host:port` after `label` on a line of mqlocal's banner.
fn address_after(line: &str, label: &str) -> Option<SocketAddr> {
    let rest = &line[line.find(label)? + label.len()..];
    rest.split_whitespace().next()?.parse().ok()
}

#[test]
fn mqlocal_listens_on_and_advertises_loopback_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqlocal"))
        .args(["--store", dir.path().to_str().unwrap()])
        .args(["--namesrv-port", "0", "--broker-port", "0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut namesrv, mut broker) = (None, None);
    for line in lines.by_ref().map_while(Result::ok) {
        namesrv = namesrv.or_else(|| address_after(&line, "name server"));
        broker = broker.or_else(|| address_after(&line, "broker-a at"));
        if line.contains("Press Ctrl-C") {
            break;
        }
    }
    let namesrv = namesrv.expect("the banner names the name server's address");
    let broker = broker.expect("the banner names the broker's address");
    assert_eq!(namesrv.ip().to_string(), "127.0.0.1");
    assert_eq!(broker.ip().to_string(), "127.0.0.1");

    // A server bound to the wildcard address owns its port on every local
    // address; one bound to 127.0.0.1 leaves the port free on 127.0.0.2.
    // Binding is all this does: nothing is dialled.
    #[cfg(target_os = "linux")]
    for (what, addr) in [("name server", namesrv), ("broker", broker)] {
        let other = SocketAddr::from(([127, 0, 0, 2], addr.port()));
        assert!(
            std::net::TcpListener::bind(other).is_ok(),
            "the {what} took port {} on every interface, not on 127.0.0.1 alone",
            addr.port()
        );
    }

    // What the name server hands to clients is the loopback address too.
    let out = Command::new(env!("CARGO_BIN_EXE_mqadmin"))
        .args(["-n", &namesrv.to_string(), "clusterList", "--json"])
        .env_remove("NAMESRV_ADDR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["addr"], broker.to_string(), "{json}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "mqlocal did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
}

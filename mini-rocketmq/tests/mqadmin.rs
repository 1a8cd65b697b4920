//! `mqadmin` against a running name server and broker: the real binary, run
//! as a child process, its output pinned with insta once the parts that
//! change from run to run (ports, ids, times) are redacted.

mod client_support;

use std::sync::Arc;

use client_support::{Cluster, wait_until};
use mini_rocketmq::client::consumer::{
    ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer,
};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn mqadmin(namesrv: &str, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_mqadmin"))
        .arg("-n")
        .arg(namesrv)
        .args(args)
        .env_remove("NAMESRV_ADDR")
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("run mqadmin");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn ok(namesrv: &str, args: &[&str]) -> String {
    let run = mqadmin(namesrv, args).await;
    assert_eq!(run.code, 0, "mqadmin {args:?} failed: {}", run.stderr);
    run.stdout
}

/// Replaces what differs between runs: the cluster's addresses, 32-digit
/// hex ids, ISO timestamps, ephemeral ports and pid-based client ids.
fn redact(text: &str, cluster: &Cluster) -> String {
    let mut text = text.replace(&cluster.namesrv_addr(), "<namesrv>");
    for (i, name) in cluster.broker_names.iter().enumerate() {
        if cluster.brokers[i].is_some() {
            text = text.replace(&cluster.broker_addr(i), &format!("<{name}>"));
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let hex_run = rest
            .iter()
            .take_while(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
            .count();
        let at_word_start = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if at_word_start && hex_run == 32 {
            out.push_str("<ID:32-hex-digits-redacted-here>");
            i += 32;
        } else if is_timestamp(rest) {
            out.push_str("<TIME>");
            i += 24;
        } else if rest.starts_with(&['1', '2', '7', '.', '0', '.', '0', '.', '1', ':'])
            && rest.get(10).is_some_and(|c| c.is_ascii_digit())
        {
            out.push_str("127.0.0.1:<PORT>");
            i += 10;
            while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
        } else if rest.first() == Some(&'@') && rest.get(1).is_some_and(|c| c.is_ascii_digit()) {
            // a client id: ip@pid#nanos
            out.push_str("@<INSTANCE>");
            i += 1;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_digit() || *c == '#')
            {
                i += 1;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    // Table columns are padded to the widest cell, and the cells redacted
    // above (client ids, ports) vary in length from run to run, so the
    // padding does too. Pin the columns' order, not their widths.
    let mut squeezed = String::with_capacity(out.len());
    for line in out.lines() {
        let mut spaces = 0;
        for c in line.chars() {
            if c == ' ' {
                spaces += 1;
                continue;
            }
            if spaces > 0 {
                squeezed.push_str(if spaces >= 2 { "  " } else { " " });
                spaces = 0;
            }
            squeezed.push(c);
        }
        squeezed.push('\n');
    }
    squeezed
}

/// `2024-05-01T10:20:30.123Z`
fn is_timestamp(s: &[char]) -> bool {
    const SHAPE: &str = "dddd-dd-ddTdd:dd:dd.dddZ";
    s.len() >= SHAPE.len()
        && SHAPE.chars().zip(s).all(|(p, c)| {
            if p == 'd' {
                c.is_ascii_digit()
            } else {
                p == *c
            }
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_commands() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();

    let created = ok(
        &ns,
        &[
            "updateTopic",
            "-c",
            "DefaultCluster",
            "-t",
            "AdminTopic",
            "-r",
            "4",
            "-w",
            "4",
        ],
    )
    .await;
    insta::assert_snapshot!("update_topic", redact(&created, &cluster));

    // The broker registered the new topic before it answered: the route is
    // there at once, no waiting.
    let route = ok(&ns, &["topicRoute", "-t", "AdminTopic"]).await;
    insta::assert_snapshot!("topic_route", redact(&route, &cluster));

    let list = ok(&ns, &["topicList"]).await;
    assert!(list.lines().any(|l| l == "AdminTopic"), "{list}");
    assert!(list.lines().any(|l| l == "TBW102"), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&ns, &["topicList", "--json"]).await).unwrap();
    assert!(json.as_array().unwrap().iter().any(|t| t == "AdminTopic"));

    for i in 0..3 {
        let sent = ok(
            &ns,
            &[
                "sendMessage",
                "-t",
                "AdminTopic",
                "-p",
                &format!("hello {i}"),
                "-c",
                "TagA",
                "-k",
                &format!("k{i}"),
                "-b",
                "broker-a",
                "-i",
                "1",
            ],
        )
        .await;
        if i == 0 {
            insta::assert_snapshot!("send_message", redact(&sent, &cluster));
        }
    }
    let status = ok(&ns, &["topicStatus", "-t", "AdminTopic"]).await;
    insta::assert_snapshot!("topic_status", redact(&status, &cluster));

    let consumed = ok(
        &ns,
        &[
            "consumeMessage",
            "-t",
            "AdminTopic",
            "-b",
            "broker-a",
            "-i",
            "1",
        ],
    )
    .await;
    insta::assert_snapshot!("consume_message", redact(&consumed, &cluster));

    let by_offset = ok(
        &ns,
        &[
            "queryMsgByOffset",
            "-t",
            "AdminTopic",
            "-b",
            "broker-a",
            "-i",
            "1",
            "-o",
            "2",
        ],
    )
    .await;
    assert!(
        by_offset.contains("hello 2") && by_offset.contains("[k2]"),
        "{by_offset}"
    );

    // The offset id printed by sendMessage --json finds the message again.
    let sent: serde_json::Value = serde_json::from_str(
        &ok(
            &ns,
            &["sendMessage", "-t", "AdminTopic", "-p", "find me", "--json"],
        )
        .await,
    )
    .unwrap();
    let offset_id = sent["offsetMsgId"].as_str().unwrap().to_string();
    let found = ok(&ns, &["queryMsgById", "-i", &offset_id]).await;
    assert!(found.contains("Message Body:       find me"), "{found}");
    let uniq = sent["msgId"].as_str().unwrap().to_string();
    let found = ok(&ns, &["queryMsgById", "-i", &offset_id, "-t", "AdminTopic"]).await;
    assert!(found.contains(&uniq), "{found}");

    let deleted = ok(
        &ns,
        &["deleteTopic", "-t", "AdminTopic", "-c", "DefaultCluster"],
    )
    .await;
    insta::assert_snapshot!("delete_topic", redact(&deleted, &cluster));
    let gone = mqadmin(&ns, &["topicRoute", "-t", "AdminTopic"]).await;
    assert_eq!(
        gone.code, 1,
        "a deleted topic has no route: {}",
        gone.stderr
    );
    assert!(gone.stderr.contains("TOPIC_NOT_EXIST"), "{}", gone.stderr);

    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_and_broker_commands() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();

    let list = ok(&ns, &["clusterList"]).await;
    let first_line = list.lines().next().unwrap_or_default().to_string();
    insta::assert_snapshot!("cluster_list_header", first_line);
    let row: Vec<&str> = list
        .lines()
        .nth(1)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        row[..5],
        [
            "DefaultCluster",
            "broker-a",
            "0",
            &cluster.broker_addr(0),
            "V5_3_3"
        ],
        "{list}"
    );
    assert!(list.contains("V5_3_3"), "{list}");

    let status = ok(&ns, &["brokerStatus", "-b", &cluster.broker_addr(0)]).await;
    assert!(
        status
            .lines()
            .any(|l| l.starts_with("brokerVersionDesc") && l.ends_with(": V5_3_3")),
        "{status}"
    );
    let by_name = ok(&ns, &["brokerStatus", "-b", "broker-a", "--json"]).await;
    let json: serde_json::Value = serde_json::from_str(&by_name).unwrap();
    assert_eq!(json[cluster.broker_addr(0)]["brokerName"], "broker-a");

    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_group_commands() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();
    cluster.create_topic("GroupTopic", 2).await;
    for i in 0..4 {
        ok(
            &ns,
            &[
                "sendMessage",
                "-t",
                "GroupTopic",
                "-p",
                &format!("m{i}"),
                "-b",
                "broker-a",
                "-i",
                &(i % 2).to_string(),
            ],
        )
        .await;
    }

    let consumed = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group("admin_cg")
        .client_config(cluster.client_config())
        .consume_from_where(ConsumeFromWhere::ConsumeFromFirstOffset)
        .build();
    consumer.subscribe("GroupTopic", "*").unwrap();
    let counter = Arc::clone(&consumed);
    consumer.register_message_listener_concurrently(move |msgs, _ctx| {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(msgs.len(), std::sync::atomic::Ordering::SeqCst);
            ConsumeConcurrentlyStatus::ConsumeSuccess
        }
    });
    consumer.start().await.unwrap();
    wait_until("the consumer read all four messages", || {
        let consumed = Arc::clone(&consumed);
        async move { consumed.load(std::sync::atomic::Ordering::SeqCst) == 4 }
    })
    .await;

    let connection = ok(&ns, &["consumerConnection", "-g", "admin_cg"]).await;
    insta::assert_snapshot!("consumer_connection", redact(&connection, &cluster));

    // Offsets reach the broker within a persist period; until the first
    // commit the group has no progress to show (exit code 1).
    wait_until("the group's progress shows no lag", || {
        let ns = ns.clone();
        async move {
            let run = mqadmin(&ns, &["consumerProgress", "-g", "admin_cg"]).await;
            run.code == 0 && run.stdout.contains("Consume Diff Total: 0")
        }
    })
    .await;
    consumer.shutdown().await;
    let progress = ok(&ns, &["consumerProgress", "-g", "admin_cg"]).await;
    insta::assert_snapshot!("consumer_progress", redact(&progress, &cluster));

    let reset = ok(
        &ns,
        &[
            "resetOffsetByTime",
            "-g",
            "admin_cg",
            "-t",
            "GroupTopic",
            "-s",
            "0",
        ],
    )
    .await;
    insta::assert_snapshot!("reset_offset_by_time", redact(&reset, &cluster));
    let progress = ok(
        &ns,
        &[
            "consumerProgress",
            "-g",
            "admin_cg",
            "-t",
            "GroupTopic",
            "--json",
        ],
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&progress).unwrap();
    assert_eq!(
        json["diffTotal"], 4,
        "after the reset the group lags by every message: {json}"
    );

    let unknown = mqadmin(&ns, &["consumerProgress", "-g", "no_such_group"]).await;
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("no_such_group"),
        "{}",
        unknown.stderr
    );

    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_have_exit_codes_and_one_line() {
    // Nothing listens on port 1: the name server is unreachable.
    let down = mqadmin("127.0.0.1:1", &["topicList"]).await;
    assert_eq!(down.code, 3, "{}", down.stderr);
    assert_eq!(down.stderr.lines().count(), 1, "one line: {}", down.stderr);
    assert!(
        down.stderr
            .starts_with("mqadmin: name server unreachable (tried 127.0.0.1:1)"),
        "{}",
        down.stderr
    );

    let usage = mqadmin("127.0.0.1:1", &["topicRoute"]).await;
    assert_eq!(
        usage.code, 2,
        "a missing -t is a usage error: {}",
        usage.stderr
    );

    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();
    let missing = mqadmin(&ns, &["topicStatus", "-t", "NoSuchTopic"]).await;
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("TOPIC_NOT_EXIST"),
        "{}",
        missing.stderr
    );
    let no_index = mqadmin(&ns, &["queryMsgByKey", "-t", "TBW102", "-k", "k"]).await;
    assert_ne!(no_index.code, 0);
    assert_eq!(no_index.stderr.lines().count(), 1, "{}", no_index.stderr);
    cluster.shutdown().await;
}

/// Every command's `--help`, pinned: the option names, their help texts and
/// the exit-code table are the tool's interface.
#[test]
fn help_texts() {
    let help = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mqadmin"))
            .args(args)
            .env_remove("NAMESRV_ADDR")
            .env("COLUMNS", "100")
            .output()
            .expect("run mqadmin");
        assert_eq!(out.status.code(), Some(0), "mqadmin {args:?} --help");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut all = help(&["--help"]);
    for command in [
        "updateTopic",
        "deleteTopic",
        "topicList",
        "topicRoute",
        "topicStatus",
        "clusterList",
        "brokerStatus",
        "consumerProgress",
        "consumerConnection",
        "queryMsgById",
        "queryMsgByKey",
        "queryMsgByOffset",
        "sendMessage",
        "consumeMessage",
        "resetOffsetByTime",
    ] {
        all.push_str(&format!("\n===== mqadmin {command} --help\n"));
        all.push_str(&help(&[command, "--help"]));
    }
    insta::assert_snapshot!("help", all);
}

/// `mqadmin … | head -1`, `| true`: the reader is gone before mqadmin
/// writes. The write fails with EPIPE; mqadmin must end quietly with the
/// command's own exit code, not panic (exit 101).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_quietly() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();
    for args in [
        &["-n", &ns, "topicList"][..],
        &["-n", &ns, "clusterList", "--json"][..],
        &["--help"][..],
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mqadmin"))
            .args(args)
            .env_remove("NAMESRV_ADDR")
            .env_remove("RUST_LOG")
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .await
            .expect("run mqadmin");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "mqadmin {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "mqadmin {args:?}: {stderr}");
    }
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_command_line_exits_with_2() {
    // Nothing needs to listen: these are refused before any connection.
    let nobody = "127.0.0.1:1";
    for (args, says) in [
        (&["topicList"][..], "host:port"),
        (&["brokerStatus"][..], "--broker"),
        (&["updateTopic", "-t", "T"][..], "--clusterName"),
        (
            &["updateTopic", "-t", "T", "-c", "C", "-p", "9"][..],
            "perm 9",
        ),
        (
            &["updateTopic", "-t", "bad topic", "-c", "C"][..],
            "bad topic",
        ),
        (
            &["resetOffsetByTime", "-g", "G", "-t", "T", "-s", "yesterday"][..],
            "yesterday",
        ),
        (
            &["consumeMessage", "-t", "T", "--queueId=-1"][..],
            "negative",
        ),
    ] {
        // The first case is the name server address itself.
        let namesrv = if says == "host:port" {
            "localhost"
        } else {
            nobody
        };
        let run = mqadmin(namesrv, args).await;
        assert_eq!(run.code, 2, "mqadmin {args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(says),
            "mqadmin {args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "mqadmin {args:?}: {}", run.stdout);
    }
}

/// Answers that would otherwise be an empty table say what is wrong and
/// exit non-zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_to_show_is_an_error_that_says_why() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();
    cluster.create_topic("FourQueues", 4).await;

    let run = mqadmin(&ns, &["consumeMessage", "-t", "FourQueues", "-i", "9"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no queue 9") && run.stderr.contains("broker-a 0-3"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = mqadmin(
        &ns,
        &["consumeMessage", "-t", "FourQueues", "-b", "broker-z"],
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("broker-z"), "{}", run.stderr);

    // A group that exists (its consumer heartbeated), asked about a topic
    // that does not.
    let consumer = DefaultMQPushConsumer::builder()
        .consumer_group("progress_cg")
        .client_config(cluster.client_config())
        .build();
    consumer.subscribe("FourQueues", "*").unwrap();
    consumer.register_message_listener_concurrently(|_msgs, _ctx| async {
        ConsumeConcurrentlyStatus::ConsumeSuccess
    });
    consumer.start().await.unwrap();
    wait_until("the group's retry topic is routable", || {
        let ns = ns.clone();
        async move {
            mqadmin(&ns, &["topicRoute", "-t", "%RETRY%progress_cg"])
                .await
                .code
                == 0
        }
    })
    .await;
    let run = mqadmin(
        &ns,
        &["consumerProgress", "-g", "progress_cg", "-t", "NoSuchTopic"],
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("NoSuchTopic") && run.stderr.contains("does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    consumer.shutdown().await;
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_list_json_types_numbers_as_numbers() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();
    ok(&ns, &["sendMessage", "-t", "Counted", "-p", "one"]).await;
    let json: serde_json::Value =
        serde_json::from_str(&ok(&ns, &["clusterList", "--json"]).await).unwrap();
    let row = &json[0];
    assert_eq!(row["brokerName"], "broker-a", "{json}");
    assert!(row["brokerId"].is_i64(), "{json}");
    assert!(row["topicCount"].is_i64(), "{json}");
    assert!(row["messagesStored"].as_i64() >= Some(1), "{json}");
    assert_eq!(row["reachable"], true, "{json}");

    let status: serde_json::Value =
        serde_json::from_str(&ok(&ns, &["brokerStatus", "-b", "broker-a", "--json"]).await)
            .unwrap();
    let figures = &status[cluster.broker_addr(0)];
    assert!(figures["commitLogMaxOffset"].is_i64(), "{status}");
    assert_eq!(figures["brokerActive"], true, "{status}");
    // Counters are named for what they count.
    assert!(figures["heldPullRequests"].is_i64(), "{status}");
    assert!(figures.get("pullThreadPoolQueueSize").is_none(), "{status}");
    cluster.shutdown().await;
}

/// An offset message id carries the address of the broker that stored the
/// message. When that address cannot be reached, the error says which
/// address came from the id and how to look the message up otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_by_id_names_the_address_inside_the_id() {
    let cluster = Cluster::start(1).await;
    let ns = cluster.namesrv_addr();
    // Nothing listens on port 1 of this machine.
    let id = mini_rocketmq::common::message_decoder::create_message_id(
        "127.0.0.1:1".parse().unwrap(),
        4096,
    );
    let run = mqadmin(&ns, &["queryMsgById", "-i", &id]).await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("127.0.0.1:1") && run.stderr.contains("-t TOPIC"),
        "{}",
        run.stderr
    );
    cluster.shutdown().await;
}

//! `mqadmin` — the operator's command line, after RocketMQ's `mqadmin`
//! (Java `MQAdminStartup` and its `*SubCommand` classes).
//!
//! ```text
//! mqadmin -n 127.0.0.1:9876 updateTopic -t TopicTest -c DefaultCluster -r 8 -w 8
//! mqadmin topicStatus -t TopicTest            # NAMESRV_ADDR from the environment
//! mqadmin consumerProgress -g my_group --json
//! ```
//!
//! Every command prints a table for people or, with `--json`, one JSON value
//! for scripts. Exit codes a script can rely on:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | the cluster answered, and the answer was "no" (unknown topic, refused, not found) |
//! | 2 | the command line itself is wrong |
//! | 3 | a name server or broker could not be reached, or did not answer in time |
//!
//! Errors are one line on stderr that names what failed and where, e.g.
//! `mqadmin: name server unreachable (tried 127.0.0.1:9876): connect to <127.0.0.1:9876> failed: Connection refused`.
//!
//! Layout: this file parses the command line and maps results to exit codes;
//! `mqadmin/admin.rs` finds brokers; `mqadmin/{topic,cluster,consumer,message}.rs`
//! hold the commands; `mqadmin/table.rs` formats.

// A binary's root sits in `src/bin/`, so its modules need explicit paths.
#[path = "mqadmin/admin.rs"]
mod admin;
#[path = "mqadmin/cluster.rs"]
mod cluster;
#[path = "mqadmin/consumer.rs"]
mod consumer;
#[path = "mqadmin/message.rs"]
mod message;
#[path = "mqadmin/table.rs"]
mod table;
#[path = "mqadmin/topic.rs"]
mod topic;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgAction, ArgGroup, Parser, Subcommand};
use mini_rocketmq::client::MQClientError;
use mini_rocketmq::common::topic_validator;
use mini_rocketmq::remoting::code::response_code;

use crate::admin::Admin;
use crate::table::Report;

#[derive(Parser, Debug)]
#[command(
    name = "mqadmin",
    version,
    about = "Administer a RocketMQ cluster (mini-rocketmq)"
)]
#[command(
    after_help = "Exit codes: 0 done, 1 refused or not found, 2 bad command line, 3 name server or broker unreachable."
)]
struct Cli {
    /// Name server address(es), `host:port[;host:port…]`.
    #[arg(
        short = 'n',
        long = "namesrvAddr",
        env = "NAMESRV_ADDR",
        hide_env_values = true,
        global = true,
        value_name = "ADDRS"
    )]
    namesrv_addr: Option<String>,

    /// Print one JSON value instead of a table.
    #[arg(long, global = true)]
    json: bool,

    /// Timeout of each call to a name server or broker, in milliseconds.
    #[arg(
        long = "timeoutMillis",
        default_value_t = 3000,
        global = true,
        value_name = "MS"
    )]
    timeout_millis: u64,

    #[command(subcommand)]
    command: Command,
}

/// `-b`: one option name in every command. It takes a broker's name
/// (`broker-a`) or its master's address (`host:port`); `--brokerAddr` and
/// `--brokerName`, which Java's commands use for the same option, are
/// accepted as aliases.
const BROKER_HELP: &str = "Broker: its name (broker-a) or its master's address (host:port)";

#[derive(Subcommand, Debug)]
enum Command {
    /// Create or update a topic on a broker or on every master of a cluster.
    #[command(name = "updateTopic")]
    #[command(group(ArgGroup::new("where").required(true).args(["broker", "cluster"])))]
    UpdateTopic {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'b', long = "broker", value_name = "BROKER", help = BROKER_HELP,
            aliases = ["brokerAddr", "brokerName"])]
        broker: Option<String>,
        /// Cluster name: the topic goes to every master of the cluster.
        #[arg(short = 'c', long = "clusterName", value_name = "CLUSTER")]
        cluster: Option<String>,
        /// Number of read queues.
        #[arg(
            short = 'r',
            long = "readQueueNums",
            default_value_t = 8,
            value_name = "N"
        )]
        read_queue_nums: i32,
        /// Number of write queues.
        #[arg(
            short = 'w',
            long = "writeQueueNums",
            default_value_t = 8,
            value_name = "N"
        )]
        write_queue_nums: i32,
        /// Permission bits 0-7: 2 = write only, 4 = read only, 6 = read and write.
        #[arg(short = 'p', long = "perm", default_value_t = 6)]
        perm: i32,
        /// Mark the topic as ordered (true|false).
        #[arg(short = 'o', long = "order", default_value_t = false, action = ArgAction::Set)]
        order: bool,
    },
    /// Delete a topic from every master of a cluster and from the name servers.
    #[command(name = "deleteTopic")]
    DeleteTopic {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
        /// Cluster name: the topic is deleted from every master of the cluster.
        #[arg(short = 'c', long = "clusterName", value_name = "CLUSTER")]
        cluster: String,
    },
    /// List every topic the name servers know.
    #[command(name = "topicList")]
    TopicList,
    /// Show which brokers serve a topic, with how many queues.
    #[command(name = "topicRoute")]
    TopicRoute {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
    },
    /// Show the min and max offset of every queue of a topic.
    #[command(name = "topicStatus")]
    TopicStatus {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
    },
    /// List the brokers of every cluster.
    #[command(name = "clusterList")]
    ClusterList,
    /// Show a broker's runtime figures.
    #[command(name = "brokerStatus")]
    #[command(group(ArgGroup::new("where").required(true).args(["broker", "cluster"])))]
    BrokerStatus {
        #[arg(short = 'b', long = "broker", value_name = "BROKER", help = BROKER_HELP,
            aliases = ["brokerAddr", "brokerName"])]
        broker: Option<String>,
        /// Cluster name: every master of the cluster.
        #[arg(short = 'c', long = "clusterName", value_name = "CLUSTER")]
        cluster: Option<String>,
    },
    /// Show a consumer group's lag, queue by queue.
    #[command(name = "consumerProgress")]
    ConsumerProgress {
        /// Consumer group.
        #[arg(short = 'g', long = "groupName", value_name = "GROUP")]
        group: String,
        /// Only this topic (default: every topic the group consumes).
        #[arg(short = 't', long)]
        topic: Option<String>,
    },
    /// Show the members of a consumer group and their subscriptions.
    #[command(name = "consumerConnection")]
    ConsumerConnection {
        /// Consumer group.
        #[arg(short = 'g', long = "consumerGroup", value_name = "GROUP")]
        group: String,
    },
    /// Show a message by its offset id (or, with -t, by its UNIQ_KEY).
    #[command(name = "queryMsgById")]
    QueryMsgById {
        /// Offset message id (names the broker that stored it) or, with -t,
        /// the client's message id (UNIQ_KEY).
        #[arg(short = 'i', long = "msgId", value_name = "ID")]
        msg_id: String,
        /// Topic: look the id up through the topic's brokers and their
        /// index instead of dialling the address inside an offset id.
        #[arg(short = 't', long)]
        topic: Option<String>,
    },
    /// List messages of a topic with a given key (needs the broker's index).
    #[command(name = "queryMsgByKey")]
    QueryMsgByKey {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
        /// Message key (one of the KEYS the producer set).
        #[arg(short = 'k', long = "msgKey", value_name = "KEY")]
        key: String,
        /// Earliest store time, Unix ms.
        #[arg(
            short = 'b',
            long = "beginTimestamp",
            default_value_t = 0,
            value_name = "MS"
        )]
        begin: i64,
        /// Latest store time, Unix ms (default: now).
        #[arg(short = 'e', long = "endTimestamp", value_name = "MS")]
        end: Option<i64>,
        /// Most messages to list.
        #[arg(short = 'c', long = "maxNum", default_value_t = 64, value_name = "N")]
        max_num: i32,
    },
    /// Show the message at a queue offset.
    #[command(name = "queryMsgByOffset")]
    QueryMsgByOffset {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'b', long = "broker", value_name = "BROKER", help = BROKER_HELP,
            aliases = ["brokerAddr", "brokerName"])]
        broker: String,
        /// Queue id.
        #[arg(short = 'i', long = "queueId", value_name = "QID")]
        queue_id: i32,
        /// Queue offset of the message.
        #[arg(short = 'o', long = "offset")]
        offset: i64,
    },
    /// Send one message.
    #[command(name = "sendMessage")]
    SendMessage {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
        /// Message body (UTF-8 text).
        #[arg(short = 'p', long = "body")]
        body: String,
        /// Message keys, separated by blanks.
        #[arg(short = 'k', long = "key", value_name = "KEYS")]
        keys: Option<String>,
        /// Message tag.
        #[arg(short = 'c', long = "tags", value_name = "TAG")]
        tags: Option<String>,
        #[arg(short = 'b', long = "broker", value_name = "BROKER", help = BROKER_HELP,
            aliases = ["brokerAddr", "brokerName"], requires = "queue_id")]
        broker: Option<String>,
        /// Queue id on that broker (with -b; default: the producer picks).
        #[arg(
            short = 'i',
            long = "queueId",
            alias = "qid",
            value_name = "QID",
            requires = "broker"
        )]
        queue_id: Option<i32>,
    },
    /// Print messages of a topic without joining a consumer group.
    #[command(name = "consumeMessage")]
    ConsumeMessage {
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'b', long = "broker", value_name = "BROKER", help = BROKER_HELP,
            aliases = ["brokerAddr", "brokerName"])]
        broker: Option<String>,
        /// Only this queue (default: every queue).
        #[arg(short = 'i', long = "queueId", value_name = "QID")]
        queue_id: Option<i32>,
        /// Start at this queue offset (default: each queue's first).
        #[arg(short = 'o', long = "offset")]
        offset: Option<i64>,
        /// Most messages to print.
        #[arg(short = 'c', long = "count", default_value_t = 128, value_name = "N")]
        count: usize,
    },
    /// Move a consumer group's offsets on a topic to a point in time.
    #[command(name = "resetOffsetByTime")]
    ResetOffsetByTime {
        /// Consumer group.
        #[arg(short = 'g', long = "group", value_name = "GROUP")]
        group: String,
        /// Topic name.
        #[arg(short = 't', long)]
        topic: String,
        /// `now`, Unix ms, or `yyyy-MM-dd#HH:mm:ss:SSS` (UTC).
        #[arg(short = 's', long = "timestamp", value_name = "TIME")]
        timestamp: String,
        /// true: move every offset to the time, back or forward; false: only
        /// move offsets back, never past what the group already consumed.
        #[arg(short = 'f', long = "force", default_value_t = true, action = ArgAction::Set)]
        force: bool,
    },
}

/// A failure and the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// The command line itself is wrong (exit code 2), found before any
    /// name server or broker was asked.
    fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<MQClientError> for Failure {
    fn from(e: MQClientError) -> Self {
        let unreachable = match &e {
            MQClientError::Remoting(_) => true,
            MQClientError::Client { code, .. } => {
                *code == response_code::RPC_SEND_TO_CHANNEL_FAILED
                    || *code == response_code::RPC_TIME_OUT
            }
            MQClientError::Broker { .. } => false,
        };
        Failure {
            code: if unreachable { 3 } else { 1 },
            message: e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with 2 (help and version
    // with 0), which is the exit code table above.
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            report_error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(report) => {
            let text = if cli.json {
                let mut json = serde_json::to_string_pretty(&report.json).unwrap_or_default();
                json.push('\n');
                json
            } else {
                report.text
            };
            print_output(&text)
        }
        Err(failure) => {
            report_error(&failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Writes the command's output. A reader that went away (`mqadmin topicList
/// | head -1`, or `| true`) is not an error of the command: the output is
/// dropped quietly and the exit code is the command's own. `println!` would
/// panic there instead (Rust ignores SIGPIPE, so the write fails with
/// EPIPE), and exit with 101.
fn print_output(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&format!("cannot write the output: {e}"));
            ExitCode::from(1)
        }
    }
}

/// The one error line on stderr; a closed stderr is ignored the same way.
fn report_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "mqadmin: {message}");
}

/// Every `;`-separated entry must be `host:port` with a port number; a
/// name server address without a port is a typo, not an unreachable server.
fn check_namesrv_addr(addrs: &str) -> Result<(), Failure> {
    for addr in addrs.split(';').map(str::trim).filter(|a| !a.is_empty()) {
        let port = addr
            .rsplit_once(':')
            .map(|(host, port)| (host, port.parse::<u16>()));
        match port {
            Some((host, Ok(port))) if !host.is_empty() && port > 0 => {}
            _ => {
                return Err(Failure::usage(format!(
                    "name server address {addr:?} is not host:port (e.g. 127.0.0.1:9876)"
                )));
            }
        }
    }
    Ok(())
}

async fn run(cli: &Cli) -> Result<Report, Failure> {
    let Some(namesrv) = cli.namesrv_addr.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Err(Failure::usage(
            "no name server: pass -n host:port or set NAMESRV_ADDR",
        ));
    };
    check_namesrv_addr(namesrv)?;
    check_arguments(&cli.command)?;
    let admin = Admin::connect(namesrv, Duration::from_millis(cli.timeout_millis));
    let result = dispatch(&admin, &cli.command).await;
    admin.close().await;
    result
}

/// What can be checked without asking the cluster: a wrong value here is a
/// bad command line (exit code 2), like a missing option.
fn check_arguments(command: &Command) -> Result<(), Failure> {
    match command {
        Command::UpdateTopic {
            topic,
            read_queue_nums,
            write_queue_nums,
            perm,
            ..
        } => {
            topic_validator::validate_topic(topic).map_err(|e| Failure::usage(e.to_string()))?;
            if !mini_rocketmq::common::perm::is_valid(*perm) {
                return Err(Failure::usage(format!(
                    "perm {perm} is not a topic permission 0-7 (2 = W, 4 = R, 6 = RW)"
                )));
            }
            if *read_queue_nums < 1 || *write_queue_nums < 1 {
                return Err(Failure::usage(
                    "a topic needs at least one read queue and one write queue",
                ));
            }
        }
        Command::ResetOffsetByTime { timestamp, .. } if parse_timestamp(timestamp).is_none() => {
            return Err(Failure::usage(format!(
                "cannot read the time {timestamp:?}: use now, Unix ms, or yyyy-MM-dd#HH:mm:ss:SSS"
            )));
        }
        Command::ConsumeMessage {
            queue_id: Some(q), ..
        }
        | Command::QueryMsgByOffset { queue_id: q, .. }
            if *q < 0 =>
        {
            return Err(Failure::usage(format!("queue id {q} is negative")));
        }
        _ => {}
    }
    Ok(())
}

async fn dispatch(admin: &Admin, command: &Command) -> Result<Report, Failure> {
    let report = match command {
        Command::UpdateTopic {
            topic,
            broker,
            cluster,
            read_queue_nums,
            write_queue_nums,
            perm,
            order,
        } => {
            topic::update_topic(
                admin,
                topic,
                broker.as_deref(),
                cluster.as_deref(),
                *read_queue_nums,
                *write_queue_nums,
                *perm,
                *order,
            )
            .await?
        }
        Command::DeleteTopic { topic, cluster } => {
            topic::delete_topic(admin, topic, cluster).await?
        }
        Command::TopicList => topic::topic_list(admin).await?,
        Command::TopicRoute { topic } => topic::topic_route(admin, topic).await?,
        Command::TopicStatus { topic } => topic::topic_status(admin, topic).await?,
        Command::ClusterList => cluster::cluster_list(admin).await?,
        Command::BrokerStatus { broker, cluster } => {
            cluster::broker_status(admin, broker.as_deref(), cluster.as_deref()).await?
        }
        Command::ConsumerProgress { group, topic } => {
            consumer::consumer_progress(admin, group, topic.as_deref()).await?
        }
        Command::ConsumerConnection { group } => {
            consumer::consumer_connection(admin, group).await?
        }
        Command::QueryMsgById { msg_id, topic } => {
            message::query_msg_by_id(admin, msg_id, topic.as_deref()).await?
        }
        Command::QueryMsgByKey {
            topic,
            key,
            begin,
            end,
            max_num,
        } => {
            let end = end.unwrap_or_else(now_millis);
            message::query_msg_by_key(admin, topic, key, *begin, end, *max_num).await?
        }
        Command::QueryMsgByOffset {
            topic,
            broker,
            queue_id,
            offset,
        } => message::query_msg_by_offset(admin, topic, broker, *queue_id, *offset).await?,
        Command::SendMessage {
            topic,
            body,
            keys,
            tags,
            broker,
            queue_id,
        } => {
            message::send_message(
                admin,
                topic,
                body,
                keys.as_deref(),
                tags.as_deref(),
                broker.as_deref(),
                *queue_id,
            )
            .await?
        }
        Command::ConsumeMessage {
            topic,
            broker,
            queue_id,
            offset,
            count,
        } => {
            message::consume_message(admin, topic, broker.as_deref(), *queue_id, *offset, *count)
                .await?
        }
        Command::ResetOffsetByTime {
            group,
            topic,
            timestamp,
            force,
        } => {
            // Checked in `check_arguments`; "now" is read again here.
            let ms = parse_timestamp(timestamp).unwrap_or_else(now_millis);
            consumer::reset_offset_by_time(admin, group, topic, ms, *force).await?
        }
    };
    Ok(report)
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `now`, Unix ms, or Java's `yyyy-MM-dd#HH:mm:ss:SSS` (read as UTC).
fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("now") {
        return Some(now_millis());
    }
    if let Ok(ms) = text.parse::<i64>() {
        return Some(ms);
    }
    let (date, time) = text.split_once('#')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, min, s) = (t.next()??, t.next()??, t.next()??);
    let ms = t.next().flatten().unwrap_or(0);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    Some((days_from_civil(y, m, day) * 86_400 + h * 3600 + min * 60 + s) * 1000 + ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2024-05-01T10:20:30.123Z` for a Unix ms time (UTC, so the output does
/// not depend on where the tool runs).
pub fn format_timestamp(ms: i64) -> String {
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

/// Java `MQVersion.getVersionDesc` (`common/src/main/java/org/apache/rocketmq/common/MQVersion.java`) for the versions
/// that file lists.
pub fn version_desc(version: i32) -> String {
    match version {
        0 => "V3_0_0_SNAPSHOT".into(),
        213 => "V4_0_0".into(),
        401 => "V4_9_4".into(),
        413 => "V5_0_0".into(),
        473 => "V5_3_0".into(),
        475 => "V5_3_1".into(),
        477 => "V5_3_2".into(),
        479 => "V5_3_3".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_option_has_help_text() {
        let cli = Cli::command();
        for command in std::iter::once(&cli).chain(cli.get_subcommands()) {
            for arg in command.get_arguments() {
                assert!(
                    arg.get_help()
                        .is_some_and(|h| !h.to_string().trim().is_empty()),
                    "{} --{} has no help text",
                    command.get_name(),
                    arg.get_id()
                );
            }
        }
    }

    #[test]
    fn the_broker_option_has_one_name_in_every_command() {
        let cli = Cli::command();
        let mut seen = 0;
        for command in cli.get_subcommands() {
            for arg in command.get_arguments() {
                if arg.get_id() == "broker" {
                    seen += 1;
                    assert_eq!(arg.get_short(), Some('b'), "{}", command.get_name());
                    assert_eq!(arg.get_long(), Some("broker"), "{}", command.get_name());
                    assert_eq!(
                        arg.get_help().map(|h| h.to_string()).as_deref(),
                        Some(BROKER_HELP),
                        "{}",
                        command.get_name()
                    );
                }
            }
        }
        assert_eq!(
            seen, 5,
            "updateTopic, brokerStatus, queryMsgByOffset, sendMessage, consumeMessage"
        );
    }

    #[test]
    fn name_server_addresses_need_a_port() {
        assert!(check_namesrv_addr("127.0.0.1:9876;localhost:9877").is_ok());
        for bad in [
            "localhost",
            "127.0.0.1:",
            ":9876",
            "host:port",
            "127.0.0.1:0",
            "a:1;b",
        ] {
            let failure = check_namesrv_addr(bad).unwrap_err();
            assert_eq!(failure.code, 2, "{bad}");
        }
    }

    #[test]
    fn timestamps_round_trip() {
        let ms = parse_timestamp("2024-05-01#10:20:30:123").unwrap();
        assert_eq!(format_timestamp(ms), "2024-05-01T10:20:30.123Z");
        assert_eq!(parse_timestamp("1700000000000"), Some(1_700_000_000_000));
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00.000Z");
        assert!(parse_timestamp("yesterday").is_none());
    }
}

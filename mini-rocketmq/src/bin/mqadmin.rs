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

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use mini_rocketmq::client::MQClientError;
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
    #[arg(short = 'n', long = "namesrvAddr", env = "NAMESRV_ADDR", global = true)]
    namesrv_addr: Option<String>,

    /// Print one JSON value instead of a table.
    #[arg(long, global = true)]
    json: bool,

    /// Timeout of each call to a name server or broker, in milliseconds.
    #[arg(long = "timeoutMillis", default_value_t = 3000, global = true)]
    timeout_millis: u64,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create or update a topic on a broker or on every master of a cluster.
    #[command(name = "updateTopic")]
    UpdateTopic {
        #[arg(short = 't', long)]
        topic: String,
        /// Broker address (host:port) or broker name.
        #[arg(short = 'b', long = "brokerAddr", conflicts_with = "cluster")]
        broker: Option<String>,
        #[arg(short = 'c', long = "clusterName")]
        cluster: Option<String>,
        #[arg(short = 'r', long = "readQueueNums", default_value_t = 8)]
        read_queue_nums: i32,
        #[arg(short = 'w', long = "writeQueueNums", default_value_t = 8)]
        write_queue_nums: i32,
        /// 2 = W, 4 = R, 6 = RW.
        #[arg(short = 'p', long = "perm", default_value_t = 6)]
        perm: i32,
        #[arg(short = 'o', long = "order", default_value_t = false)]
        order: bool,
    },
    /// Delete a topic from every master of a cluster and from the name servers.
    #[command(name = "deleteTopic")]
    DeleteTopic {
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'c', long = "clusterName")]
        cluster: String,
    },
    /// List every topic the name servers know.
    #[command(name = "topicList")]
    TopicList,
    /// Show which brokers serve a topic, with how many queues.
    #[command(name = "topicRoute")]
    TopicRoute {
        #[arg(short = 't', long)]
        topic: String,
    },
    /// Show the min and max offset of every queue of a topic.
    #[command(name = "topicStatus")]
    TopicStatus {
        #[arg(short = 't', long)]
        topic: String,
    },
    /// List the brokers of every cluster.
    #[command(name = "clusterList")]
    ClusterList,
    /// Show a broker's runtime figures.
    #[command(name = "brokerStatus")]
    BrokerStatus {
        #[arg(short = 'b', long = "brokerAddr", conflicts_with = "cluster")]
        broker: Option<String>,
        #[arg(short = 'c', long = "clusterName")]
        cluster: Option<String>,
    },
    /// Show a consumer group's lag, queue by queue.
    #[command(name = "consumerProgress")]
    ConsumerProgress {
        #[arg(short = 'g', long = "groupName")]
        group: String,
        #[arg(short = 't', long)]
        topic: Option<String>,
    },
    /// Show the members of a consumer group and their subscriptions.
    #[command(name = "consumerConnection")]
    ConsumerConnection {
        #[arg(short = 'g', long = "consumerGroup")]
        group: String,
    },
    /// Show a message by its offset id (or, with -t, by its UNIQ_KEY).
    #[command(name = "queryMsgById")]
    QueryMsgById {
        #[arg(short = 'i', long = "msgId")]
        msg_id: String,
        #[arg(short = 't', long)]
        topic: Option<String>,
    },
    /// List messages of a topic with a given key (needs the broker's index).
    #[command(name = "queryMsgByKey")]
    QueryMsgByKey {
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'k', long = "msgKey")]
        key: String,
        /// Earliest store time, Unix ms.
        #[arg(short = 'b', long = "beginTimestamp", default_value_t = 0)]
        begin: i64,
        /// Latest store time, Unix ms (default: now).
        #[arg(short = 'e', long = "endTimestamp")]
        end: Option<i64>,
        #[arg(short = 'c', long = "maxNum", default_value_t = 64)]
        max_num: i32,
    },
    /// Show the message at a queue offset.
    #[command(name = "queryMsgByOffset")]
    QueryMsgByOffset {
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'b', long = "brokerName")]
        broker: String,
        #[arg(short = 'i', long = "queueId")]
        queue_id: i32,
        #[arg(short = 'o', long = "offset")]
        offset: i64,
    },
    /// Send one message.
    #[command(name = "sendMessage")]
    SendMessage {
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'p', long = "body")]
        body: String,
        #[arg(short = 'k', long = "key")]
        keys: Option<String>,
        #[arg(short = 'c', long = "tags")]
        tags: Option<String>,
        #[arg(short = 'b', long = "broker", requires = "queue_id")]
        broker: Option<String>,
        #[arg(short = 'i', long = "qid", requires = "broker")]
        queue_id: Option<i32>,
    },
    /// Print messages of a topic without joining a consumer group.
    #[command(name = "consumeMessage")]
    ConsumeMessage {
        #[arg(short = 't', long)]
        topic: String,
        #[arg(short = 'b', long = "brokerName")]
        broker: Option<String>,
        #[arg(short = 'i', long = "queueId")]
        queue_id: Option<i32>,
        #[arg(short = 'o', long = "offset")]
        offset: Option<i64>,
        #[arg(short = 'c', long = "count", default_value_t = 128)]
        count: usize,
    },
    /// Move a consumer group's offsets on a topic to a point in time.
    #[command(name = "resetOffsetByTime")]
    ResetOffsetByTime {
        #[arg(short = 'g', long = "group")]
        group: String,
        #[arg(short = 't', long)]
        topic: String,
        /// `now`, Unix ms, or `yyyy-MM-dd#HH:mm:ss:SSS` (UTC).
        #[arg(short = 's', long = "timestamp")]
        timestamp: String,
        /// Also move offsets forward (default: only back).
        #[arg(short = 'f', long = "force", default_value_t = true, action = clap::ArgAction::Set)]
        force: bool,
    },
}

/// A failure and the exit code it maps to.
struct Failure {
    code: u8,
    message: String,
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
            eprintln!("mqadmin: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(report) => {
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report.json).unwrap_or_default()
                );
            } else {
                print!("{}", report.text);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("mqadmin: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn run(cli: &Cli) -> Result<Report, Failure> {
    let Some(namesrv) = cli.namesrv_addr.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Err(Failure {
            code: 2,
            message: "no name server: pass -n host:port or set NAMESRV_ADDR".to_string(),
        });
    };
    let admin = Admin::connect(namesrv, Duration::from_millis(cli.timeout_millis));
    let result = dispatch(&admin, &cli.command).await;
    admin.close().await;
    result
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
            let ms = parse_timestamp(timestamp).ok_or_else(|| Failure {
                code: 2,
                message: format!("cannot read the time {timestamp:?}: use now, Unix ms, or yyyy-MM-dd#HH:mm:ss:SSS"),
            })?;
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

    #[test]
    fn timestamps_round_trip() {
        let ms = parse_timestamp("2024-05-01#10:20:30:123").unwrap();
        assert_eq!(format_timestamp(ms), "2024-05-01T10:20:30.123Z");
        assert_eq!(parse_timestamp("1700000000000"), Some(1_700_000_000_000));
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00.000Z");
        assert!(parse_timestamp("yesterday").is_none());
    }
}

//! `mqbroker`: start a broker, the way RocketMQ's `bin/mqbroker` does.
//!
//! Mirrors `org.apache.rocketmq.broker.BrokerStartup`:
//!
//! ```text
//! mqbroker -n 127.0.0.1:9876                     # broker-a on :10911, store in ~/store
//! mqbroker -n 127.0.0.1:9876 -c conf/broker.conf
//! mqbroker -c conf/broker.conf -p                # print the effective config and exit
//! mqbroker --help                                # every option and every property, explained
//! ```
//!
//! The `-c` file is Java's `key=value` format with RocketMQ's property names.
//! Every key is offered to the broker config (`brokerName`, `listenPort`,
//! `namesrvAddr`, `autoCreateTopicEnable` …) and then to the store config
//! (`storePathRootDir`, `flushDiskType`, `mappedFileSizeCommitLog` …), as
//! `BrokerStartup` does with `properties2Object`. Unknown keys are reported
//! and ignored; a value that does not parse stops the start-up. `-n` wins
//! over `namesrvAddr` in the file, as in Java.
//!
//! Which address the broker advertises follows `BrokerStartup` too: with no
//! `brokerIP1` in the file it is this machine's own network address (the one
//! its default route leaves from; Java's `RemotingUtil.getLocalAddress`
//! picks the first non-loopback one), and the broker listens on every
//! interface. That address is what the name servers hand to clients, and it
//! is written into every stored message, so offset message ids
//! (`mqadmin queryMsgById`) lead there. Set `brokerIP1=127.0.0.1` to keep a
//! broker on this machine only: then it also listens on loopback alone.
//!
//! Logs go to stderr through `tracing`; set `RUST_LOG` (default `info`).
//! Ctrl-C or SIGTERM shuts the broker down cleanly: it unregisters from the
//! name servers, persists offsets and configs, flushes the store and removes
//! the `abort` file, so the next start needs no crash recovery.

#[path = "shared/server_main.rs"]
mod server_main;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};

use mini_rocketmq::broker::{BrokerConfig, broker_startup};
use mini_rocketmq::common::properties_file::PropertiesFile;
use mini_rocketmq::store::config::MessageStoreConfig;

/// mimalloc instead of the system allocator: every request allocates a few
/// small strings (header fields), and glibc's malloc shows up at ~10% of a
/// loaded broker's CPU where mimalloc costs a fraction of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Apache RocketMQ broker (mini-rocketmq).
#[derive(Parser, Debug)]
#[command(name = "mqbroker", version)]
struct Cli {
    /// Name server address list, e.g. '192.168.0.1:9876;192.168.0.2:9876'.
    #[arg(short = 'n', long = "namesrvAddr", value_name = "ADDRS")]
    namesrv_addr: Option<String>,

    /// Broker config properties file (key=value lines, RocketMQ property names).
    #[arg(short = 'c', long = "configFile", value_name = "FILE")]
    config_file: Option<PathBuf>,

    /// Print all config items (the effective configuration) and exit.
    #[arg(short = 'p', long = "printConfigItem")]
    print_config_item: bool,
}

/// What the store settings mean; the store config itself carries no help text.
const STORE_PROPERTY_HELP: &[(&str, &str)] = &[
    (
        "storePathRootDir",
        "Root folder of the store: commitlog/, consumequeue/, config/, checkpoint, abort.",
    ),
    (
        "storePathCommitLog",
        "CommitLog folder (default <storePathRootDir>/commitlog).",
    ),
    (
        "mappedFileSizeCommitLog",
        "Bytes per CommitLog file; files are sparse, so 1 GiB costs only what is written.",
    ),
    (
        "mappedFileSizeConsumeQueue",
        "Bytes per consume-queue file (entries of 20 bytes).",
    ),
    (
        "flushDiskType",
        "ASYNC_FLUSH: flush in the background (fast); SYNC_FLUSH: a send waits for the disk.",
    ),
    (
        "syncFlushTimeout",
        "Milliseconds a SYNC_FLUSH send waits before answering FLUSH_DISK_TIMEOUT.",
    ),
    (
        "flushIntervalCommitLog",
        "Milliseconds between background CommitLog flushes (ASYNC_FLUSH).",
    ),
    (
        "maxMessageSize",
        "Largest message body accepted, in bytes (4 MiB).",
    ),
    (
        "brokerRole",
        "ASYNC_MASTER, SYNC_MASTER or SLAVE (no replication here: use a master role).",
    ),
    (
        "fileReservedTime",
        "Hours CommitLog files are kept (kept for compatibility of config files).",
    ),
    (
        "deleteWhen",
        "Hour of day expired files are deleted (kept for compatibility of config files).",
    ),
    (
        "checkCRCOnRecover",
        "Verify every record's body CRC when recovering after a crash.",
    ),
];

/// The `--help` epilogue: every property with its default and meaning.
fn properties_help() -> String {
    let mut text = String::from("Broker properties (for the -c file; defaults in brackets):\n");
    for (name, default, help) in BrokerConfig::property_help() {
        text.push_str(&format!("  {name} [{default}]\n      {help}\n"));
    }
    text.push_str("\nStore properties:\n");
    for (name, default) in MessageStoreConfig::default().to_properties() {
        let help = STORE_PROPERTY_HELP
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, h)| *h)
            .unwrap_or("Store setting, as in RocketMQ's MessageStoreConfig.");
        text.push_str(&format!("  {name} [{default}]\n      {help}\n"));
    }
    text.push_str("\nEnvironment:\n  NAMESRV_ADDR   default for namesrvAddr\n  RUST_LOG       log filter, default \"info\" (e.g. RUST_LOG=mini_rocketmq::broker=debug)\n");
    text
}

/// Defaults, then the `-c` file, then `-n` (`BrokerStartup#createBrokerController`).
fn load_config(cli: &Cli) -> Result<(BrokerConfig, MessageStoreConfig), String> {
    let loaded =
        broker_startup::load_config(cli.config_file.as_deref(), cli.namesrv_addr.as_deref())?;
    for (key, value) in &loaded.unknown_properties {
        eprintln!("ignoring unknown property {key}={value}");
    }
    if let Some(path) = &cli.config_file {
        println!("load config properties file OK, {}", path.display());
    }
    let mut broker = loaded.broker_config;
    if !file_sets(cli, "brokerIP1")? {
        broker.broker_ip1 = local_address();
        broker.broker_ip2 = broker.broker_ip1.clone();
    }
    Ok((broker, loaded.store_config))
}

/// Whether the `-c` file sets `key` (the file was read once already; a
/// second read is cheaper than threading the answer through).
fn file_sets(cli: &Cli, key: &str) -> Result<bool, String> {
    let Some(path) = &cli.config_file else {
        return Ok(false);
    };
    let file = PropertiesFile::load(path).map_err(|e| e.to_string())?;
    Ok(file.entries.iter().any(|(k, _)| k == key))
}

/// This machine's address on its network: the source address of its default
/// route. Connecting a UDP socket sends nothing; it only asks the kernel
/// which route it would take. Without any route (offline) the answer is
/// loopback, which is also the only address that would work.
fn local_address() -> String {
    let probe = || -> std::io::Result<std::net::IpAddr> {
        let socket = std::net::UdpSocket::bind("0.0.0.0:0")?;
        socket.connect("192.0.2.1:9")?; // TEST-NET-1: reserved, never routed
        Ok(socket.local_addr()?.ip())
    };
    match probe() {
        Ok(ip) if !ip.is_unspecified() => ip.to_string(),
        _ => "127.0.0.1".to_string(),
    }
}

fn main() -> ExitCode {
    let command = Cli::command()
        .after_help("Run with --help to list every property of the -c file.")
        .after_long_help(properties_help());
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let (broker_config, store_config) = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mqbroker: {e}");
            return ExitCode::FAILURE;
        }
    };
    if cli.print_config_item {
        // Written with `writeln!` so `mqbroker -p | head` ends quietly.
        let mut out = std::io::stdout().lock();
        for (name, value) in broker_config
            .properties()
            .into_iter()
            .chain(store_config.to_properties())
        {
            if writeln!(out, "{name}={value}").is_err() {
                break;
            }
        }
        return ExitCode::SUCCESS;
    }

    server_main::init_logging();
    server_main::run_on_runtime("mqbroker", run(broker_config, store_config))
}

async fn run(broker_config: BrokerConfig, store_config: MessageStoreConfig) -> ExitCode {
    // Before anything can announce "up": see `ShutdownSignal`.
    let shutdown = server_main::ShutdownSignal::install();
    let name = broker_config.broker_name.clone();
    let store_dir = store_config.store_path_root_dir.clone();
    let handle = match broker_startup::create_broker_controller(broker_config, store_config) {
        Ok(c) => match broker_startup::start(c).await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("mqbroker: {e}");
                return ExitCode::FAILURE;
            }
        },
        Err(e) => {
            eprintln!("mqbroker: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "The broker[{name}, {}] boot success. serializeType=JSON, store in {}",
        handle.local_addr(),
        store_dir.display()
    );
    shutdown.wait().await;
    tracing::info!("shutdown signal received, stopping the broker");
    handle.shutdown().await;
    println!("The broker[{name}] shut down.");
    ExitCode::SUCCESS
}

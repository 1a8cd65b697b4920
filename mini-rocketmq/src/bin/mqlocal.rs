//! `mqlocal`: a whole RocketMQ on your laptop in one command — a name server
//! and a broker in one process.
//!
//! ```text
//! cargo run --release --bin mqlocal                      # namesrv :9876, broker :10911
//! cargo run --release --bin mqlocal -- --store /tmp/mq   # data somewhere else
//! cargo run --release --bin mqlocal -- --namesrv-port 19876 --broker-port 20911
//! ```
//!
//! Any RocketMQ client on the same machine can then use `127.0.0.1:9876` as
//! its name server. Both servers listen on 127.0.0.1 only and the broker
//! advertises 127.0.0.1, so nothing outside the machine can reach them and
//! nothing dials another address. To serve other machines, pass
//! `--broker-ip <this machine's address>`: then both listen on every
//! interface and the broker advertises that address.
//! The data (CommitLog, consume queues, `config/*.json`, the name server's
//! KV config) lives under the folder printed at start-up, by default
//! `./mini-rocketmq-data`, and survives restarts. Topics are created on
//! first use (`autoCreateTopicEnable=true`).
//!
//! This is the same `NamesrvController` and `BrokerController` that
//! `mqnamesrv` and `mqbroker` run, just started side by side; the broker
//! registers with the name server over TCP exactly as it would across
//! machines. Ctrl-C or SIGTERM stops both cleanly (broker first).

#[path = "shared/server_main.rs"]
mod server_main;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use mini_rocketmq::broker::{BrokerConfig, BrokerController};
use mini_rocketmq::namesrv::{NamesrvConfig, NamesrvController};
use mini_rocketmq::store::config::MessageStoreConfig;

/// mimalloc instead of the system allocator: every request allocates a few
/// small strings (header fields), and glibc's malloc shows up at ~10% of a
/// loaded broker's CPU where mimalloc costs a fraction of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Run a name server and a broker in one process (mini-rocketmq local mode).
#[derive(Parser, Debug)]
#[command(name = "mqlocal", version)]
struct Cli {
    /// Folder for all data (created if missing).
    #[arg(long, value_name = "DIR", default_value = "./mini-rocketmq-data")]
    store: PathBuf,

    /// Name server port.
    #[arg(long, default_value_t = 9876)]
    namesrv_port: u16,

    /// Broker port (clients connect here after the route lookup).
    #[arg(long, default_value_t = 10911)]
    broker_port: u16,

    /// Address the broker advertises (brokerIP1). The default keeps both
    /// servers on loopback; give this machine's LAN address to serve other
    /// machines (both servers then listen on every interface).
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    broker_ip: std::net::IpAddr,

    /// SYNC_FLUSH: every send waits for the disk (slower, survives power loss).
    #[arg(long)]
    sync_flush: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    server_main::init_logging();
    server_main::run_on_runtime("mqlocal", run(cli))
}

async fn run(cli: Cli) -> ExitCode {
    // Before anything can announce "up": see `ShutdownSignal`.
    let shutdown = server_main::ShutdownSignal::install();
    if let Err(e) = std::fs::create_dir_all(&cli.store) {
        eprintln!("mqlocal: cannot create {}: {e}", cli.store.display());
        return ExitCode::FAILURE;
    }
    let data = std::fs::canonicalize(&cli.store).unwrap_or(cli.store.clone());

    let namesrv_config = NamesrvConfig {
        listen_port: cli.namesrv_port,
        kv_config_path: data.join("namesrv").join("kvConfig.json"),
        ..NamesrvConfig::default()
    };
    // Loopback in, loopback out: with the default broker address nothing
    // but this machine can reach either server.
    let listen_ip = if cli.broker_ip.is_loopback() {
        cli.broker_ip
    } else {
        std::net::IpAddr::from([0, 0, 0, 0])
    };
    let listen = std::net::SocketAddr::new(listen_ip, cli.namesrv_port).to_string();
    let namesrv = match NamesrvController::new(namesrv_config).start(&listen).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("mqlocal: name server cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The broker registers over loopback whatever it advertises; clients
    // elsewhere are told the address they can reach.
    let port = namesrv.local_addr().port();
    let local_ip = if cli.broker_ip.is_loopback() {
        cli.broker_ip
    } else {
        std::net::IpAddr::from([127, 0, 0, 1])
    };
    let namesrv_addr = std::net::SocketAddr::new(local_ip, port).to_string();
    let namesrv_advertised = std::net::SocketAddr::new(cli.broker_ip, port);

    let broker_config = BrokerConfig {
        namesrv_addr: namesrv_addr.clone(),
        broker_ip1: cli.broker_ip.to_string(),
        broker_ip2: cli.broker_ip.to_string(),
        listen_port: cli.broker_port,
        ..BrokerConfig::default()
    };
    let mut store_config = MessageStoreConfig::with_root(data.join("store"));
    if cli.sync_flush {
        // A known value: cannot fail.
        let _ = store_config.set_property("flushDiskType", "SYNC_FLUSH");
    }
    let broker = match BrokerController::new(broker_config, store_config) {
        Ok(c) => match c.start().await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("mqlocal: broker: {e}");
                namesrv.shutdown().await;
                return ExitCode::FAILURE;
            }
        },
        Err(e) => {
            eprintln!("mqlocal: broker: {e}");
            namesrv.shutdown().await;
            return ExitCode::FAILURE;
        }
    };

    println!("mini-rocketmq is running");
    println!("  name server  {namesrv_advertised}   (use this as the client's namesrvAddr)");
    println!("  broker       broker-a at {}", broker.local_addr());
    println!("  data         {}", data.display());
    println!("Press Ctrl-C to stop.");

    shutdown.wait().await;
    tracing::info!("shutdown signal received");
    broker.shutdown().await;
    namesrv.shutdown().await;
    println!("mini-rocketmq stopped; data kept in {}", data.display());
    ExitCode::SUCCESS
}

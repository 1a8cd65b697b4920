//! `mqnamesrv`: start a name server, the way RocketMQ's `bin/mqnamesrv` does.
//!
//! Mirrors `org.apache.rocketmq.namesrv.NamesrvStartup`:
//!
//! ```text
//! mqnamesrv                          # listen on 0.0.0.0:9876
//! mqnamesrv -c conf/namesrv.properties
//! mqnamesrv -c conf/namesrv.properties -p   # print the effective config and exit
//! mqnamesrv --help                   # every option and every property, explained
//! ```
//!
//! The properties file is Java's `key=value` format with RocketMQ's names
//! (`listenPort=9876`, `scanNotActiveBrokerInterval=5000` …). Unknown keys
//! are reported and ignored, as Java ignores them; a value that does not
//! parse stops the start-up with a message naming the key.
//!
//! Logs go to stderr through `tracing`; set `RUST_LOG` (default `info`), e.g.
//! `RUST_LOG=mini_rocketmq::namesrv=debug`. Ctrl-C or SIGTERM shuts the
//! server down cleanly: it stops accepting, closes connections and exits 0.

#[path = "shared/server_main.rs"]
mod server_main;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};

use mini_rocketmq::common::properties_file::PropertiesFile;
use mini_rocketmq::namesrv::{NamesrvConfig, NamesrvController};

/// Apache RocketMQ name server (mini-rocketmq).
#[derive(Parser, Debug)]
#[command(name = "mqnamesrv", version)]
struct Cli {
    /// Name server config properties file (key=value lines, RocketMQ property names).
    #[arg(short = 'c', long = "configFile", value_name = "FILE")]
    config_file: Option<PathBuf>,

    /// Print all config items (the effective configuration) and exit.
    #[arg(short = 'p', long = "printConfigItem")]
    print_config_item: bool,
}

/// The `--help` epilogue: every property with its default and meaning.
fn properties_help() -> String {
    let mut text = String::from("Properties (for the -c file; defaults in brackets):\n");
    for (name, default, help) in NamesrvConfig::property_help() {
        text.push_str(&format!("  {name} [{default}]\n      {help}\n"));
    }
    text.push_str(
        "\nEnvironment:\n  RUST_LOG   log filter, default \"info\" (e.g. RUST_LOG=debug)\n",
    );
    text
}

/// Build the config: defaults, then the `-c` file.
fn load_config(cli: &Cli) -> Result<NamesrvConfig, String> {
    let mut config = NamesrvConfig::default();
    if let Some(path) = &cli.config_file {
        let file = PropertiesFile::load(path).map_err(|e| e.to_string())?;
        for (key, value) in &file.entries {
            match config.set_property(key, value) {
                Ok(true) => {}
                Ok(false) => eprintln!("ignoring unknown property {key}={value}"),
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        }
        // Java remembers where the config came from.
        config.config_store_path = path.clone();
        println!("load config properties file OK, {}", path.display());
    }
    Ok(config)
}

fn main() -> ExitCode {
    let command = Cli::command()
        .after_help("Run with --help to list every property of the -c file.")
        .after_long_help(properties_help());
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };

    let config = match load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mqnamesrv: {e}");
            return ExitCode::FAILURE;
        }
    };

    if cli.print_config_item {
        for (name, value) in config.properties() {
            println!("{name}={value}");
        }
        return ExitCode::SUCCESS;
    }

    server_main::init_logging();

    server_main::run_on_runtime("mqnamesrv", run(config))
}

async fn run(config: NamesrvConfig) -> ExitCode {
    // Before anything can announce "up": see `ShutdownSignal`.
    let shutdown = server_main::ShutdownSignal::install();
    let listen = format!("{}:{}", config.bind_address, config.listen_port);
    let handle = match NamesrvController::new(config).start(&listen).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("mqnamesrv: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tip = format!(
        "The Name Server boot success. serializeType=JSON, address {}",
        handle.local_addr()
    );
    tracing::info!("{tip}");
    println!("{tip}");

    shutdown.wait().await;
    tracing::info!("shutdown signal received, stopping the name server");
    handle.shutdown().await;
    println!("The Name Server shut down.");
    ExitCode::SUCCESS
}

//! # mini-rocketmq
//!
//! The finished system the workbook's chapters build toward: a name server, a
//! broker with a file-backed store, clients and tools, speaking Apache
//! RocketMQ's remoting protocol so that RocketMQ clients written by others can
//! produce and consume through it.
//!
//! ## Layout
//!
//! The modules mirror RocketMQ's Maven modules, and files are named after the
//! Java classes they stand for, so the Java source can be read beside ours:
//!
//! | module | RocketMQ module | what lives there |
//! |---|---|---|
//! | [`remoting`] | `remoting` | `RemotingCommand`, the frame codec (JSON and ROCKETMQ headers), request/response codes, typed headers, the TCP server and client |
//! | [`common`] | `common` | messages and their properties, topic configs, route data, data versions, names and limits, the wall clock ([`common::system_clock`]) |
//! | [`namesrv`] | `namesrv` | `RouteInfoManager` with its five tables (REGISTER_BROKER's steps in `route_info_manager/register_broker.rs`), the request processors, `NamesrvController` |
//! | [`store`] | `store` | `MappedFile`, `MappedFileQueue`, `CommitLog`, `ConsumeQueue`, the dispatcher, flush, checkpoint and recovery |
//! | [`broker`] | `broker` | [`broker::broker_startup`] (`BrokerStartup`: config → controller), [`broker::controller`] (`BrokerController`: initialize, start, `registerProcessor`, shutdown), topic/offset/group managers, client tables, one file per processor in [`broker::processor`], long polling in [`broker::longpolling`] |
//! | [`client`] | `client` | `MQClientAPIImpl` and the results it returns, `MQClientInstance` and `MQClientManager`, `DefaultMQProducer`, push and lite pull consumers, rebalance |
//!
//! ## Which way the imports point
//!
//! Each module uses only the ones below it in this picture (and every one
//! uses `common`); inside `broker` and `client` the files form no import
//! circle either (their module docs say how).
//! `python3 mini-rocketmq/scripts/imports.py broker client` prints the import
//! graph's circles, back arrows and floors, and
//! `python3 mini-rocketmq/scripts/imports.py --long 10` the longest functions.
//!
//! ```text
//!   namesrv      broker        client
//!      │        │      │          │
//!      │        │      ▼          │
//!      │        │    store        │
//!      ▼        ▼      │          ▼
//!   ─────── remoting ──┼──────────────
//!              │       │
//!              ▼       ▼
//!               common
//! ```
//!
//! References: a comment that cites RocketMQ names the Java `Class#method`
//! and its file in apache/rocketmq (`tests/references.rs` refuses a
//! citation of any document that is not in this repository).
//!
//! The binaries (`src/bin/`) are `mqnamesrv`, `mqbroker`, `mqlocal` (both in
//! one process), `mqadmin` and `mqbench`.
//!
//! [`fuzzing`] holds the bodies of the fuzz targets in `fuzz/` (decoders fed
//! arbitrary bytes), so stable `cargo test` can replay their corpora.

pub mod broker;
pub mod client;
pub mod common;
pub mod fuzzing;
pub mod namesrv;
pub mod remoting;
pub mod store;

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
//! | [`common`] | `common` | messages and their properties, topic configs, route data, data versions, names and limits |
//! | [`namesrv`] | `namesrv` | `RouteInfoManager` with its five tables, the request processor, `NamesrvController` |
//! | [`store`] | `store` | `MappedFile`, `MappedFileQueue`, `CommitLog`, `ConsumeQueue`, the dispatcher, flush, checkpoint and recovery |
//! | [`broker`] | `broker` | `BrokerController`, topic and offset managers, the send/pull/admin processors, long polling |
//! | [`client`] | `client` | `MQClientInstance`, `DefaultMQProducer`, push and pull consumers, rebalance |
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

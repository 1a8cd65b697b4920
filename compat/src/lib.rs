//! # compat — mini-rocketmq against a client nobody on the team wrote
//!
//! The tests in `tests/` start our name server and broker in-process on
//! loopback and drive them with `rocketmq-client-rust` 1.0.0 from crates.io.
//! The bin `client_bench` drives the same client's producer for throughput and
//! latency figures against any RocketMQ-protocol name server.
//!
//! This crate is its own cargo workspace (see `Cargo.toml`) so the
//! third-party client's long build stays out of the main workspace's loop.
//!
//! | module | what it is for |
//! |---|---|
//! | [`rust_client`] | building the third-party producer / push consumer, recording what it consumes |
//! | [`cluster`] | our name server + broker in-process on free ports, for tests and captures |
//! | [`wire_tap`] | a logging proxy that decodes every remoting frame between a client and a server |

pub mod cluster;
pub mod rust_client;
pub mod wire_tap;

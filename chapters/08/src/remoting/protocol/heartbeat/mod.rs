//! What consumers tell brokers about themselves (Java package
//! `remoting.protocol.heartbeat`); chapter 10 adds the heartbeat itself.

pub mod subscription_data;

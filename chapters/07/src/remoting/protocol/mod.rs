//! The typed headers and bodies that ride in a `RemotingCommand`
//! (Java package `org.apache.rocketmq.remoting.protocol`).

pub mod body;
pub mod header;
pub mod heartbeat;

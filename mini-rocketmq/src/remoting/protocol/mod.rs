//! What travels inside a command — Java package `org.apache.rocketmq.remoting.protocol`
//! minus the command itself: typed custom headers ([`header`]) that flatten
//! into `extFields`, and the JSON bodies ([`body`]) some commands carry.

pub mod body;
pub mod header;

//! JSON bodies, one file each (Java package `remoting.protocol.body`).

pub mod register_broker_body;

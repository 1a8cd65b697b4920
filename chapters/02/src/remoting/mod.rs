//! Remoting: the one message shape ([`command::RemotingCommand`]), the codes it
//! carries, the typed headers and bodies, and the in-process transport that
//! delivers it until Part V replaces it with TCP.

pub mod code;
pub mod command;
pub mod error;
pub mod protocol;
pub mod transport;

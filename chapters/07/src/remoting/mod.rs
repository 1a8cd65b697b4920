//! Remoting: the one message shape ([`command::RemotingCommand`]), the codes it
//! carries, the typed headers and bodies, the in-process transport that
//! delivers it until Part V replaces it with TCP, and a server's table of
//! processors by request code.

pub mod code;
pub mod command;
pub mod error;
pub mod protocol;
pub mod server;
pub mod transport;

//! `ClientChannelInfo`: one client connection as the broker's client tables see it.
//!
//! Mirrors `org.apache.rocketmq.broker.client.ClientChannelInfo`: the
//! connection, the client id it announced in its heartbeat, its language and
//! protocol version (shown by `mqadmin consumerConnection`), and when it last
//! sent a heartbeat. A connection that stays silent for
//! `channelExpiredTimeout` (120 s) is dropped by the housekeeping scan.

use tokio::time::Instant;

use crate::remoting::channel::Channel;
use crate::remoting::command::LanguageCode;

#[derive(Clone)]
pub struct ClientChannelInfo {
    pub channel: Channel,
    pub client_id: String,
    pub language: LanguageCode,
    pub version: i32,
    /// Last heartbeat. A tokio `Instant`, so tests can move time with the
    /// paused clock instead of waiting 120 s.
    pub last_update: Instant,
}

impl ClientChannelInfo {
    pub fn new(
        channel: Channel,
        client_id: impl Into<String>,
        language: LanguageCode,
        version: i32,
    ) -> Self {
        ClientChannelInfo {
            channel,
            client_id: client_id.into(),
            language,
            version,
            last_update: Instant::now(),
        }
    }

    /// The connection's id: the key of every client table.
    pub fn channel_id(&self) -> u64 {
        self.channel.id()
    }
}

impl std::fmt::Debug for ClientChannelInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientChannelInfo")
            .field("remote", &self.channel.remote_addr())
            .field("client_id", &self.client_id)
            .field("language", &self.language)
            .field("version", &self.version)
            .finish()
    }
}

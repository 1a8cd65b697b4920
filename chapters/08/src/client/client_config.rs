//! `ClientConfig` — the settings every client (producer, consumer, admin
//! tool) shares. Mirrors `org.apache.rocketmq.client.ClientConfig`.

/// Where the name servers are and who this client is.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `namesrvAddr`: name servers, `;`-separated. A client asks the first
    /// one; Java picks one at random and sticks to it until it fails.
    pub namesrv_addr: String,
    /// `clientIP`: Java finds the machine's address; ours is given.
    pub client_ip: String,
    /// `instanceName`, default `DEFAULT`. Java replaces `DEFAULT` by
    /// `pid#nanoTime` when a client starts, so that two producers in one JVM
    /// get two instances unless they set the same name on purpose; we keep
    /// the name as given, which keeps the client id out of the wall clock.
    pub instance_name: String,
    /// `pollNameServerInterval`, default 30000 ms: how often a client asks
    /// the name server again for the route of every topic it uses.
    pub poll_name_server_interval: u64,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            namesrv_addr: String::new(),
            client_ip: "127.0.0.1".to_string(),
            instance_name: "DEFAULT".to_string(),
            poll_name_server_interval: 30_000,
        }
    }
}

impl ClientConfig {
    /// `ClientConfig#buildMQClientId`: `clientIP@instanceName`. Clients with
    /// the same id share one `MQClientInstance` (one route cache, one set of
    /// connections); Java appends `@unitName` when a unit name is set.
    pub fn build_mq_client_id(&self) -> String {
        format!("{}@{}", self.client_ip, self.instance_name)
    }

    /// The name server a client asks: the first one configured.
    pub fn first_namesrv_addr(&self) -> Option<&str> {
        self.namesrv_addr
            .split(';')
            .map(str::trim)
            .find(|addr| !addr.is_empty())
    }
}

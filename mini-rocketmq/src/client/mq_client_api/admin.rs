//! What `mqadmin` asks brokers and name servers: topics, runtime figures,
//! statistics, connections, messages by id or key, offset resets.

#[allow(unused_imports)]
use super::*;

impl MQClientAPIImpl {
    /// UPDATE_AND_CREATE_TOPIC (17) on one broker.
    pub async fn create_topic(
        &self,
        addr: &str,
        default_topic: &str,
        config: &TopicConfig,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = CreateTopicRequestHeader {
            topic: config.topic_name.clone(),
            default_topic: default_topic.to_string(),
            read_queue_nums: config.read_queue_nums,
            write_queue_nums: config.write_queue_nums,
            perm: config.perm,
            topic_filter_type: config.topic_filter_type.as_str().to_string(),
            topic_sys_flag: Some(config.topic_sys_flag),
            order: config.order,
            ..Default::default()
        };
        let request = request_with_header(request_code::UPDATE_AND_CREATE_TOPIC, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// DELETE_TOPIC_IN_BROKER (215).
    pub async fn delete_topic_in_broker(
        &self,
        addr: &str,
        topic: &str,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = DeleteTopicRequestHeader {
            topic: topic.to_string(),
        };
        let request = request_with_header(request_code::DELETE_TOPIC_IN_BROKER, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// GET_BROKER_RUNTIME_INFO (28): the broker's key/value status table.
    pub async fn get_broker_runtime_info(
        &self,
        addr: &str,
        timeout: Duration,
    ) -> MQResult<BTreeMap<String, String>> {
        let request = request(request_code::GET_BROKER_RUNTIME_INFO);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        KVTable::decode(&body)
            .map(|t| t.table)
            .map_err(|e| bad_body(addr, "KVTable", e))
    }

    /// GET_TOPIC_STATS_INFO (202): min/max offsets of every queue of a topic
    /// on one broker.
    pub async fn get_topic_stats_info(
        &self,
        addr: &str,
        topic: &str,
        timeout: Duration,
    ) -> MQResult<TopicStatsTable> {
        let header = GetTopicStatsInfoRequestHeader {
            topic: topic.to_string(),
        };
        let request = request_with_header(request_code::GET_TOPIC_STATS_INFO, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        TopicStatsTable::decode(&body).map_err(|e| bad_body(addr, "TopicStatsTable", e))
    }

    /// GET_CONSUME_STATS (208): a group's progress on one broker.
    pub async fn get_consume_stats(
        &self,
        addr: &str,
        group: &str,
        topic: Option<&str>,
        timeout: Duration,
    ) -> MQResult<ConsumeStats> {
        let header = GetConsumeStatsRequestHeader {
            consumer_group: group.to_string(),
            topic: topic.map(str::to_string),
            ..Default::default()
        };
        let request = request_with_header(request_code::GET_CONSUME_STATS, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        ConsumeStats::decode(&body).map_err(|e| bad_body(addr, "ConsumeStats", e))
    }

    /// GET_CONSUMER_CONNECTION_LIST (203): the group's members as one broker
    /// sees them.
    pub async fn get_consumer_connection_list(
        &self,
        addr: &str,
        group: &str,
        timeout: Duration,
    ) -> MQResult<ConsumerConnection> {
        let header = GetConsumerConnectionListRequestHeader {
            consumer_group: group.to_string(),
        };
        let request = request_with_header(request_code::GET_CONSUMER_CONNECTION_LIST, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        ConsumerConnection::decode(&body).map_err(|e| bad_body(addr, "ConsumerConnection", e))
    }

    /// INVOKE_BROKER_TO_RESET_OFFSET (222): the broker moves `group`'s
    /// offsets on `topic` to the first message stored at `timestamp_ms`
    /// (`-1`: the end of each queue) and tells the online members
    /// (RESET_CONSUMER_CLIENT_OFFSET). Returns the new offsets.
    pub async fn invoke_broker_to_reset_offset(
        &self,
        addr: &str,
        topic: &str,
        group: &str,
        timestamp_ms: i64,
        force: bool,
        timeout: Duration,
    ) -> MQResult<BTreeMap<MessageQueue, i64>> {
        let header = ResetOffsetRequestHeader {
            group: group.to_string(),
            topic: topic.to_string(),
            queue_id: -1,
            offset: None,
            timestamp: timestamp_ms,
            is_force: force,
        };
        let request = request_with_header(request_code::INVOKE_BROKER_TO_RESET_OFFSET, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        if body.is_empty() {
            return Ok(BTreeMap::new());
        }
        ResetOffsetBody::decode(&body)
            .map(|b| b.offset_table)
            .map_err(|e| bad_body(addr, "ResetOffsetBody", e))
    }

    /// VIEW_MESSAGE_BY_ID (33): the message at a CommitLog offset (the
    /// second half of an offset msgId, Java `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`).
    pub async fn view_message(
        &self,
        addr: &str,
        phy_offset: i64,
        timeout: Duration,
    ) -> MQResult<MessageExt> {
        let header = ViewMessageRequestHeader {
            offset: phy_offset,
            ..Default::default()
        };
        let request = request_with_header(request_code::VIEW_MESSAGE_BY_ID, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        message_decoder::decode(&body, true, true).map_err(|e| {
            MQClientError::client(format!("{addr} returned an undecodable message: {e}"))
        })
    }

    /// QUERY_MESSAGE (12): messages of `topic` whose key (or, with
    /// `uniq_key`, whose UNIQ_KEY) is `key`, stored between the timestamps.
    /// Nothing found is QUERY_NOT_FOUND, an error whose remark says why (a
    /// broker without index files says so there).
    #[allow(clippy::too_many_arguments)]
    pub async fn query_message(
        &self,
        addr: &str,
        topic: &str,
        key: &str,
        max_num: i32,
        begin_timestamp: i64,
        end_timestamp: i64,
        uniq_key: bool,
        timeout: Duration,
    ) -> MQResult<QueryResult> {
        let header = QueryMessageRequestHeader {
            topic: topic.to_string(),
            key: key.to_string(),
            max_num,
            begin_timestamp,
            end_timestamp,
        };
        let mut request = request_with_header(request_code::QUERY_MESSAGE, &header);
        if uniq_key {
            request = request.with_ext("_UNIQUE_KEY_QUERY", "true");
        }
        let response = self.invoke(addr, request, timeout).await?;
        match response.code {
            response_code::SUCCESS => {
                let last = response
                    .ext("indexLastUpdateTimestamp")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let body = response.body.unwrap_or_default();
                Ok(QueryResult {
                    index_last_update_timestamp: last,
                    message_list: message_decoder::decodes_batch(&body, true, true),
                })
            }
            code => Err(MQClientError::broker(
                code,
                response.remark.as_deref(),
                addr,
            )),
        }
    }
}

//! Offsets: the group's committed position (QUERY/UPDATE_CONSUMER_OFFSET)
//! and a queue's own bounds (GET_MAX/MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP,
//! GET_EARLIEST_MSG_STORETIME).

#[allow(unused_imports)]
use super::*;

impl MQClientAPIImpl {
    /// QUERY_CONSUMER_OFFSET (14). `Ok(None)` when the broker has no offset
    /// for the group and queue (QUERY_NOT_FOUND).
    pub async fn query_consumer_offset(
        &self,
        addr: &str,
        group: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<Option<i64>> {
        let header = QueryConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            set_zero_if_not_found: Some(false),
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::QUERY_CONSUMER_OFFSET, &header);
        let response = self.invoke(addr, request, timeout).await?;
        match response.code {
            response_code::SUCCESS => read_offset(addr, &response).map(Some),
            response_code::QUERY_NOT_FOUND => Ok(None),
            code => Err(MQClientError::broker(
                code,
                response.remark.as_deref(),
                addr,
            )),
        }
    }

    fn update_offset_request(group: &str, mq: &MessageQueue, offset: i64) -> RemotingCommand {
        let header = UpdateConsumerOffsetRequestHeader {
            consumer_group: group.to_string(),
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            commit_offset: offset,
            broker_name: Some(mq.broker_name.clone()),
        };
        request_with_header(request_code::UPDATE_CONSUMER_OFFSET, &header)
    }

    /// UPDATE_CONSUMER_OFFSET (15), waiting for the answer (shutdown, tools).
    pub async fn update_consumer_offset(
        &self,
        addr: &str,
        group: &str,
        mq: &MessageQueue,
        offset: i64,
        timeout: Duration,
    ) -> MQResult<()> {
        let request = Self::update_offset_request(group, mq, offset);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// UPDATE_CONSUMER_OFFSET (15) oneway — what the 5 s timer sends.
    pub async fn update_consumer_offset_oneway(
        &self,
        addr: &str,
        group: &str,
        mq: &MessageQueue,
        offset: i64,
    ) -> MQResult<()> {
        let mut request = Self::update_offset_request(group, mq, offset);
        request.mark_oneway();
        Ok(self.remoting_client.invoke_oneway(addr, request).await?)
    }

    /// GET_MAX_OFFSET (30): one past the last message of the queue.
    pub async fn get_max_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = GetMaxOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            broker_name: Some(mq.broker_name.clone()),
            ..Default::default()
        };
        let request = request_with_header(request_code::GET_MAX_OFFSET, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        read_offset(addr, &response)
    }

    /// GET_MIN_OFFSET (31): the oldest offset still stored.
    pub async fn get_min_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = GetMinOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::GET_MIN_OFFSET, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        read_offset(addr, &response)
    }

    /// SEARCH_OFFSET_BY_TIMESTAMP (29): the first offset stored at or after
    /// `timestamp_ms` (LOWER) or the last one at or before it (UPPER).
    pub async fn search_offset(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timestamp_ms: i64,
        boundary: BoundaryType,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = SearchOffsetRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            timestamp: timestamp_ms,
            boundary_type: Some(boundary),
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::SEARCH_OFFSET_BY_TIMESTAMP, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        read_offset(addr, &response)
    }

    /// GET_EARLIEST_MSG_STORETIME (32).
    pub async fn get_earliest_msg_storetime(
        &self,
        addr: &str,
        mq: &MessageQueue,
        timeout: Duration,
    ) -> MQResult<i64> {
        let header = GetEarliestMsgStoretimeRequestHeader {
            topic: mq.topic.clone(),
            queue_id: mq.queue_id,
            broker_name: Some(mq.broker_name.clone()),
        };
        let request = request_with_header(request_code::GET_EARLIEST_MSG_STORETIME, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        response
            .ext("timestamp")
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| {
                MQClientError::client(format!(
                    "{addr} sent no timestamp in GET_EARLIEST_MSG_STORETIME"
                ))
            })
    }
}

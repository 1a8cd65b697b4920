//! Client management: heartbeats, leaving, the group's member list, sending
//! a message back for a later retry, and queue locks.

#[allow(unused_imports)]
use super::*;

impl MQClientAPIImpl {
    /// HEART_BEAT (34) with a pre-encoded `HeartbeatData` body.
    pub async fn send_heartbeat(&self, addr: &str, body: Bytes, timeout: Duration) -> MQResult<()> {
        let request = request(request_code::HEART_BEAT).with_body(body);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// UNREGISTER_CLIENT (35).
    pub async fn unregister_client(
        &self,
        addr: &str,
        client_id: &str,
        producer_group: Option<&str>,
        consumer_group: Option<&str>,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = UnregisterClientRequestHeader {
            client_id: client_id.to_string(),
            producer_group: producer_group.map(str::to_string),
            consumer_group: consumer_group.map(str::to_string),
        };
        let request = request_with_header(request_code::UNREGISTER_CLIENT, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// GET_CONSUMER_LIST_BY_GROUP (38): the client ids of a group's members.
    pub async fn get_consumer_id_list_by_group(
        &self,
        addr: &str,
        group: &str,
        timeout: Duration,
    ) -> MQResult<Vec<String>> {
        let header = GetConsumerListByGroupRequestHeader {
            consumer_group: group.to_string(),
        };
        let request = request_with_header(request_code::GET_CONSUMER_LIST_BY_GROUP, &header);
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        GetConsumerListByGroupResponseBody::decode(&body)
            .map(|b| b.consumer_id_list)
            .map_err(|e| bad_body(addr, "GetConsumerListByGroupResponseBody", e))
    }

    /// CONSUMER_SEND_MSG_BACK (36): "consume this again later". The broker
    /// re-stores the message in `%RETRY%<group>` with a delay, or in
    /// `%DLQ%<group>` once it has failed too often (Java `AbstractSendMessageProcessor#consumerSendMsgBack`, `broker/src/main/java/org/apache/rocketmq/broker/processor/AbstractSendMessageProcessor.java`).
    #[allow(clippy::too_many_arguments)]
    pub async fn consumer_send_message_back(
        &self,
        addr: &str,
        broker_name: &str,
        msg: &MessageExt,
        group: &str,
        delay_level: i32,
        max_reconsume_times: i32,
        timeout: Duration,
    ) -> MQResult<()> {
        let header = ConsumerSendMsgBackRequestHeader {
            offset: msg.commit_log_offset,
            group: group.to_string(),
            delay_level,
            origin_msg_id: Some(msg.msg_id.clone()),
            origin_topic: Some(msg.topic.clone()),
            unit_mode: false,
            max_reconsume_times: Some(max_reconsume_times),
            broker_name: Some(broker_name.to_string()),
        };
        let request = request_with_header(request_code::CONSUMER_SEND_MSG_BACK, &header);
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }

    /// LOCK_BATCH_MQ (41): returns the queues the broker locked for us.
    pub async fn lock_batch_mq(
        &self,
        addr: &str,
        body: &LockBatchRequestBody,
        timeout: Duration,
    ) -> MQResult<BTreeSet<MessageQueue>> {
        let request = request(request_code::LOCK_BATCH_MQ).with_body(body.encode());
        let response = self.invoke_ok(addr, request, timeout).await?;
        let body = response.body.unwrap_or_default();
        LockBatchResponseBody::decode(&body)
            .map(|b| b.lock_ok_mq_set)
            .map_err(|e| bad_body(addr, "LockBatchResponseBody", e))
    }

    /// UNLOCK_BATCH_MQ (42).
    pub async fn unlock_batch_mq(
        &self,
        addr: &str,
        body: &LockBatchRequestBody,
        timeout: Duration,
    ) -> MQResult<()> {
        let request = request(request_code::UNLOCK_BATCH_MQ).with_body(body.encode());
        self.invoke_ok(addr, request, timeout).await.map(|_| ())
    }
}

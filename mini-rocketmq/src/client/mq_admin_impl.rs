//! Queue-level questions any client may ask — Java `MQAdminImpl`:
//! a queue's min and max offset, the offset for a timestamp, a message by id,
//! messages by key.
//!
//! Each is a lookup of the right broker (the master of the queue's broker
//! group, refreshing the route once if the broker is unknown) followed by
//! one call of [`MQClientAPIImpl`](crate::client::mq_client_api::MQClientAPIImpl).
//! Consumers use it to find where to start; `mqadmin` uses it for its
//! message commands.

use std::sync::Arc;

use crate::client::client_instance::MQClientInstance;
use crate::client::exception::{MQClientError, MQResult};
use crate::client::mq_client_api::QueryResult;
use crate::common::message::MessageExt;
use crate::common::message_decoder;
use crate::common::message_queue::MessageQueue;
use crate::common::mix_all;
use crate::remoting::protocol::header::BoundaryType;

/// Java `MQAdminImpl`, borrowed from an instance.
#[derive(Debug, Clone, Copy)]
pub struct MQAdminImpl<'a> {
    instance: &'a Arc<MQClientInstance>,
}

impl<'a> MQAdminImpl<'a> {
    pub fn new(instance: &'a Arc<MQClientInstance>) -> Self {
        MQAdminImpl { instance }
    }

    /// The master address of `broker_name`, with one route refresh of
    /// `topic` if it is not known yet.
    pub async fn master_addr(&self, broker_name: &str, topic: &str) -> MQResult<Arc<str>> {
        let find = || {
            self.instance
                .find_broker_address_in_subscribe(broker_name, mix_all::MASTER_ID, true)
                .map(|r| r.broker_addr)
        };
        if let Some(addr) = find() {
            return Ok(addr);
        }
        self.instance
            .update_topic_route_info_from_name_server_for(topic, None)
            .await;
        find().ok_or_else(|| {
            MQClientError::client(format!("the broker [{broker_name}] does not exist"))
        })
    }

    fn timeout(&self) -> std::time::Duration {
        self.instance.config().mq_client_api_timeout
    }

    /// One past the last message of `mq`.
    pub async fn max_offset(&self, mq: &MessageQueue) -> MQResult<i64> {
        let addr = self.master_addr(&mq.broker_name, &mq.topic).await?;
        self.instance
            .api()
            .get_max_offset(&addr, mq, self.timeout())
            .await
    }

    /// The oldest offset of `mq` still stored.
    pub async fn min_offset(&self, mq: &MessageQueue) -> MQResult<i64> {
        let addr = self.master_addr(&mq.broker_name, &mq.topic).await?;
        self.instance
            .api()
            .get_min_offset(&addr, mq, self.timeout())
            .await
    }

    /// The first offset of `mq` stored at or after `timestamp_ms`.
    pub async fn search_offset(&self, mq: &MessageQueue, timestamp_ms: i64) -> MQResult<i64> {
        let addr = self.master_addr(&mq.broker_name, &mq.topic).await?;
        self.instance
            .api()
            .search_offset(&addr, mq, timestamp_ms, BoundaryType::Lower, self.timeout())
            .await
    }

    /// The readable queues of `topic`, from the name server.
    pub async fn fetch_subscribe_message_queues(&self, topic: &str) -> MQResult<Vec<MessageQueue>> {
        let route = self
            .instance
            .api()
            .get_topic_route_info_from_name_server(topic, self.timeout())
            .await?;
        Ok(crate::client::topic_publish_info::topic_route_data_to_subscribe_info(topic, &route))
    }

    /// A message by its offset msgId (store host + CommitLog offset, Java
    /// `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`): the id itself says which broker to ask.
    pub async fn view_message(&self, offset_msg_id: &str) -> MQResult<MessageExt> {
        let id = message_decoder::decode_message_id(offset_msg_id).map_err(|e| {
            MQClientError::client(format!("{offset_msg_id} is not an offset message id: {e}"))
        })?;
        self.instance
            .api()
            .view_message(&id.address.to_string(), id.offset, self.timeout())
            .await
    }

    /// Messages of `topic` with key `key` (or UNIQ_KEY, with `uniq_key`)
    /// from every master serving the topic.
    pub async fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin_ms: i64,
        end_ms: i64,
        uniq_key: bool,
    ) -> MQResult<Vec<MessageExt>> {
        let route = self
            .instance
            .api()
            .get_topic_route_info_from_name_server(topic, self.timeout())
            .await?;
        let mut found = Vec::new();
        let mut last_error = None;
        for bd in &route.broker_datas {
            let Some(addr) = bd.select_broker_addr() else {
                continue;
            };
            let result: MQResult<QueryResult> = self
                .instance
                .api()
                .query_message(
                    addr,
                    topic,
                    key,
                    max_num,
                    begin_ms,
                    end_ms,
                    uniq_key,
                    self.timeout(),
                )
                .await;
            match result {
                Ok(r) => found.extend(r.message_list.into_iter().filter(|m| {
                    // The index matches by hash; check the key for real.
                    if uniq_key {
                        m.uniq_key() == Some(key)
                    } else {
                        m.key_list().any(|k| k == key)
                    }
                })),
                Err(e) => last_error = Some(e),
            }
        }
        match (found.is_empty(), last_error) {
            (true, Some(e)) => Err(e),
            _ => Ok(found),
        }
    }
}

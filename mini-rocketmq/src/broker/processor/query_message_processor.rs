//! `QueryMessageProcessor`: finding stored messages — VIEW_MESSAGE_BY_ID and
//! QUERY_MESSAGE.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.QueryMessageProcessor`.
//! VIEW_MESSAGE_BY_ID is cheap: an offset message id *is* a CommitLog
//! position (store host + physical offset, Java `MessageDecoder#createMessageId`, `common/src/main/java/org/apache/rocketmq/common/message/MessageDecoder.java`), so the client decodes
//! the id and asks for the record at that offset; the body is the raw record.
//! QUERY_MESSAGE finds messages by key: the store's index files (Java `IndexService#queryOffset`, `store/src/main/java/org/apache/rocketmq/store/index/IndexService.java`)
//! map `topic#key` hashes to CommitLog offsets for every `KEYS` token and
//! every `UNIQ_KEY`; the store checks each hit against the record (hashes
//! collide) and the body is the matching records, concatenated. With the
//! extField `_UNIQUE_KEY_QUERY=true` (a lookup by client message id) the
//! limit is the store's `defaultQueryMaxNum`, as in Java.

use std::sync::Arc;

use super::{error_response, invalid_header};
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::header::query::{
    QueryMessageRequestHeader, QueryMessageResponseHeader, UNIQUE_MSG_QUERY_FLAG,
    ViewMessageRequestHeader,
};
use crate::store::config::MessageStoreConfig;
use crate::store::message_store::DefaultMessageStore;

pub struct QueryMessageProcessor {
    store_config: Arc<MessageStoreConfig>,
    store: DefaultMessageStore,
}

impl RequestProcessor for QueryMessageProcessor {
    fn process_request(
        &self,
        _channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>> {
        Box::pin(async move {
            Some(match request.code {
                request_code::VIEW_MESSAGE_BY_ID => self.view_message_by_id(&request),
                _ => self.query_message(&request),
            })
        })
    }
}

impl QueryMessageProcessor {
    pub fn new(store_config: Arc<MessageStoreConfig>, store: DefaultMessageStore) -> Self {
        QueryMessageProcessor {
            store_config,
            store,
        }
    }

    /// QUERY_MESSAGE (12): messages of a topic by key, within a time range.
    fn query_message(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: QueryMessageRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        let store = &self.store;
        let max_num = if request.ext(UNIQUE_MSG_QUERY_FLAG) == Some("true") {
            self.store_config.default_query_max_num
        } else {
            h.max_num.max(0) as usize
        };
        let result = store.query_message(
            &h.topic,
            &h.key,
            max_num,
            h.begin_timestamp,
            h.end_timestamp,
        );
        let header = QueryMessageResponseHeader {
            index_last_update_timestamp: result.index_last_update_timestamp,
            index_last_update_phyoffset: result.index_last_update_phyoffset,
        };
        if result.message_count == 0 {
            return RemotingCommand::new_response(
                response_code::QUERY_NOT_FOUND,
                "can not find message, maybe time range not correct".to_string(),
            )
            .with_header(&header);
        }
        RemotingCommand::new_response(response_code::SUCCESS, None)
            .with_header(&header)
            .with_body(result.body)
    }

    /// VIEW_MESSAGE_BY_ID (33): the raw record at a CommitLog offset.
    fn view_message_by_id(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: ViewMessageRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        match self.store.select_one_message_by_offset(h.offset) {
            Some(buffer) => RemotingCommand::new_response(response_code::SUCCESS, None)
                .with_body(buffer.into_bytes()),
            None => error_response(
                response_code::SYSTEM_ERROR,
                format!("can not find message by the offset, {}", h.offset),
            ),
        }
    }
}

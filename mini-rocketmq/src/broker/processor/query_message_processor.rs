//! `QueryMessageProcessor`: finding stored messages — VIEW_MESSAGE_BY_ID and
//! QUERY_MESSAGE.
//!
//! Mirrors `org.apache.rocketmq.broker.processor.QueryMessageProcessor`.
//! VIEW_MESSAGE_BY_ID is cheap: an offset message id *is* a CommitLog
//! position (store host + physical offset, facts §4.4), so the client decodes
//! the id and asks for the record at that offset; the body is the raw record.
//! QUERY_MESSAGE (by key or UNIQ_KEY) needs the index files (facts §5.3),
//! which this store does not build yet, so it is answered with a remark
//! saying so.

use std::sync::Arc;

use super::{error_response, invalid_header};
use crate::broker::controller::BrokerController;
use crate::remoting::channel::Channel;
use crate::remoting::code::{request_code, response_code};
use crate::remoting::command::RemotingCommand;
use crate::remoting::processor::{BoxFuture, RequestProcessor};
use crate::remoting::protocol::header::query::ViewMessageRequestHeader;

pub struct QueryMessageProcessor {
    broker: Arc<BrokerController>,
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
                _ => error_response(
                    response_code::QUERY_NOT_FOUND,
                    "can not find message: this broker builds no index files, query by message id instead".to_string(),
                ),
            })
        })
    }
}

impl QueryMessageProcessor {
    pub fn new(broker: Arc<BrokerController>) -> Self {
        QueryMessageProcessor { broker }
    }

    /// VIEW_MESSAGE_BY_ID (33): the raw record at a CommitLog offset.
    fn view_message_by_id(&self, request: &RemotingCommand) -> RemotingCommand {
        let h: ViewMessageRequestHeader = match request.decode_header() {
            Ok(h) => h,
            Err(e) => return invalid_header(request, &e),
        };
        match self.broker.store.select_one_message_by_offset(h.offset) {
            Some(buffer) => RemotingCommand::new_response(response_code::SUCCESS, None)
                .with_body(buffer.into_bytes()),
            None => error_response(
                response_code::SYSTEM_ERROR,
                format!("can not find message by the offset, {}", h.offset),
            ),
        }
    }
}

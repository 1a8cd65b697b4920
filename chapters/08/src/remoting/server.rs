//! `RemotingServer` — a server role's table of processors by request code.
//! Mirrors the `processorTable` and `defaultRequestProcessor` of
//! `org.apache.rocketmq.remoting.netty.NettyRemotingAbstract`.
//!
//! A name server answers everything with one processor. A broker has one
//! processor per kind of request (sending, pulling, offsets, admin) and
//! registers each under the codes it handles; whatever no processor claims
//! goes to the default processor, and with none of those either, the caller
//! gets REQUEST_CODE_NOT_SUPPORTED. The table is itself a
//! [`RequestProcessor`], so it plugs into the in-process network as one
//! listener; chapter 17 puts the same table behind a TCP socket.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::code::response_code;
use super::command::RemotingCommand;
use super::transport::{Channel, RequestProcessor};

#[derive(Default)]
pub struct RemotingServer {
    processor_table: BTreeMap<i32, Arc<dyn RequestProcessor>>,
    default_request_processor: Option<Arc<dyn RequestProcessor>>,
}

impl RemotingServer {
    /// `NettyRemotingServer#registerProcessor`.
    pub fn register_processor(&mut self, request_code: i32, processor: Arc<dyn RequestProcessor>) {
        self.processor_table.insert(request_code, processor);
    }

    /// `NettyRemotingServer#registerDefaultProcessor`.
    pub fn register_default_processor(&mut self, processor: Arc<dyn RequestProcessor>) {
        self.default_request_processor = Some(processor);
    }
}

impl RequestProcessor for RemotingServer {
    /// `NettyRemotingAbstract#processRequestCommand`: find the processor.
    fn process_request(&self, channel: &Channel, request: RemotingCommand) -> RemotingCommand {
        let processor = self
            .processor_table
            .get(&request.code)
            .or(self.default_request_processor.as_ref());
        match processor {
            Some(processor) => processor.process_request(channel, request),
            None => RemotingCommand::create_response_command(
                response_code::REQUEST_CODE_NOT_SUPPORTED,
                Some(format!(" request type {} not supported", request.code)),
            ),
        }
    }

    /// The same, for a processor that may hold the request.
    fn async_process_request(
        &self,
        channel: &Channel,
        request: RemotingCommand,
    ) -> Option<RemotingCommand> {
        match self.processor_table.get(&request.code) {
            Some(processor) => processor.async_process_request(channel, request),
            None => Some(self.process_request(channel, request)),
        }
    }
}

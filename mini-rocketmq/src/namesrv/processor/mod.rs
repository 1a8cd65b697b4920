//! The name server's request processors.
//!
//! Mirrors `org.apache.rocketmq.namesrv.processor`. Java registers two:
//!
//! - [`ClientRequestProcessor`] for GET_ROUTEINFO_BY_TOPIC only, on its own
//!   thread pool, because clients ask for routes far more often (every
//!   30 s, per topic, per client) than anything else happens;
//! - [`DefaultRequestProcessor`] as the default for every other code:
//!   broker registration, KV config, cluster info, topic admin.
//!
//! On tokio each request is simply a task, so the split is kept for the
//! mapping to Java rather than for isolation.
//!
//! Both answer a request whose header cannot be decoded (a required field
//! missing or unparsable) or whose body is malformed with SYSTEM_ERROR and
//! a remark that names the problem, as Java's framework does when a
//! processor throws; the connection stays open for the next request.

mod client_request_processor;
mod default_request_processor;

pub use client_request_processor::ClientRequestProcessor;
pub use default_request_processor::DefaultRequestProcessor;

use crate::remoting::code::response_code;
use crate::remoting::command::RemotingCommand;

/// A request that could not be processed; becomes a SYSTEM_ERROR response.
#[derive(Debug)]
pub(crate) struct ProcessError(pub String);

impl<E: std::error::Error> From<E> for ProcessError {
    fn from(e: E) -> Self {
        ProcessError(e.to_string())
    }
}

/// Turn a handler's outcome into the response to send.
pub(crate) fn into_response(
    request: &RemotingCommand,
    outcome: Result<RemotingCommand, ProcessError>,
) -> RemotingCommand {
    match outcome {
        Ok(response) => response,
        Err(ProcessError(remark)) => {
            tracing::warn!(
                code = request.code,
                name = request.code_name(),
                error = %remark,
                "process request failed"
            );
            RemotingCommand::new_response(response_code::SYSTEM_ERROR, remark)
        }
    }
}

/// A SUCCESS response without remark (Java `setCode(SUCCESS); setRemark(null)`).
pub(crate) fn success() -> RemotingCommand {
    RemotingCommand::new_response(response_code::SUCCESS, None)
}

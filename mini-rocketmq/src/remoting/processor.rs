//! Request processors — Java `NettyRequestProcessor` and the processor table
//! of `NettyRemotingAbstract`.
//!
//! A server (and a client, for the few requests a broker sends to clients)
//! routes each incoming request by its `code` to a processor. Java pairs each
//! processor with a thread pool; here a processor is an async function and
//! the connection decides how to run it (see [`connection`]).
//!
//! [`connection`]: crate::remoting::connection

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::remoting::channel::Channel;
use crate::remoting::command::RemotingCommand;

/// A boxed, sendable future — what a trait method can return until async
/// functions in `dyn` traits are stable.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Handles the requests of one or more codes.
pub trait RequestProcessor: Send + Sync + 'static {
    /// Return `Some(response)` to answer now (the connection copies the
    /// request's opaque and serialize type onto it), or `None` when there is
    /// nothing to send now: a oneway request, or a request held to be answered
    /// later through [`Channel::send_response`] (long polling).
    fn process_request(
        &self,
        channel: Channel,
        request: RemotingCommand,
    ) -> BoxFuture<'_, Option<RemotingCommand>>;

    /// Java `NettyRequestProcessor#rejectRequest`: `true` makes the connection
    /// answer SYSTEM_BUSY without calling [`process_request`](Self::process_request)
    /// (flow control, e.g. while the store's page cache is busy).
    fn reject_request(&self) -> bool {
        false
    }
}

/// Wraps an async closure as a processor — handy for tests and small servers.
///
/// ```
/// use mini_rocketmq::remoting::processor::processor_fn;
/// use mini_rocketmq::remoting::RemotingCommand;
///
/// let echo = processor_fn(|_channel, request: RemotingCommand| async move {
///     Some(RemotingCommand::new_response(0, None).with_body(request.body.unwrap_or_default()))
/// });
/// # let _ = echo;
/// ```
pub fn processor_fn<F, Fut>(f: F) -> Arc<dyn RequestProcessor>
where
    F: Fn(Channel, RemotingCommand) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<RemotingCommand>> + Send + 'static,
{
    struct FnProcessor<F>(F);

    impl<F, Fut> RequestProcessor for FnProcessor<F>
    where
        F: Fn(Channel, RemotingCommand) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<RemotingCommand>> + Send + 'static,
    {
        fn process_request(
            &self,
            channel: Channel,
            request: RemotingCommand,
        ) -> BoxFuture<'_, Option<RemotingCommand>> {
            Box::pin((self.0)(channel, request))
        }
    }

    Arc::new(FnProcessor(f))
}

/// Processors by request code, plus the default for every other code
/// (Java `processorTable` and `defaultRequestProcessorPair`).
#[derive(Clone, Default)]
pub struct ProcessorTable {
    by_code: HashMap<i32, Arc<dyn RequestProcessor>>,
    default: Option<Arc<dyn RequestProcessor>>,
}

impl ProcessorTable {
    pub fn register(&mut self, code: i32, processor: Arc<dyn RequestProcessor>) {
        self.by_code.insert(code, processor);
    }

    pub fn register_default(&mut self, processor: Arc<dyn RequestProcessor>) {
        self.default = Some(processor);
    }

    /// The processor for `code`: its own, else the default, else none (the
    /// connection then answers REQUEST_CODE_NOT_SUPPORTED).
    pub fn get(&self, code: i32) -> Option<&Arc<dyn RequestProcessor>> {
        self.by_code.get(&code).or(self.default.as_ref())
    }
}

/// Where a connection looks up processors. The server's table is fixed once
/// it starts, so it is shared without a lock; the client's can still grow
/// while connections are open, so it sits behind a lock (clients receive few
/// requests, so the lock is never hot).
pub(crate) trait ProcessorLookup: Send + Sync + 'static {
    fn processor_for(&self, code: i32) -> Option<Arc<dyn RequestProcessor>>;
}

impl ProcessorLookup for ProcessorTable {
    fn processor_for(&self, code: i32) -> Option<Arc<dyn RequestProcessor>> {
        self.get(code).cloned()
    }
}

impl ProcessorLookup for parking_lot::RwLock<ProcessorTable> {
    fn processor_for(&self, code: i32) -> Option<Arc<dyn RequestProcessor>> {
        self.read().get(code).cloned()
    }
}

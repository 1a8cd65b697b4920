//! The life of one TCP connection — what Java spreads over Netty's pipeline
//! (`NettyDecoder`, `NettyEncoder`, `IdleStateHandler`,
//! `NettyConnectManageHandler`) and `NettyRemotingAbstract#processMessageReceived`.
//!
//! Server and client connections are the same thing once open: either side
//! may send requests and responses. So both use `spawn`, which starts two
//! tasks per connection:
//!
//! ```text
//!            +--------------- reader task ----------------+
//! socket --> | read_buf (many frames per read)            |
//!            | decode each frame                          |
//!            |   response -> Channel's response table --> waiting invoke()
//!            |   request  -> processor (inline or spawned)|
//!            +--------------------------------------------+
//!                                     | Channel::send_response / send_oneway / invoke
//!                                     v
//!            +--------------- writer task ----------------+
//! socket <-- | recv_many from the queue, encode them all  |
//!            | into one buffer, one write per wake-up     |
//!            +--------------------------------------------+
//! ```
//!
//! **Why one writer task and a queue**: many tasks answer on the same
//! connection at once (every spawned processor, every pipelining caller).
//! Funnelling them through a queue gives each write syscall as many frames as
//! piled up meanwhile — under load, dozens — which is where most of the
//! throughput comes from. Netty gets the same effect from `write` + `flush`.
//!
//! **Why run a processor inline first**: most requests (a send into the page
//! cache, an offset query) finish without ever waiting. Spawning a task for
//! each costs more than the work, so the reader polls the processor's future
//! once on its own stack; only a future that is still pending (a disk flush,
//! a held long-poll) is moved into its own task. Either way a slow request
//! does not hold up the ones behind it.
//!
//! **Errors**: an undecodable frame, a frame cut off by the peer closing, an
//! I/O error — each closes *this* connection with a `tracing::warn!` naming the
//! peer and the reason (Java closes the channel too). Other connections keep
//! going. A processor that panics is answered SYSTEM_ERROR, like a Java
//! processor that throws.
//!
//! **Memory for incomplete frames** follows what has arrived, not what a
//! length prefix announces, and growth past the first 64 KiB is charged to a
//! budget shared by all connections of a server
//! ([`frame_memory`](crate::remoting::frame_memory)); a
//! connection that would take the budget past its limit is closed.
//!
//! **Idle**: with no read or write for `max_idle` (120 s by default, Java
//! `NettyServerConfig#serverChannelMaxIdleTimeSeconds`,
//! `remoting/src/main/java/org/apache/rocketmq/remoting/netty/NettyServerConfig.java`) the listener hears `on_channel_idle` and the connection is closed,
//! like Java's `IdleStateHandler(0, 0, 120)` + `NettyConnectManageHandler`.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::remoting::channel::{Channel, ChannelEventListener};
use crate::remoting::code::response_code;
use crate::remoting::codec;
use crate::remoting::command::RemotingCommand;
use crate::remoting::error::{FrameError, RemotingError};
use crate::remoting::frame_memory::FrameMemoryBudget;
use crate::remoting::processor::{ProcessorLookup, RequestProcessor};

/// A new connection's read buffer. Small, like Netty's adaptive receive
/// buffer (2 KiB to start): an idle connection should cost little, and the
/// buffer grows as soon as traffic fills it.
const INITIAL_READ_BUFFER: usize = 4 * 1024;
/// A busy connection's read buffer; growth beyond it (for a frame larger
/// than this) is charged to the shared incomplete-frame budget.
const READ_BUFFER: usize = 64 * 1024;
/// Read again only with at least this much free room, so a read is never tiny.
const MIN_READ_ROOM: usize = 4 * 1024;
/// At most this many queued commands are encoded into one write.
const WRITE_BATCH: usize = 512;
/// Bodies at least this large are written from their own buffer, not copied.
const LARGE_BODY: usize = 64 * 1024;
/// A write buffer that grew past this is given back after use.
const WRITE_BUFFER_KEEP: usize = 1024 * 1024;

/// Why the reader stopped.
enum CloseReason {
    /// We (or the writer, after a write error) asked to close.
    Requested,
    /// The peer closed cleanly between frames.
    PeerClosed,
    /// Nothing moved for `max_idle`.
    Idle,
    /// A read error or a malformed frame; already logged.
    Exception,
}

/// Starts the reader and writer tasks for an open connection and returns its
/// [`Channel`]. Must be called inside a tokio runtime. `max_idle` of zero
/// disables idle closing.
pub(crate) fn spawn(
    stream: TcpStream,
    processors: Arc<dyn ProcessorLookup>,
    listener: Option<Arc<dyn ChannelEventListener>>,
    max_idle: Duration,
    budget: Arc<FrameMemoryBudget>,
) -> std::io::Result<Channel> {
    // Requests and responses are small and latency-bound: never let Nagle
    // hold one back waiting for more bytes (Java sets TCP_NODELAY too).
    stream.set_nodelay(true)?;
    let remote = stream.peer_addr()?;
    let local = stream.local_addr()?;
    let (read_half, write_half) = stream.into_split();
    let (tx, rx) = mpsc::unbounded_channel();
    let channel = Channel::new(remote, local, tx);
    channel.touch();
    if let Some(listener) = &listener {
        listener.on_channel_connect(&channel);
    }
    let writer = tokio::spawn(write_loop(channel.clone(), write_half, rx));
    tokio::spawn(run_reader(
        channel.clone(),
        read_half,
        processors,
        listener,
        max_idle,
        budget,
        writer,
    ));
    Ok(channel)
}

/// The reader task: reads and dispatches until the connection ends, then
/// tears it down and tells the listener.
async fn run_reader(
    channel: Channel,
    read_half: OwnedReadHalf,
    processors: Arc<dyn ProcessorLookup>,
    listener: Option<Arc<dyn ChannelEventListener>>,
    max_idle: Duration,
    budget: Arc<FrameMemoryBudget>,
    writer: tokio::task::JoinHandle<Result<(), std::io::Error>>,
) {
    let mut reason = read_loop(&channel, read_half, &*processors, max_idle, &budget).await;

    // Stop the writer, fail every caller still waiting for a response, and
    // wait for the socket's write half to be dropped.
    channel.close();
    channel.mark_closed();
    if let Ok(Err(e)) = writer.await
        && matches!(reason, CloseReason::Requested)
    {
        tracing::warn!(peer = %channel.remote_addr(), error = %e, "closing connection: write failed");
        reason = CloseReason::Exception;
    }

    if let Some(listener) = &listener {
        match reason {
            CloseReason::Idle => listener.on_channel_idle(&channel),
            CloseReason::Exception => listener.on_channel_exception(&channel),
            CloseReason::Requested | CloseReason::PeerClosed => {}
        }
        listener.on_channel_close(&channel);
    }
    tracing::debug!(peer = %channel.remote_addr(), id = channel.id(), "connection closed");
    channel.mark_terminated();
}

async fn read_loop(
    channel: &Channel,
    mut read_half: OwnedReadHalf,
    processors: &dyn ProcessorLookup,
    max_idle: Duration,
    budget: &FrameMemoryBudget,
) -> CloseReason {
    let mut buf = BytesMut::with_capacity(INITIAL_READ_BUFFER);
    let mut charge = Charge { budget, bytes: 0 };
    // Created before the first `is_active` check, so a close() racing with
    // start-up is seen either through the flag or through this future.
    let close_requested = channel.inner.close_requested.notified();
    tokio::pin!(close_requested);
    let idle_enabled = !max_idle.is_zero();
    let idle_timer = tokio::time::sleep(if idle_enabled {
        max_idle
    } else {
        Duration::from_secs(3600)
    });
    tokio::pin!(idle_timer);

    loop {
        if !channel.is_active() {
            return CloseReason::Requested;
        }
        // Everything complete in the buffer is handled before reading again,
        // and before reacting to EOF: a oneway request that arrived right
        // before the peer closed is still processed.
        loop {
            match codec::decode(&mut buf) {
                Ok(Some(cmd)) => handle_command(channel, processors, cmd),
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(peer = %channel.remote_addr(), error = %e, "closing connection: undecodable frame");
                    return CloseReason::Exception;
                }
            }
        }
        if let Err(e) = make_room(&mut buf, &mut charge) {
            tracing::warn!(peer = %channel.remote_addr(), error = %e, "closing connection: incomplete-frame memory limit");
            return CloseReason::Exception;
        }
        tokio::select! {
            biased;
            _ = &mut close_requested => return CloseReason::Requested,
            read = read_half.read_buf(&mut buf) => match read {
                Ok(0) if buf.is_empty() => return CloseReason::PeerClosed,
                Ok(0) => {
                    let e = FrameError::Truncated { buffered: buf.len() };
                    tracing::warn!(peer = %channel.remote_addr(), error = %e, "closing connection: truncated frame");
                    return CloseReason::Exception;
                }
                Ok(_) => channel.touch(),
                Err(e) => {
                    tracing::warn!(peer = %channel.remote_addr(), error = %e, "closing connection: read failed");
                    return CloseReason::Exception;
                }
            },
            _ = &mut idle_timer, if idle_enabled => {
                // The timer was armed at the last check; activity since then
                // pushes the deadline out instead of resetting it per read.
                let deadline = channel.last_activity() + max_idle;
                if Instant::now() >= deadline {
                    tracing::warn!(peer = %channel.remote_addr(), idle_secs = max_idle.as_secs(), "closing idle connection");
                    return CloseReason::Idle;
                }
                idle_timer.as_mut().reset(deadline);
            }
        }
    }
}

/// The part of one connection's read buffer charged to the shared budget:
/// its capacity beyond the first [`READ_BUFFER`] bytes. Given back on drop.
struct Charge<'a> {
    budget: &'a FrameMemoryBudget,
    bytes: usize,
}

impl Charge<'_> {
    /// Bring the charge in line with what `buf` holds now.
    fn settle(&mut self, buf: &BytesMut) {
        let now = buf.capacity().saturating_sub(READ_BUFFER);
        if now > self.bytes {
            self.budget.force_acquire(now - self.bytes);
        } else {
            self.budget.release(self.bytes - now);
        }
        self.bytes = now;
    }
}

impl Drop for Charge<'_> {
    fn drop(&mut self) {
        self.budget.release(self.bytes);
    }
}

/// Make room in `buf` for the next read, growing with what has arrived.
///
/// * A partial frame gets room for at most as many bytes again as it
///   already has (at least [`INITIAL_READ_BUFFER`]), never past its own
///   end: a 16 MiB frame that has sent 1 KiB holds 5 KiB.
/// * Growth past [`READ_BUFFER`] is charged to the shared budget first; if it
///   does not fit, the connection is to be closed.
/// * A buffer that grew for a large frame is swapped for a small one once
///   that frame is taken off it, so the memory goes back.
fn make_room(buf: &mut BytesMut, charge: &mut Charge<'_>) -> Result<(), FrameError> {
    let pending = codec::pending_frame_total(buf).unwrap_or(0);
    if buf.capacity() > READ_BUFFER && pending <= READ_BUFFER && buf.len() <= READ_BUFFER / 2 {
        let mut small = BytesMut::with_capacity(READ_BUFFER);
        small.extend_from_slice(buf);
        *buf = small;
    }
    charge.settle(buf);
    if buf.capacity() - buf.len() >= MIN_READ_ROOM {
        return Ok(());
    }
    let want = if pending > buf.len() {
        // Double what has arrived, capped at the frame's end.
        (buf.len() + buf.len().max(INITIAL_READ_BUFFER)).min(pending)
    } else {
        buf.len() + READ_BUFFER
    };
    let extra = want
        .saturating_sub(READ_BUFFER)
        .saturating_sub(charge.bytes);
    if extra > 0 && !charge.budget.try_acquire(extra) {
        return Err(FrameError::MemoryBudgetExhausted {
            wanted: extra,
            held: charge.budget.held(),
            limit: charge.budget.limit(),
        });
    }
    charge.bytes += extra;
    // A fresh buffer of exactly `want` bytes rather than `reserve`, which
    // may double the capacity and so pass the budget by that much.
    let mut grown = BytesMut::with_capacity(want);
    grown.extend_from_slice(buf);
    *buf = grown;
    charge.settle(buf);
    Ok(())
}

/// Java `processMessageReceived`: a response goes to its waiting caller, a
/// request to its processor.
fn handle_command(channel: &Channel, processors: &dyn ProcessorLookup, cmd: RemotingCommand) {
    if cmd.is_response() {
        if let Some(unmatched) = channel.complete_response(cmd) {
            // Normal after a timeout: the caller has already given up.
            tracing::debug!(peer = %channel.remote_addr(), opaque = unmatched.opaque,
                code = unmatched.code, "response matches no waiting request");
        }
        return;
    }

    let Some(processor) = processors.processor_for(cmd.code) else {
        tracing::debug!(peer = %channel.remote_addr(), code = cmd.code, "request code not supported");
        answer_error(
            channel,
            &cmd,
            response_code::REQUEST_CODE_NOT_SUPPORTED,
            format!(" request type {} not supported", cmd.code),
        );
        return;
    };
    if processor.reject_request() {
        answer_error(
            channel,
            &cmd,
            response_code::SYSTEM_BUSY,
            "[REJECTREQUEST]system busy, start flow control for a while".to_owned(),
        );
        return;
    }
    run_inline_or_spawn(process(channel.clone(), processor, cmd));
}

/// Answers a request with an error response, unless it is oneway.
fn answer_error(channel: &Channel, request: &RemotingCommand, code: i32, remark: String) {
    if request.is_oneway() {
        return;
    }
    let resp = RemotingCommand::new_response(code, remark);
    let _ = channel.send_response(request.opaque, request.serialize_type, resp);
}

/// Runs one request through its processor and sends what it answers.
async fn process(channel: Channel, processor: Arc<dyn RequestProcessor>, request: RemotingCommand) {
    let opaque = request.opaque;
    let serialize_type = request.serialize_type;
    let oneway = request.is_oneway();
    let code = request.code;
    let outcome = CatchPanic(processor.process_request(channel.clone(), request)).await;
    let resp = match outcome {
        Ok(Some(resp)) => resp,
        Ok(None) => return,
        Err(panic) => {
            let what = panic_message(&*panic);
            tracing::error!(peer = %channel.remote_addr(), code, panic = %what, "request processor panicked");
            RemotingCommand::new_response(response_code::SYSTEM_ERROR, what)
        }
    };
    if oneway {
        return;
    }
    if let Err(e) = channel.send_response(opaque, serialize_type, resp) {
        // The peer left while we worked; nobody is waiting for this answer.
        tracing::debug!(peer = %channel.remote_addr(), opaque, error = %e, "response not sent");
    }
}

/// Polls `task` once right here; if it is not finished, gives it its own
/// tokio task. Polling with a no-op waker is sound: a future that returns
/// `Pending` re-registers its interest with the real waker on the next poll,
/// which the spawned task does immediately.
fn run_inline_or_spawn(task: impl Future<Output = ()> + Send + 'static) {
    let mut task = Box::pin(task);
    let mut cx = Context::from_waker(Waker::noop());
    if task.as_mut().poll(&mut cx).is_pending() {
        tokio::spawn(task);
    }
}

/// Turns a panic inside a processor's future into an `Err`, so the caller gets
/// SYSTEM_ERROR instead of waiting for its timeout, and the reader (which may
/// be polling the future inline) survives.
struct CatchPanic<F>(F);

impl<F: Future + Unpin> Future for CatchPanic<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "request processor panicked".to_owned()
    }
}

/// The writer task: drains the queue in batches, one write per batch.
async fn write_loop(
    channel: Channel,
    mut write_half: OwnedWriteHalf,
    mut queue: mpsc::UnboundedReceiver<RemotingCommand>,
) -> std::io::Result<()> {
    let close_requested = channel.inner.close_requested.notified();
    tokio::pin!(close_requested);
    // Both grow with the first write: an idle connection holds neither.
    let mut batch = Vec::new();
    let mut buf = BytesMut::new();
    let result = loop {
        if !channel.is_active() {
            break Ok(());
        }
        tokio::select! {
            biased;
            _ = &mut close_requested => break Ok(()),
            n = queue.recv_many(&mut batch, WRITE_BATCH) => if n == 0 { break Ok(()) },
        }
        if let Err(e) = write_batch(&channel, &mut write_half, &mut batch, &mut buf).await {
            channel.close();
            break Err(e);
        }
        channel.touch();
    };
    if result.is_ok() {
        // Closing on purpose: send what was already queued (e.g. an error
        // response right before the close) on a best-effort basis.
        while let Ok(cmd) = queue.try_recv() {
            batch.push(cmd);
        }
        let _ = write_batch(&channel, &mut write_half, &mut batch, &mut buf).await;
        let _ = write_half.shutdown().await;
    }
    result
}

/// Encodes `batch` into `buf` and writes it. Large bodies are written from
/// their own buffers instead of being copied.
async fn write_batch(
    channel: &Channel,
    out: &mut OwnedWriteHalf,
    batch: &mut Vec<RemotingCommand>,
    buf: &mut BytesMut,
) -> std::io::Result<()> {
    for cmd in batch.drain(..) {
        let body_len = cmd.body.as_ref().map_or(0, |b| b.len());
        if let Err(e) = codec::encode_header(&cmd, buf) {
            refuse_unencodable(channel, cmd, e);
            continue;
        }
        match &cmd.body {
            Some(body) if body_len >= LARGE_BODY => {
                out.write_all(buf).await?;
                buf.clear();
                out.write_all(body).await?;
            }
            Some(body) => buf.extend_from_slice(body),
            None => {}
        }
    }
    if !buf.is_empty() {
        out.write_all(buf).await?;
        buf.clear();
    }
    if buf.capacity() > WRITE_BUFFER_KEEP {
        *buf = BytesMut::with_capacity(READ_BUFFER);
    }
    Ok(())
}

/// A command too large for a frame: fail the local caller if it is our
/// request, or tell the peer with SYSTEM_ERROR if it is our response.
fn refuse_unencodable(channel: &Channel, cmd: RemotingCommand, e: FrameError) {
    tracing::warn!(peer = %channel.remote_addr(), code = cmd.code, opaque = cmd.opaque, error = %e, "command not sent");
    if cmd.is_response() {
        let resp = RemotingCommand::new_response(response_code::SYSTEM_ERROR, e.to_string());
        let _ = channel.send_response(cmd.opaque, cmd.serialize_type, resp);
    } else if !cmd.is_oneway() {
        channel.fail_request(cmd.opaque, RemotingError::Frame(e));
    }
}

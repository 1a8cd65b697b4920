//! How much memory all connections of one server may hold for frames that
//! have not fully arrived. Java has no counterpart: Netty's
//! `LengthFieldBasedFrameDecoder` (under `NettyDecoder`,
//! `remoting/src/main/java/org/apache/rocketmq/remoting/netty/NettyDecoder.java`)
//! accumulates each connection's partial frame without a shared limit.
//!
//! Two rules keep a flood of partial frames from taking the broker's memory:
//!
//! 1. **Memory follows arrival.** A read buffer starts at 64 KiB and grows
//!    only as bytes come in (at most doubling what is buffered), never to the
//!    size a length prefix announces. 1,000 connections that each announce
//!    16 MiB and send 1 KiB hold 1,000 small buffers, not 16 GB.
//! 2. **A shared budget.** Growth beyond the first 64 KiB of a connection's
//!    buffer is charged here; when all connections together would pass the
//!    limit, the connection that asks for more is closed with a WARN naming
//!    the figures. Bytes are given back as soon as the frame is taken off the
//!    buffer (and the oversized buffer is replaced by a small one) or the
//!    connection closes.
//!
//! A legitimate 16 MiB frame needs 16 MiB of budget while it arrives; the
//! default limit ([`DEFAULT_INCOMPLETE_FRAME_MEMORY`]) lets a dozen of them
//! arrive at once.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Default limit of [`FrameMemoryBudget`]: 256 MiB.
pub const DEFAULT_INCOMPLETE_FRAME_MEMORY: usize = 256 * 1024 * 1024;

/// Bytes that incomplete frames of all connections may hold.
#[derive(Debug)]
pub struct FrameMemoryBudget {
    limit: usize,
    held: AtomicUsize,
    peak: AtomicUsize,
    refused: AtomicUsize,
}

impl FrameMemoryBudget {
    pub fn new(limit: usize) -> Self {
        FrameMemoryBudget {
            limit,
            held: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Bytes charged right now.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::Acquire)
    }

    /// The most ever charged at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// How many requests for memory were refused (each closed a connection).
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::Relaxed)
    }

    /// Charge `n` bytes if they fit under the limit.
    pub fn try_acquire(&self, n: usize) -> bool {
        let mut held = self.held.load(Ordering::Acquire);
        loop {
            let Some(next) = held.checked_add(n).filter(|&v| v <= self.limit) else {
                self.refused.fetch_add(1, Ordering::Relaxed);
                return false;
            };
            match self
                .held
                .compare_exchange_weak(held, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    self.peak.fetch_max(next, Ordering::Relaxed);
                    return true;
                }
                Err(now) => held = now,
            }
        }
    }

    /// Charge `n` bytes that are already allocated (an allocator rounding up
    /// past what was asked for): may pass the limit by that rounding.
    pub fn force_acquire(&self, n: usize) {
        let next = self.held.fetch_add(n, Ordering::AcqRel) + n;
        self.peak.fetch_max(next, Ordering::Relaxed);
    }

    pub fn release(&self, n: usize) {
        self.held.fetch_sub(n, Ordering::AcqRel);
    }
}

impl Default for FrameMemoryBudget {
    fn default() -> Self {
        FrameMemoryBudget::new(DEFAULT_INCOMPLETE_FRAME_MEMORY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acquire_up_to_the_limit_and_give_back() {
        let b = FrameMemoryBudget::new(100);
        assert!(b.try_acquire(60));
        assert!(!b.try_acquire(41));
        assert_eq!(b.refused(), 1);
        assert!(b.try_acquire(40));
        assert_eq!(b.held(), 100);
        b.release(100);
        assert_eq!(b.held(), 0);
        assert_eq!(b.peak(), 100);
        b.force_acquire(150);
        assert_eq!(b.held(), 150);
        assert!(!b.try_acquire(1));
    }
}

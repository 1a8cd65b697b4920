//! Errors the store can report when it opens, loads or recovers its files.
//!
//! Per-message outcomes are not errors: a put answers with a
//! [`PutMessageStatus`](super::PutMessageStatus) and a read with a
//! [`GetMessageStatus`](super::GetMessageStatus), exactly as RocketMQ's
//! `PutMessageResult` / `GetMessageResult` do, because the broker maps each of
//! them to a response code. `StoreError` is for the things that stop the
//! store as a whole, and its messages say which file and what to check.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path} is {actual} bytes but the configured file size is {expected}; \
         the store was written with another mappedFileSize setting (fix the config, or move the files away)"
    )]
    FileSizeMismatch {
        path: PathBuf,
        actual: u64,
        expected: usize,
    },
    #[error("{0}")]
    Corrupt(String),
}

impl StoreError {
    pub fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        StoreError::Io {
            op,
            path: path.into(),
            source,
        }
    }
}

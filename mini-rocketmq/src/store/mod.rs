//! The message store (RocketMQ's `store` module): where a broker keeps
//! messages, in RocketMQ's own file formats.
//!
//! ## How it fits together
//!
//! ```text
//!  put ──► CommitLog (all topics, one append-only log: commitlog/000…000)
//!              │  ReputMessageService tails it
//!              ▼
//!          ConsumeQueue per (topic, queue): 20-byte entries → CommitLog position
//!              │
//!  get ◄───────┘  entry N = byte N×20; filter by tag hash; copy records out
//! ```
//!
//! Both logs are [`MappedFileQueue`]s: fixed-size memory-mapped files named
//! by their start offset. Durability is the flush services' job
//! ([`flush`]); the `checkpoint` and `abort` files let [`commit_log_recovery`]
//! find the valid end of everything after a crash.
//!
//! ## Source map (Java class → file)
//!
//! | RocketMQ | here |
//! |---|---|
//! | `MessageStoreConfig`, `FlushDiskType`, `BrokerRole` | [`config`] |
//! | `DefaultMappedFile`, `SelectMappedBufferResult` | [`mapped_file`] |
//! | `MappedFileQueue` | [`mapped_file_queue`] |
//! | `CommitLog`, `DefaultAppendMessageCallback`, `MessageExtEncoder` | [`commit_log`] |
//! | `AllocateMappedFileService` | [`allocate_mapped_file_service`] |
//! | `CommitLog#recoverNormally`, `#recoverAbnormally`, `DefaultMessageStore#recover` | [`commit_log_recovery`] |
//! | `CommitLog#checkMessageAndReturnSize`, `DispatchRequest` | [`dispatch_request`] |
//! | `ConsumeQueue` | [`consume_queue`] |
//! | `ConsumeQueueStore` | [`consume_queue_store`] |
//! | `DefaultMessageStore.ReputMessageService`, `CommitLogDispatcher` | [`reput_message_service`] |
//! | `FlushRealTimeService`, `GroupCommitService`, `FlushConsumeQueueService` | [`flush`] |
//! | `QueueOffsetOperator` (the `topicQueueTable`) | [`queue_offset_operator`] |
//! | `IndexFile`, `IndexHeader` | [`index_file`] |
//! | `IndexService`, `QueryOffsetResult` | [`index_service`] |
//! | `StoreCheckpoint` | [`store_checkpoint`] |
//! | (none: damaged ranges recovery steps over) | [`quarantine`] |
//! | `CleanCommitLogService#isSpaceToDelete`, `RunningFlags` disk-full bit | [`disk_space`] |
//! | `ServiceThread` | [`service_thread`] |
//! | `DefaultMessageStore` | [`message_store`] |
//! | `DefaultMessageStore#getMessage` (the pull read path) | `message_store/get_message.rs` |
//! | `PutMessageResult`, `AppendMessageResult` | [`put_message_result`] |
//! | `GetMessageResult` | [`get_message_result`] |
//! | `MessageFilter`, `MessageArrivingListener` | [`message_filter`], [`message_arriving_listener`] |
//!
//! ## Threads
//!
//! Puts run on the caller's (tokio) thread and hold the CommitLog put lock
//! for a few hundred nanoseconds. Everything else is a [`service_thread`]:
//! ReputMessageService (consume queues, index, long-poll wake-ups), the
//! CommitLog flusher, FlushConsumeQueueService and AllocateMappedFileService.
//! They hold the parts they use, never the store, so dropping the last
//! [`DefaultMessageStore`] handle stops them.
//!
//! ## Shortcuts taken
//!
//! No transient store pool (we always write straight into the mapping, so
//! "committed" equals "wrote"); a sliding window of warmed pages instead of
//! whole-file warming; no DLedger, HA or RocksDB consume queues; no
//! expired-file clean-up service (CommitLog files are kept until deleted by
//! hand); no `lock` file against two brokers sharing one store directory;
//! index file names use UTC rather than local time.

pub mod allocate_mapped_file_service;
pub mod commit_log;
pub mod commit_log_recovery;
pub mod config;
pub mod consume_queue;
pub mod consume_queue_store;
pub mod disk_space;
pub mod dispatch_request;
pub mod error;
pub mod flush;
pub mod get_message_result;
pub mod index_file;
pub mod index_service;
pub mod mapped_file;
pub mod mapped_file_queue;
pub mod message_arriving_listener;
pub mod message_filter;
pub mod message_store;
pub mod put_message_result;
pub mod quarantine;
pub mod queue_offset_operator;
pub mod reput_message_service;
pub mod service_thread;
pub mod store_checkpoint;

pub use config::{BrokerRole, FlushDiskType, MessageStoreConfig};
pub use consume_queue::BoundaryType;
pub use error::StoreError;
pub use get_message_result::{GetMessageResult, GetMessageStatus};
pub use index_service::{QueryMessageResult, QueryOffsetResult};
pub use message_arriving_listener::MessageArrivingListener;
pub use message_filter::MessageFilter;
pub use message_store::DefaultMessageStore;
pub use put_message_result::{
    AppendMessageResult, AppendMessageStatus, PutMessageResult, PutMessageStatus,
};

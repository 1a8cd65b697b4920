//! Constants from `org.apache.rocketmq.common.MixAll`.
//!
//! Java collects dozens of unrelated constants in this one class; we add them
//! here as chapters need them, under the same names.

/// The broker id of a master. Slaves have ids 1, 2, ...; only a master's
/// topic configs become queue data in the name server's route tables.
pub const MASTER_ID: i64 = 0;

//! Bit flags carried next to a message and a pull request
//! (Java: `org.apache.rocketmq.common.sysflag.MessageSysFlag` and `PullSysFlag`).
//!
//! Both are plain `i32` bit sets on the wire. The message flag is stored in
//! every CommitLog record (field 8, `SYSFLAG`) and, besides compression and
//! transaction state, it decides the record's *shape*: bits 0x10 / 0x20 say
//! whether the born / store host fields are 8 bytes (IPv4 + port) or 20
//! bytes (IPv6 + port). A decoder that ignores those bits reads garbage.
//!
//! Java models both as classes with static constants and helpers; a unit
//! struct with associated items reads the same way here
//! (`MessageSysFlag::COMPRESSED_FLAG`, `PullSysFlag::has_suspend_flag(f)`).

/// Flags of one stored message (CommitLog field 8).
pub struct MessageSysFlag;

impl MessageSysFlag {
    /// The body is compressed (the algorithm is in [`Self::COMPRESSION_TYPE_COMPARATOR`]).
    pub const COMPRESSED_FLAG: i32 = 0x1;
    /// The TAGS property holds several tags (topic filter type MULTI_TAG).
    pub const MULTI_TAGS_FLAG: i32 = 0x1 << 1;
    /// Transaction state lives in bits 2..3 (mask 0xC).
    pub const TRANSACTION_NOT_TYPE: i32 = 0;
    pub const TRANSACTION_PREPARED_TYPE: i32 = 0x1 << 2;
    pub const TRANSACTION_COMMIT_TYPE: i32 = 0x2 << 2;
    pub const TRANSACTION_ROLLBACK_TYPE: i32 = 0x3 << 2;
    /// The born host field is a 16-byte IPv6 address + port.
    pub const BORNHOST_V6_FLAG: i32 = 0x1 << 4;
    /// The store host field is a 16-byte IPv6 address + port.
    pub const STOREHOSTADDRESS_V6_FLAG: i32 = 0x1 << 5;
    pub const NEED_UNWRAP_FLAG: i32 = 0x1 << 6;
    pub const INNER_BATCH_FLAG: i32 = 0x1 << 7;
    /// Compression type in bits 8..10: LZ4 0x100, ZSTD 0x200, ZLIB 0x300; 0 means ZLIB (legacy).
    pub const COMPRESSION_LZ4_TYPE: i32 = 0x1 << 8;
    pub const COMPRESSION_ZSTD_TYPE: i32 = 0x2 << 8;
    pub const COMPRESSION_ZLIB_TYPE: i32 = 0x3 << 8;
    pub const COMPRESSION_TYPE_COMPARATOR: i32 = 0x7 << 8;

    /// The transaction bits of `flag` (one of the `TRANSACTION_*_TYPE` values).
    pub fn get_transaction_value(flag: i32) -> i32 {
        flag & Self::TRANSACTION_ROLLBACK_TYPE
    }

    /// `flag` with its transaction bits replaced by `ty`.
    pub fn reset_transaction_value(flag: i32, ty: i32) -> i32 {
        (flag & !Self::TRANSACTION_ROLLBACK_TYPE) | ty
    }

    pub fn clear_compressed_flag(flag: i32) -> i32 {
        flag & !Self::COMPRESSED_FLAG
    }

    /// Length in bytes of the born host field (IP + 4-byte port).
    pub fn born_host_len(flag: i32) -> usize {
        if flag & Self::BORNHOST_V6_FLAG == 0 {
            8
        } else {
            20
        }
    }

    /// Length in bytes of the store host field (IP + 4-byte port).
    pub fn store_host_len(flag: i32) -> usize {
        if flag & Self::STOREHOSTADDRESS_V6_FLAG == 0 {
            8
        } else {
            20
        }
    }

    pub fn check(flag: i32, expected: i32) -> bool {
        flag & expected != 0
    }
}

/// Flags of a PULL_MESSAGE request (`PullMessageRequestHeader.sysFlag`).
pub struct PullSysFlag;

impl PullSysFlag {
    /// The request also commits `commitOffset` for the group.
    pub const FLAG_COMMIT_OFFSET: i32 = 0x1;
    /// The broker may hold the request (long polling) when nothing is there yet.
    pub const FLAG_SUSPEND: i32 = 0x1 << 1;
    /// `subscription` carries an expression the broker should parse.
    pub const FLAG_SUBSCRIPTION: i32 = 0x1 << 2;
    pub const FLAG_CLASS_FILTER: i32 = 0x1 << 3;
    pub const FLAG_LITE_PULL_MESSAGE: i32 = 0x1 << 4;

    /// The flag a push consumer sends (`PullSysFlag.buildSysFlag`).
    pub fn build_sys_flag(
        commit_offset: bool,
        suspend: bool,
        subscription: bool,
        class_filter: bool,
    ) -> i32 {
        let mut flag = 0;
        if commit_offset {
            flag |= Self::FLAG_COMMIT_OFFSET;
        }
        if suspend {
            flag |= Self::FLAG_SUSPEND;
        }
        if subscription {
            flag |= Self::FLAG_SUBSCRIPTION;
        }
        if class_filter {
            flag |= Self::FLAG_CLASS_FILTER;
        }
        flag
    }

    pub fn clear_commit_offset_flag(flag: i32) -> i32 {
        flag & !Self::FLAG_COMMIT_OFFSET
    }

    pub fn has_commit_offset_flag(flag: i32) -> bool {
        flag & Self::FLAG_COMMIT_OFFSET != 0
    }

    pub fn has_suspend_flag(flag: i32) -> bool {
        flag & Self::FLAG_SUSPEND != 0
    }

    pub fn has_subscription_flag(flag: i32) -> bool {
        flag & Self::FLAG_SUBSCRIPTION != 0
    }

    pub fn has_class_filter_flag(flag: i32) -> bool {
        flag & Self::FLAG_CLASS_FILTER != 0
    }

    pub fn has_lite_pull_flag(flag: i32) -> bool {
        flag & Self::FLAG_LITE_PULL_MESSAGE != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_bits_round_trip() {
        let f = MessageSysFlag::reset_transaction_value(
            MessageSysFlag::COMPRESSED_FLAG,
            MessageSysFlag::TRANSACTION_PREPARED_TYPE,
        );
        assert_eq!(f, 0x5);
        assert_eq!(
            MessageSysFlag::get_transaction_value(f),
            MessageSysFlag::TRANSACTION_PREPARED_TYPE
        );
        let f = MessageSysFlag::reset_transaction_value(f, MessageSysFlag::TRANSACTION_COMMIT_TYPE);
        assert_eq!(
            MessageSysFlag::get_transaction_value(f),
            MessageSysFlag::TRANSACTION_COMMIT_TYPE
        );
        assert_eq!(f & MessageSysFlag::COMPRESSED_FLAG, 1);
    }

    #[test]
    fn push_consumer_flag() {
        let f = PullSysFlag::build_sys_flag(true, true, true, false);
        assert_eq!(f, 0x7);
        assert!(PullSysFlag::has_suspend_flag(f));
        assert!(!PullSysFlag::has_commit_offset_flag(
            PullSysFlag::clear_commit_offset_flag(f)
        ));
    }
}

//! Transaction headers — Java `EndTransactionRequestHeader` and
//! `CheckTransactionStateRequestHeader` (Java `CheckTransactionStateRequestHeader`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/CheckTransactionStateRequestHeader.java`; Java `TransactionalMessageCheckService`, `broker/src/main/java/org/apache/rocketmq/broker/transaction/TransactionalMessageCheckService.java`).

use crate::command_custom_header;

/// `commitOrRollback` values (Java `MessageSysFlag.TRANSACTION_*_TYPE`).
pub mod commit_or_rollback {
    /// Unknown: the broker will ask again later.
    pub const TRANSACTION_NOT_TYPE: i32 = 0;
    pub const TRANSACTION_COMMIT_TYPE: i32 = 0x2 << 2;
    pub const TRANSACTION_ROLLBACK_TYPE: i32 = 0x3 << 2;
}

command_custom_header! {
    /// END_TRANSACTION (37), producer → broker, oneway: commit or roll back a
    /// half message.
    pub struct EndTransactionRequestHeader {
        ? topic: String = "topic",
        ! producer_group: String = "producerGroup",
        /// The half message's consume-queue offset.
        ! tran_state_table_offset: i64 = "tranStateTableOffset",
        ! commit_log_offset: i64 = "commitLogOffset",
        /// See [`commit_or_rollback`].
        ! commit_or_rollback: i32 = "commitOrRollback",
        /// Java `Boolean fromTransactionCheck = false`.
        ? from_transaction_check: bool = "fromTransactionCheck" or false,
        ! msg_id: String = "msgId",
        ? transaction_id: String = "transactionId",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// CHECK_TRANSACTION_STATE (39), broker → producer, oneway: "what became of
    /// this half message?" The body is the encoded message.
    pub struct CheckTransactionStateRequestHeader {
        ? topic: String = "topic",
        ! tran_state_table_offset: i64 = "tranStateTableOffset",
        ! commit_log_offset: i64 = "commitLogOffset",
        ? msg_id: String = "msgId",
        ? transaction_id: String = "transactionId",
        ? offset_msg_id: String = "offsetMsgId",
        ? broker_name: String = "bname",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_and_rollback_values_match_java() {
        assert_eq!(commit_or_rollback::TRANSACTION_COMMIT_TYPE, 8);
        assert_eq!(commit_or_rollback::TRANSACTION_ROLLBACK_TYPE, 12);
    }
}

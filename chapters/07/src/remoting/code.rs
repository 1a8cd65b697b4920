//! Request and response codes — mirrors `RequestCode.java` and `ResponseCode.java`
//! (plus the few system codes of `RemotingSysResponseCode.java`).
//!
//! Every request RocketMQ's roles send each other is one `RemotingCommand`
//! whose `code` says what is asked (`REGISTER_BROKER = 103`); every answer is a
//! command whose `code` says how it went (`TOPIC_NOT_EXIST = 17`). The numbers
//! are the protocol: a Java client that sends 105 expects a route back, so we
//! keep RocketMQ's numbers exactly, even in chapters where the "wire" is an
//! in-process function call.
//!
//! The tables are complete from the first chapter on, so no later chapter has
//! to touch this file; most codes wait for the chapter that handles them.
//! A macro writes each table once and derives the name lookup from it, so a
//! code and its printed name can never disagree.

/// Defines a module of `pub const NAME: i32 = value;` and a function that maps
/// a value back to its name (for trace lines such as `REGISTER_BROKER(103)`).
macro_rules! code_table {
    ($module:ident, $name_fn:ident, { $($name:ident = $value:literal,)* }) => {
        pub mod $module {
            $(pub const $name: i32 = $value;)*
        }

        /// The RocketMQ constant name of `code`, or `"UNKNOWN"`.
        pub fn $name_fn(code: i32) -> &'static str {
            match code {
                $($module::$name => stringify!($name),)*
                _ => "UNKNOWN",
            }
        }
    };
}

code_table!(request_code, request_code_name, {
    SEND_MESSAGE = 10,
    PULL_MESSAGE = 11,
    QUERY_MESSAGE = 12,
    QUERY_BROKER_OFFSET = 13,
    QUERY_CONSUMER_OFFSET = 14,
    UPDATE_CONSUMER_OFFSET = 15,
    UPDATE_AND_CREATE_TOPIC = 17,
    UPDATE_AND_CREATE_TOPIC_LIST = 18,
    GET_ALL_TOPIC_CONFIG = 21,
    GET_TOPIC_CONFIG_LIST = 22,
    GET_TOPIC_NAME_LIST = 23,
    UPDATE_BROKER_CONFIG = 25,
    GET_BROKER_CONFIG = 26,
    GET_BROKER_RUNTIME_INFO = 28,
    SEARCH_OFFSET_BY_TIMESTAMP = 29,
    GET_MAX_OFFSET = 30,
    GET_MIN_OFFSET = 31,
    GET_EARLIEST_MSG_STORETIME = 32,
    VIEW_MESSAGE_BY_ID = 33,
    HEART_BEAT = 34,
    UNREGISTER_CLIENT = 35,
    CONSUMER_SEND_MSG_BACK = 36,
    END_TRANSACTION = 37,
    GET_CONSUMER_LIST_BY_GROUP = 38,
    CHECK_TRANSACTION_STATE = 39,
    NOTIFY_CONSUMER_IDS_CHANGED = 40,
    LOCK_BATCH_MQ = 41,
    UNLOCK_BATCH_MQ = 42,
    GET_ALL_CONSUMER_OFFSET = 43,
    GET_ALL_DELAY_OFFSET = 45,
    CHECK_CLIENT_CONFIG = 46,
    GET_CLIENT_CONFIG = 47,
    PUT_KV_CONFIG = 100,
    GET_KV_CONFIG = 101,
    DELETE_KV_CONFIG = 102,
    REGISTER_BROKER = 103,
    UNREGISTER_BROKER = 104,
    GET_ROUTEINFO_BY_TOPIC = 105,
    GET_BROKER_CLUSTER_INFO = 106,
    UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 200,
    GET_ALL_SUBSCRIPTIONGROUP_CONFIG = 201,
    GET_TOPIC_STATS_INFO = 202,
    GET_CONSUMER_CONNECTION_LIST = 203,
    GET_PRODUCER_CONNECTION_LIST = 204,
    WIPE_WRITE_PERM_OF_BROKER = 205,
    GET_ALL_TOPIC_LIST_FROM_NAMESERVER = 206,
    DELETE_SUBSCRIPTIONGROUP = 207,
    GET_CONSUME_STATS = 208,
    DELETE_TOPIC_IN_BROKER = 215,
    DELETE_TOPIC_IN_NAMESRV = 216,
    REGISTER_TOPIC_IN_NAMESRV = 217,
    GET_KVLIST_BY_NAMESPACE = 219,
    GET_TOPICS_BY_CLUSTER = 224,
    GET_SYSTEM_TOPIC_LIST_FROM_NS = 304,
    GET_CONSUMER_RUNNING_INFO = 307,
    CONSUME_MESSAGE_DIRECTLY = 309,
    SEND_MESSAGE_V2 = 310,
    SEND_BATCH_MESSAGE = 320,
    QUERY_DATA_VERSION = 322,
    SEND_REPLY_MESSAGE = 324,
    SEND_REPLY_MESSAGE_V2 = 325,
    ADD_WRITE_PERM_OF_BROKER = 327,
    GET_TOPIC_CONFIG = 351,
    LITE_PULL_MESSAGE = 361,
    GET_BROKER_MEMBER_GROUP = 901,
    BROKER_HEARTBEAT = 904,
    POP_MESSAGE = 200050,
    ACK_MESSAGE = 200051,
    PEEK_MESSAGE = 200052,
    CHANGE_MESSAGE_INVISIBLETIME = 200053,
    NOTIFICATION = 200054,
    BATCH_ACK_MESSAGE = 200151,
});

code_table!(response_code, response_code_name, {
    SUCCESS = 0,
    SYSTEM_ERROR = 1,
    SYSTEM_BUSY = 2,
    REQUEST_CODE_NOT_SUPPORTED = 3,
    TRANSACTION_FAILED = 4,
    FLUSH_DISK_TIMEOUT = 10,
    SLAVE_NOT_AVAILABLE = 11,
    FLUSH_SLAVE_TIMEOUT = 12,
    MESSAGE_ILLEGAL = 13,
    SERVICE_NOT_AVAILABLE = 14,
    VERSION_NOT_SUPPORTED = 15,
    NO_PERMISSION = 16,
    TOPIC_NOT_EXIST = 17,
    TOPIC_EXIST_ALREADY = 18,
    PULL_NOT_FOUND = 19,
    PULL_RETRY_IMMEDIATELY = 20,
    PULL_OFFSET_MOVED = 21,
    QUERY_NOT_FOUND = 22,
    SUBSCRIPTION_PARSE_FAILED = 23,
    SUBSCRIPTION_NOT_EXIST = 24,
    SUBSCRIPTION_NOT_LATEST = 25,
    SUBSCRIPTION_GROUP_NOT_EXIST = 26,
    FILTER_DATA_NOT_EXIST = 27,
    FILTER_DATA_NOT_LATEST = 28,
    INVALID_PARAMETER = 29,
    TRANSACTION_SHOULD_COMMIT = 200,
    TRANSACTION_SHOULD_ROLLBACK = 201,
    TRANSACTION_STATE_UNKNOW = 202,
    TRANSACTION_STATE_GROUP_WRONG = 203,
    NO_BUYER_ID = 204,
    NOT_IN_CURRENT_UNIT = 205,
    CONSUMER_NOT_ONLINE = 206,
    CONSUME_MSG_TIMEOUT = 207,
    NO_MESSAGE = 208,
    POLLING_FULL = 209,
    POLLING_TIMEOUT = 210,
    BROKER_NOT_EXIST = 211,
    BROKER_DISPATCH_NOT_COMPLETE = 212,
    FLOW_CONTROL = 215,
    NOT_LEADER_FOR_QUEUE = 501,
    ILLEGAL_OPERATION = 604,
    GO_AWAY = 1500,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_same_table_as_the_values() {
        assert_eq!(request_code_name(request_code::REGISTER_BROKER), "REGISTER_BROKER");
        assert_eq!(response_code_name(17), "TOPIC_NOT_EXIST");
        assert_eq!(request_code_name(-5), "UNKNOWN");
    }
}

//! Offset headers — Java `QueryConsumerOffset*`, `UpdateConsumerOffset*`,
//! `GetMaxOffset*`, `GetMinOffset*`, `SearchOffset*`, `GetEarliestMsgStoretime*`
//! and `ResetOffsetRequestHeader` (Java `ConsumerManageProcessor#queryConsumerOffset`, `broker/src/main/java/org/apache/rocketmq/broker/processor/ConsumerManageProcessor.java`).

use crate::command_custom_header;
use crate::remoting::protocol::header::BoundaryType;

command_custom_header! {
    /// QUERY_CONSUMER_OFFSET (14).
    pub struct QueryConsumerOffsetRequestHeader {
        ! consumer_group: String = "consumerGroup",
        ! topic: String = "topic",
        ! queue_id: i32 = "queueId",
        /// Absent counts as `true` on the broker (Java `ConsumerManageProcessor#queryConsumerOffset`, `broker/src/main/java/org/apache/rocketmq/broker/processor/ConsumerManageProcessor.java`).
        ? set_zero_if_not_found: bool = "setZeroIfNotFound",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// The response to QUERY_CONSUMER_OFFSET.
    pub struct QueryConsumerOffsetResponseHeader {
        ! offset: i64 = "offset",
    }
}

command_custom_header! {
    /// UPDATE_CONSUMER_OFFSET (15); clients send it oneway every 5 s.
    pub struct UpdateConsumerOffsetRequestHeader {
        ! consumer_group: String = "consumerGroup",
        ! topic: String = "topic",
        ! queue_id: i32 = "queueId",
        ! commit_offset: i64 = "commitOffset",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// GET_MAX_OFFSET (30).
    pub struct GetMaxOffsetRequestHeader {
        ! topic: String = "topic",
        ! queue_id: i32 = "queueId",
        /// Java `boolean committed = true`: always written.
        ? committed: bool = "committed" or true,
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// The response to GET_MAX_OFFSET.
    pub struct GetMaxOffsetResponseHeader {
        ! offset: i64 = "offset",
    }
}

command_custom_header! {
    /// GET_MIN_OFFSET (31).
    pub struct GetMinOffsetRequestHeader {
        ! topic: String = "topic",
        ! queue_id: i32 = "queueId",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// The response to GET_MIN_OFFSET.
    pub struct GetMinOffsetResponseHeader {
        ! offset: i64 = "offset",
    }
}

command_custom_header! {
    /// SEARCH_OFFSET_BY_TIMESTAMP (29).
    pub struct SearchOffsetRequestHeader {
        ! topic: String = "topic",
        ! queue_id: i32 = "queueId",
        /// Milliseconds since the epoch.
        ! timestamp: i64 = "timestamp",
        ? boundary_type: BoundaryType = "boundaryType",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// The response to SEARCH_OFFSET_BY_TIMESTAMP.
    pub struct SearchOffsetResponseHeader {
        ! offset: i64 = "offset",
    }
}

command_custom_header! {
    /// GET_EARLIEST_MSG_STORETIME (32).
    pub struct GetEarliestMsgStoretimeRequestHeader {
        ! topic: String = "topic",
        ! queue_id: i32 = "queueId",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// The response to GET_EARLIEST_MSG_STORETIME.
    pub struct GetEarliestMsgStoretimeResponseHeader {
        ! timestamp: i64 = "timestamp",
    }
}

command_custom_header! {
    /// INVOKE_BROKER_TO_RESET_OFFSET (222) from an admin tool, and
    /// RESET_CONSUMER_CLIENT_OFFSET (220) from the broker to each client.
    pub struct ResetOffsetRequestHeader {
        ! group: String = "group",
        ! topic: String = "topic",
        /// Java `int queueId = -1`: -1 means every queue.
        ? queue_id: i32 = "queueId" or -1,
        ? offset: i64 = "offset",
        ! timestamp: i64 = "timestamp",
        /// The Java field is `boolean isForce`, so the key keeps the `is`.
        ! is_force: bool = "isForce",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::code::request_code;
    use crate::remoting::command::RemotingCommand;

    #[test]
    fn get_max_offset_always_writes_committed() {
        let req = RemotingCommand::new_request_with_header(
            request_code::GET_MAX_OFFSET,
            &GetMaxOffsetRequestHeader {
                topic: "T".into(),
                queue_id: 0,
                ..Default::default()
            },
        );
        assert_eq!(req.ext("committed"), Some("true"));
        let back: GetMaxOffsetRequestHeader = RemotingCommand::new_request(30)
            .with_ext("topic", "T")
            .with_ext("queueId", "1")
            .decode_header()
            .unwrap();
        assert!(back.committed, "absent means true");
    }

    #[test]
    fn search_offset_boundary_is_case_insensitive() {
        let h: SearchOffsetRequestHeader = RemotingCommand::new_request(29)
            .with_ext("topic", "T")
            .with_ext("queueId", "1")
            .with_ext("timestamp", "5")
            .with_ext("boundaryType", "upper")
            .decode_header()
            .unwrap();
        assert_eq!(h.boundary_type, Some(BoundaryType::Upper));
    }

    #[test]
    fn reset_offset_defaults_queue_to_all() {
        let h: ResetOffsetRequestHeader = RemotingCommand::new_request(222)
            .with_ext("group", "g")
            .with_ext("topic", "T")
            .with_ext("timestamp", "5")
            .with_ext("isForce", "true")
            .decode_header()
            .unwrap();
        assert_eq!((h.queue_id, h.is_force, h.offset), (-1, true, None));
    }
}

//! Pull headers — Java `PullMessageRequestHeader` and `PullMessageResponseHeader`
//! (Java `PullMessageRequestHeader`, `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/PullMessageRequestHeader.java`). The pull body is raw CommitLog records, so everything a
//! consumer needs besides the messages travels here.

use crate::command_custom_header;

command_custom_header! {
    /// PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361).
    pub struct PullMessageRequestHeader {
        ! consumer_group: String = "consumerGroup",
        ! topic: String = "topic",
        ! queue_id: i32 = "queueId",
        /// The logical (consume-queue) offset to read from.
        ! queue_offset: i64 = "queueOffset",
        ! max_msg_nums: i32 = "maxMsgNums",
        /// PullSysFlag bits: COMMIT_OFFSET 1, SUSPEND 2, SUBSCRIPTION 4, CLASS_FILTER 8, LITE_PULL 16.
        ! sys_flag: i32 = "sysFlag",
        /// The consumer's offset, stored when the COMMIT_OFFSET bit is set.
        ! commit_offset: i64 = "commitOffset",
        /// How long the broker may hold the request (long polling).
        ! suspend_timeout_millis: i64 = "suspendTimeoutMillis",
        /// `*` or `TagA || TagB`, or an SQL92 expression.
        ? subscription: String = "subscription",
        ! sub_version: i64 = "subVersion",
        /// `TAG` or `SQL92`.
        ? expression_type: String = "expressionType",
        ? max_msg_bytes: i32 = "maxMsgBytes",
        ? request_source: i32 = "requestSource",
        /// The spelling is Java's.
        ? proxy_froward_client_id: String = "proxyFrowardClientId",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// The response to PULL_MESSAGE; the remark is the GetMessageStatus name.
    pub struct PullMessageResponseHeader {
        /// 0 = read from the master next time, 1 = from a slave.
        ! suggest_which_broker_id: i64 = "suggestWhichBrokerId",
        ! next_begin_offset: i64 = "nextBeginOffset",
        ! min_offset: i64 = "minOffset",
        ! max_offset: i64 = "maxOffset",
        ? offset_delta: i64 = "offsetDelta",
        ? topic_sys_flag: i32 = "topicSysFlag",
        ? group_sys_flag: i32 = "groupSysFlag",
        ? forbidden_type: i32 = "forbiddenType",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::code::request_code;
    use crate::remoting::command::RemotingCommand;

    #[test]
    fn decodes_what_a_push_consumer_sends() {
        let req = RemotingCommand::new_request(request_code::PULL_MESSAGE)
            .with_ext("consumerGroup", "cg")
            .with_ext("topic", "T")
            .with_ext("queueId", "3")
            .with_ext("queueOffset", "100")
            .with_ext("maxMsgNums", "32")
            .with_ext("sysFlag", "3")
            .with_ext("commitOffset", "99")
            .with_ext("suspendTimeoutMillis", "15000")
            .with_ext("subscription", "")
            .with_ext("subVersion", "1700000000000")
            .with_ext("expressionType", "TAG")
            .with_ext("maxMsgBytes", "262144")
            .with_ext("bname", "broker-a")
            .with_ext("lo", "false");
        let h: PullMessageRequestHeader = req.decode_header().unwrap();
        assert_eq!(h.queue_offset, 100);
        assert_eq!(h.sys_flag, 3);
        assert_eq!(h.subscription.as_deref(), Some(""));
        assert_eq!(h.max_msg_bytes, Some(262_144));
        assert_eq!(h.broker_name.as_deref(), Some("broker-a"));
        assert_eq!(h.request_source, None);
    }

    #[test]
    fn response_writes_the_four_required_fields() {
        let resp = RemotingCommand::new_response(19, "OFFSET_OVERFLOW_ONE".to_string())
            .with_header(&PullMessageResponseHeader {
                suggest_which_broker_id: 0,
                next_begin_offset: 5,
                min_offset: 0,
                max_offset: 5,
                ..Default::default()
            });
        assert_eq!(resp.ext_fields.len(), 4);
        assert_eq!(resp.ext("nextBeginOffset"), Some("5"));
    }
}

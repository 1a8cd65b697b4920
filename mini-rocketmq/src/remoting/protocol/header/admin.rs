//! Admin headers — Java `GetTopicStatsInfoRequestHeader`,
//! `GetConsumeStatsRequestHeader`, `CreateTopicRequestHeader`,
//! `DeleteTopicRequestHeader`, `GetAllTopicConfig*`, `GetTopicConfigRequestHeader`,
//! `DeleteSubscriptionGroupRequestHeader`, `GetBrokerConfigResponseHeader`,
//! `QueryTopicConsumeByWhoRequestHeader`, `GetConsumerStatusRequestHeader`
//! (the Java headers in `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/`).

use crate::command_custom_header;

command_custom_header! {
    /// GET_TOPIC_STATS_INFO (202).
    pub struct GetTopicStatsInfoRequestHeader {
        ! topic: String = "topic",
    }
}

command_custom_header! {
    /// GET_CONSUME_STATS (208).
    pub struct GetConsumeStatsRequestHeader {
        ! consumer_group: String = "consumerGroup",
        ? topic: String = "topic",
        /// Several topics, `;`-separated.
        ? topic_list: String = "topicList",
    }
}

command_custom_header! {
    /// UPDATE_AND_CREATE_TOPIC (17).
    pub struct CreateTopicRequestHeader {
        ! topic: String = "topic",
        ! default_topic: String = "defaultTopic",
        ! read_queue_nums: i32 = "readQueueNums",
        ! write_queue_nums: i32 = "writeQueueNums",
        /// PermName bits (READ 4, WRITE 2, INHERIT 1).
        ! perm: i32 = "perm",
        /// `SINGLE_TAG` or `MULTI_TAG`.
        ! topic_filter_type: String = "topicFilterType",
        ? topic_sys_flag: i32 = "topicSysFlag",
        /// Java `Boolean order = false`.
        ? order: bool = "order" or false,
        /// `+key=value` pairs as a JSON object.
        ? attributes: String = "attributes",
        ? force: bool = "force" or false,
    }
}

command_custom_header! {
    /// DELETE_TOPIC_IN_BROKER (215).
    pub struct DeleteTopicRequestHeader {
        ! topic: String = "topic",
    }
}

command_custom_header! {
    /// GET_ALL_TOPIC_CONFIG (21). Java marks `topicSeq` required, but an
    /// old-style request carries no header at all and Java then checks
    /// nothing, so all three are optional here (paging is optional).
    pub struct GetAllTopicConfigRequestHeader {
        ? topic_seq: i32 = "topicSeq",
        ? data_version: String = "dataVersion",
        ? max_topic_num: i32 = "maxTopicNum",
    }
}

command_custom_header! {
    /// The response to GET_ALL_TOPIC_CONFIG; the body is
    /// TopicConfigSerializeWrapper JSON.
    pub struct GetAllTopicConfigResponseHeader {
        ! total_topic_num: i32 = "totalTopicNum",
    }
}

command_custom_header! {
    /// GET_TOPIC_CONFIG (351).
    pub struct GetTopicConfigRequestHeader {
        ! topic: String = "topic",
    }
}

command_custom_header! {
    /// DELETE_SUBSCRIPTIONGROUP (207).
    pub struct DeleteSubscriptionGroupRequestHeader {
        ! group_name: String = "groupName",
        ? clean_offset: bool = "cleanOffset" or false,
    }
}

command_custom_header! {
    /// The response to GET_BROKER_CONFIG (26); the body is the properties text.
    pub struct GetBrokerConfigResponseHeader {
        ! version: String = "version",
    }
}

command_custom_header! {
    /// QUERY_TOPIC_CONSUME_BY_WHO (300).
    pub struct QueryTopicConsumeByWhoRequestHeader {
        ! topic: String = "topic",
    }
}

command_custom_header! {
    /// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) / GET_CONSUMER_STATUS_FROM_CLIENT (221).
    pub struct GetConsumerStatusRequestHeader {
        ! topic: String = "topic",
        ! group: String = "group",
        ? client_addr: String = "clientAddr",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::command::RemotingCommand;

    #[test]
    fn create_topic_round_trip_with_java_defaults() {
        let h = CreateTopicRequestHeader {
            topic: "T".into(),
            default_topic: "TBW102".into(),
            read_queue_nums: 8,
            write_queue_nums: 8,
            perm: 6,
            topic_filter_type: "SINGLE_TAG".into(),
            ..Default::default()
        };
        let req = RemotingCommand::new_request(17).with_header(&h);
        assert_eq!(req.ext("order"), Some("false"));
        assert_eq!(req.ext("force"), Some("false"));
        assert_eq!(req.ext("topicSysFlag"), None);
        assert_eq!(req.decode_header::<CreateTopicRequestHeader>().unwrap(), h);
    }

    #[test]
    fn get_all_topic_config_accepts_no_header() {
        let h: GetAllTopicConfigRequestHeader =
            RemotingCommand::new_request(21).decode_header().unwrap();
        assert_eq!(h, GetAllTopicConfigRequestHeader::default());
    }
}

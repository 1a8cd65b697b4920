//! Client management headers — Java `UnregisterClientRequestHeader`,
//! `GetConsumerListByGroupRequestHeader`, `NotifyConsumerIdsChangedRequestHeader`,
//! `ConsumerSendMsgBackRequestHeader`, `GetConsumerConnectionListRequestHeader`,
//! `GetConsumerRunningInfoRequestHeader` (the Java headers in `remoting/src/main/java/org/apache/rocketmq/remoting/protocol/header/`).
//!
//! HEART_BEAT, LOCK_BATCH_MQ and UNLOCK_BATCH_MQ carry everything in the body
//! and use [`EmptyHeader`](crate::remoting::protocol::header::EmptyHeader).

use crate::command_custom_header;

command_custom_header! {
    /// UNREGISTER_CLIENT (35): a client leaves its groups.
    pub struct UnregisterClientRequestHeader {
        /// The Java field is `clientID`.
        ! client_id: String = "clientID",
        ? producer_group: String = "producerGroup",
        ? consumer_group: String = "consumerGroup",
    }
}

command_custom_header! {
    /// GET_CONSUMER_LIST_BY_GROUP (38); the response body is
    /// `{"consumerIdList":[...]}`.
    pub struct GetConsumerListByGroupRequestHeader {
        ! consumer_group: String = "consumerGroup",
    }
}

command_custom_header! {
    /// NOTIFY_CONSUMER_IDS_CHANGED (40), broker → client, oneway: rebalance now.
    pub struct NotifyConsumerIdsChangedRequestHeader {
        ! consumer_group: String = "consumerGroup",
    }
}

command_custom_header! {
    /// CONSUMER_SEND_MSG_BACK (36): a message the consumer could not handle
    /// goes back for a retry (or to the DLQ).
    pub struct ConsumerSendMsgBackRequestHeader {
        /// The message's CommitLog offset.
        ! offset: i64 = "offset",
        ! group: String = "group",
        ! delay_level: i32 = "delayLevel",
        ? origin_msg_id: String = "originMsgId",
        ? origin_topic: String = "originTopic",
        /// Java `boolean unitMode = false`: always written.
        ? unit_mode: bool = "unitMode" or false,
        ? max_reconsume_times: i32 = "maxReconsumeTimes",
        ? broker_name: String = "bname",
    }
}

command_custom_header! {
    /// GET_CONSUMER_CONNECTION_LIST (203).
    pub struct GetConsumerConnectionListRequestHeader {
        ! consumer_group: String = "consumerGroup",
    }
}

command_custom_header! {
    /// GET_CONSUMER_RUNNING_INFO (307), broker → client on behalf of an admin.
    pub struct GetConsumerRunningInfoRequestHeader {
        ! consumer_group: String = "consumerGroup",
        ! client_id: String = "clientId",
        ? jstack_enable: bool = "jstackEnable" or false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remoting::command::RemotingCommand;

    #[test]
    fn unregister_uses_java_capitalisation() {
        let req = RemotingCommand::new_request(35).with_header(&UnregisterClientRequestHeader {
            client_id: "10.0.0.5@1#2".into(),
            producer_group: None,
            consumer_group: Some("cg".into()),
        });
        assert_eq!(req.ext("clientID"), Some("10.0.0.5@1#2"));
        assert_eq!(req.ext_fields.len(), 2);
    }

    #[test]
    fn send_back_writes_unit_mode_always() {
        let req = RemotingCommand::new_request(36).with_header(&ConsumerSendMsgBackRequestHeader {
            offset: 10,
            group: "cg".into(),
            delay_level: 0,
            ..Default::default()
        });
        assert_eq!(req.ext("unitMode"), Some("false"));
        assert_eq!(req.ext("originTopic"), None);
    }
}

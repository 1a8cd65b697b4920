//! The client side: the producer (`DefaultMQProducer`), the instance its
//! clients share (`MQClientInstance`, one per client id), and the requests
//! they send (`MQClientAPIImpl`).
//!
//! ```text
//! producer.send(msg)
//!   └─ DefaultMQProducerImpl#sendDefaultImpl: up to 1 + retryTimesWhenSendFailed attempts
//!        ├─ tryToFindTopicPublishInfo: the cached TopicPublishInfo, or the
//!        │    name server's route (MQClientInstance#updateTopicRouteInfoFromNameServer)
//!        ├─ TopicPublishInfo#selectOneMessageQueue: round robin, not the broker that just failed
//!        └─ MQClientAPIImpl#sendMessage: SEND_MESSAGE_V2 to that broker's master
//! ```

pub mod client_config;
pub mod client_instance;
pub mod mq_client_api_impl;
pub mod mq_client_manager;
pub mod producer;
pub mod pull_result;
pub mod send_result;
pub mod topic_publish_info;

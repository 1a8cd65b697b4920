//! The client side, as far as this chapter needs it: the requests
//! producers, consumers and `mqadmin` send (`MQClientAPIImpl`).

pub mod mq_client_api_impl;
pub mod pull_result;
pub mod send_result;

//! The client side, as far as this chapter needs it: asking a name server for
//! a topic's route.

pub mod mq_client_api_impl;

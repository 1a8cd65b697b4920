//! How a pull decides which of a queue's messages to return.

pub mod expression_message_filter;

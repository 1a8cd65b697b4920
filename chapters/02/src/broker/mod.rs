//! The broker, as far as the name server sees it: a configured process with a
//! table of topic configs that it registers with every name server.
//!
//! Storing and serving messages is Part II; this chapter's broker only does
//! what the route tables need.

pub mod broker_config;
pub mod broker_outer_api;
pub mod controller;

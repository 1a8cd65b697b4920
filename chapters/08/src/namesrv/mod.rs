//! The name server: a controller that owns the route tables and a processor
//! that answers requests about them.

pub mod controller;
pub mod processor;
pub mod route_info_manager;

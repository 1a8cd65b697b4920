//! See the crate documentation for the layout.
pub mod kv_config_manager;

//! See the crate documentation for the layout.
pub mod config_manager;
pub mod properties_file;
pub mod subscription_group;

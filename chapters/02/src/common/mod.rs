//! Plain data shared by the roles: topic configs, route data, versions and
//! the constants RocketMQ keeps in `MixAll` and `PermName`, and the virtual
//! clock every role reads the time from.

pub mod data_version;
pub mod mix_all;
pub mod perm;
pub mod route;
pub mod topic_config;
pub mod util_all;
pub mod virtual_clock;

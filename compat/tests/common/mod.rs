//! Shared set-up for the compatibility tests (the cluster itself lives in
//! `compat::cluster` so the bins can use it too).

#![allow(dead_code)]

pub use compat::cluster::{Cluster, unique};

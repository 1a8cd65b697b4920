//! The message store. In this chapter only its configuration exists: the
//! root directory, under which the broker keeps its config files
//! (`config/topics.json`). Chapter 04 puts messages in it.

pub mod config;

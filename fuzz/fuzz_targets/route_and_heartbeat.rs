//! Fuzz target: see `mini_rocketmq::fuzzing::route_and_heartbeat`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mini_rocketmq::fuzzing::route_and_heartbeat(data));

//! Helpers from `org.apache.rocketmq.common.UtilAll`.

/// `UtilAll.crc32`: CRC32 masked to a non-negative Java `int`. Brokers put it
/// in the REGISTER_BROKER header so the name server can tell a damaged body
/// from a real one.
pub fn crc32(bytes: &[u8]) -> i32 {
    // The mask keeps 31 bits, so the value always fits an i32.
    (crc32fast::hash(bytes) & 0x7FFF_FFFF) as i32
}

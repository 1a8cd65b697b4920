//! `PermName`: the read/write/inherit bits of a topic or a broker.
//!
//! Mirrors `org.apache.rocketmq.common.constant.PermName`. Every `TopicConfig`
//! and every `QueueData` in a route carries a `perm` int built from these
//! bits. Producers only send to queues whose perm is writeable and consumers
//! only pull from readable ones, which is how an operator drains a broker:
//! `WIPE_WRITE_PERM_OF_BROKER` clears the write bit in the name server's
//! routes, clients stop sending there within one route poll, and consumers
//! keep reading what is left.

/// Bit 3: priority (used only by `isPriority`; not a valid topic perm).
pub const PERM_PRIORITY: i32 = 1 << 3;
/// Bit 2: consumers may read.
pub const PERM_READ: i32 = 1 << 2;
/// Bit 1: producers may write.
pub const PERM_WRITE: i32 = 1 << 1;
/// Bit 0: a topic created from this one (TBW102) inherits its settings.
pub const PERM_INHERIT: i32 = 1;

/// `PERM_READ | PERM_WRITE` = 6, the perm of an ordinary topic.
pub const PERM_READ_WRITE: i32 = PERM_READ | PERM_WRITE;

pub fn is_readable(perm: i32) -> bool {
    perm & PERM_READ == PERM_READ
}

pub fn is_writeable(perm: i32) -> bool {
    perm & PERM_WRITE == PERM_WRITE
}

pub fn is_inherited(perm: i32) -> bool {
    perm & PERM_INHERIT == PERM_INHERIT
}

pub fn is_priority(perm: i32) -> bool {
    perm & PERM_PRIORITY == PERM_PRIORITY
}

/// Readable or writeable.
pub fn is_accessible(perm: i32) -> bool {
    is_readable(perm) || is_writeable(perm)
}

/// A topic perm must be one of the values 0..=7 (the priority bit is not a
/// topic perm).
pub fn is_valid(perm: i32) -> bool {
    (0..PERM_PRIORITY).contains(&perm)
}

/// Java `perm2String`: three characters, `R`/`W`/`X` or `-`, as `mqadmin`
/// prints them (`RW-` for 6, `RWX` for TBW102's 7).
pub fn perm_to_string(perm: i32) -> String {
    let mut s = String::with_capacity(3);
    s.push(if is_readable(perm) { 'R' } else { '-' });
    s.push(if is_writeable(perm) { 'W' } else { '-' });
    s.push(if is_inherited(perm) { 'X' } else { '-' });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_match_rocketmq() {
        assert_eq!(PERM_READ_WRITE, 6);
        assert_eq!(PERM_READ_WRITE | PERM_INHERIT, 7);
        assert_eq!(PERM_PRIORITY, 8);
    }

    #[test]
    fn helpers() {
        assert!(is_readable(6) && is_writeable(6) && !is_inherited(6));
        assert!(is_readable(4) && !is_writeable(4));
        assert!(!is_accessible(0) && !is_accessible(PERM_INHERIT));
        assert!(is_valid(7) && !is_valid(8) && !is_valid(-1));
        assert_eq!(perm_to_string(6), "RW-");
        assert_eq!(perm_to_string(7), "RWX");
        assert_eq!(perm_to_string(4), "R--");
        assert_eq!(perm_to_string(0), "---");
    }
}

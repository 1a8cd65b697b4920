//! Queue permissions — mirrors `org.apache.rocketmq.common.constant.PermName`.
//!
//! A topic's `perm` is a bit set that travels in topic configs and route data.
//! The name server does not enforce it; it hands it to clients, which then
//! refuse to send to a queue that is not writable (for example while a broker
//! is being drained).

pub const PERM_PRIORITY: i32 = 0x1 << 3;
pub const PERM_READ: i32 = 0x1 << 2;
pub const PERM_WRITE: i32 = 0x1 << 1;
pub const PERM_INHERIT: i32 = 0x1;

/// `PermName.isReadable`.
pub fn is_readable(perm: i32) -> bool {
    perm & PERM_READ == PERM_READ
}

/// `PermName.isWriteable`.
pub fn is_writeable(perm: i32) -> bool {
    perm & PERM_WRITE == PERM_WRITE
}

/// `PermName.isInherited`: may a new topic copy this one's config?
pub fn is_inherited(perm: i32) -> bool {
    perm & PERM_INHERIT == PERM_INHERIT
}

/// `PermName.perm2String`: `6` → `"RW-"`, in the form `mqadmin` prints.
pub fn perm_to_string(perm: i32) -> String {
    let flag = |bit: i32, c: char| if perm & bit != 0 { c } else { '-' };
    [
        flag(PERM_READ, 'R'),
        flag(PERM_WRITE, 'W'),
        flag(PERM_INHERIT, 'X'),
    ]
    .iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_write_prints_like_mqadmin() {
        assert_eq!(perm_to_string(PERM_READ | PERM_WRITE), "RW-");
        assert_eq!(perm_to_string(7), "RWX");
        assert_eq!(perm_to_string(PERM_READ), "R--");
    }
}

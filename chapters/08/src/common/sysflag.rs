//! `PullSysFlag` — mirrors `org.apache.rocketmq.common.sysflag.PullSysFlag`:
//! the bits of a pull request's `sysFlag`.

/// The request carries the consumer's progress in `commitOffset`.
pub const FLAG_COMMIT_OFFSET: i32 = 0x1;
/// The broker may hold the request when nothing is there (chapter 06).
pub const FLAG_SUSPEND: i32 = 0x1 << 1;
/// The request carries its subscription expression.
pub const FLAG_SUBSCRIPTION: i32 = 0x1 << 2;

/// `PullSysFlag.buildSysFlag` (without the class-filter and lite bits).
pub fn build_sys_flag(commit_offset: bool, suspend: bool, subscription: bool) -> i32 {
    let mut flag = 0;
    if commit_offset {
        flag |= FLAG_COMMIT_OFFSET;
    }
    if suspend {
        flag |= FLAG_SUSPEND;
    }
    if subscription {
        flag |= FLAG_SUBSCRIPTION;
    }
    flag
}

/// `PullSysFlag.hasCommitOffsetFlag`.
pub fn has_commit_offset_flag(sys_flag: i32) -> bool {
    sys_flag & FLAG_COMMIT_OFFSET == FLAG_COMMIT_OFFSET
}

/// `PullSysFlag.hasSuspendFlag`.
pub fn has_suspend_flag(sys_flag: i32) -> bool {
    sys_flag & FLAG_SUSPEND == FLAG_SUSPEND
}

/// `PullSysFlag.hasSubscriptionFlag`.
pub fn has_subscription_flag(sys_flag: i32) -> bool {
    sys_flag & FLAG_SUBSCRIPTION == FLAG_SUBSCRIPTION
}

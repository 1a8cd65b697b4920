//! The client-side unique message id, `UNIQ_KEY`
//! (Java: `org.apache.rocketmq.common.message.MessageClientIDSetter`).
//!
//! A producer stamps every message with a 16-byte id (28 with an IPv6
//! address) before sending, so that the id is known even if the send must be
//! retried, and the broker creates one when a client did not:
//!
//! ```text
//! IP (4|16) | pid i16 | "class loader hash" i32 | ms since start of month i32 | counter i16
//! ```
//!
//! rendered as uppercase hex. The first 10 bytes never change within a
//! process, so Java pre-renders them once (`FIX_STRING`) and only formats the
//! last 6 bytes per id; we do the same. Java's class-loader hash only serves
//! to tell two producers in one JVM apart; we use a value derived from the
//! process start time instead. "Start of month" is computed in UTC (Java
//! uses the local time zone; only the id's uniqueness matters, and a reader
//! of the id decodes it with [`nearly_time_from_id`] using the same rule).

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::message::Message;
use super::message_const::PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX;
use super::message_decoder::{bytes_to_hex, hex_to_bytes};

/// Process-wide generator state: the fixed prefix and the month window.
struct IdState {
    fix_prefix: String,
    /// [start, next_start) of the current month in unix ms; refreshed when time passes next_start.
    start_time: AtomicI64,
    next_start_time: AtomicI64,
    counter: AtomicU32,
}

fn state() -> &'static IdState {
    static STATE: OnceLock<IdState> = OnceLock::new();
    STATE.get_or_init(|| {
        let mut prefix = Vec::with_capacity(22);
        match local_ip() {
            IpAddr::V4(ip) => prefix.extend_from_slice(&ip.octets()),
            IpAddr::V6(ip) => prefix.extend_from_slice(&ip.octets()),
        }
        prefix.extend_from_slice(&(std::process::id() as i16).to_be_bytes());
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let loader_hash = (nanos ^ std::process::id().rotate_left(16)) as i32;
        prefix.extend_from_slice(&loader_hash.to_be_bytes());
        let now = now_ms();
        let (start, next) = month_window(now);
        IdState {
            fix_prefix: bytes_to_hex(&prefix),
            start_time: AtomicI64::new(start),
            next_start_time: AtomicI64::new(next),
            counter: AtomicU32::new(0),
        }
    })
}

use crate::common::system_clock::now_millis as now_ms;

/// The address other hosts would see us by: ask the OS which source address it
/// would use for an outside destination (a UDP "connect" sends no packet).
/// Falls back to 127.0.0.1 on a machine without a route.
fn local_ip() -> IpAddr {
    UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| {
            s.connect("8.8.8.8:53")?;
            s.local_addr()
        })
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_unspecified())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

/// Days since 1970-01-01 → (year, month 1..=12). Howard Hinnant's civil-from-days.
fn civil_from_days(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month)
}

/// (year, month) → days since 1970-01-01 of the 1st of that month.
fn days_from_civil(year: i64, month: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix ms of the first instant of `now`'s month and of the next month (UTC).
fn month_window(now_ms: i64) -> (i64, i64) {
    const DAY: i64 = 86_400_000;
    let (y, m) = civil_from_days(now_ms.div_euclid(DAY));
    let start = days_from_civil(y, m) * DAY;
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (start, days_from_civil(ny, nm) * DAY)
}

/// A new unique id (Java `createUniqID`): 32 uppercase hex chars with an IPv4 address.
pub fn create_uniq_id() -> String {
    let st = state();
    let now = now_ms();
    if now >= st.next_start_time.load(Ordering::Relaxed) {
        let (start, next) = month_window(now);
        st.start_time.store(start, Ordering::Relaxed);
        st.next_start_time.store(next, Ordering::Relaxed);
    }
    let mut diff = (now - st.start_time.load(Ordering::Relaxed)) as i32;
    if diff < 0 && diff > -1_000_000 {
        diff = 0; // clock stepped back a little (NTP): Java clamps the same way
    }
    let counter = st.counter.fetch_add(1, Ordering::Relaxed) as i16;
    let mut tail = [0u8; 6];
    tail[..4].copy_from_slice(&diff.to_be_bytes());
    tail[4..].copy_from_slice(&counter.to_be_bytes());
    let mut id = String::with_capacity(st.fix_prefix.len() + 12);
    id.push_str(&st.fix_prefix);
    id.push_str(&bytes_to_hex(&tail));
    id
}

/// Set UNIQ_KEY on a message that has none (Java `setUniqID`).
pub fn set_uniq_id(msg: &mut Message) {
    if msg.uniq_key().is_none() {
        msg.put_property(PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, create_uniq_id());
    }
}

/// The IP bytes at the start of an id (Java `getIPFromID`).
pub fn ip_from_id(msg_id: &str) -> Option<IpAddr> {
    let bytes = hex_to_bytes(msg_id)?;
    match bytes.len() {
        16 => Some(IpAddr::V4(Ipv4Addr::new(
            bytes[0], bytes[1], bytes[2], bytes[3],
        ))),
        28 => {
            let o: [u8; 16] = bytes[..16].try_into().ok()?;
            Some(IpAddr::from(o))
        }
        _ => None,
    }
}

/// The pid stored in an id (Java `getPidFromID`).
pub fn pid_from_id(msg_id: &str) -> Option<u16> {
    let bytes = hex_to_bytes(msg_id)?;
    let p = bytes.len().checked_sub(12)?;
    Some(u16::from_be_bytes([bytes[p], bytes[p + 1]]))
}

/// Approximate creation time (unix ms) of an id (Java `getNearlyTimeFromID`):
/// the id stores ms since the start of *a* month; assume the current one
/// unless that lands in the future, then the previous one. (Java compares
/// with `>=`, which sends an id made in the current millisecond back a
/// month; `>` does not.)
pub fn nearly_time_from_id(msg_id: &str) -> Option<i64> {
    let bytes = hex_to_bytes(msg_id)?;
    let p = bytes.len().checked_sub(6)?;
    let span = u32::from_be_bytes(bytes[p..p + 4].try_into().ok()?) as i64;
    let now = now_ms();
    let (start, _) = month_window(now);
    if start + span > now {
        let (prev_start, _) = month_window(start - 1);
        Some(prev_start + span)
    } else {
        Some(start + span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let a = create_uniq_id();
        let b = create_uniq_id();
        assert_ne!(a, b);
        assert!(a.len() == 32 || a.len() == 56);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
        );
        assert_eq!(a[..20], b[..20], "the first 10 bytes are fixed per process");
        assert_eq!(pid_from_id(&a), Some(std::process::id() as u16));
        assert!(ip_from_id(&a).is_some());
        let t = nearly_time_from_id(&a).unwrap();
        assert!((now_ms() - t).abs() < 60_000);
    }

    #[test]
    fn month_window_handles_december_and_leap_years() {
        // 2024-02-15T00:00:00Z
        let (s, n) = month_window(1_707_955_200_000);
        assert_eq!(s, 1_706_745_600_000); // 2024-02-01
        assert_eq!(n, 1_709_251_200_000); // 2024-03-01 (29-day February)
        // 2023-12-31T23:59:59Z
        let (s, n) = month_window(1_704_067_199_000);
        assert_eq!(s, 1_701_388_800_000); // 2023-12-01
        assert_eq!(n, 1_704_067_200_000); // 2024-01-01
    }

    #[test]
    fn set_uniq_id_keeps_an_existing_one() {
        let mut m = Message::new("T", "x");
        set_uniq_id(&mut m);
        let first = m.uniq_key().unwrap().to_owned();
        set_uniq_id(&mut m);
        assert_eq!(m.uniq_key(), Some(first.as_str()));
    }
}

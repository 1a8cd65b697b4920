//! `ConfigManager`: how the broker keeps its small JSON files on disk.
//!
//! Mirrors `org.apache.rocketmq.common.ConfigManager` and the file helpers it
//! uses (`MixAll.string2File`, `MixAll.file2String`). The broker owns several
//! tables that must survive a restart — topic configs (`config/topics.json`),
//! consumer offsets (`config/consumerOffset.json`), subscription groups
//! (`config/subscriptionGroup.json`) — and each of them is written the same way:
//! the whole table is encoded as JSON and replaces the previous file.
//!
//! Replacing a file is where data gets lost, so the order of steps matters
//! (Java `ConfigManager`, `common/src/main/java/org/apache/rocketmq/common/ConfigManager.java`, and Java `BrokerPathConfigHelper`, `broker/src/main/java/org/apache/rocketmq/broker/BrokerPathConfigHelper.java`):
//!
//! 1. move the current `<file>` to `<file>.bak` (a rename, atomic on POSIX) and
//!    fsync the directory, so the rename itself is on disk;
//! 2. write the new `<file>`, fsync it, and fsync the directory again so its
//!    directory entry is durable too.
//!
//! A crash between the two steps leaves only `<file>.bak`; a crash during the
//! write leaves a truncated `<file>` beside an intact `<file>.bak`. That is why
//! [`ConfigManager::load`] falls back to `<file>.bak` when `<file>` is missing,
//! empty or does not decode.
//!
//! The Java class is abstract with `encode`/`decode`/`configFilePath`; here it
//! is a trait with the same three required methods and `load`/`persist`
//! provided on top of them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A table that is persisted as one JSON file.
///
/// Implementors keep their table behind their own lock; `encode` takes a
/// consistent snapshot and `decode` replaces the table. Both work on `&self`
/// so a manager can be shared behind an `Arc`.
pub trait ConfigManager {
    /// The JSON text of the whole table. RocketMQ writes it pretty-printed so
    /// an operator can read and edit the file.
    fn encode(&self, pretty: bool) -> String;

    /// Replace the table with the content of `json`. An error means the text
    /// is not a valid file of this kind; `load` then tries the backup.
    fn decode(&self, json: &str) -> Result<(), String>;

    /// Where the file lives, e.g. `<storePathRootDir>/config/topics.json`.
    fn config_file_path(&self) -> PathBuf;

    /// Load the table from disk.
    ///
    /// Returns `true` when the table was loaded, or when neither the file nor
    /// its backup exist (a fresh broker starts with an empty table). Returns
    /// `false` only when both the file and its backup are unusable; the caller
    /// decides whether that stops the broker (RocketMQ's does).
    fn load(&self) -> bool {
        let path = self.config_file_path();
        match read_non_empty(&path) {
            Ok(Some(json)) => match self.decode(&json) {
                Ok(()) => {
                    tracing::info!(file = %path.display(), "load config file OK");
                    return true;
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e,
                        "config file does not decode, trying its .bak");
                }
            },
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e,
                    "config file cannot be read, trying its .bak");
            }
        }
        self.load_bak()
    }

    /// Load `<file>.bak`. Missing or empty counts as success (nothing to load).
    fn load_bak(&self) -> bool {
        let bak = bak_path(&self.config_file_path());
        match read_non_empty(&bak) {
            Ok(None) => true,
            Ok(Some(json)) => match self.decode(&json) {
                Ok(()) => {
                    tracing::info!(file = %bak.display(), "load config backup file OK");
                    true
                }
                Err(e) => {
                    tracing::error!(file = %bak.display(), error = %e, "config backup does not decode");
                    false
                }
            },
            Err(e) => {
                tracing::error!(file = %bak.display(), error = %e, "config backup cannot be read");
                false
            }
        }
    }

    /// Write the table to disk with the `.bak` protocol described above.
    ///
    /// This is blocking file I/O: call it from a scheduled task or at
    /// shutdown, never on a request's hot path.
    fn persist(&self) -> io::Result<()> {
        let json = self.encode(true);
        let path = self.config_file_path();
        let result = write_with_backup(&path, json.as_bytes());
        if let Err(e) = &result {
            tracing::error!(file = %path.display(), error = %e, "persist config file failed");
        }
        result
    }
}

/// `<file>.bak` beside `<file>`.
pub fn bak_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

/// Read a whole file as UTF-8; `Ok(None)` when it is missing or empty.
pub fn read_non_empty(path: &Path) -> io::Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(s) if s.trim().is_empty() => Ok(None),
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replace `path` with `content`: `<file>` → `<file>.bak`, fsync the
/// directory, write and fsync the new file, fsync the directory again.
pub fn write_with_backup(path: &Path, content: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;

    // Step 1: keep the previous version. A missing file (first persist) is fine.
    match fs::rename(path, bak_path(path)) {
        Ok(()) => sync_dir(&dir)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }

    // Step 2: the new version, durable before we return.
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(content)?;
    file.sync_all()?;
    drop(file);
    sync_dir(&dir)
}

/// fsync a directory so renames and new entries in it survive a power cut.
/// Opening a directory for reading is how POSIX exposes this; on systems where
/// that is not allowed (Windows) there is nothing to sync and we carry on.
fn sync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir) {
        Ok(d) => match d.sync_all() {
            Ok(()) => Ok(()),
            // Some file systems refuse fsync on a directory handle; the data
            // file itself was already synced, so this is not worth failing on.
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(()),
            Err(e) => Err(e),
        },
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    /// A one-string table, enough to watch the file protocol.
    struct Table {
        path: PathBuf,
        value: Mutex<String>,
    }

    impl ConfigManager for Table {
        fn encode(&self, _pretty: bool) -> String {
            serde_json::json!({ "value": *self.value.lock() }).to_string()
        }
        fn decode(&self, json: &str) -> Result<(), String> {
            let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
            let s = v["value"].as_str().ok_or("no value")?;
            *self.value.lock() = s.to_string();
            Ok(())
        }
        fn config_file_path(&self) -> PathBuf {
            self.path.clone()
        }
    }

    fn table(dir: &Path) -> Table {
        Table {
            path: dir.join("config").join("t.json"),
            value: Mutex::new(String::new()),
        }
    }

    #[test]
    fn persist_keeps_previous_version_as_bak() {
        let dir = tempfile::tempdir().unwrap();
        let t = table(dir.path());
        *t.value.lock() = "one".into();
        t.persist().unwrap();
        *t.value.lock() = "two".into();
        t.persist().unwrap();
        let bak = fs::read_to_string(bak_path(&t.path)).unwrap();
        assert!(bak.contains("one"));
        let cur = fs::read_to_string(&t.path).unwrap();
        assert!(cur.contains("two"));
    }

    #[test]
    fn missing_files_load_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let t = table(dir.path());
        assert!(t.load());
        assert_eq!(*t.value.lock(), "");
    }

    #[test]
    fn corrupt_file_falls_back_to_bak() {
        let dir = tempfile::tempdir().unwrap();
        let t = table(dir.path());
        *t.value.lock() = "good".into();
        t.persist().unwrap();
        t.persist().unwrap(); // now .bak holds "good" too
        fs::write(&t.path, b"{\"value\": \"torn").unwrap();
        let fresh = table(dir.path());
        assert!(fresh.load());
        assert_eq!(*fresh.value.lock(), "good");
    }

    #[test]
    fn both_corrupt_is_a_failure() {
        let dir = tempfile::tempdir().unwrap();
        let t = table(dir.path());
        fs::create_dir_all(t.path.parent().unwrap()).unwrap();
        fs::write(&t.path, b"nope").unwrap();
        fs::write(bak_path(&t.path), b"nope").unwrap();
        assert!(!t.load());
    }
}

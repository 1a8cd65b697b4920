//! `ConfigManager` — how a broker keeps a small table in a JSON file.
//! Mirrors `org.apache.rocketmq.common.ConfigManager`.
//!
//! Several broker tables must survive a restart: topic configs
//! (`config/topics.json`, this chapter) and consumer offsets
//! (`config/consumerOffset.json`, chapter 05). Each one is written whole, as
//! pretty-printed JSON, replacing the previous file, and the order of that
//! replacement is what keeps a crash from losing the table:
//!
//! 1. rename the current `<file>` to `<file>.bak`;
//! 2. write the new `<file>`.
//!
//! A crash between the two leaves only the `.bak`; a crash in the middle of
//! the write leaves a torn `<file>` beside an intact `.bak`. So `load` falls
//! back to the `.bak` whenever `<file>` is missing, empty or does not decode.
//!
//! Java's class is abstract with `encode`, `decode` and `configFilePath`;
//! here it is a trait with the same three methods and `load` / `persist`
//! provided on top. Java also fsyncs the file and its directory; we leave
//! that to mini-rocketmq, because nothing in the workbook pulls the plug.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where [`ConfigManager::load`] found the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadedFrom {
    /// `<file>` itself.
    File,
    /// `<file>.bak`: `<file>` was missing, empty or torn.
    Bak,
    /// Neither exists: a broker starting for the first time.
    Nothing,
}

impl LoadedFrom {
    /// For a trace line: `loaded`, `loaded from .bak`, `not there yet`.
    pub fn describe(self) -> &'static str {
        match self {
            LoadedFrom::File => "loaded",
            LoadedFrom::Bak => "loaded from .bak",
            LoadedFrom::Nothing => "not there yet",
        }
    }
}

/// Neither the file nor its backup decodes (Java's `load` returns false and
/// the broker refuses to start).
#[derive(Debug, thiserror::Error)]
#[error("{file} and its .bak are both unreadable: {reason}")]
pub struct ConfigError {
    pub file: String,
    pub reason: String,
}

/// A table persisted as one JSON file.
pub trait ConfigManager {
    /// The whole table as JSON.
    fn encode(&self) -> String;
    /// Replace the table with the content of `json`.
    fn decode(&self, json: &str) -> Result<(), String>;
    /// Where the file lives, e.g. `<storePathRootDir>/config/topics.json`.
    fn config_file_path(&self) -> PathBuf;

    // ANCHOR: load
    /// `ConfigManager#load`: the file, else its `.bak`, else nothing.
    fn load(&self) -> Result<LoadedFrom, ConfigError> {
        let path = self.config_file_path();
        if let Some(json) = read_non_empty(&path) {
            match self.decode(&json) {
                Ok(()) => return Ok(LoadedFrom::File),
                Err(e) => {
                    tracing::warn!(file = %path.display(), "does not decode ({e}), trying .bak")
                }
            }
        }
        let bak = bak_path(&path);
        let Some(json) = read_non_empty(&bak) else {
            return Ok(LoadedFrom::Nothing);
        };
        self.decode(&json)
            .map(|()| LoadedFrom::Bak)
            .map_err(|reason| ConfigError {
                file: path.display().to_string(),
                reason,
            })
    }
    // ANCHOR_END: load

    // ANCHOR: persist
    /// `ConfigManager#persist`: keep the previous file as `<file>.bak`, then
    /// write the new one. Returns whether a previous file was kept.
    fn persist(&self) -> io::Result<bool> {
        let json = self.encode();
        let path = self.config_file_path();
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let kept = match fs::rename(&path, bak_path(&path)) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        fs::write(&path, json)?;
        Ok(kept)
    }
    // ANCHOR_END: persist
}

/// `<file>.bak` beside `<file>`.
pub fn bak_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

/// The file's text, or `None` when it is missing, unreadable or blank.
fn read_non_empty(path: &Path) -> Option<String> {
    fs::read_to_string(path)
        .ok()
        .filter(|text| !text.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A one-string table, enough to watch the file protocol.
    struct Note {
        path: PathBuf,
        text: Mutex<String>,
    }

    impl ConfigManager for Note {
        fn encode(&self) -> String {
            serde_json::json!({ "text": *self.text.lock().unwrap() }).to_string()
        }
        fn decode(&self, json: &str) -> Result<(), String> {
            let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
            *self.text.lock().unwrap() = v["text"].as_str().ok_or("no text")?.to_string();
            Ok(())
        }
        fn config_file_path(&self) -> PathBuf {
            self.path.clone()
        }
    }

    #[test]
    fn a_torn_file_falls_back_to_the_bak() {
        let dir = std::env::temp_dir().join(format!("cm-test-{}", std::process::id()));
        let note = Note {
            path: dir.join("config").join("note.json"),
            text: Mutex::new("one".into()),
        };
        assert_eq!(note.load().unwrap(), LoadedFrom::Nothing);
        assert!(!note.persist().unwrap(), "nothing to keep the first time");
        *note.text.lock().unwrap() = "two".into();
        assert!(note.persist().unwrap());
        fs::write(&note.path, "{\"text\": \"tw").unwrap();
        assert_eq!(note.load().unwrap(), LoadedFrom::Bak);
        assert_eq!(*note.text.lock().unwrap(), "one");
        fs::remove_dir_all(&dir).unwrap();
    }
}

//! The student's progress through the course, as kept in localStorage: the lessons completed
//! and the lesson open last. Pure data and its (de)serialisation; [`crate::prefs`] reads and
//! writes it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The localStorage key. The `v1` is the format's version: a later format takes a new key and
/// may read this one to convert it.
pub const PROGRESS_KEY: &str = "kube-sandbox.progress.v1";

/// The largest stored value read, in bytes; anything larger is treated as corrupt (the course
/// has at most [`lessons::MAX_LESSONS`] ids of at most 63 bytes each).
pub const MAX_PROGRESS_BYTES: usize = 64 * 1024;

/// What is remembered between visits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Ids of the lessons whose every goal was met once.
    #[serde(default)]
    pub completed: BTreeSet<String>,
    /// The lesson open last (`None`: the free sandbox, or nothing yet).
    #[serde(default)]
    pub last: Option<String>,
}

impl Progress {
    /// Reads a stored value. `None` (nothing stored) is fresh progress; a value that is not
    /// this format is `Err` with why, and the caller starts fresh.
    pub fn parse(stored: Option<&str>) -> Result<Progress, String> {
        let Some(text) = stored else {
            return Ok(Progress::default());
        };
        if text.len() > MAX_PROGRESS_BYTES {
            return Err(format!(
                "{} bytes is more than the limit of {MAX_PROGRESS_BYTES}",
                text.len()
            ));
        }
        let mut progress: Progress = serde_json::from_str(text).map_err(|e| e.to_string())?;
        progress.completed = progress
            .completed
            .into_iter()
            .take(lessons::MAX_LESSONS)
            .collect();
        Ok(progress)
    }

    /// The value to store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// True when the lesson `id` was completed.
    pub fn is_completed(&self, id: &str) -> bool {
        self.completed.contains(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_round_trips_through_its_stored_text() {
        let mut p = Progress::default();
        p.completed.insert("containers-vs-vms".into());
        p.last = Some("containers-vs-vms".into());
        assert_eq!(Progress::parse(Some(&p.to_json())), Ok(p));
    }

    #[test]
    fn nothing_stored_is_fresh_progress() {
        assert_eq!(Progress::parse(None), Ok(Progress::default()));
        assert_eq!(Progress::parse(Some("{}")), Ok(Progress::default()));
    }

    #[test]
    fn a_corrupt_value_is_an_error_not_a_panic() {
        for bad in [
            "",
            "not json",
            "[1,2]",
            "{\"completed\": 3}",
            "{\"last\": [\"x\"]}",
            "\u{0}",
        ] {
            assert!(Progress::parse(Some(bad)).is_err(), "{bad:?}");
        }
        let huge = format!("{{\"last\":\"{}\"}}", "a".repeat(MAX_PROGRESS_BYTES));
        assert!(Progress::parse(Some(&huge)).is_err());
    }
}

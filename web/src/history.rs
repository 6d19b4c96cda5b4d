//! The terminal's ↑/↓ input history, as a shell's line editor keeps it.
//!
//! This is an editing aid of the terminal widget, not simulation state: it remembers what was
//! typed in this page, including text that later turned out to be an error.

/// Most entries kept; older ones are forgotten first.
pub const MAX_ENTRIES: usize = 500;

/// Typed inputs and a cursor for browsing them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<String>,
    /// Index into `entries` while browsing; `None` when editing a new line.
    cursor: Option<usize>,
    /// What was being typed before browsing began, restored by ↓ past the newest entry.
    draft: String,
}

impl History {
    /// Records a submitted input (blank ones and repeats of the newest one are skipped) and
    /// stops browsing.
    pub fn push(&mut self, text: &str) {
        self.cursor = None;
        self.draft.clear();
        if text.trim().is_empty() || self.entries.last().is_some_and(|last| last == text) {
            return;
        }
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push(text.to_string());
    }

    /// ↑: the previous entry, remembering `current` as the draft when browsing starts.
    /// `None` when there is nothing older.
    pub fn up(&mut self, current: &str) -> Option<String> {
        let next = match self.cursor {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.cursor = Some(next);
        Some(self.entries[next].clone())
    }

    /// ↓: the next entry, or the draft after the newest one. `None` when not browsing.
    pub fn down(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 < self.entries.len() {
            self.cursor = Some(i + 1);
            Some(self.entries[i + 1].clone())
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Number of entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was typed yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_browse_entries_and_restore_the_draft() {
        let mut h = History::default();
        h.push("ls");
        h.push("cat a");
        assert_eq!(h.up("ec").as_deref(), Some("cat a"));
        assert_eq!(h.up("ignored").as_deref(), Some("ls"));
        assert_eq!(h.up("ignored"), None);
        assert_eq!(h.down().as_deref(), Some("cat a"));
        assert_eq!(h.down().as_deref(), Some("ec"));
        assert_eq!(h.down(), None);
    }

    #[test]
    fn blanks_and_immediate_repeats_are_not_recorded() {
        let mut h = History::default();
        h.push("ls");
        h.push("ls");
        h.push("   ");
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn history_is_bounded() {
        let mut h = History::default();
        for i in 0..MAX_ENTRIES + 10 {
            h.push(&format!("echo {i}"));
        }
        assert_eq!(h.len(), MAX_ENTRIES);
        assert_eq!(h.up("").as_deref(), Some("echo 509"));
    }
}

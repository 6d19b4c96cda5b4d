//! Play speed and keyboard shortcuts, as plain data (the components attach them to the page).

/// Play speed: how fast ⏯ advances frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    /// 0.5×
    Half,
    /// 1×
    One,
    /// 2×
    Two,
    /// 4×
    Four,
}

/// Milliseconds between two frames at 1×.
pub const BASE_TICK_MS: u32 = 800;

impl Speed {
    /// Every speed, slowest first.
    pub const ALL: [Speed; 4] = [Speed::Half, Speed::One, Speed::Two, Speed::Four];

    /// The value of the speed `<select>` option.
    pub fn value(self) -> &'static str {
        match self {
            Speed::Half => "0.5",
            Speed::One => "1",
            Speed::Two => "2",
            Speed::Four => "4",
        }
    }

    /// The label shown (`0.5×`).
    pub fn label(self) -> &'static str {
        match self {
            Speed::Half => "0.5×",
            Speed::One => "1×",
            Speed::Two => "2×",
            Speed::Four => "4×",
        }
    }

    /// The speed an option value names.
    pub fn from_value(value: &str) -> Option<Speed> {
        Speed::ALL.into_iter().find(|s| s.value() == value)
    }

    /// Milliseconds between frames while playing.
    pub fn tick_ms(self) -> u32 {
        match self {
            Speed::Half => BASE_TICK_MS * 2,
            Speed::One => BASE_TICK_MS,
            Speed::Two => BASE_TICK_MS / 2,
            Speed::Four => BASE_TICK_MS / 4,
        }
    }
}

/// What a keyboard shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Alt+←
    StepBack,
    /// Alt+→
    StepForward,
    /// Alt+P
    PlayPause,
    /// Alt+R
    Reset,
    /// Alt+N
    BackToNow,
    /// Alt+L
    SwitchLanguage,
    /// Alt+T
    FocusTerminal,
    /// Alt+M
    Presenter,
    /// `?` outside text fields
    ShowShortcuts,
    /// Escape
    Close,
}

/// A key press, as much of it as the shortcuts look at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPress {
    /// `KeyboardEvent.key` (the character typed, `ArrowLeft`, `Escape`…).
    pub key: String,
    /// `KeyboardEvent.code` (the physical key, `KeyP`): letters are matched by it, because
    /// Alt+letter types another character on some layouts (⌥P is π on a Mac).
    pub code: String,
    /// Alt (⌥) held.
    pub alt: bool,
    /// Ctrl held.
    pub ctrl: bool,
    /// ⌘ / Windows key held.
    pub meta: bool,
    /// The key went to a text field.
    pub in_text_field: bool,
    /// The text field holds text (its arrow keys then keep their editing meaning).
    pub field_has_text: bool,
}

/// The shortcut a key press triggers, if any.
pub fn shortcut_for(k: &KeyPress) -> Option<Shortcut> {
    if k.ctrl || k.meta {
        return None;
    }
    if k.alt {
        return match k.code.as_str() {
            "ArrowLeft" if !k.field_has_text => Some(Shortcut::StepBack),
            "ArrowRight" if !k.field_has_text => Some(Shortcut::StepForward),
            "KeyP" => Some(Shortcut::PlayPause),
            "KeyR" => Some(Shortcut::Reset),
            "KeyN" => Some(Shortcut::BackToNow),
            "KeyL" => Some(Shortcut::SwitchLanguage),
            "KeyT" => Some(Shortcut::FocusTerminal),
            "KeyM" => Some(Shortcut::Presenter),
            _ => None,
        };
    }
    match k.key.as_str() {
        "?" if !k.in_text_field => Some(Shortcut::ShowShortcuts),
        "Escape" => Some(Shortcut::Close),
        _ => None,
    }
}

/// The keys of each shortcut as the shortcut list shows them.
pub fn keys_label(s: Shortcut) -> &'static str {
    match s {
        Shortcut::StepBack => "Alt + ←",
        Shortcut::StepForward => "Alt + →",
        Shortcut::PlayPause => "Alt + P",
        Shortcut::Reset => "Alt + R",
        Shortcut::BackToNow => "Alt + N",
        Shortcut::SwitchLanguage => "Alt + L",
        Shortcut::FocusTerminal => "Alt + T",
        Shortcut::Presenter => "Alt + M",
        Shortcut::ShowShortcuts => "?",
        Shortcut::Close => "Esc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str, code: &str, alt: bool) -> KeyPress {
        KeyPress {
            key: key.into(),
            code: code.into(),
            alt,
            ..KeyPress::default()
        }
    }

    #[test]
    fn alt_letters_match_the_physical_key() {
        assert_eq!(
            shortcut_for(&press("π", "KeyP", true)),
            Some(Shortcut::PlayPause)
        );
        assert_eq!(shortcut_for(&press("p", "KeyP", false)), None);
        let mut ctrl = press("r", "KeyR", true);
        ctrl.ctrl = true;
        assert_eq!(shortcut_for(&ctrl), None);
    }

    #[test]
    fn question_mark_opens_the_list_only_outside_text_fields() {
        assert_eq!(
            shortcut_for(&press("?", "Slash", false)),
            Some(Shortcut::ShowShortcuts)
        );
        let mut typing = press("?", "Slash", false);
        typing.in_text_field = true;
        assert_eq!(shortcut_for(&typing), None);
    }

    #[test]
    fn alt_arrows_are_left_to_a_text_field_that_holds_text() {
        let mut k = press("ArrowLeft", "ArrowLeft", true);
        k.in_text_field = true;
        assert_eq!(shortcut_for(&k), Some(Shortcut::StepBack));
        k.field_has_text = true;
        assert_eq!(shortcut_for(&k), None);
    }

    #[test]
    fn speeds_round_trip_and_get_faster() {
        for s in Speed::ALL {
            assert_eq!(Speed::from_value(s.value()), Some(s));
        }
        assert!(Speed::Four.tick_ms() < Speed::Half.tick_ms());
        assert_eq!(Speed::from_value("3"), None);
    }
}

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
    /// ← outside form controls, in presenter mode with the lesson's intro showing (a clicker)
    PrevPage,
    /// → outside form controls, in presenter mode with the lesson's intro showing (a clicker)
    NextPage,
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
    /// The key went to any form control (radio buttons move with the arrows).
    pub in_form_control: bool,
    /// Presenter mode is on (a clicker's PageDown/PageUp then step the timeline).
    pub presenter: bool,
    /// The lesson's intro is showing (a clicker's →/← then turn its pages).
    pub intro_showing: bool,
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
        // A presentation clicker sends PageDown/PageUp (and often →/←).
        "PageDown" if k.presenter && !k.field_has_text => Some(Shortcut::StepForward),
        "PageUp" if k.presenter && !k.field_has_text => Some(Shortcut::StepBack),
        "ArrowRight" if k.presenter && k.intro_showing && !k.in_form_control => {
            Some(Shortcut::NextPage)
        }
        "ArrowLeft" if k.presenter && k.intro_showing && !k.in_form_control => {
            Some(Shortcut::PrevPage)
        }
        _ => None,
    }
}

/// The presenter-mode keys, as the shortcut list shows them.
pub const CLICKER_STEP_KEYS: &str = "PageDown / PageUp";

/// The intro's page keys in presenter mode, as the shortcut list shows them.
pub const CLICKER_PAGE_KEYS: &str = "→ / ←";

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
        Shortcut::NextPage => "→",
        Shortcut::PrevPage => "←",
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
    fn a_clicker_steps_and_turns_pages_only_in_presenter_mode() {
        let mut down = press("PageDown", "PageDown", false);
        assert_eq!(shortcut_for(&down), None);
        down.presenter = true;
        assert_eq!(shortcut_for(&down), Some(Shortcut::StepForward));
        let mut up = press("PageUp", "PageUp", false);
        up.presenter = true;
        assert_eq!(shortcut_for(&up), Some(Shortcut::StepBack));
        let mut right = press("ArrowRight", "ArrowRight", false);
        right.presenter = true;
        assert_eq!(shortcut_for(&right), None, "no intro showing");
        right.intro_showing = true;
        assert_eq!(shortcut_for(&right), Some(Shortcut::NextPage));
        let mut left = right.clone();
        left.key = "ArrowLeft".into();
        assert_eq!(shortcut_for(&left), Some(Shortcut::PrevPage));
        // A radio button (a prediction's choices) keeps its arrows.
        left.in_form_control = true;
        assert_eq!(shortcut_for(&left), None);
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

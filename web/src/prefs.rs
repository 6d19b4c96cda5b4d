//! Preferences kept in the browser (the UI language, the course progress), read and written
//! at the edge.
//!
//! The choice of language and the lessons completed are stored; the simulation itself is never
//! persisted here (a share link carries a session).

use crate::i18n::Lang;
use crate::progress::{Progress, PROGRESS_KEY};

/// The localStorage key holding the chosen language code (`ko` or `en`).
pub const LANG_KEY: &str = "kube-sandbox.lang";

/// The language to start in: the stored choice when it is valid, else the browser's language.
pub fn load_lang() -> Lang {
    Lang::initial(stored(LANG_KEY).as_deref(), navigator_language().as_deref())
}

/// Remembers the language for the next visit. Storage may be unavailable (private mode, a
/// sandboxed frame): then the choice lasts for this page only.
pub fn save_lang(lang: Lang) {
    store(LANG_KEY, lang.code());
}

/// The stored course progress. A corrupt or unreadable value is ignored with a console
/// warning: the student starts with fresh progress, never a broken page.
pub fn load_progress() -> Progress {
    let stored = stored(PROGRESS_KEY);
    Progress::parse(stored.as_deref()).unwrap_or_else(|why| {
        warn(&format!(
            "kube-sandbox: ignoring the stored progress ({PROGRESS_KEY}): {why}"
        ));
        Progress::default()
    })
}

/// Remembers the course progress; as with the language, without storage it lasts for this
/// page only.
pub fn save_progress(progress: &Progress) {
    store(PROGRESS_KEY, &progress.to_json());
}

/// Stores `value` under `key` when storage is available (quota errors are ignored: the value
/// then lasts for this page only).
pub fn store(key: &str, value: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, value);
}

/// A warning in the browser's console.
pub fn warn(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&message.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

/// Sets `<html lang>` so that screen readers and font fallback use the right language.
pub fn apply_document_lang(lang: Lang) {
    #[cfg(target_arch = "wasm32")]
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = lang;
}

/// The stored value for `key`, if storage is available and holds one.
pub fn stored(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        local_storage().and_then(|s| s.get_item(key).ok().flatten())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn navigator_language() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()?.navigator().language()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

//! Preferences kept in the browser (the UI language), read and written at the edge.
//!
//! Only the choice of language is stored; the simulation itself is never persisted here.

use crate::i18n::Lang;

/// The localStorage key holding the chosen language code (`ko` or `en`).
pub const LANG_KEY: &str = "kube-sandbox.lang";

/// The language to start in: the stored choice when it is valid, else the browser's language.
pub fn load_lang() -> Lang {
    Lang::initial(stored(LANG_KEY).as_deref(), navigator_language().as_deref())
}

/// Remembers the language for the next visit. Storage may be unavailable (private mode, a
/// sandboxed frame): then the choice lasts for this page only.
pub fn save_lang(lang: Lang) {
    #[cfg(target_arch = "wasm32")]
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LANG_KEY, lang.code());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = lang;
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

//! Kube Sandbox browser app: renders sim-core views and turns clicks and keys into commands.
//!
//! The app holds no model logic. Everything the student does becomes command text sent to a
//! [`sim_core::Session`] (see [`state`]), and every pane renders a view of that session:
//!
//! - [`components`]: the Yew components, one pane per file.
//! - [`state`]: the session behind an `Rc<RefCell<…>>` and the actions on it.
//! - [`i18n`]: every UI string in Korean and English.
//! - pure helpers, unit-tested natively: [`completion`], [`history`], [`input`], [`timeline`],
//!   [`controls`], [`layers`] (the image views' layout), [`files`] (the Files view's rows).
//! - the course: [`progress`] (completed lessons, as stored) and [`sharing`] (share links).
//! - the edge: [`prefs`] (localStorage) and [`dom`] (focus, scrolling, downloads, clipboard,
//!   the location's fragment), [`windowing`] (long lists draw only what is near the viewport).
#![warn(missing_docs)]

pub mod builder;
pub mod completion;
pub mod components;
pub mod controls;
pub mod dom;
pub mod files;
pub mod history;
pub mod i18n;
pub mod input;
pub mod layers;
pub mod prefs;
pub mod progress;
pub mod sharing;
pub mod state;
pub mod timeline;
pub mod windowing;

pub use components::app::App;

/// Mounts the app on the page's body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

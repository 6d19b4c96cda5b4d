//! The app's components, one pane per file.

pub mod app;
pub mod bench;
pub mod build_view;
pub mod builder;
pub mod chaos;
pub mod cluster;
pub mod containers;
pub mod density;
pub mod editor;
pub mod event_log;
pub mod files;
pub mod fleet;
pub mod host;
pub mod icons;
pub mod images;
pub mod isolation;
pub mod kind_icon;
pub mod lesson;
pub mod markdown;
pub mod profiles;
pub mod shortcuts;
pub mod stage;
pub mod terminal;
pub mod top_bar;
pub mod traffic;
pub mod transport;

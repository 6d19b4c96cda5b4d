//! Images and layers: the model behind the `docker` commands.
//!
//! A layer is a real tar changeset whose sha256 is its DiffID ([`layer`], [`tar`]); an image is a
//! config JSON (whose sha256 is the ImageID) naming its layers base first ([`config`]); a
//! container's root is an overlay of the image's layers with one writable layer ([`layer`]).
//! The rules are the OCI image-spec's and overlayfs's (`../shared/FACTS.md`, "Images and layers").
//!
//! Architecture invariant: nothing here does IO. Base images are generated deterministically,
//! build contexts come from the session's workspace.

pub mod base;
pub mod build;
pub mod cgroup;
pub mod config;
pub mod container;
pub mod digest;
pub mod dockerfile;
pub mod engine;
pub mod format;
pub mod fs;
pub mod layer;
pub mod oci;
pub mod packages;
pub mod process;
pub mod registry;
pub mod sh;
pub mod tar;
pub mod view;

pub use digest::{chain_ids, ChainId, DiffId, Digest};
pub use fs::{Content, Meta, Node, Tree};
pub use layer::{Change, Layer, Overlay};

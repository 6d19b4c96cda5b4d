//! The deterministic model behind Kube Sandbox.
//!
//! A [`Sim`] owns simulated time (integer milliseconds), one seeded RNG, an event queue ordered
//! by `(time, sequence)` and an append-only event log whose canonical serialization hashes to
//! [`Sim::trace_hash`]. Commands in a small shell-like language ([`shell`]) are planned against
//! the state and only then committed ([`command`]), so a failed command changes nothing. A
//! [`Session`] keeps the seed and every input, and moves to any frame of the timeline by replay.
//!
//! Architecture invariant: this crate does no IO, reads no clock and has no wasm or UI
//! dependency. It parses text from `&str` and returns plain data.
#![warn(missing_docs)]

/// The Kubernetes cluster: API objects, manifests, validation, defaults, and what acts on them.
pub mod cluster;
pub mod command;
pub mod error;
pub mod event;
pub mod host;
pub mod image;
pub mod limits;
pub mod logs;
pub mod session;
pub mod shared;
pub mod shell;
pub mod sim;
pub mod time;
pub mod workspace;

pub use error::CommandError;
pub use event::{Event, EventId, EventKind, ObjectRef};
pub use session::{Entry, Session, SessionView};
pub use sim::{Sim, SimConfig};
pub use time::SimTime;

//! Routing (being split into one file per idea; see `pathfinder.rs` for now).

mod pathfinder;

pub use pathfinder::*;

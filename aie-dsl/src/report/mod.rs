//! Reports on a design for people: a text summary, a picture of the array (SVG) and a
//! self-contained HTML page with the picture, summary tables and a rough cost estimate.
//!
//! Everything here reads the design and, for the picture and the page, the lowered design
//! ([`crate::lower::physical::Physical`]) the caller made; nothing here runs the lowering.
//! The output is deterministic: the same design gives the same bytes.

pub mod cost;
mod html;
mod model;
mod summary;
mod svg;
mod xml;

pub use html::{html, html_with_picture};
pub use summary::{lowered_summary, summary};
pub use svg::svg;

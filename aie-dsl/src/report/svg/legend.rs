//! The legend: a key of the picture's marks and one entry per ObjectFIFO with its colour,
//! ends, depth and type.

use std::fmt::Write;

use super::layout::*;
use super::routes::arrowhead;
use super::text::fit;
use super::Picture;
use crate::report::model::coord;
use crate::report::xml::{esc, id};

impl Picture<'_> {
    pub(super) fn legend_height(&self) -> i64 {
        let fifos = LEGEND_ROW * self.m.fifos.len() as i64;
        40 + fifos + 30 + 9 * 18
    }

    pub(super) fn legend(&self, s: &mut String, x: i64) {
        let chars = (LEGEND_W - 40) / 6;
        let mut y = TOP;
        s.push_str("<g id=\"legend\">\n");
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="{y}" font-size="15" font-weight="bold">ObjectFIFOs</text>"#
        );
        y += 22;
        for f in &self.m.fifos {
            let dashed = if f.flows.is_empty() {
                r#" stroke-dasharray="5 3""#
            } else {
                ""
            };
            let _ = writeln!(s, r#"<g id="{}">"#, id("legend-fifo", &f.name));
            let _ = writeln!(s, "<title>{}</title>", esc(&f.description()));
            let _ = writeln!(
                s,
                r#"<path d="M{x} {} L{} {}" stroke="{}" stroke-width="2.2"{dashed}/>"#,
                y - 4,
                x + 20,
                y - 4,
                f.color
            );
            let _ = writeln!(s, "{}", arrowhead((x, y - 4), (x + 26, y - 4), f.color));
            let cons = match f.consumers.as_slice() {
                [one] => coord(*one),
                many => format!("{} tiles", many.len()),
            };
            let _ = writeln!(
                s,
                r##"<text x="{}" y="{y}" font-size="11"><tspan font-weight="bold" fill="{}">{}</tspan><tspan fill="#333">{}</tspan></text>"##,
                x + 32,
                f.color,
                esc(&f.name),
                esc(&fit(
                    &format!(
                        "  {}→{}  {}× {}",
                        coord(f.producer),
                        cons,
                        f.depth_text(),
                        shape(&f.elem)
                    ),
                    chars - f.name.chars().count() as i64
                ))
            );
            s.push_str("</g>\n");
            y += LEGEND_ROW;
        }
        y += 10;
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="{y}" font-size="15" font-weight="bold">How to read</text>"#
        );
        y += 20;
        // (sample, text): a filled box for areas, a line for streams.
        let key: [(Sample, &str); 9] = [
            (
                Sample::Box("#e9f7ec"),
                "compute tile (core + 64 KiB): kernels it calls",
            ),
            (
                Sample::Box("#f1ebfa"),
                "mem tile (512 KiB): links that split/join/forward",
            ),
            (
                Sample::Box("#e8f0fb"),
                "shim tile: DMA to and from host memory",
            ),
            (
                Sample::Box("#f4f4f4"),
                "faded: tile the design does not use",
            ),
            (
                Sample::Box("#a0a0a0"),
                "memory bar: buffers by address; grey = stack",
            ),
            (
                Sample::Box("#fafafa"),
                "squares: stream switches (and shim muxes)",
            ),
            (
                Sample::Line("#1f77b4", false),
                "FIFO stream as routed, arrow at consumer",
            ),
            (
                Sample::Line("#1f77b4", true),
                "FIFO through shared memory (no DMA)",
            ),
            (
                Sample::Line(UNATTRIBUTED, false),
                "stream connection carrying no FIFO",
            ),
        ];
        for (sample, text) in key {
            match sample {
                Sample::Box(color) => {
                    let _ = write!(
                        s,
                        r##"<rect x="{x}" y="{}" width="20" height="12" fill="{color}" stroke="#999"/>"##,
                        y - 10
                    );
                }
                Sample::Line(color, dashed) => {
                    let _ = write!(
                        s,
                        r#"<path d="M{x} {} L{} {}" stroke="{color}" stroke-width="2.2"{}/>"#,
                        y - 4,
                        x + 16,
                        y - 4,
                        if dashed {
                            r#" stroke-dasharray="5 3""#
                        } else {
                            ""
                        }
                    );
                    let _ = write!(s, "{}", arrowhead((x, y - 4), (x + 22, y - 4), color));
                }
            }
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{y}" font-size="11">{}</text>"#,
                x + 30,
                esc(text)
            );
            y += 18;
        }
        s.push_str("</g>\n");
    }
}

/// A sample in the legend's key.
enum Sample {
    /// A filled box of this colour.
    Box(&'static str),
    /// A line of this colour, dashed or not, with an arrowhead.
    Line(&'static str, bool),
}

/// `1024xi32` for `memref<1024xi32>`.
fn shape(t: &crate::types::MemRefType) -> String {
    let full = t.to_string();
    full.strip_prefix("memref<")
        .and_then(|r| r.strip_suffix('>'))
        .map_or(full.clone(), str::to_string)
}

//! The picture of the array: tiles, what each does, its memory, and every ObjectFIFO drawn
//! along the stream route the router chose through the switchboxes.
//!
//! Layout: one cell per tile, row 0 (shim) at the bottom as on the device. Each tile's stream
//! switch sits at the lower right of its cell, where the gaps between tiles cross; switch-to-
//! switch wires run in those gaps, northbound and eastbound channels on one side of the gap,
//! southbound and westbound on the other, one lane per channel. Shim tiles reach their switch
//! through the shim mux drawn below it. A tile's DMA channels meet the switch on the tile's
//! lower-right corner: receiving (S2MM) channels on its bottom edge, sending (MM2S) channels on
//! its right edge.
//!
//! Coordinates are integers (arrowheads aside, printed with one decimal), every collection is
//! walked in a fixed order: the same design gives the same bytes.
//!
//! The picture is drawn in layers, one file each: `layout` (sizes and positions), `tiles`,
//! `routes` (stream switches and the FIFOs' routes), `legend`, and `text` (fitting text).

use std::fmt::Write;

use super::model::Model;
use super::xml::{count, esc, id};
use crate::ir::Design;
use crate::lower::physical::Physical;
use layout::*;

mod layout;
mod legend;
mod routes;
mod text;
mod tiles;

/// The SVG picture of `design` as lowered into `phys` (from
/// [`crate::lower::objectfifo::lower`]): the device's tile grid (unused tiles faded), each
/// used tile with its role, FIFO endpoints, a bar of its data memory by address and its DMA
/// channels, locks and buffer descriptors; every ObjectFIFO as coloured arrows along the routes
/// configured in the switchboxes (dashed when the tiles share memory); and a legend.
///
/// Elements carry ids: `tile-<col>-<row>` for each tile of the design (`free-<col>-<row>` for
/// the device's other tiles), `fifo-<name>` for each ObjectFIFO (its route, arrowheads with a
/// hover text naming where it arrives, and hover text with depth and type), `sb-<col>-<row>`
/// and `mux-<col>-<row>` for stream switches and shim muxes, `legend-fifo-<name>` for legend
/// entries, `routes-other` for connections that carry no FIFO. Characters of names other than
/// letters, digits, `_`, `-` and `.` become `_` in ids.
pub fn svg(design: &Design, phys: &Physical) -> String {
    let m = Model::new(design, phys);
    Picture::new(design, &m).draw()
}

struct Picture<'a> {
    d: &'a Design,
    m: &'a Model,
    cols: u32,
    rows: u32,
}

impl<'a> Picture<'a> {
    fn new(d: &'a Design, m: &'a Model) -> Self {
        Picture {
            d,
            m,
            cols: d.device.columns(),
            rows: d.device.rows(),
        }
    }

    fn draw(&self) -> String {
        let legend_x = self.grid_w() + 10;
        let legend_h = self.legend_height();
        // Wide enough for the title lines.
        let w = (legend_x + LEGEND_W).max(MARGIN + 660);
        let h = self.grid_h().max(TOP + legend_h + 20);
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            s,
            "<title>{}</title>",
            esc(&format!("design {} on {}", self.d.name, self.d.device))
        );
        let _ = writeln!(
            s,
            r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##
        );
        self.style(&mut s);
        self.title(&mut s);
        self.tiles(&mut s);
        self.switches(&mut s);
        let used = self.fifos(&mut s);
        self.unattributed(&mut s, &used);
        self.legend(&mut s, legend_x);
        s.push_str("</svg>\n");
        s
    }

    /// Hover highlighting in CSS (no scripts): pointing at a FIFO's route or its legend entry
    /// fades the other FIFOs. Browsers without `:has` still highlight on the route itself.
    fn style(&self, s: &mut String) {
        s.push_str("<style>\n");
        s.push_str("#fifos:hover > g:not(:hover) { opacity: 0.15; }\n");
        s.push_str("#fifos > g:hover > path { stroke-width: 3.5; }\n");
        s.push_str("[id^=\"legend-fifo-\"] { cursor: default; }\n");
        for f in &self.m.fifos {
            let _ = writeln!(
                s,
                "svg:has(#{}:hover) #fifos > g:not(#{}) {{ opacity: 0.15; }}",
                css_id(&id("legend-fifo", &f.name)),
                css_id(&id("fifo", &f.name))
            );
        }
        s.push_str("</style>\n");
    }

    fn title(&self, s: &mut String) {
        let cores = self.m.tiles.values().filter(|t| t.has_core).count();
        let _ = writeln!(
            s,
            r#"<text x="{MARGIN}" y="28" font-size="20" font-weight="bold">{}</text>"#,
            esc(&format!("{} on {}", self.d.name, self.d.device))
        );
        let _ = writeln!(
            s,
            r##"<text x="{MARGIN}" y="48" fill="#444">{}</text>"##,
            esc(&format!(
                "{} of {} tiles used · {} · {}. Row 0 (shim, to the host) at the bottom.",
                self.m.tiles.len(),
                self.cols * self.rows,
                count(self.m.fifos.len(), "ObjectFIFO"),
                count(cores, "core")
            ))
        );
        let _ = writeln!(
            s,
            r##"<text x="{MARGIN}" y="64" fill="#444">{}</text>"##,
            esc("Coloured lines: ObjectFIFOs along their routes through the stream switches; arrowheads at consumers.")
        );
    }
}

/// An id (from [`id`]: letters, digits, `_`, `-`, `.`) as a CSS selector: `.` escaped.
fn css_id(id: &str) -> String {
    id.replace('.', "\\.")
}

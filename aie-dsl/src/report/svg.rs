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

use std::collections::BTreeSet;
use std::fmt::Write;

use super::model::{coord, LinkParts, Model, TileInfo};
use super::xml::{bytes, count, esc, id};
use crate::ir::Design;
use crate::lower::physical::Physical;
use crate::lower::route::Port;
use crate::target::{TileKind, WireBundle};

const TILE_W: i64 = 200;
const TILE_H: i64 = 150;
const GAP: i64 = 72;
/// Side of a switchbox square.
const SB: i64 = 56;
const MARGIN: i64 = 30;
const TOP: i64 = 84;
const LEGEND_W: i64 = 370;
/// Distance between stream lanes.
const LANE: i64 = 3;
/// Height of one legend row.
const LEGEND_ROW: i64 = 17;
/// Distance between DMA port points on a tile edge.
const PORT: i64 = 12;
/// Width in tenths of a pixel of one character of 12px text, for truncation.
const CHAR_12_X10: i64 = 66;

const UNATTRIBUTED: &str = "#9a9a9a";

type Pt = (i64, i64);

/// Where a switch connection happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// The stream switch of a tile.
    Sb(u32, u32),
    /// The shim mux of a shim tile.
    Mux(u32, u32),
}

impl Place {
    fn key(self) -> (u32, u32, bool) {
        match self {
            Place::Sb(c, r) => (c, r, false),
            Place::Mux(c, r) => (c, r, true),
        }
    }
    fn tile(self) -> (u32, u32) {
        match self {
            Place::Sb(c, r) | Place::Mux(c, r) => (c, r),
        }
    }
}

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

    fn origin(&self, (c, r): (u32, u32)) -> Pt {
        let c = i64::from(c);
        let r = i64::from(self.rows.saturating_sub(1).saturating_sub(r));
        (MARGIN + c * (TILE_W + GAP), TOP + r * (TILE_H + GAP))
    }

    fn sb_center(&self, t: (u32, u32)) -> Pt {
        let (x, y) = self.origin(t);
        (x + TILE_W + GAP / 2, y + TILE_H + GAP / 2)
    }

    fn mux_center(&self, t: (u32, u32)) -> Pt {
        let (x, y) = self.sb_center(t);
        (x, y + SB / 2 + 26)
    }

    fn grid_w(&self) -> i64 {
        MARGIN + i64::from(self.cols) * (TILE_W + GAP) + 10
    }

    fn grid_h(&self) -> i64 {
        TOP + i64::from(self.rows) * (TILE_H + GAP) + 40
    }

    /// The point where DMA channel `ch` (or another tile port) of tile `t` meets its stream:
    /// receiving ports on the bottom edge, sending ports on the right edge.
    fn tile_port(&self, t: (u32, u32), port: Port, receiving: bool) -> Pt {
        let (x, y) = self.origin(t);
        let k = match port.0 {
            WireBundle::Dma => i64::from(port.1.min(5)),
            WireBundle::Core => 6,
            _ => 7,
        };
        if receiving {
            (x + TILE_W - 16 - PORT * k, y + TILE_H)
        } else {
            (x + TILE_W, y + TILE_H - 16 - PORT * k)
        }
    }

    /// The point on a switch's outline where `port` meets it.
    fn switch_port(&self, place: Place, port: Port, master: bool) -> Pt {
        let ch = i64::from(port.1.min(7));
        let low = -SB / 2 + 2 + LANE * ch; // northbound / eastbound lanes
        let high = 4 + LANE * ch; // southbound / westbound lanes
        match place {
            Place::Sb(c, r) => {
                let (cx, cy) = self.sb_center((c, r));
                let (top, bottom, left, right) =
                    (cy - SB / 2, cy + SB / 2, cx - SB / 2, cx + SB / 2);
                match (port.0, master) {
                    (WireBundle::North, true) => (cx + low, top),
                    (WireBundle::North, false) => (cx + high, top),
                    (WireBundle::South, true) => (cx + high, bottom),
                    (WireBundle::South, false) => (cx + low, bottom),
                    (WireBundle::East, true) => (right, cy + low),
                    (WireBundle::East, false) => (right, cy + high),
                    (WireBundle::West, true) => (left, cy + high),
                    (WireBundle::West, false) => (left, cy + low),
                    _ => (left, top),
                }
            }
            Place::Mux(c, r) => {
                let (cx, my) = self.mux_center((c, r));
                match (port.0, master) {
                    (WireBundle::North, true) => (cx + low, my - 10),
                    (WireBundle::North, false) => (cx + high, my - 10),
                    _ => (cx - SB / 2, my),
                }
            }
        }
    }

    /// Where a master port of `place` leads: the next switch and its slave port, or `None`
    /// when the stream enters the tile (DMA, core…).
    fn next(&self, place: Place, master: Port) -> Option<(Place, Port)> {
        let (b, ch) = master;
        match place {
            Place::Sb(c, r) => match b {
                WireBundle::North if r + 1 < self.rows => {
                    Some((Place::Sb(c, r + 1), (WireBundle::South, ch)))
                }
                WireBundle::South if self.d.device.kind_of_row(r) == Some(TileKind::Shim) => {
                    Some((Place::Mux(c, r), (WireBundle::North, ch)))
                }
                WireBundle::South if r > 0 => Some((Place::Sb(c, r - 1), (WireBundle::North, ch))),
                WireBundle::East if c + 1 < self.cols => {
                    Some((Place::Sb(c + 1, r), (WireBundle::West, ch)))
                }
                WireBundle::West if c > 0 => Some((Place::Sb(c - 1, r), (WireBundle::East, ch))),
                _ => None,
            },
            Place::Mux(c, r) => match b {
                WireBundle::North => Some((Place::Sb(c, r), (WireBundle::South, ch))),
                _ => None,
            },
        }
    }

    /// Follows a stream from `slave` of `place` through every connection it fans out to.
    /// Adds the segments to `segs` and the receiving tile ports to `ends`.
    fn walk(
        &self,
        place: Place,
        slave: Port,
        used: &mut BTreeSet<(Place, usize)>,
        segs: &mut Vec<(Pt, Pt)>,
        ends: &mut Vec<End>,
    ) {
        let Some(sw) = self.m.switches.get(&place.key()) else {
            return;
        };
        let entry = self.switch_port(place, slave, false);
        for (i, (s, mst)) in sw.connects.iter().enumerate() {
            if *s != slave || !used.insert((place, i)) {
                continue;
            }
            let out = self.switch_port(place, *mst, true);
            segs.push((entry, out));
            match self.next(place, *mst) {
                Some((p2, s2)) => {
                    segs.push((out, self.switch_port(p2, s2, false)));
                    self.walk(p2, s2, used, segs, ends);
                }
                None => {
                    let t = self.tile_port(place.tile(), *mst, true);
                    segs.push((out, t));
                    ends.push(End {
                        from: out,
                        at: t,
                        tile: place.tile(),
                        port: *mst,
                    });
                }
            }
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

    fn tiles(&self, s: &mut String) {
        s.push_str("<g id=\"tiles\">\n");
        for r in (0..self.rows).rev() {
            for c in 0..self.cols {
                let t = (c, r);
                let (x, y) = self.origin(t);
                let kind = self.d.device.kind_of_row(r).unwrap_or(TileKind::Compute);
                match self.m.tiles.get(&t) {
                    Some(info) => self.used_tile(s, t, info),
                    None => {
                        let routed = self.m.route_tiles.contains(&t);
                        let _ = writeln!(
                            s,
                            r##"<g id="{}" opacity="0.45"><title>{}</title><rect x="{x}" y="{y}" width="{TILE_W}" height="{TILE_H}" rx="6" fill="#f4f4f4" stroke="#b0b0b0" stroke-dasharray="5 4"/><text x="{}" y="{}" fill="#777" font-size="11">{}</text></g>"##,
                            id("free", &format!("{c}-{r}")),
                            esc(&format!(
                                "{kind} {}: unused{}",
                                coord(t),
                                if routed {
                                    " (a stream passes its switch)"
                                } else {
                                    ""
                                }
                            )),
                            x + 10,
                            y + 18,
                            esc(&format!(
                                "{} {}{}",
                                short(kind),
                                coord(t),
                                if routed {
                                    " · route passes"
                                } else {
                                    " · unused"
                                }
                            ))
                        );
                    }
                }
            }
        }
        s.push_str("</g>\n");
    }

    fn used_tile(&self, s: &mut String, t: (u32, u32), info: &TileInfo) {
        let (x, y) = self.origin(t);
        let fill = match info.kind {
            TileKind::Shim => "#e8f0fb",
            TileKind::Mem => "#f1ebfa",
            TileKind::Compute => "#e9f7ec",
        };
        let stroke = match info.kind {
            TileKind::Shim => "#4a6fa5",
            TileKind::Mem => "#7a5aa6",
            TileKind::Compute => "#3f8a52",
        };
        let _ = writeln!(s, r#"<g id="{}">"#, id("tile", &format!("{}-{}", t.0, t.1)));
        let _ = writeln!(s, "<title>{}</title>", esc(&self.tile_title(t, info)));
        let _ = writeln!(
            s,
            r#"<rect x="{x}" y="{y}" width="{TILE_W}" height="{TILE_H}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>"#
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="11" fill="#555">{}</text>"##,
            x + 10,
            y + 15,
            esc(&format!("{} {}", short(info.kind), coord(t)))
        );
        // The role in bold, smaller when a long kernel name would not fit.
        let role = info.role();
        let (size, per_char) = if role.chars().count() as i64 * 85 <= (TILE_W - 20) * 10 {
            (14, 85)
        } else {
            (12, 72)
        };
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" font-size="{size}" font-weight="bold" fill="{stroke}">{}</text>"#,
            x + 10,
            y + 33,
            esc(&fit(&role, (TILE_W - 20) * 10 / per_char))
        );
        // Up to three lines of FIFO endpoints or links.
        let mut lines: Vec<Vec<(String, Option<&'static str>)>> = Vec::new();
        let names = |v: &[usize]| -> Vec<(String, Option<&'static str>)> {
            v.iter()
                .map(|&i| (self.m.fifos[i].name.clone(), Some(self.m.fifos[i].color)))
                .collect()
        };
        let (in_label, out_label) = match info.kind {
            TileKind::Shim => ("to host: ", "from host: "),
            _ => ("in: ", "out: "),
        };
        let link_line = |l: &LinkParts| -> Vec<(String, Option<&'static str>)> {
            let mut v = vec![(format!("{}: ", l.kind), None)];
            v.extend(span(&names(&l.inputs)));
            v.push((" → ".to_string(), None));
            v.extend(span(&names(&l.outputs)));
            v
        };
        if info.kind == TileKind::Mem && !info.links.is_empty() {
            for l in &info.link_parts {
                lines.push(link_line(l));
            }
        } else {
            let joined = |label: &str, v: &[usize]| {
                let mut l = vec![(label.to_string(), None)];
                for (k, n) in names(v).into_iter().enumerate() {
                    if k > 0 {
                        l.push((", ".to_string(), None));
                    }
                    l.push(n);
                }
                l
            };
            if !info.outputs.is_empty() {
                lines.push(joined(out_label, &info.outputs));
            }
            if !info.inputs.is_empty() {
                lines.push(joined(in_label, &info.inputs));
            }
            for l in &info.link_parts {
                lines.push(link_line(l));
            }
        }
        let shown = lines.len().min(3);
        for (i, l) in lines.iter().take(shown).enumerate() {
            let more = if i + 1 == shown && lines.len() > shown {
                lines.len() - shown
            } else {
                0
            };
            text_line(
                s,
                x + 10,
                y + 50 + 15 * i as i64,
                l,
                (TILE_W - 20) * 10 / CHAR_12_X10,
                more,
            );
        }
        // Memory bar.
        let bar_x = x + 10;
        let bar_y = y + 100;
        let bar_w = TILE_W - 20;
        if info.memory_total > 0 {
            let total = info.memory_total;
            let used = info.memory_used();
            let _ = writeln!(
                s,
                r##"<rect x="{bar_x}" y="{bar_y}" width="{bar_w}" height="10" fill="#ffffff" stroke="#999"/>"##
            );
            let scale = |a: u64| -> i64 {
                let v =
                    u128::from(a.min(total)) * u128::from(bar_w.unsigned_abs()) / u128::from(total);
                i64::try_from(v).unwrap_or(bar_w)
            };
            if info.stack > 0 {
                let _ = writeln!(
                    s,
                    r##"<rect x="{bar_x}" y="{bar_y}" width="{}" height="10" fill="#a0a0a0"><title>{}</title></rect>"##,
                    scale(info.stack).max(2),
                    esc(&format!("core stack: 0x0, {}", bytes(info.stack)))
                );
            }
            for b in &info.buffers {
                let color = b.fifo.map_or("#555555", |i| self.m.fifos[i].color);
                let bx = bar_x + scale(b.address);
                let bw = (scale(b.address.saturating_add(b.bytes)) - scale(b.address)).max(2);
                let _ = writeln!(
                    s,
                    r#"<rect x="{bx}" y="{bar_y}" width="{bw}" height="10" fill="{color}" fill-opacity="0.8"><title>{}</title></rect>"#,
                    esc(&format!(
                        "{} @0x{:x}, {}",
                        b.name,
                        b.address,
                        bytes(b.bytes)
                    ))
                );
            }
            let pct = used.saturating_mul(100) / total;
            let _ = writeln!(
                s,
                r##"<text x="{bar_x}" y="{}" font-size="11" fill="#333">{}</text>"##,
                bar_y - 4,
                esc(&format!(
                    "memory {} / {} ({pct}%)",
                    bytes(used),
                    bytes(total)
                ))
            );
        } else {
            let _ = writeln!(
                s,
                r##"<text x="{bar_x}" y="{}" font-size="11" fill="#555">{}</text>"##,
                bar_y + 8,
                esc("no data memory (DMA to host)")
            );
        }
        let _ = writeln!(
            s,
            r##"<text x="{bar_x}" y="{}" font-size="11" fill="#333">{}</text>"##,
            y + 126,
            esc(&format!(
                "DMA in {}/{} · out {}/{}",
                info.s2mm.len(),
                info.channels,
                info.mm2s.len(),
                info.channels
            ))
        );
        let _ = writeln!(
            s,
            r##"<text x="{bar_x}" y="{}" font-size="11" fill="#333">{}</text>"##,
            y + 141,
            esc(&if info.kind == TileKind::Shim {
                format!(
                    "locks {}/{} · BDs set by runtime",
                    info.locks.0, info.locks.1
                )
            } else {
                format!(
                    "locks {}/{} · BDs {}/{}",
                    info.locks.0, info.locks.1, info.bds.0, info.bds.1
                )
            })
        );
        s.push_str("</g>\n");
    }

    fn tile_title(&self, t: (u32, u32), info: &TileInfo) -> String {
        let mut lines = vec![format!("{} {}: {}", info.kind, coord(t), info.role())];
        let names = |v: &[usize]| -> String {
            v.iter()
                .map(|&i| self.m.fifos[i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !info.outputs.is_empty() {
            lines.push(format!("produces: {}", names(&info.outputs)));
        }
        if !info.inputs.is_empty() {
            lines.push(format!("consumes: {}", names(&info.inputs)));
        }
        lines.extend(info.links.iter().cloned());
        if info.memory_total > 0 {
            lines.push(format!(
                "data memory: {} of {} (stack {})",
                bytes(info.memory_used()),
                bytes(info.memory_total),
                bytes(info.stack)
            ));
        }
        for b in &info.buffers {
            lines.push(format!(
                "  {} @0x{:x} {}",
                b.name,
                b.address,
                bytes(b.bytes)
            ));
        }
        let chans =
            |set: &BTreeSet<u32>| set.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        lines.push(format!(
            "DMA S2MM channels [{}] of {}, MM2S [{}] of {}; locks {}/{}; BDs {}/{}",
            chans(&info.s2mm),
            info.channels,
            chans(&info.mm2s),
            info.channels,
            info.locks.0,
            info.locks.1,
            info.bds.0,
            info.bds.1
        ));
        lines.join("\n")
    }

    fn switches(&self, s: &mut String) {
        s.push_str("<g id=\"switches\">\n");
        for r in (0..self.rows).rev() {
            for c in 0..self.cols {
                let (cx, cy) = self.sb_center((c, r));
                let sw = self.m.switches.get(&(c, r, false));
                let n = sw.map_or(0, |w| w.connects.len());
                let p = sw.map_or(0, |w| w.packet_ops);
                let (fill, stroke) = if n + p > 0 {
                    ("#fafafa", "#666")
                } else {
                    ("none", "#d8d8d8")
                };
                let _ = writeln!(
                    s,
                    r#"<rect id="{}" x="{}" y="{}" width="{SB}" height="{SB}" rx="3" fill="{fill}" stroke="{stroke}"><title>{}</title></rect>"#,
                    id("sb", &format!("{c}-{r}")),
                    cx - SB / 2,
                    cy - SB / 2,
                    esc(&format!(
                        "stream switch {}: {n} circuit connections, {p} packet-switching ops",
                        coord((c, r))
                    ))
                );
                if self.d.device.kind_of_row(r) == Some(TileKind::Shim) {
                    let (mx, my) = self.mux_center((c, r));
                    let mw = self.m.switches.get(&(c, r, true));
                    let mn = mw.map_or(0, |w| w.connects.len());
                    let (fill, stroke) = if mn > 0 {
                        ("#fafafa", "#666")
                    } else {
                        ("none", "#d8d8d8")
                    };
                    let _ = writeln!(
                        s,
                        r##"<g id="{}"><title>{}</title><rect x="{}" y="{}" width="{SB}" height="20" rx="3" fill="{fill}" stroke="{stroke}"/><text x="{mx}" y="{}" font-size="9" fill="#777" text-anchor="middle">shim mux</text></g>"##,
                        id("mux", &format!("{c}-{r}")),
                        esc(&format!("shim mux {}: {mn} connections", coord((c, r)))),
                        mx - SB / 2,
                        my - 10,
                        my + 13
                    );
                }
            }
        }
        s.push_str("</g>\n");
    }

    /// Draws every FIFO; returns the switch connections its routes used.
    fn fifos(&self, s: &mut String) -> BTreeSet<(Place, usize)> {
        let mut used = BTreeSet::new();
        s.push_str("<g id=\"fifos\" fill=\"none\">\n");
        for (fi, f) in self.m.fifos.iter().enumerate() {
            let _ = writeln!(s, r#"<g id="{}">"#, id("fifo", &f.name));
            let _ = writeln!(s, "<title>{}</title>", esc(&f.description()));
            let mut segs = Vec::new();
            let mut ends = Vec::new();
            let mut reached: BTreeSet<(u32, u32)> = BTreeSet::new();
            let mut sources: Vec<((u32, u32), u32)> = Vec::new();
            for &fl in &f.flows {
                if let Some((src, dst)) = self.m.flows.get(fl) {
                    reached.insert(dst.0);
                    if !sources.contains(src) {
                        sources.push(*src);
                    }
                }
            }
            for (tile, ch) in sources {
                let port = (WireBundle::Dma, ch);
                let shim = self.d.device.kind_of_row(tile.1) == Some(TileKind::Shim);
                let place = if shim {
                    Place::Mux(tile.0, tile.1)
                } else {
                    Place::Sb(tile.0, tile.1)
                };
                let from = self.tile_port(tile, port, false);
                segs.push((from, self.switch_port(place, port, false)));
                self.walk(place, port, &mut used, &mut segs, &mut ends);
            }
            if !segs.is_empty() {
                let _ = writeln!(
                    s,
                    r#"<path d="{}" stroke="{}" stroke-width="2.2" stroke-linejoin="round"/>"#,
                    path(&segs),
                    f.color
                );
                for e in &ends {
                    let what = match e.port.0 {
                        WireBundle::Dma => format!("DMA S2MM channel {}", e.port.1),
                        b => format!("{} port {}", b.keyword(), e.port.1),
                    };
                    let title = format!("{} arrives at {} {what}", f.name, coord(e.tile));
                    let _ = writeln!(s, "{}", arrowhead_titled(e.from, e.at, f.color, &title));
                }
            }
            // Consumers no route reaches: the tiles share memory (or the FIFO has no DMA).
            for (k, &c) in f.consumers.iter().enumerate() {
                if reached.contains(&c) {
                    continue;
                }
                let (a, b) = self.shared_arrow(f.producer, c, fi + k);
                let _ = writeln!(
                    s,
                    r#"<path d="M{} {} L{} {}" stroke="{}" stroke-width="2.2" stroke-dasharray="6 4"/>"#,
                    a.0, a.1, b.0, b.1, f.color
                );
                let title = format!("{} reaches {} through shared memory", f.name, coord(c));
                let _ = writeln!(s, "{}", arrowhead_titled(a, b, f.color, &title));
            }
            s.push_str("</g>\n");
        }
        s.push_str("</g>\n");
        used
    }

    /// A short arrow between the facing edges of two tiles that share memory.
    fn shared_arrow(&self, p: (u32, u32), c: (u32, u32), k: usize) -> (Pt, Pt) {
        let (px, py) = self.origin(p);
        let (cx, cy) = self.origin(c);
        let off = 40 + 14 * (k % 8) as i64;
        if p.0 == c.0 && p.1 != c.1 {
            let x = px + off;
            if c.1 > p.1 {
                ((x, py), (x, cy + TILE_H))
            } else {
                ((x, py + TILE_H), (x, cy))
            }
        } else if p.1 == c.1 && p.0 != c.0 {
            let y = py + off;
            if c.0 > p.0 {
                ((px + TILE_W, y), (cx, y))
            } else {
                ((px, y), (cx + TILE_W, y))
            }
        } else {
            (
                (px + TILE_W / 2, py + TILE_H / 2),
                (cx + TILE_W / 2, cy + TILE_H / 2),
            )
        }
    }

    /// Switch connections no FIFO route reached (hand-placed flows), in grey.
    fn unattributed(&self, s: &mut String, used: &BTreeSet<(Place, usize)>) {
        let mut segs = Vec::new();
        for (&(c, r, mux), sw) in &self.m.switches {
            let place = if mux {
                Place::Mux(c, r)
            } else {
                Place::Sb(c, r)
            };
            for (i, (sl, mst)) in sw.connects.iter().enumerate() {
                if used.contains(&(place, i)) {
                    continue;
                }
                let out = self.switch_port(place, *mst, true);
                segs.push((self.switch_port(place, *sl, false), out));
                match self.next(place, *mst) {
                    Some((p2, s2)) => segs.push((out, self.switch_port(p2, s2, false))),
                    None => segs.push((out, self.tile_port((c, r), *mst, true))),
                }
            }
        }
        if !segs.is_empty() {
            let _ = writeln!(
                s,
                r#"<path id="routes-other" d="{}" fill="none" stroke="{UNATTRIBUTED}" stroke-width="1.5"><title>stream connections that carry no ObjectFIFO (hand-placed flows)</title></path>"#,
                path(&segs)
            );
        }
    }

    fn legend_height(&self) -> i64 {
        let fifos = LEGEND_ROW * self.m.fifos.len() as i64;
        40 + fifos + 30 + 9 * 18
    }

    fn legend(&self, s: &mut String, x: i64) {
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

/// An id (from [`id`]: letters, digits, `_`, `-`, `.`) as a CSS selector: `.` escaped.
fn css_id(id: &str) -> String {
    id.replace('.', "\\.")
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

fn short(kind: TileKind) -> &'static str {
    match kind {
        TileKind::Shim => "shim",
        TileKind::Mem => "mem",
        TileKind::Compute => "compute",
    }
}

/// Coloured names as pieces: `a`; `a, b`; or `a…z` (first and last) for more.
fn span(names: &[(String, Option<&'static str>)]) -> Vec<(String, Option<&'static str>)> {
    match names {
        [a, b] => vec![a.clone(), (", ".into(), None), b.clone()],
        [a, .., z] if names.len() > 2 => vec![a.clone(), ("…".into(), None), z.clone()],
        other => other.to_vec(),
    }
}

/// `text`, cut to `max` characters with an ellipsis.
fn fit(text: &str, max: i64) -> String {
    let max = usize::try_from(max.max(2)).unwrap_or(2);
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// One line of text from pieces (plain or coloured), cut to `max` characters: what does not
/// fit is counted (`+2` names) or elided; `more` lines not shown are counted at the end.
fn text_line(
    s: &mut String,
    x: i64,
    y: i64,
    pieces: &[(String, Option<&'static str>)],
    max: i64,
    more: usize,
) {
    let max = usize::try_from(max).unwrap_or(0);
    let _ = write!(s, r#"<text x="{x}" y="{y}">"#);
    let mut used = 0usize;
    for (i, (text, color)) in pieces.iter().enumerate() {
        let len = text.chars().count();
        let reserve = if i + 1 < pieces.len() { 4 } else { 0 };
        if i > 0 && used + len + reserve > max {
            let names = pieces[i..].iter().filter(|p| p.1.is_some()).count();
            let rest = if names > 0 {
                format!(" +{names}")
            } else {
                "…".to_string()
            };
            let _ = write!(s, "{}", esc(&rest));
            used = max;
            break;
        }
        let shown = if i == 0 {
            fit(text, max as i64)
        } else {
            text.clone()
        };
        match color {
            Some(c) => {
                let _ = write!(
                    s,
                    r#"<tspan fill="{c}" font-weight="bold">{}</tspan>"#,
                    esc(&shown)
                );
            }
            None => {
                let _ = write!(s, "{}", esc(&shown));
            }
        }
        used += len;
    }
    if more > 0 && used < max {
        let _ = write!(s, "{}", esc(&format!("  (+{more} more)")));
    }
    s.push_str("</text>\n");
}

/// Path data for segments, joining those that continue each other.
fn path(segs: &[(Pt, Pt)]) -> String {
    let mut d = String::new();
    let mut last: Option<Pt> = None;
    for &(a, b) in segs {
        if a == b {
            continue;
        }
        if last != Some(a) {
            let _ = write!(d, "M{} {} ", a.0, a.1);
        }
        let _ = write!(d, "L{} {} ", b.0, b.1);
        last = Some(b);
    }
    d.trim_end().to_string()
}

/// Where a traced stream enters a tile.
struct End {
    /// The last point before the tile.
    from: Pt,
    /// The tile's port point.
    at: Pt,
    /// The tile.
    tile: (u32, u32),
    /// The master port of the switch that feeds it.
    port: Port,
}

/// [`arrowhead`] with a hover text.
fn arrowhead_titled(a: Pt, b: Pt, color: &str, title: &str) -> String {
    let head = arrowhead(a, b, color);
    let open = head.strip_suffix("/>").unwrap_or(&head);
    format!("{open}><title>{}</title></path>", esc(title))
}

/// A filled arrowhead at `b`, pointing from `a`.
fn arrowhead(a: Pt, b: Pt, color: &str) -> String {
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = if len > 0.0 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let (bx, by) = (b.0 as f64, b.1 as f64);
    let (l, w) = (10.0, 4.5);
    let p1 = (bx - ux * l - uy * w, by - uy * l + ux * w);
    let p2 = (bx - ux * l + uy * w, by - uy * l - ux * w);
    format!(
        r#"<path d="M{:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="{color}" stroke="none"/>"#,
        bx, by, p1.0, p1.1, p2.0, p2.1
    )
}

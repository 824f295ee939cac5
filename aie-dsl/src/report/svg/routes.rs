//! The streams: stream switches and shim muxes, every ObjectFIFO drawn along the route the
//! router configured (or as a short arrow between tiles that share memory), and the switch
//! connections no FIFO uses.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::layout::*;
use super::Picture;
use crate::lower::route::Port;
use crate::report::model::coord;
use crate::report::xml::{esc, id};
use crate::target::{TileKind, WireBundle};

impl Picture<'_> {
    /// Where a master port of `place` leads: the next switch and its slave port, or `None`
    /// when the stream enters the tile (DMA, core…).
    pub(super) fn next(&self, place: Place, master: Port) -> Option<(Place, Port)> {
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
    pub(super) fn walk(
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

    pub(super) fn switches(&self, s: &mut String) {
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
    pub(super) fn fifos(&self, s: &mut String) -> BTreeSet<(Place, usize)> {
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
    pub(super) fn shared_arrow(&self, p: (u32, u32), c: (u32, u32), k: usize) -> (Pt, Pt) {
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
    pub(super) fn unattributed(&self, s: &mut String, used: &BTreeSet<(Place, usize)>) {
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
}

/// Path data for segments, joining those that continue each other.
pub(super) fn path(segs: &[(Pt, Pt)]) -> String {
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
pub(super) struct End {
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
pub(super) fn arrowhead_titled(a: Pt, b: Pt, color: &str, title: &str) -> String {
    let head = arrowhead(a, b, color);
    let open = head.strip_suffix("/>").unwrap_or(&head);
    format!("{open}><title>{}</title></path>", esc(title))
}

/// A filled arrowhead at `b`, pointing from `a`.
pub(super) fn arrowhead(a: Pt, b: Pt, color: &str) -> String {
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

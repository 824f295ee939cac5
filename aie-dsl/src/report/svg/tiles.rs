//! The tiles: the device's grid (unused tiles faded) and each used tile with its role, FIFO
//! endpoints, data memory by address, DMA channels, locks and buffer descriptors.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::layout::*;
use super::text::{fit, span, text_line};
use super::Picture;
use crate::report::model::{coord, LinkParts, TileInfo};
use crate::report::xml::{bytes, esc, id};
use crate::target::TileKind;

impl Picture<'_> {
    pub(super) fn tiles(&self, s: &mut String) {
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

    pub(super) fn used_tile(&self, s: &mut String, t: (u32, u32), info: &TileInfo) {
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

    pub(super) fn tile_title(&self, t: (u32, u32), info: &TileInfo) -> String {
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
}

pub(super) fn short(kind: TileKind) -> &'static str {
    match kind {
        TileKind::Shim => "shim",
        TileKind::Mem => "mem",
        TileKind::Compute => "compute",
    }
}

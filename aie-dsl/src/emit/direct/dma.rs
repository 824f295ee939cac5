//! The tiles' DMA programs: `aie.mem` / `aie.memtile_dma` with one `aie.dma_start` block per
//! channel, its chain of BD blocks and the end block (`emit/physical/dma.rs` builds them,
//! `emit/print/dma.rs` prints them).

use super::{as_i32, coords_suffix, Tiles, Writer};
use crate::emit::text::dims_text;
use crate::lower::physical::{Channel, Physical};
use crate::target::TileKind;

impl Writer<'_> {
    /// One DMA program per tile that has channels.
    pub(super) fn dma_programs(&mut self, phys: &Physical, tiles: &Tiles, l: usize) -> Option<()> {
        let d = self.design;
        for (t, chans) in &phys.dmas {
            let (op, base) = if d.tiles.get(*t).map(|t| t.kind) == Some(TileKind::Mem) {
                ("aie.memtile_dma", "memtile_dma")
            } else {
                ("aie.mem", "mem")
            };
            let tile = tiles.of(d, *t)?;
            let res = self.named(format!("{base}_{}", coords_suffix(tile)));
            self.line(l, format_args!("{res} = {op}({tile}) {{"));
            self.scoped(|w| w.dma_blocks(phys, chans, l + 1))?;
            self.line_str(l, "}");
        }
        Some(())
    }

    fn dma_blocks(&mut self, phys: &Physical, chans: &[Channel], l: usize) -> Option<()> {
        let (lock_names, buffer_names) = (self.lock_names.clone(), self.buffer_names.clone());
        // Blocks in order: per channel its start block and BD blocks, then the end block.
        let mut start = Vec::with_capacity(chans.len());
        let mut k = 0usize;
        for ch in chans {
            start.push(k);
            k += 1 + ch.bds.len();
        }
        let end = k;
        for (c, ch) in chans.iter().enumerate() {
            let s = start[c];
            if s > 0 {
                self.line(l - 1, format_args!("^bb{s}:"));
            }
            let first = if ch.bds.is_empty() { end } else { s + 1 };
            let next = start.get(c + 1).copied().unwrap_or(end);
            let repeat = if ch.repeat_count != 0 {
                format!(", repeat_count = {}", ch.repeat_count)
            } else {
                String::new()
            };
            let res = self.fresh();
            self.line(
                l,
                format_args!(
                    "{res} = aie.dma_start({}, {}, ^bb{first}, ^bb{next}{repeat})",
                    ch.dir.keyword(),
                    ch.index
                ),
            );
            for (j, bd) in ch.bds.iter().enumerate() {
                self.line(l - 1, format_args!("^bb{}:", s + 1 + j));
                if let Some((lock, n)) = bd.acquire {
                    let name = lock_names.get(lock)?;
                    self.line(
                        l,
                        format_args!("aie.use_lock({name}, AcquireGreaterEqual, {n})"),
                    );
                }
                let buf = buffer_names.get(bd.buffer)?;
                let ty = &phys.buffers.get(bd.buffer)?.ty;
                let dims = if bd.dims.is_empty() {
                    String::new()
                } else {
                    format!(", {}", dims_text(&bd.dims))
                };
                let next_bd = bd
                    .next_bd_id
                    .map(|n| format!(", next_bd_id = {n} : i32"))
                    .unwrap_or_default();
                self.line(
                    l,
                    format_args!(
                        "aie.dma_bd({buf} : {ty}, {}, {}{dims}) {{bd_id = {} : i32{next_bd}}}",
                        as_i32(bd.offset)?,
                        as_i32(bd.len)?,
                        bd.bd_id
                    ),
                );
                if let Some((lock, n)) = bd.release {
                    let name = lock_names.get(lock)?;
                    self.line(l, format_args!("aie.use_lock({name}, Release, {n})"));
                }
                let succ = if j + 1 < ch.bds.len() {
                    s + 2 + j
                } else if ch.finite {
                    end
                } else {
                    s + 1
                };
                self.line(l, format_args!("aie.next_bd ^bb{succ}"));
            }
        }
        // The end block's `aie.end` shows only when it is not the entry block.
        if end > 0 {
            self.line(l - 1, format_args!("^bb{end}:"));
            self.line_str(l, "aie.end");
        }
        Some(())
    }
}

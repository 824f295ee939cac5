//! The tiles' DMA programs: `aie.mem` / `aie.memtile_dma` with one `aie.dma_start` block per
//! channel, its chain of BD blocks and the end block (`emit/physical/dma.rs` builds them,
//! `emit/print/dma.rs` prints them). The physical design's programs carry BD ids; the design's
//! hand-written programs (`design.rs`) are the same regions without them.

use indexmap::IndexMap;

use super::{as_i32, coords_suffix, Tiles, Writer};
use crate::emit::text::dims_text;
use crate::ir::TileId;
use crate::lower::physical::{Channel, Physical};
use crate::target::TileKind;
use crate::types::MemRefType;

/// What the BDs of a set of DMA programs refer to: value names and types of the buffers and
/// names of the locks, by the indices the BDs hold, and whether to write BD ids.
pub(super) struct BdRefs<'r> {
    /// Buffer value names.
    pub(super) buffers: &'r [String],
    /// Buffer types.
    pub(super) types: &'r [&'r MemRefType],
    /// Lock value names.
    pub(super) locks: &'r [String],
    /// Write `bd_id` / `next_bd_id` (the physical design) or only the ids the user chose (the
    /// design as written).
    pub(super) with_ids: bool,
}

impl Writer<'_> {
    /// One DMA program per tile that has channels.
    pub(super) fn dma_programs(&mut self, phys: &Physical, tiles: &Tiles, l: usize) -> Option<()> {
        let d = self.design;
        let (locks, buffers) = (self.lock_names.clone(), self.buffer_names.clone());
        let types: Vec<&MemRefType> = phys.buffers.iter().map(|b| &b.ty).collect();
        let refs = BdRefs {
            buffers: &buffers,
            types: &types,
            locks: &locks,
            with_ids: true,
        };
        self.dma_regions(&phys.dmas, |t| tiles.of(d, t).map(str::to_string), &refs, l)
    }

    /// One `aie.mem` / `aie.memtile_dma` per tile of `dmas`, the tile's value name from `tile`.
    pub(super) fn dma_regions(
        &mut self,
        dmas: &IndexMap<TileId, Vec<Channel>>,
        tile: impl Fn(TileId) -> Option<String>,
        refs: &BdRefs<'_>,
        l: usize,
    ) -> Option<()> {
        let d = self.design;
        for (t, chans) in dmas {
            let (op, base) = if d.tiles.get(*t).map(|t| t.kind) == Some(TileKind::Mem) {
                ("aie.memtile_dma", "memtile_dma")
            } else {
                ("aie.mem", "mem")
            };
            let tile = tile(*t)?;
            let res = self.named(format!("{base}_{}", coords_suffix(&tile)));
            self.line(l, format_args!("{res} = {op}({tile}) {{"));
            self.scoped(|w| w.dma_blocks(refs, chans, l + 1))?;
            self.line_str(l, "}");
        }
        Some(())
    }

    fn dma_blocks(&mut self, refs: &BdRefs<'_>, chans: &[Channel], l: usize) -> Option<()> {
        let (lock_names, buffer_names) = (refs.locks, refs.buffers);
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
                let ty = refs.types.get(bd.buffer)?;
                let dims = if bd.dims.is_empty() {
                    String::new()
                } else {
                    format!(", {}", dims_text(&bd.dims))
                };
                let ids = if refs.with_ids {
                    let next_bd = bd
                        .next_bd_id
                        .map(|n| format!(", next_bd_id = {n} : i32"))
                        .unwrap_or_default();
                    format!(" {{bd_id = {} : i32{next_bd}}}", bd.bd_id)
                } else if bd.fixed_id {
                    format!(" {{bd_id = {} : i32}}", bd.bd_id)
                } else {
                    String::new()
                };
                self.line(
                    l,
                    format_args!(
                        "aie.dma_bd({buf} : {ty}, {}, {}{dims}){ids}",
                        as_i32(bd.offset)?,
                        as_i32(bd.len)?,
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
                    s + 1 + ch.loop_target()
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

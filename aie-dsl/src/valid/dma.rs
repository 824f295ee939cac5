//! Hand-written DMA programs ([`crate::ir::DmaProgram`]): a compute or mem tile's channel that
//! exists, one program per channel, BDs the channel can use, buffers and locks the DMA reaches,
//! lengths and offsets within the buffer, lock values and access patterns within the BD's limits
//! (mlir-aie's `DMABDOp::verify`, `MemTileDMAOp::verify` and `UseLockOp::verify` in
//! lib/Dialect/AIE/IR/AIEDialect.cpp at 5ff2ab97d, counted in the hardware's units).

use std::collections::HashMap;
use std::fmt;

use super::{ValidationError, Validator};
use crate::ir::{DmaProgram, TileId};
use crate::target::{regs, DmaDir, TileKind};

/// The channel a hand-written DMA program runs on, for messages: `MM2S channel 0 of compute
/// tile (0,2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmaChannelRef {
    /// The tile's kind.
    pub kind: TileKind,
    /// Column.
    pub col: u32,
    /// Row.
    pub row: u32,
    /// Direction.
    pub dir: DmaDir,
    /// Channel.
    pub channel: u32,
}

impl fmt::Display for DmaChannelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} channel {} of {} ({},{})",
            self.dir.keyword(),
            self.channel,
            self.kind,
            self.col,
            self.row
        )
    }
}

/// A problem with a hand-written DMA program. Each names the tile, channel, BD (by position in
/// the chain, from 0), buffer or lock, and says what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DmaProgramError {
    /// A program on a shim tile (mlir-aie's `aie.shim_dma` over `aie.external_buffer`s), refused
    /// on purpose. A shim DMA moves host memory, and on an NPU a host buffer's address exists only
    /// when XRT runs the design. mlir-aie at 5ff2ab97d accepts such a program on `npu1`, and its
    /// CDO writer (lib/Targets/AIERT.cpp, `configureBdInBlock` and `addInitConfig`) writes the
    /// BD with the external buffer's fixed `address`, or 0 without one, and starts the channel
    /// when the array is configured; only the runtime sequence's BDs get the host buffer's
    /// address patched in (`aiex.npu.address_patch`, lib/Dialect/AIEX/Transforms/
    /// AIEDmaToNpu.cpp and AIEDMATasksToNPU.cpp). Such a binary would move the wrong memory, so
    /// the message names the shim allocation and runtime transfers that do the same job.
    #[error("{}", shim_tile_message(.at, *.channels))]
    ShimTile {
        /// The channel.
        at: DmaChannelRef,
        /// The shim tile's DMA channels per direction.
        channels: u32,
    },
    /// A channel the tile does not have.
    #[error("the DMA program on {at}: a {} has {} channels 0..={}; use one of those", .at.kind, .at.dir.keyword(), .available.saturating_sub(1))]
    NoSuchChannel {
        /// The channel.
        at: DmaChannelRef,
        /// Channels per direction on this tile.
        available: u32,
    },
    /// Two programs on one channel.
    #[error("{at} has two DMA programs (#{first} and #{second}, counting `dma` calls from 0); a channel runs one chain: merge them into one chain or use another channel")]
    SameChannel {
        /// The channel.
        at: DmaChannelRef,
        /// Position of the first program among the design's programs.
        first: usize,
        /// Position of the second.
        second: usize,
    },
    /// A chain without BDs.
    #[error("the DMA program on {at} has no BD; add at least one `DmaBd`")]
    Empty {
        /// The channel.
        at: DmaChannelRef,
    },
    /// More BDs than the channel can use.
    #[error("the DMA program on {at} has {bds} BDs, but this channel can use {available} ({why}); shorten the chain")]
    TooManyBds {
        /// The channel.
        at: DmaChannelRef,
        /// BDs in the chain.
        bds: usize,
        /// BDs the channel can use.
        available: u32,
        /// Which BDs the channel draws on.
        why: &'static str,
    },
    /// A buffer another tile holds.
    #[error("BD {bd} of the DMA program on {at} moves buffer `{buffer}` of tile ({bcol},{brow}), which this DMA does not reach (a compute tile's DMA reaches its own memory: mlir-aie \"Core tile DMAs can only access a buffer in the same tile\"; a mem tile's DMA also its west and east neighbour mem tiles' on channels 0..={}: \"attempts to access a non-local buffer\"); place the buffer on ({},{}), use a channel that reaches it, or program the DMA of its tile", .neighbour_channels.saturating_sub(1), .at.col, .at.row)]
    BufferElsewhere {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// The buffer.
        buffer: String,
        /// The buffer's column.
        bcol: u32,
        /// The buffer's row.
        brow: u32,
        /// The mem-tile channels that reach the neighbours (target model).
        neighbour_channels: u32,
    },
    /// A lock another tile holds.
    #[error("BD {bd} of the DMA program on {at} uses lock `{lock}` of tile ({lcol},{lrow}), which this DMA does not reach (a compute tile's DMA uses its own locks: mlir-aie \"can only access a lock in the same tile\"; a mem tile's DMA also its neighbour mem tiles' on channels 0..={}: \"attempts to access a non-local lock\"); use a lock of ({},{})", .neighbour_channels.saturating_sub(1), .at.col, .at.row)]
    LockElsewhere {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// The lock.
        lock: String,
        /// The lock's column.
        lcol: u32,
        /// The lock's row.
        lrow: u32,
        /// The mem-tile channels that reach the neighbours (target model).
        neighbour_channels: u32,
    },
    /// Acquire and release locks on two tiles (mlir-aie's CDO writer offsets both lock ids by
    /// the release lock's window, so the acquire would name another lock).
    #[error("BD {bd} of the DMA program on {at} acquires lock `{acquire}` and releases lock `{release}`, which are on two tiles; mlir-aie's CDO writer gives both ids the release lock's window, so the acquire would name another lock: use locks of one tile")]
    LocksOnTwoTiles {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// The acquired lock.
        acquire: String,
        /// The released lock.
        release: String,
    },
    /// A repeat count the channel's start queue cannot hold.
    #[error("the DMA program on {at} repeats {count} times more, but the start queue's repeat field counts at most {max} more runs; use a smaller repeat_count")]
    RepeatCount {
        /// The channel.
        at: DmaChannelRef,
        /// The repeat count asked for.
        count: u32,
        /// The largest.
        max: u32,
    },
    /// A chain that loops back to a BD it does not have.
    #[error("the DMA program on {at} loops back to BD {target}, but its chain has BDs 0..={}; loop to one of those", .bds.saturating_sub(1))]
    LoopTarget {
        /// The channel.
        at: DmaChannelRef,
        /// The BD asked for.
        target: usize,
        /// BDs in the chain.
        bds: usize,
    },
    /// A chosen BD id the channel cannot use.
    #[error("BD {bd} of the DMA program on {at} asks for BD id {id}, but this channel uses ids {range}; choose one of those or leave the id to assignment")]
    BdIdOutOfRange {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// The id asked for.
        id: u32,
        /// The ids the channel can use.
        range: String,
    },
    /// One BD id chosen twice on a tile.
    #[error("BD {bd} of the DMA program on {at} asks for BD id {id}, which BD {other_bd} of the program on {other} already has (mlir-aie: \"bdId has already been assigned\"); choose another id or leave it to assignment")]
    BdIdTwice {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// The id.
        id: u32,
        /// The channel of the first BD with it.
        other: DmaChannelRef,
        /// That BD's position in its chain.
        other_bd: usize,
    },
    /// An acquire without a release or the other way round.
    #[error("BD {bd} of the DMA program on {at} {has} a lock but does not {missing} one; a BD takes both or neither (mlir-aie's CDO writer: \"expected both use_lock(acquire) and use_lock(release) with bd\"): add the {missing}, or drop the {has_noun}")]
    HalfLocked {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// `acquires` or `releases`.
        has: &'static str,
        /// `release` or `acquire`.
        missing: &'static str,
        /// `acquire` or `release`.
        has_noun: &'static str,
    },
    /// A lock value above the lock maximum.
    #[error("BD {bd} of the DMA program on {at} {verb} lock `{lock}` by {value}, above the largest lock value {max}; use at most {max}")]
    LockValue {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// `acquires` or `releases`.
        verb: &'static str,
        /// The lock.
        lock: String,
        /// The value.
        value: u32,
        /// The largest lock value.
        max: u32,
    },
    /// Offset and length that leave the buffer or break the BD's units.
    #[error("BD {bd} of the DMA program on {at} over buffer `{buffer}` ({elements} elements): {problem}")]
    Extent {
        /// The channel.
        at: DmaChannelRef,
        /// The BD's position in the chain.
        bd: usize,
        /// The buffer.
        buffer: String,
        /// Elements of the buffer.
        elements: u64,
        /// What is wrong and what to change.
        problem: String,
    },
}

/// Whether the DMA of the tile at `at` reaches memory or locks of the tile at `(col, row)`:
/// a compute tile's DMA only its own tile's (mlir-aie: "Core tile DMAs can only access a buffer
/// in the same tile", "can only access a lock in the same tile"); a mem tile's its own and, on
/// its first channels, the west and east neighbour mem tiles' (`MemTileDMAOp::verify`, the
/// address and lock windows of `getMemLocalBaseAddress` / `getLockLocalBaseIndex`).
/// The message of [`DmaProgramError::ShimTile`]: why the program is refused and, for its
/// direction and channel, the shim allocation, flow and runtime calls that move the data instead.
fn shim_tile_message(at: &DmaChannelRef, channels: u32) -> String {
    let dir = match at.dir {
        DmaDir::Mm2s => "DmaDir::Mm2s",
        DmaDir::S2mm => "DmaDir::S2mm",
    };
    let (channel, missing) = if at.channel < channels {
        (at.channel.to_string(), String::new())
    } else {
        (
            format!("c (0..={})", channels.saturating_sub(1)),
            format!(
                " (and a shim tile has no {} channel {})",
                at.dir.keyword(),
                at.channel
            ),
        )
    };
    let (flow, runtime, fifo) = match at.dir {
        DmaDir::Mm2s => (
            format!("`d.flow(shim, WireBundle::Dma, {channel}, dest, …)`"),
            "send a host buffer with `rt.transfer(alloc, arg, Transfer::…)`",
            "an ObjectFIFO produced by the shim tile and `rt.fill`",
        ),
        DmaDir::S2mm => (
            format!("`d.flow(source, …, shim, WireBundle::Dma, {channel})`"),
            "receive into a host buffer with `rt.transfer(alloc, arg, Transfer::…)`",
            "an ObjectFIFO consumed by the shim tile and `rt.drain`",
        ),
    };
    format!(
        "the DMA program on {at} is refused{missing}: a shim DMA moves host memory, whose address \
         XRT gives only when the design runs, and mlir-aie would write this `aie.shim_dma` program \
         into the CDO with the external buffer's fixed address (0 without one) and start it when \
         the array is configured, so it would move the wrong memory. Move host data on this \
         channel with the runtime sequence instead: reserve it with \
         `d.shim_dma_allocation(name, shim, {dir}, {channel})` (shim = `d.shim_tile({col})`), \
         connect it with {flow}, and in `d.runtime` {runtime} (`aiex.npu.dma_memcpy_nd`, its \
         address patched in at run time) and `rt.wait_alloc(alloc)`; or use {fifo}",
        col = at.col,
    )
}

fn reaches(at: DmaChannelRef, neighbour_channels: u32, kind: TileKind, col: u32, row: u32) -> bool {
    if (col, row) == (at.col, at.row) {
        return true;
    }
    at.kind == TileKind::Mem
        && kind == TileKind::Mem
        && row == at.row
        && at.channel < neighbour_channels
        && (col.checked_add(1) == Some(at.col) || at.col.checked_add(1) == Some(col))
}

impl Validator<'_> {
    /// Checks every hand-written DMA program.
    pub(super) fn dma_programs(&mut self) {
        let d = self.d;
        let mut channels: HashMap<(TileId, DmaDir, u32), usize> = HashMap::new();
        let mut ids: HashMap<(TileId, u32), (DmaChannelRef, usize)> = HashMap::new();
        for (k, p) in d.dma_programs.iter().enumerate() {
            let what = || format!("DMA program {k} ({} {})", p.dir.keyword(), p.channel);
            let Some((col, row, kind)) = self.tile(p.tile, what) else {
                continue;
            };
            let at = DmaChannelRef {
                kind,
                col,
                row,
                dir: p.dir,
                channel: p.channel,
            };
            if kind == TileKind::Shim {
                let channels = d.device.resources(kind).dma_channels;
                self.push(DmaProgramError::ShimTile { at, channels }.into());
                continue;
            }
            let available = d.device.resources(kind).dma_channels;
            if p.channel >= available {
                self.push(DmaProgramError::NoSuchChannel { at, available }.into());
                continue;
            }
            if let Some(&first) = channels.get(&(p.tile, p.dir, p.channel)) {
                self.push(
                    DmaProgramError::SameChannel {
                        at,
                        first,
                        second: k,
                    }
                    .into(),
                );
            } else {
                channels.insert((p.tile, p.dir, p.channel), k);
            }
            self.dma_program(k, p, at);
            self.chosen_bd_ids(p, at, &mut ids);
        }
    }

    /// BD ids the user chose: within the tile's BDs (a mem tile's channel: its parity's half)
    /// and each once per tile.
    fn chosen_bd_ids(
        &mut self,
        p: &DmaProgram,
        at: DmaChannelRef,
        ids: &mut HashMap<(TileId, u32), (DmaChannelRef, usize)>,
    ) {
        let d = self.d;
        let total = d.device.resources(at.kind).bds;
        let range = match at.kind {
            TileKind::Mem => {
                let half = d.device.model().mem_tile_bds_per_parity();
                if at.channel.is_multiple_of(2) {
                    0..half
                } else {
                    half..total
                }
            }
            _ => 0..total,
        };
        for (j, bd) in p.bds.iter().enumerate() {
            let Some(id) = bd.bd_id else { continue };
            if !range.contains(&id) {
                self.push(
                    DmaProgramError::BdIdOutOfRange {
                        at,
                        bd: j,
                        id,
                        range: format!("{}..={}", range.start, range.end.saturating_sub(1)),
                    }
                    .into(),
                );
            } else if let Some(&(other, other_bd)) = ids.get(&(p.tile, id)) {
                self.push(
                    DmaProgramError::BdIdTwice {
                        at,
                        bd: j,
                        id,
                        other,
                        other_bd,
                    }
                    .into(),
                );
            } else {
                ids.insert((p.tile, id), (at, j));
            }
        }
    }

    fn dma_program(&mut self, k: usize, p: &DmaProgram, at: DmaChannelRef) {
        let d = self.d;
        if p.bds.is_empty() {
            self.push(DmaProgramError::Empty { at }.into());
            return;
        }
        // aie-rt `XAie_DmaChannelSetStartQueue` takes 1..=256 runs: repeat_count 0..=255.
        let max_repeat = regs::DMA_MAX_REPEAT.saturating_sub(1);
        if p.repeat_count > max_repeat {
            self.push(
                DmaProgramError::RepeatCount {
                    at,
                    count: p.repeat_count,
                    max: max_repeat,
                }
                .into(),
            );
        }
        if let crate::ir::ChainEnd::LoopTo(target) = p.end {
            if target >= p.bds.len() {
                self.push(
                    DmaProgramError::LoopTarget {
                        at,
                        target,
                        bds: p.bds.len(),
                    }
                    .into(),
                );
            }
        }
        let model = d.device.model();
        let (available, why) = match at.kind {
            TileKind::Mem => (
                model.mem_tile_bds_per_parity(),
                "a mem tile's even channels draw on its lower half of BDs, odd channels on the upper half",
            ),
            _ => (
                d.device.resources(at.kind).bds,
                "every BD of the tile's DMA",
            ),
        };
        if p.bds.len() > available as usize {
            self.push(
                DmaProgramError::TooManyBds {
                    at,
                    bds: p.bds.len(),
                    available,
                    why,
                }
                .into(),
            );
        }
        let Some(dma_regs) = regs::dma(at.kind) else {
            return;
        };
        let max_lock = model.max_lock_value;
        for (j, bd) in p.bds.iter().enumerate() {
            let what = || format!("BD {j} of DMA program {k} ({at})");
            // Locks: on this tile, both or neither, values within the lock's range.
            for (lock, verb) in [(bd.acquire, "acquires"), (bd.release, "releases")] {
                let Some((lock, value)) = lock else { continue };
                let Some(l) = d.locks.get(lock) else {
                    self.push(ValidationError::ForeignHandle {
                        what: what(),
                        object: format!("lock handle {lock:?}"),
                        design: d.name.clone(),
                    });
                    continue;
                };
                let lkind = d.tiles.get(l.tile).map(|t| t.kind);
                let reached = d.coords(l.tile).zip(lkind).is_some_and(|((c, r), k)| {
                    reaches(at, model.mem_tile_neighbour_channels, k, c, r)
                });
                if !reached {
                    if let Some((lcol, lrow)) = d.coords(l.tile) {
                        self.push(
                            DmaProgramError::LockElsewhere {
                                at,
                                bd: j,
                                lock: l.name.clone(),
                                lcol,
                                lrow,
                                neighbour_channels: model.mem_tile_neighbour_channels,
                            }
                            .into(),
                        );
                    }
                }
                if value > max_lock {
                    self.push(
                        DmaProgramError::LockValue {
                            at,
                            bd: j,
                            verb,
                            lock: l.name.clone(),
                            value,
                            max: max_lock,
                        }
                        .into(),
                    );
                }
            }
            if let (Some((a, _)), Some((r, _))) = (bd.acquire, bd.release) {
                if let (Some(la), Some(lr)) = (d.locks.get(a), d.locks.get(r)) {
                    if la.tile != lr.tile {
                        self.push(
                            DmaProgramError::LocksOnTwoTiles {
                                at,
                                bd: j,
                                acquire: la.name.clone(),
                                release: lr.name.clone(),
                            }
                            .into(),
                        );
                    }
                }
            }
            match (bd.acquire.is_some(), bd.release.is_some()) {
                (true, false) => self.push(
                    DmaProgramError::HalfLocked {
                        at,
                        bd: j,
                        has: "acquires",
                        missing: "release",
                        has_noun: "acquire",
                    }
                    .into(),
                ),
                (false, true) => self.push(
                    DmaProgramError::HalfLocked {
                        at,
                        bd: j,
                        has: "releases",
                        missing: "acquire",
                        has_noun: "release",
                    }
                    .into(),
                ),
                _ => {}
            }
            // The buffer: on this tile, the transfer within it.
            let Some(b) = d.buffers.get(bd.buffer) else {
                self.push(ValidationError::ForeignHandle {
                    what: what(),
                    object: format!("buffer handle {:?}", bd.buffer),
                    design: d.name.clone(),
                });
                continue;
            };
            let bkind = d.tiles.get(b.tile).map(|t| t.kind);
            let reached = d
                .coords(b.tile)
                .zip(bkind)
                .is_some_and(|((c, r), k)| reaches(at, model.mem_tile_neighbour_channels, k, c, r));
            if !reached {
                if let Some((bcol, brow)) = d.coords(b.tile) {
                    self.push(
                        DmaProgramError::BufferElsewhere {
                            at,
                            bd: j,
                            buffer: b.name.clone(),
                            bcol,
                            brow,
                            neighbour_channels: model.mem_tile_neighbour_channels,
                        }
                        .into(),
                    );
                }
                continue;
            }
            let elements = b.ty.elements();
            let eb = u64::from(b.ty.elem().bytes());
            let extent = |problem: String| {
                ValidationError::from(DmaProgramError::Extent {
                    at,
                    bd: j,
                    buffer: b.name.clone(),
                    elements,
                    problem,
                })
            };
            let offset = u64::from(bd.offset);
            let len = match bd.len {
                Some(n) => u64::from(n),
                None => elements.saturating_sub(offset),
            };
            if len == 0 {
                self.push(extent(format!(
                    "it moves no element (offset {offset}); give it a length of at least one 32-bit word"
                )));
                continue;
            }
            if bd.dims.is_empty() {
                if offset.checked_add(len).is_none_or(|end| end > elements) {
                    self.push(extent(format!("elements {offset}..{} lie past its end; shorten the length or lower the offset", offset.saturating_add(len))));
                    continue;
                }
            } else {
                // The pattern's last element, from the offset, stays in the buffer, and the
                // length does not run the outermost dimension past the pattern.
                let steps = bd
                    .dims
                    .iter()
                    .try_fold(1u64, |a, x| a.checked_mul(u64::from(x.size)));
                if steps.is_none_or(|s| len > s) {
                    self.push(extent(format!("the length {len} is more than the access pattern's {} elements; make the length at most the product of the sizes", steps.map_or_else(|| "too many".to_string(), |s| s.to_string()))));
                    continue;
                }
                if let Some(problem) =
                    crate::lower::check::layout_problem(&bd.dims, elements, eb, dma_regs.dims)
                {
                    self.push(extent(problem));
                    continue;
                }
                if let Some(problem) = word_layout_problem(&bd.dims, eb, dma_regs) {
                    self.push(extent(problem));
                    continue;
                }
                let last = bd.dims.iter().fold(0u64, |a, x| {
                    a.saturating_add(
                        u64::from(x.stride).saturating_mul(u64::from(x.size).saturating_sub(1)),
                    )
                });
                if offset.saturating_add(last) >= elements {
                    self.push(extent(format!("from the offset {offset}, the access pattern reaches element {} (mlir-aie: \"out of bounds access in buffer\"); lower the offset or shrink the pattern", offset.saturating_add(last))));
                    continue;
                }
            }
            let (len_bytes, offset_bytes) = (len.saturating_mul(eb), offset.saturating_mul(eb));
            if len_bytes % 4 != 0 {
                self.push(extent(format!("it moves {len} × {eb} bytes, not a multiple of 4 bytes (mlir-aie: \"transfer length must be multiple of 4\"); make the length a multiple of {}", 4 / eb.clamp(1, 4))));
            }
            if offset_bytes % 4 != 0 {
                self.push(extent(format!("it starts {offset_bytes} bytes into the buffer, not on a 32-bit word (mlir-aie: \"bd address must be 4 byte (32b) aligned\"); make the offset a multiple of {}", 4 / eb.clamp(1, 4))));
            }
            let max_words = u64::from(dma_regs.bd.length.field.max());
            if len_bytes / 4 > max_words {
                self.push(extent(format!("it moves {} 32-bit words, but a {} BD's length field holds at most {max_words}; split the transfer over more BDs", len_bytes / 4, at.kind)));
            }
        }
    }
}

/// The access pattern in the DMA's own units, as the CDO writes it (mlir-aie `configureBdInBlock`
/// and aie-rt `XAie_DmaSetMultiDimAddr`): the innermost dimension's size and every outer
/// dimension's stride count 32-bit words, and each must fit its BD field. A size or stride that
/// is not a whole number of words would be truncated into another pattern, so it is refused
/// here (mlir-aie's verifier does not check it).
fn word_layout_problem(dims: &[crate::ir::Dim], eb: u64, r: &regs::DmaRegs) -> Option<String> {
    let word = 4u64;
    let n = dims.len();
    for (i, x) in dims.iter().enumerate() {
        let j = n - i - 1; // 0 is the innermost dimension
        let (what, value) = if j > 0 {
            ("stride", u64::from(x.stride).saturating_mul(eb))
        } else {
            ("size", u64::from(x.size).saturating_mul(eb))
        };
        if value % word != 0 {
            return Some(format!("dimension {j} (from the innermost) has a {what} of {value} bytes, not a whole number of 32-bit words, which the DMA counts in; make it a multiple of {} elements", (word / eb.clamp(1, 4)).max(1)));
        }
        let (stride, size) = if j > 0 {
            (value / word, u64::from(x.size))
        } else {
            (u64::from(x.stride), value / word)
        };
        if stride.max(1) > u64::from(r.step_max) {
            return Some(format!("dimension {j} (from the innermost) steps {stride} words, but the BD's step field holds at most {}; use a smaller stride", r.step_max));
        }
        if size > u64::from(r.wrap_max) {
            return Some(format!("dimension {j} (from the innermost) wraps after {size} steps (innermost: in words), but the BD's wrap field holds at most {}; split the dimension", r.wrap_max));
        }
    }
    None
}

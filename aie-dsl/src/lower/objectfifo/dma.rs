//! The stateful transform's DMA side (steps 3 and 4 of [`super`]): DMA channels for the FIFO
//! ends, one BD chain per end that is not on a shim tile, the flows from each producer to its
//! consumers and the shim allocations (mlir-aie `DMAChannelAnalysis`, `createDMA`,
//! `createBdBlock` and `createObjectFifoAllocationInfo` in
//! lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp at 5ff2ab97d).

use std::collections::HashMap;

use crate::ir::fifo_rules::requires_dma;
use crate::ir::{FifoId, TileId};
use crate::lower::physical::{Bd, Channel, PFlow, PShimAlloc};
use crate::target::{DmaDir, TileKind, WireBundle};

use super::{label, LowerError, Role, State};

impl State<'_> {
    /// Hand-placed flows, shim allocations and DMA programs keep their DMA channels: they are
    /// taken before any FIFO end asks for one.
    pub(super) fn reserve_channels(&mut self) {
        let d = self.d;
        for f in &d.flows {
            if f.source.bundle == WireBundle::Dma {
                self.channels
                    .entry((f.source.tile, DmaDir::Mm2s))
                    .or_default()
                    .insert(f.source.channel);
            }
            if f.dest.bundle == WireBundle::Dma {
                self.channels
                    .entry((f.dest.tile, DmaDir::S2mm))
                    .or_default()
                    .insert(f.dest.channel);
            }
        }
        for (_, a) in d.shim_allocs.iter() {
            self.channels
                .entry((a.tile, a.dir))
                .or_default()
                .insert(a.channel);
        }
        // Hand-written DMA programs hold their channels (mlir-aie's `DMAChannelAnalysis`).
        for p in &d.dma_programs {
            self.channels
                .entry((p.tile, p.dir))
                .or_default()
                .insert(p.channel);
        }
    }

    fn next_channel(&mut self, tile: TileId, dir: DmaDir, fifo: &str) -> Result<u32, LowerError> {
        let (kind, col, row) = label(self.d, tile);
        let n = self.d.device.resources(kind).dma_channels;
        let used = self.channels.entry((tile, dir)).or_default();
        let ch = (0..n)
            .find(|c| !used.contains(c))
            .ok_or_else(|| LowerError::Channels {
                kind,
                col,
                row,
                dir: dir.keyword(),
                fifo: fifo.to_string(),
            })?;
        used.insert(ch);
        Ok(ch)
    }

    /// Step 3: channels for the split FIFOs, producer end first, then consumers in order.
    /// Returns the channel of each end, by end name.
    pub(super) fn assign_channels(&mut self) -> Result<HashMap<String, u32>, LowerError> {
        let d = self.d;
        let mut chan: HashMap<String, u32> = HashMap::new();
        for (fid, _) in d.fifos.iter() {
            if !requires_dma(d, fid) {
                continue;
            }
            let ends: Vec<(String, TileId, DmaDir, usize)> = self
                .ops
                .iter()
                .enumerate()
                .filter(|(_, o)| o.orig == fid)
                .map(|(i, o)| {
                    let dir = if o.role == Role::Producer {
                        DmaDir::Mm2s
                    } else {
                        DmaDir::S2mm
                    };
                    (o.name.clone(), o.tile, dir, i)
                })
                .collect();
            let mut ordered: Vec<_> = ends
                .iter()
                .filter(|e| e.2 == DmaDir::Mm2s)
                .cloned()
                .collect();
            let mut cons: Vec<_> = ends
                .iter()
                .filter(|e| e.2 == DmaDir::S2mm)
                .cloned()
                .collect();
            cons.sort_by_key(|e| match self.ops[e.3].role {
                Role::Consumer(i) => i,
                _ => 0,
            });
            ordered.extend(cons);
            for (name, tile, dir, _) in ordered {
                let ch = self.next_channel(tile, dir, &name)?;
                chan.insert(name, ch);
            }
        }
        Ok(chan)
    }

    /// The BD chain of one end (step 4).
    fn chain(&mut self, ix: usize, dir: DmaDir, channel: u32) {
        let op = self.ops[ix].clone();
        if self.kind(op.tile) == TileKind::Shim || op.depth == 0 {
            return;
        }
        let link = self.link_of_op(&op);
        let target = link
            .and_then(|(li, _)| self.link_target.get(&li).cloned())
            .unwrap_or_else(|| op.name.clone());
        let bufs = self.buffers_of.get(&target).cloned().unwrap_or_default();
        let locks = self.locks_of.get(&target).cloned().unwrap_or_default();
        let mut len = op.elem.elements() as u32;
        let repeat = op.repeat.unwrap_or(1);
        let mut acq = 1;
        let mut num_blocks = op.depth as usize;
        // (offset, len, lock pair) per block within one buffer.
        let mut parts: Vec<(u32, u32, usize)> = Vec::new();
        if let Some((_, link)) = link {
            let is_input = !matches!(op.role, Role::Producer) && link.inputs.contains(&op.orig);
            let link_repeat = link
                .outputs
                .iter()
                .find_map(|o| self.d.fifos.get(*o).and_then(|f| f.repeat_count));
            if let (Some(r), true) = (link_repeat, is_input && op.orig == link.inputs[0]) {
                acq *= r;
            }
            let whole = |f: FifoId| self.d.fifos.get(f).map_or(0, |f| f.elem.elements()) as u32;
            let lengths = |offsets: &[u64], total: u32| -> Vec<(u32, u32)> {
                offsets
                    .iter()
                    .enumerate()
                    .map(|(k, &o)| {
                        let end = offsets.get(k + 1).map_or(total, |&e| e as u32);
                        (o as u32, end - o as u32)
                    })
                    .collect()
            };
            if link.inputs.len() > 1 || link.outputs.len() > 1 {
                let (offsets, members, total) = if link.inputs.len() > 1 {
                    (&link.src_offsets, &link.inputs, whole(link.outputs[0]))
                } else {
                    (&link.dst_offsets, &link.outputs, whole(link.inputs[0]))
                };
                let spans = lengths(offsets, total);
                if target == op.name {
                    parts = spans
                        .iter()
                        .enumerate()
                        .map(|(k, &(o, l))| (o, l, k))
                        .collect();
                } else if let Some(k) = members.iter().position(|m| *m == op.orig) {
                    let (o, l) = spans.get(k).copied().unwrap_or((0, len));
                    parts = vec![(o, l, k)];
                }
            } else if target != op.name {
                len = self
                    .ops
                    .iter()
                    .find(|o| o.name == target)
                    .map_or(len, |o| o.elem.elements() as u32);
            }
            if target != op.name {
                num_blocks = self
                    .ops
                    .iter()
                    .find(|o| o.name == target)
                    .map_or(num_blocks, |o| o.depth as usize);
            }
        }
        if parts.is_empty() {
            parts = vec![(0, len, usize::MAX)];
        }
        let mut bds = Vec::new();
        for &buffer in bufs.iter().take(num_blocks) {
            for _ in 0..repeat {
                for &(offset, len, pair) in &parts {
                    let pair = if pair == usize::MAX { 0 } else { pair };
                    let (prod, cons) = (
                        locks.get(2 * pair).copied(),
                        locks.get(2 * pair + 1).copied(),
                    );
                    let (a, r) = match dir {
                        DmaDir::S2mm => (prod, cons),
                        DmaDir::Mm2s => (cons, prod),
                    };
                    bds.push(Bd {
                        acquire: a.map(|l| (l, acq)),
                        release: r.map(|l| (l, acq)),
                        buffer,
                        offset,
                        len,
                        dims: op.dims.clone(),
                        bd_id: 0,
                        fixed_id: false,
                        next_bd_id: None,
                    });
                }
            }
        }
        self.phys.dmas.entry(op.tile).or_default().push(Channel {
            dir,
            index: channel,
            repeat_count: 0,
            bds,
            finite: false,
            loop_to: 0,
        });
    }

    /// Step 4: DMA programs, allocations and flows, over the split FIFOs in order; `chan` holds
    /// each end's channel from [`Self::assign_channels`].
    pub(super) fn programs(&mut self, chan: &HashMap<String, u32>) {
        let d = self.d;
        let mut flows_per_fifo: Vec<Vec<PFlow>> = Vec::new();
        for (fid, f) in d.fifos.iter() {
            if !requires_dma(d, fid) {
                continue;
            }
            let Some(p_ix) = self
                .ops
                .iter()
                .position(|o| o.orig == fid && o.role == Role::Producer)
            else {
                continue;
            };
            let p_ch = chan.get(&f.name).copied().unwrap_or(0);
            self.chain(p_ix, DmaDir::Mm2s, p_ch);
            if self.kind(f.producer) == TileKind::Shim {
                self.phys.shim_allocs.push(PShimAlloc {
                    name: format!("{}_shim_alloc", f.name),
                    tile: f.producer,
                    dir: DmaDir::Mm2s,
                    channel: p_ch,
                });
            }
            let mut flows = Vec::new();
            for (i, c) in f.consumers.iter().enumerate() {
                let Some(c_ix) = self
                    .ops
                    .iter()
                    .position(|o| o.orig == fid && o.role == Role::Consumer(i))
                else {
                    continue;
                };
                let c_name = self.ops[c_ix].name.clone();
                let c_ch = chan.get(&c_name).copied().unwrap_or(0);
                self.chain(c_ix, DmaDir::S2mm, c_ch);
                if self.kind(c.tile) == TileKind::Shim {
                    self.phys.shim_allocs.push(PShimAlloc {
                        name: format!("{}_shim_alloc", f.name),
                        tile: c.tile,
                        dir: DmaDir::S2mm,
                        channel: c_ch,
                    });
                }
                // Each flow is inserted right after `F`: reverse consumer order.
                flows.insert(
                    0,
                    PFlow {
                        source: (f.producer, WireBundle::Dma, p_ch),
                        dest: (c.tile, WireBundle::Dma, c_ch),
                    },
                );
            }
            flows_per_fifo.push(flows);
        }
        self.phys.flows = flows_per_fifo.into_iter().flatten().collect();
    }
}

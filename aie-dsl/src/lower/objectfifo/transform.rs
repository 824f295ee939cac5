//! The stateful transform's element side: FIFOs become FIFO ends (steps 1 and 2 of
//! [`super`]), each end's buffers and AIE2 semaphore lock pairs are created on the end's tile
//! (mlir-aie `createObjectFifoElements` / `createObjectFifoLocks` in
//! lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp at 5ff2ab97d), put in IR
//! order, and recorded per end for the core rewrite and the writers.

use crate::ir::fifo_rules::{end_depth, requires_dma};
use crate::ir::Depth;
use crate::lower::physical::{EndInfo, PBuffer, PLock};
use crate::target::TileKind;

use super::{LowerError, Op, Role, State};

impl State<'_> {
    /// Step 1: one op per FIFO that stays in shared memory; a producer end and one consumer
    /// end per consumer for a FIFO that needs DMAs.
    pub(super) fn split(&mut self) {
        let d = self.d;
        for (id, f) in d.fifos.iter() {
            if !requires_dma(d, id) {
                self.ops.push(Op {
                    orig: id,
                    name: f.name.clone(),
                    role: Role::Shared,
                    tile: f.producer,
                    depth: f.depth.producer(),
                    elem: f.elem.clone(),
                    dims: Vec::new(),
                    repeat: f.repeat_count,
                    init: f.init_values.clone(),
                });
                continue;
            }
            let producer_depth = match (&f.depth, &f.init_values) {
                (Depth::PerEndpoint(_), _) | (_, Some(_)) => f.depth.producer(),
                _ => end_depth(d, id, None),
            };
            self.ops.push(Op {
                orig: id,
                name: f.name.clone(),
                role: Role::Producer,
                tile: f.producer,
                depth: producer_depth,
                elem: f.elem.clone(),
                dims: f.dims_to_stream.clone(),
                repeat: f.repeat_count,
                init: f.init_values.clone(),
            });
            let at = self.ops.len();
            for (i, c) in f.consumers.iter().enumerate() {
                let name = if f.consumers.len() > 1 {
                    format!("{}_{i}_cons", f.name)
                } else {
                    format!("{}_cons", f.name)
                };
                // Each consumer end is inserted right after `F`.
                self.ops.insert(
                    at,
                    Op {
                        orig: id,
                        name,
                        role: Role::Consumer(i),
                        tile: c.tile,
                        depth: end_depth(d, id, Some(i)),
                        elem: f.elem.clone(),
                        dims: c.dims_from_stream.clone(),
                        repeat: None,
                        init: None,
                    },
                );
            }
        }
    }

    /// Step 2 for one op: its buffers and lock pairs on the creation tile, or none when it
    /// uses the elements of its link's target.
    pub(super) fn elements(&mut self, ix: usize) -> Result<(), LowerError> {
        let op = self.ops[ix].clone();
        if op.depth == 0 {
            return Ok(());
        }
        let mut repeat = op.repeat.unwrap_or(1);
        let mut factor = 1;
        if let Some((li, link)) = self.link_of_op(&op) {
            if self.link_target.contains_key(&li) {
                return Ok(());
            }
            let link_tile = self.d.fifos.get(link.outputs[0]).map(|o| o.producer);
            let fifo_in_name = link_tile.and_then(|t| self.op_name_of(link.inputs[0], t, true));
            let out = self.d.fifos.get(link.outputs[0]);
            let target_name = if link.inputs.len() > 1 {
                out.map(|o| o.name.clone())
            } else if link.outputs.len() > 1 {
                fifo_in_name
            } else if out.is_some_and(|o| o.init_values.is_some()) {
                out.map(|o| o.name.clone())
            } else {
                let in_elems = self
                    .d
                    .fifos
                    .get(link.inputs[0])
                    .map_or(0, |f| f.elem.elements());
                let out_elems = out.map_or(0, |f| f.elem.elements());
                if in_elems >= out_elems {
                    fifo_in_name
                } else {
                    out.map(|o| o.name.clone())
                }
            };
            if target_name.as_deref() != Some(op.name.as_str()) {
                return Ok(());
            }
            if let Some(r) = link
                .outputs
                .iter()
                .find_map(|o| self.d.fifos.get(*o).and_then(|f| f.repeat_count))
            {
                repeat = r;
            }
            factor = link.inputs.len().max(link.outputs.len()) as u32;
            self.link_target.insert(li, op.name.clone());
        }
        let d = self.d;
        let creation = if op.role == Role::Shared {
            let f = d.fifos.get(op.orig);
            match (f, f.and_then(|f| f.consumers.first())) {
                (Some(f), Some(c)) => match (d.coords(f.producer), d.coords(c.tile)) {
                    (Some(p), Some(q)) if !d.device.core_reaches_memory(q.0, q.1, p.0, p.1) => {
                        c.tile
                    }
                    _ => f.producer,
                },
                _ => op.tile,
            }
        } else {
            op.tile
        };
        let shim = self.kind(creation) == TileKind::Shim;
        let mut bufs = Vec::new();
        if !shim {
            for k in 0..op.depth {
                bufs.push(self.phys.buffers.len());
                self.phys.buffers.push(PBuffer {
                    tile: creation,
                    name: format!("{}_buff_{k}", op.name),
                    ty: op.elem.clone(),
                    init: op.init.as_ref().and_then(|v| v.get(k as usize).cloned()),
                    address: 0,
                    bank: None,
                });
            }
        }
        let num_elem = if shim { 0 } else { op.depth };
        let num_init = op.init.as_ref().map_or(0, |v| v.len() as u32);
        let mut locks = Vec::new();
        for j in 0..factor {
            for (suffix, init) in [
                (
                    "prod",
                    num_elem.saturating_sub(num_init).saturating_mul(repeat),
                ),
                ("cons", num_init.saturating_mul(repeat)),
            ] {
                let name = format!("{}_{suffix}_lock_{j}", op.name);
                let id = self.lock_ids.next(self.d, creation, &name)?;
                locks.push(self.phys.locks.len());
                self.phys.locks.push(PLock {
                    tile: creation,
                    name,
                    id,
                    init,
                });
            }
        }
        self.buffers_of.insert(op.name.clone(), bufs.clone());
        self.locks_of.insert(op.name.clone(), locks.clone());
        self.groups.push((bufs, locks));
        Ok(())
    }

    /// Puts buffers and locks in IR order: FIFO element groups newest first (each was inserted
    /// after the last tile), then the hand-placed buffers and locks. Indices in BDs are remapped.
    pub(super) fn reorder_elements(
        &mut self,
        placed_locks: Vec<PLock>,
    ) -> (Vec<usize>, Vec<usize>) {
        let s = self;
        let d = s.d;
        let old_buffers = std::mem::take(&mut s.phys.buffers);
        let old_locks = std::mem::take(&mut s.phys.locks);
        let mut buf_map = vec![0; old_buffers.len()];
        let mut lock_map = vec![0; old_locks.len()];
        let mut buffers = Vec::new();
        let mut locks = Vec::new();
        for (bufs, lks) in s.groups.iter().rev() {
            for &b in bufs {
                buf_map[b] = buffers.len();
                buffers.push(old_buffers[b].clone());
            }
            for &l in lks {
                lock_map[l] = locks.len();
                locks.push(old_locks[l].clone());
            }
        }
        for (_, b) in d.buffers.iter() {
            buffers.push(PBuffer {
                tile: b.tile,
                name: b.name.clone(),
                ty: b.ty.clone(),
                init: b.init.clone(),
                address: 0,
                bank: None,
            });
        }
        locks.extend(placed_locks);
        for chans in s.phys.dmas.values_mut() {
            for ch in chans {
                for bd in &mut ch.bds {
                    bd.buffer = buf_map[bd.buffer];
                    bd.acquire = bd.acquire.map(|(l, n)| (lock_map[l], n));
                    bd.release = bd.release.map(|(l, n)| (lock_map[l], n));
                }
            }
        }
        s.phys.buffers = buffers;
        s.phys.locks = locks;
        (buf_map, lock_map)
    }

    /// Records every FIFO end's tile, depth, repeat count and the elements (after
    /// [`Self::reorder_elements`]) it uses: its own, or its link target's.
    pub(super) fn record_ends(&mut self, buf_map: &[usize], lock_map: &[usize]) {
        let s = self;
        for op in &s.ops {
            let target = s
                .link_of_op(op)
                .and_then(|(li, _)| s.link_target.get(&li).cloned())
                .unwrap_or_else(|| op.name.clone());
            let remap = |v: Option<&Vec<usize>>, map: &[usize]| -> Vec<usize> {
                v.map(|v| v.iter().map(|&i| map[i]).collect())
                    .unwrap_or_default()
            };
            s.phys.ends.insert(
                op.name.clone(),
                EndInfo {
                    tile: op.tile,
                    depth: op.depth,
                    buffers: remap(s.buffers_of.get(&target), buf_map),
                    locks: remap(s.locks_of.get(&target), lock_map),
                    repeat: op.repeat.unwrap_or(1),
                },
            );
        }
    }
}

//! Hand-placed objects: buffers, locks, flows, packet flows and shim DMA allocations, on tiles
//! that can hold them and with ids and channels the tiles have.

use std::collections::HashMap;

use super::{ValidationError, Validator};
use crate::ir::TileId;
use crate::target::{TileKind, WireBundle};

impl Validator<'_> {
    pub(super) fn placed(&mut self) {
        let d = self.d;
        for (_, b) in d.buffers.iter() {
            let label = format!("buffer `{}`", b.name);
            if let Some((col, row, kind)) = self.tile(b.tile, || label.clone()) {
                if kind == TileKind::Shim {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("it is placed on shim tile ({col},{row}), which has no data memory; place it on a mem or compute tile"),
                    });
                }
            }
            if let Some(init) = &b.init {
                self.init_values(&label, None, init, b.ty.elem());
                if init.len() as u64 != b.ty.elements() {
                    self.push(ValidationError::Placed {
                        object: label,
                        problem: format!(
                            "the initial value has {} elements but {} holds {}",
                            init.len(),
                            b.ty,
                            b.ty.elements()
                        ),
                    });
                }
            }
        }
        let mut ids: HashMap<(TileId, u32), &str> = HashMap::new();
        for (_, l) in d.locks.iter() {
            let label = format!("lock `{}`", l.name);
            let Some((col, row, kind)) = self.tile(l.tile, || label.clone()) else {
                continue;
            };
            let available = d.device.resources(kind).locks;
            if let Some(id) = l.id {
                if id >= available {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("lock id {id} does not exist on {kind} ({col},{row}), which has ids 0..={}", available - 1),
                    });
                } else if let Some(other) = ids.insert((l.tile, id), &l.name) {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("lock id {id} on ({col},{row}) is already taken by lock `{other}`; choose another id or leave it to assignment"),
                    });
                }
            }
            if l.init > d.device.model().max_lock_value {
                self.push(ValidationError::Placed {
                    object: label,
                    problem: format!(
                        "initial value {} is above the largest lock value {}",
                        l.init,
                        d.device.model().max_lock_value
                    ),
                });
            }
        }
        let flows: Vec<_> = d
            .flows
            .iter()
            .map(|f| (f.source, vec![f.dest], "flow"))
            .chain(
                d.packet_flows
                    .iter()
                    .map(|p| (p.source, p.dests.clone(), "packet flow")),
            )
            .collect();
        for (src, dests, what) in flows {
            for p in std::iter::once(src).chain(dests) {
                let label = format!("{what} at {}:{}", p.bundle.keyword(), p.channel);
                let Some((col, row, kind)) = self.tile(p.tile, || label.clone()) else {
                    continue;
                };
                if p.bundle == WireBundle::Dma {
                    let n = d.device.resources(kind).dma_channels;
                    if p.channel >= n {
                        self.push(ValidationError::Placed {
                            object: format!("{what} at ({col},{row}) DMA:{}", p.channel),
                            problem: format!("a {kind} has DMA channels 0..={}", n - 1),
                        });
                    }
                }
            }
        }
        for p in &d.packet_flows {
            if p.id >= 32 {
                self.push(ValidationError::Placed {
                    object: format!("packet flow {}", p.id),
                    problem: "packet ids are 5 bits; use 0..=31".into(),
                });
            }
            if p.dests.is_empty() {
                self.push(ValidationError::Placed {
                    object: format!("packet flow {}", p.id),
                    problem: "it has no destination; add at least one".into(),
                });
            }
        }
        for (_, a) in d.shim_allocs.iter() {
            let label = format!("shim DMA allocation `{}`", a.name);
            if let Some((col, row, kind)) = self.tile(a.tile, || label.clone()) {
                let n = d.device.model().shim.dma_channels;
                if kind != TileKind::Shim {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("tile ({col},{row}) is a {kind}; shim DMA allocations belong on shim tiles"),
                    });
                } else if a.channel >= n {
                    self.push(ValidationError::Placed {
                        object: label,
                        problem: format!(
                            "channel {} does not exist; shim tiles have {} channels 0..={}",
                            a.channel,
                            a.dir.keyword(),
                            n - 1
                        ),
                    });
                }
            }
        }
    }
}

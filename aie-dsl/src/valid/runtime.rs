//! Checks of the host's runtime sequence.

use super::{ValidationError, Validator};
use crate::ir::{DmaTarget, DmaTransfer, RuntimeOp, TransferDir};
use crate::target::{DmaDir, TileKind};

pub(super) fn check(v: &mut Validator<'_>) {
    let d = v.d;
    let Some(seq) = &d.runtime else { return };
    for (i, ty) in seq.args.iter().enumerate() {
        if ty.elem().bytes() * 8 > d.device.model().max_dma_element_bits {
            v.push(ValidationError::Runtime {
                op: format!("argument {i}"),
                problem: format!(
                    "{ty} has elements wider than {} bits",
                    d.device.model().max_dma_element_bits
                ),
            });
        }
    }
    let mut issued: Vec<DmaTarget> = Vec::new();
    let mut n = 0;
    for op in &seq.ops {
        match op {
            RuntimeOp::Dma(t) => {
                n += 1;
                transfer(v, n, t);
                issued.push(t.target);
            }
            RuntimeOp::Wait(target) => {
                let name = target_name(v, *target);
                let label = format!("wait on `{name}`");
                if let DmaTarget::Fifo(f) = target {
                    if let Some(fifo) = d.fifos.get(*f) {
                        let shim = |t| d.tiles.get(t).map(|t| t.kind) == Some(TileKind::Shim);
                        if !shim(fifo.producer) && !fifo.consumers.iter().any(|c| shim(c.tile)) {
                            v.push(ValidationError::Runtime {
                                op: label.clone(),
                                problem: format!("ObjectFIFO `{name}` has no shim endpoint, so the host has no channel to wait on; wait on a FIFO that starts or ends at a shim tile"),
                            });
                            continue;
                        }
                    }
                }
                if !issued.contains(target) {
                    v.push(ValidationError::Runtime {
                        op: label,
                        problem: "no transfer on it comes before the wait, so it would wait forever; move the wait after a transfer".into(),
                    });
                }
            }
            RuntimeOp::Sync {
                column,
                row,
                dir,
                channel,
            } => {
                if *column >= d.device.columns()
                    || d.device.kind_of_row(*row) != Some(TileKind::Shim)
                    || *channel >= d.device.model().shim.dma_channels
                {
                    v.push(ValidationError::Runtime {
                        op: format!("sync on ({column},{row}) {} {channel}", dir.keyword()),
                        problem: format!("syncs wait on a shim DMA channel: column below {}, row 0, channel below {}", d.device.columns(), d.device.model().shim.dma_channels),
                    });
                }
            }
        }
    }
}

fn target_name(v: &Validator<'_>, t: DmaTarget) -> String {
    match t {
        DmaTarget::Fifo(f) => v.d.fifo_label(f),
        DmaTarget::Alloc(a) => {
            v.d.shim_allocs
                .get(a)
                .map_or_else(|| format!("#{}", a.index()), |a| a.name.clone())
        }
    }
}

fn transfer(v: &mut Validator<'_>, n: usize, t: &DmaTransfer) {
    let d = v.d;
    let name = target_name(v, t.target);
    let verb = match t.dir {
        TransferDir::ToDevice => "fill",
        TransferDir::FromDevice => "drain",
    };
    let op = format!("transfer #{n} ({verb} of `{name}`)");
    let err = |v: &mut Validator<'_>, problem: String| {
        v.push(ValidationError::Runtime {
            op: op.clone(),
            problem,
        })
    };
    match t.target {
        DmaTarget::Fifo(f) => {
            let Some(fifo) = d.fifos.get(f) else {
                err(v, "the FIFO handle is not part of this design".into());
                return;
            };
            let shim = |t| d.tiles.get(t).map(|t| t.kind) == Some(TileKind::Shim);
            match t.dir {
                TransferDir::ToDevice if !shim(fifo.producer) => err(
                    v,
                    format!("`{name}` starts at {}, not at a shim tile, so the host cannot fill it; fill the FIFO that starts at the shim tile", d.tile_label(fifo.producer)),
                ),
                TransferDir::FromDevice if !fifo.consumers.iter().any(|c| shim(c.tile)) => err(
                    v,
                    format!("`{name}` does not end at a shim tile, so the host cannot drain it; drain the FIFO that ends at the shim tile"),
                ),
                _ => {}
            }
        }
        DmaTarget::Alloc(a) => {
            if d.shim_allocs.get(a).is_none() {
                err(v, "the allocation handle is not part of this design".into());
                return;
            }
        }
    }
    let Some(arg) = d
        .runtime
        .as_ref()
        .and_then(|r| r.args.get(t.arg.0 as usize))
    else {
        err(
            v,
            format!("host argument {} was not declared with `arg`", t.arg.0),
        );
        return;
    };
    for problem in super::transfer::problems(t, arg, t.arg.0) {
        err(v, problem);
    }
    match t.bd_id {
        Some(id) if id >= d.device.model().shim.bds => err(
            v,
            format!("buffer descriptor {id} does not exist (shim tiles have 0..={}); add waits so ids can be reused, or use fewer transfers in flight", d.device.model().shim.bds - 1),
        ),
        _ => {}
    }
    let _ = DmaDir::S2mm;
}

//! Link rules of mlir-aie's `ObjectFifoLinkOp::verify` (`lib/Dialect/AIE/IR/AIEDialect.cpp` at
//! 5ff2ab97d): the structural checks of each link ([`Validator::links`]: members, tiles,
//! offsets, sizes), then the layouts ([`check`]): a join's output layout (`dims_to_stream`) and a
//! split's input layout at the mem tile (`dims_from_stream`) must stay inside the smallest part,
//! whose length is the distance to the next offset.

use std::collections::HashMap;

use super::{ValidationError, Validator};
use crate::ir::{Dim, FifoId};
use crate::target::TileKind;

/// Largest element index a layout reaches (`getDimsMaxIdx`).
fn max_index(dims: &[Dim]) -> i128 {
    dims.iter()
        .map(|x| i128::from(x.stride) * (i128::from(x.size) - 1))
        .sum()
}

/// Part lengths as mlir-aie computes them (`getJoinTransferLengths`,
/// `getDistributeTransferLengths`): next offset minus this one, the last up to the whole.
fn lengths(offsets: &[u64], whole: u64) -> Vec<i128> {
    offsets
        .iter()
        .enumerate()
        .map(|(k, &o)| i128::from(offsets.get(k + 1).copied().unwrap_or(whole)) - i128::from(o))
        .collect()
}

pub(super) fn check(v: &mut Validator<'_>) {
    let d = v.d;
    for link in &d.links {
        let (join, split) = (link.inputs.len() > 1, link.outputs.len() > 1);
        if join == split {
            continue;
        }
        let (Some(&first_in), Some(&first_out)) = (link.inputs.first(), link.outputs.first())
        else {
            continue;
        };
        let (Some(fin), Some(fout)) = (d.fifos.get(first_in), d.fifos.get(first_out)) else {
            continue;
        };
        let (dims, offsets, whole, option, side) = if join {
            (
                fout.dims_to_stream.as_slice(),
                &link.src_offsets,
                fout.elem.elements(),
                format!("dims_to_stream of `{}`", fout.name),
                "input",
            )
        } else {
            let at = fout.producer;
            let Some(c) = fin.consumers.iter().find(|c| c.tile == at) else {
                continue;
            };
            (
                c.dims_from_stream.as_slice(),
                &link.dst_offsets,
                fin.elem.elements(),
                format!("dims_from_stream of `{}` at the mem tile", fin.name),
                "output",
            )
        };
        if dims.is_empty() {
            continue;
        }
        let Some(min) = lengths(offsets, whole).into_iter().min() else {
            continue;
        };
        let max = max_index(dims);
        if min <= max {
            let names = |ids: &[crate::ir::FifoId]| {
                ids.iter()
                    .map(|f| d.fifo_label(*f))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            v.push(ValidationError::Link {
                link: format!("[{}] -> [{}]", names(&link.inputs), names(&link.outputs)),
                problem: format!("the {option} reaches element {max}, but the smallest {side} part is {min} elements (mlir-aie: \"out of bounds access in {} {side}\"); shrink the layout to fit every part", if join { "join" } else { "distribute" }),
            });
        }
    }
}

impl Validator<'_> {
    pub(super) fn links(&mut self) {
        let d = self.d;
        let mut used: HashMap<FifoId, usize> = HashMap::new();
        for (li, link) in d.links.iter().enumerate() {
            let names = |ids: &[FifoId]| {
                ids.iter()
                    .map(|f| d.fifo_label(*f))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let label = format!("[{}] -> [{}]", names(&link.inputs), names(&link.outputs));
            let err = |problem: String| ValidationError::Link {
                link: label.clone(),
                problem,
            };
            let mut errs = Vec::new();
            if link.inputs.is_empty() || link.outputs.is_empty() {
                errs.push(err(
                    "a link needs at least one input and one output FIFO".into()
                ));
                self.errors.extend(errs);
                continue;
            }
            if link.inputs.len() > 1 && link.outputs.len() > 1 {
                errs.push(err(
                    "a link cannot both join and split; use two links through two FIFOs".into(),
                ));
            }
            let mut all_known = true;
            for &f in link.inputs.iter().chain(&link.outputs) {
                if d.fifos.get(f).is_none() {
                    all_known = false;
                    errs.push(err(format!("FIFO handle {f:?} is not part of this design")));
                } else if let Some(prev) = used.insert(f, li) {
                    if prev != li {
                        errs.push(err(format!("FIFO `{}` is already part of another link; a FIFO may take part in one link only", d.fifo_label(f))));
                    }
                }
            }
            if !all_known {
                self.errors.extend(errs);
                continue;
            }
            let fifo = |f: FifoId| d.fifos.get(f);
            // The link tile: producer of the outputs, consumer of the inputs.
            let tile = fifo(link.outputs[0]).map(|f| f.producer);
            for &o in &link.outputs {
                if fifo(o).map(|f| f.producer) != tile {
                    errs.push(err(format!("output `{}` does not start at the link tile {}; every output must be produced by the tile where the inputs end", d.fifo_label(o), tile.map(|t| d.tile_label(t)).unwrap_or_default())));
                }
            }
            for &i in &link.inputs {
                let ends_here =
                    fifo(i).is_some_and(|f| f.consumers.iter().any(|c| Some(c.tile) == tile));
                if !ends_here {
                    errs.push(err(format!("input `{}` has no consumer at the link tile {}; make that tile a consumer of it", d.fifo_label(i), tile.map(|t| d.tile_label(t)).unwrap_or_default())));
                }
            }
            let kind = tile.and_then(|t| d.tiles.get(t)).map(|t| t.kind);
            let join = link.inputs.len() > 1;
            let split = link.outputs.len() > 1;
            if (join || split) && kind != Some(TileKind::Mem) {
                errs.push(err(format!(
                    "a {} must go through a mem tile, but the link tile {} is a {}",
                    if join { "join" } else { "split" },
                    tile.map(|t| d.tile_label(t)).unwrap_or_default(),
                    kind.map(|k| k.to_string()).unwrap_or_default()
                )));
            }
            if kind == Some(TileKind::Shim) {
                errs.push(err(
                    "a link cannot go through a shim tile; route it through a mem tile".into(),
                ));
            }
            let elems = |f: FifoId| fifo(f).map_or(0, |f| f.elem.elements());
            let bytes = |f: FifoId| fifo(f).map_or(0, |f| f.elem.bytes());
            if !join && !split {
                // mlir-aie's ObjectFifoLinkOp::verify: "all offsets should be empty if there is
                // no join or distribute" fires only when both lists are given; a split with a
                // single output (offset 0) is a forward link. A non-zero offset would be
                // ignored there, so we reject it (README).
                let both = !link.src_offsets.is_empty() && !link.dst_offsets.is_empty();
                if both
                    || link
                        .src_offsets
                        .iter()
                        .chain(&link.dst_offsets)
                        .any(|&o| o != 0)
                {
                    errs.push(err("a forward link (one input, one output) moves whole objects and takes no offsets other than a single 0".into()));
                }
                if bytes(link.inputs[0]) != bytes(link.outputs[0]) {
                    errs.push(err(format!("input objects are {} bytes but output objects are {}; a forward link moves whole objects, make the sizes equal", bytes(link.inputs[0]), bytes(link.outputs[0]))));
                }
            }
            let mut check_parts = |whole: FifoId,
                                   parts: &[FifoId],
                                   offsets: &[u64],
                                   other: &[u64],
                                   what: &str| {
                if !other.is_empty() {
                    errs.push(err(format!(
                        "a {what} takes offsets for its {} only",
                        if what == "split" { "outputs" } else { "inputs" }
                    )));
                }
                if offsets.len() != parts.len() {
                    errs.push(err(format!(
                        "{} offsets for {} FIFOs; give one offset per FIFO",
                        offsets.len(),
                        parts.len()
                    )));
                    return;
                }
                let total = elems(whole);
                for (k, (&p, &off)) in parts.iter().zip(offsets).enumerate() {
                    let end = offsets.get(k + 1).copied().unwrap_or(total);
                    if end <= off || off >= total {
                        errs.push(err(format!("offset {off} of `{}` does not fit: offsets must increase and stay below the {total} elements of `{}`", d.fifo_label(p), d.fifo_label(whole))));
                        continue;
                    }
                    // mlir-aie accepts gaps between parts but still moves `next offset -
                    // offset` elements (getDistributeTransferLengths), more than the part's
                    // objects hold; we keep parts packed (README).
                    if elems(p) != end - off {
                        errs.push(err(format!("`{}` gets elements {off}..{end} ({}) of `{}`, but its objects hold {}; change its type or the offsets", d.fifo_label(p), end - off, d.fifo_label(whole), elems(p))));
                    }
                }
                for &p in parts {
                    let (a, b) = (
                        fifo(p).map(|f| f.elem.elem()),
                        fifo(whole).map(|f| f.elem.elem()),
                    );
                    if a != b {
                        errs.push(err(format!("`{}` has elements of another type than `{}`; use one element type on both sides", d.fifo_label(p), d.fifo_label(whole))));
                    }
                }
            };
            if split {
                check_parts(
                    link.inputs[0],
                    &link.outputs,
                    &link.dst_offsets,
                    &link.src_offsets,
                    "split",
                );
                let repeats: Vec<_> = link
                    .outputs
                    .iter()
                    .map(|&o| fifo(o).and_then(|f| f.repeat_count))
                    .collect();
                if repeats.windows(2).any(|w| w[0] != w[1]) {
                    errs.push(err(
                        "all outputs of a split must have the same repeat_count".into(),
                    ));
                }
            } else if join {
                check_parts(
                    link.outputs[0],
                    &link.inputs,
                    &link.src_offsets,
                    &link.dst_offsets,
                    "join",
                );
            }
            self.errors.extend(errs);
        }
    }
}

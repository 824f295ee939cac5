//! Link rules of mlir-aie's `ObjectFifoLinkOp::verify` (`lib/Dialect/AIE/IR/AIEDialect.cpp` at
//! 5ff2ab97d) not covered by the structural link checks: a join's output layout
//! (`dims_to_stream`) and a split's input layout at the mem tile (`dims_from_stream`) must stay
//! inside the smallest part, whose length is the distance to the next offset.

use super::{ValidationError, Validator};
use crate::ir::Dim;

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

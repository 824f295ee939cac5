//! Pieces of MLIR text both ways of emitting share (the module built through melior and the text
//! written directly): the `bd_dim_layout_array` of a layout, and the constants a core's entry
//! block holds, in the order MLIR's printer meets them.

use crate::ir::Dim;
use crate::lower::core::{LArg, LStmt};

/// The text of a `bd_dim_layout_array`: `[<size = …, stride = …>, …]`.
pub(in crate::emit) fn dims_text(dims: &[Dim]) -> String {
    let inner: Vec<String> = dims
        .iter()
        .map(|d| format!("<size = {}, stride = {}>", d.size, d.stride))
        .collect();
    format!("[{}]", inner.join(", "))
}

/// Loop bounds in first-use order: lower bound, upper bound, step of each loop, pre-order.
pub(in crate::emit) fn collect_bounds(stmts: &[LStmt], out: &mut Vec<i64>) {
    for s in stmts {
        if let LStmt::For {
            lower,
            upper,
            step,
            body,
        } = s
        {
            for v in [
                i64::try_from(*lower).unwrap_or(i64::MAX),
                i64::try_from(*upper).unwrap_or(i64::MAX),
                i64::try_from(*step).unwrap_or(1),
            ] {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            collect_bounds(body, out);
        }
    }
}

pub(in crate::emit) fn collect_scalars(stmts: &[LStmt], out: &mut Vec<crate::types::Scalar>) {
    for s in stmts {
        match s {
            LStmt::For { body, .. } => collect_scalars(body, out),
            LStmt::Call { args, .. } => {
                for a in args {
                    if let LArg::Scalar(sc) = a {
                        if !out.contains(sc) {
                            out.push(*sc);
                        }
                    }
                }
            }
            LStmt::UseLock { .. } => {}
        }
    }
}

/// `[a, b, …]` of link offsets as MLIR prints them from an `i64` array attribute (each offset
/// read as a signed 64-bit value, as the attribute holds it).
pub(in crate::emit) fn offsets_text(v: &[u64]) -> String {
    let v: Vec<String> = v.iter().map(|&o| (o as i64).to_string()).collect();
    format!("[{}]", v.join(", "))
}

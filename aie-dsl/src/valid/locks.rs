//! Lock values that user sizes decide, checked before the lowering builds anything from them.
//!
//! A FIFO end's producer lock starts at depth × repeat count, and the lowering gives that end
//! one BD per object and repeat (mlir-aie's objectfifo lowering at 5ff2ab97d). AIE2 locks
//! count 0..=63 ([`crate::target::npu1::MAX_LOCK_VALUE`]); `lower::check` rejects larger
//! values in the lowered design, and this check rejects them from the design itself, so a
//! huge `repeat_count` cannot make the lowering build billions of BDs first.

use super::{ValidationError, Validator};
use crate::ir::fifo_rules::end_depth;
use crate::target::npu1::MAX_LOCK_VALUE;

pub(super) fn check(v: &mut Validator<'_>) {
    let d = v.d;
    for (id, f) in d.fifos.iter() {
        let Some(r) = f.repeat_count else { continue };
        let depth = end_depth(d, id, None);
        let objects = u64::from(depth) * u64::from(r);
        if objects > u64::from(MAX_LOCK_VALUE) {
            v.push(ValidationError::FifoOption {
                fifo: f.name.clone(),
                problem: format!("repeat_count {r} × depth {depth} = {objects} exceeds {MAX_LOCK_VALUE}, the largest lock value (the producer lock starts at depth × repeat_count); use a smaller repeat_count or depth"),
            });
        }
    }
}

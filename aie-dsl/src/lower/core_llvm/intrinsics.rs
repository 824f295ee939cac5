//! The AIE2 intrinsics every core module declares and the core-local index of a lock: what
//! `aie-standard-lowering` and `aie-localize-locks` give a core (AIECoreToStandard.cpp and
//! AIELocalizeLocks.cpp at mlir-aie 5ff2ab97d), shared by the direct writer and the MLIR path.

use super::CoreLlvmError;
use crate::ir::Design;
use crate::lower::physical::Physical;

/// Argument and result types of an intrinsic declaration.
#[derive(Clone, Copy)]
pub(super) enum IntrinsicType {
    I32,
    /// `vector<16xi32>`, the cascade accumulator.
    Acc,
}

/// An intrinsic declaration: its name (after `llvm.<arch>.` when `prefixed`), arguments and
/// results.
pub(super) struct Intrinsic {
    pub(super) prefixed: bool,
    pub(super) name: &'static str,
    pub(super) args: &'static [IntrinsicType],
    pub(super) results: &'static [IntrinsicType],
}

/// The declarations `aie-standard-lowering` adds to every AIE2 core module, in its order
/// (`getAIE2Intrinsics` in AIECoreToStandard.cpp).
pub(super) const INTRINSICS: [Intrinsic; 9] = {
    use IntrinsicType::{Acc, I32};
    const fn i(
        prefixed: bool,
        name: &'static str,
        args: &'static [IntrinsicType],
        results: &'static [IntrinsicType],
    ) -> Intrinsic {
        Intrinsic {
            prefixed,
            name,
            args,
            results,
        }
    }
    [
        i(false, "debug_i32", &[I32], &[]),
        i(true, "event", &[I32], &[]),
        i(true, "put.ms", &[I32, I32], &[]),
        i(true, "get.ss", &[], &[I32, I32]),
        i(true, "mcd.write.vec", &[Acc, I32], &[]),
        i(true, "scd.read.vec", &[I32], &[Acc]),
        i(true, ACQUIRE, &[I32, I32], &[]),
        i(true, RELEASE, &[I32, I32], &[]),
        i(true, "set.ctrl.reg", &[I32, I32], &[]),
    ]
};

/// Intrinsic that acquires a lock (after the arch prefix).
pub(super) const ACQUIRE: &str = "acquire";
/// Intrinsic that releases a lock (after the arch prefix).
pub(super) const RELEASE: &str = "release";

/// The intrinsic declarations of a core module for `arch`, in order: full name, argument types
/// and result types as LLVM IR spells them.
pub(super) fn intrinsic_declarations(
    arch: &str,
) -> Vec<(String, Vec<&'static str>, Vec<&'static str>)> {
    let llvm = |t: &IntrinsicType| match t {
        IntrinsicType::I32 => "i32",
        IntrinsicType::Acc => "<16 x i32>",
    };
    INTRINSICS
        .iter()
        .map(|i| {
            (
                full_intrinsic_name(arch, i.prefixed, i.name),
                i.args.iter().map(llvm).collect(),
                i.results.iter().map(llvm).collect(),
            )
        })
        .collect()
}

/// The full name of an intrinsic (`llvm.aie2.acquire` when `prefixed`).
pub(super) fn full_intrinsic_name(arch: &str, prefixed: bool, name: &str) -> String {
    if prefixed {
        format!("llvm.{arch}.{name}")
    } else {
        name.to_string()
    }
}

/// The core-local index of lock `lock` for the core at (`col`, `row`) (aie-localize-locks): its
/// id plus the base of the memory window the core sees the lock's tile through.
pub(super) fn local_lock_index(
    design: &Design,
    phys: &Physical,
    lock: usize,
    col: u32,
    row: u32,
) -> Result<i64, CoreLlvmError> {
    let l = phys.locks.get(lock).ok_or_else(|| {
        CoreLlvmError::Build(format!("lock #{lock} is not in the lowered design"))
    })?;
    let (lc, lr) = design
        .coords(l.tile)
        .ok_or_else(|| CoreLlvmError::Build(format!("lock `{}` has no tile", l.name)))?;
    let window = design
        .device
        .core_memory_of(col, row, lc, lr)
        .ok_or_else(|| CoreLlvmError::LockOutOfReach {
            design: design.name.clone(),
            col,
            row,
            lock: l.name.clone(),
            lock_col: lc,
            lock_row: lr,
        })?;
    Ok(i64::from(window.lock_base_index()) + i64::from(l.id))
}

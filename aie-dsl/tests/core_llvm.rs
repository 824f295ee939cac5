//! Core lowering and linker scripts on what the example designs do not cover: a buffer with
//! initial values shared with the core above, a hand-placed lock used from the neighbouring
//! core, and a lock out of reach. Expectations follow mlir-aie's rules at 5ff2ab97d:
//! `AIEBufferToStandard` (lib/Dialect/AIE/Transforms/AIECoreToStandard.cpp) keeps a buffer's
//! initial value only in the module of the core whose tile owns it; `getLockLocalBaseIndex`
//! (lib/Dialect/AIE/IR/AIETargetModel.cpp) numbers the South neighbour's locks from 0 and the
//! core's own from 48; `AIETargetLdScript.cpp` places the South neighbour's buffers at 0x40000.

use aie_dsl::back::ldscript;
use aie_dsl::lower::core_llvm::{core_ir, CoreLlvmError};
use aie_dsl::prelude::*;

/// Cores on (0,2) and (0,3); `table` (2×2 i32, initialised) and lock `ready` (id 5) live on
/// (0,2); both cores call `use_table(table)` after acquiring `ready`.
fn shared_table() -> Validated {
    let mut d = DesignBuilder::new("shared_table", Device::Npu1_1Col);
    let ty = MemRefType::new([2, 2], ElemType::I32);
    let k = d.kernel(Kernel::new("use_table", [ty.clone().into()], "table.o"));
    let low = d.compute_tile(0, 2);
    let high = d.compute_tile(0, 3);
    let table = d.buffer_init(low, "table", ty, vec![0, 1, 2, 3]);
    let ready = d.lock(low, "ready", Some(5), 1);
    for t in [low, high] {
        d.core(t, |c| {
            c.use_lock(ready, LockAction::AcquireGreaterEqual, 1);
            c.call(k, [table.into()]);
            c.use_lock(ready, LockAction::Release, 1);
        });
    }
    d.finish().expect("valid design")
}

fn tile_at(d: &Design, col: u32, row: u32) -> aie_dsl::ir::TileId {
    d.tiles
        .iter()
        .find(|(_, t)| t.col == col && t.row == row)
        .map(|(id, _)| id)
        .expect("tile exists")
}

#[test]
fn initial_values_stay_with_the_owning_core_and_neighbour_locks_use_the_south_range() {
    let d = shared_table();
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let low = core_ir(&d, &phys, tile_at(&d, 0, 2)).unwrap();
    let high = core_ir(&d, &phys, tile_at(&d, 0, 3)).unwrap();

    assert!(
        low.contains(
            "@table = global [2 x [2 x i32]] [[2 x i32] [i32 0, i32 1], [2 x i32] [i32 2, i32 3]]"
        ),
        "{low}"
    );
    assert!(
        low.contains("call void @llvm.aie2.acquire(i32 53, i32 -1)"),
        "{low}"
    );
    assert!(
        low.contains("call void @llvm.aie2.release(i32 53, i32 1)"),
        "{low}"
    );
    assert!(low.contains("call void @use_table(ptr @table)"), "{low}");
    assert!(low.contains("define void @core_0_2()"), "{low}");

    assert!(
        high.contains("@table = external global [2 x [2 x i32]]"),
        "{high}"
    );
    assert!(
        high.contains("call void @llvm.aie2.acquire(i32 5, i32 -1)"),
        "{high}"
    );
    assert!(
        high.contains("call void @llvm.aie2.release(i32 5, i32 1)"),
        "{high}"
    );
    assert!(high.contains("declare void @use_table(ptr)"), "{high}");
    assert!(high.contains("define void @core_0_3()"), "{high}");

    // The upper core's linker script names the table through its South window.
    let addr = phys.buffer("table").unwrap().address;
    let script = ldscript::write(&d, &phys, tile_at(&d, 0, 3)).unwrap();
    let entry = format!(". = 0x{:X};\ntable = .;\n. += 0x10;\n", 0x40000 + addr);
    assert!(script.contains(&entry), "{script}");
}

#[test]
fn a_lock_the_core_cannot_reach_is_named_in_the_error() {
    let mut b = DesignBuilder::new("far_lock", Device::Npu1_1Col);
    let _mem = b.mem_tile(0);
    let core = b.compute_tile(0, 2);
    let ready = b.lock(core, "ready", Some(5), 1);
    b.core(core, |c| {
        c.use_lock(ready, LockAction::AcquireGreaterEqual, 1)
    });
    let d = b.finish().expect("valid design");
    let mut phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    assert!(core_ir(&d, &phys, tile_at(&d, 0, 2))
        .unwrap()
        .contains("call void @llvm.aie2.acquire(i32 53, i32 -1)"));
    // A lowered design edited by hand: the lock now sits on the mem tile below, whose locks
    // no core reaches.
    let ix = phys.locks.iter().position(|l| l.name == "ready").unwrap();
    phys.locks[ix].tile = tile_at(&d, 0, 1);
    let err = core_ir(&d, &phys, tile_at(&d, 0, 2)).unwrap_err();
    assert!(matches!(err, CoreLlvmError::LockOutOfReach { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("`ready`") && msg.contains("(0, 1)") && msg.contains("(0, 2)"),
        "{msg}"
    );
}

#[test]
fn scalar_kernel_arguments_become_constants_of_their_type() {
    let mut d = DesignBuilder::new("scalars", Device::Npu1_1Col);
    let k = d.kernel(Kernel::new(
        "takes_scalars",
        [
            ScalarType::I8.into(),
            ScalarType::I16.into(),
            ScalarType::I32.into(),
            ScalarType::F32.into(),
            ScalarType::Bf16.into(),
        ],
        "scalars.o",
    ));
    let core = d.compute_tile(0, 2);
    d.core(core, |c| {
        c.repeat(3, |c| {
            c.call(
                k,
                [
                    Scalar::I8(-3).into(),
                    Scalar::I16(300).into(),
                    Scalar::I32(7).into(),
                    Scalar::F32(1.5).into(),
                    Scalar::bf16(1.5).into(),
                ],
            )
        })
    });
    let d = d.finish().expect("valid design");
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let ll = core_ir(&d, &phys, tile_at(&d, 0, 2)).unwrap();
    // LLVM's own spelling: bfloat constants in 0xR hex, floats in %e form.
    assert!(
        ll.contains("declare void @takes_scalars(i8, i16, i32, float, bfloat)"),
        "{ll}"
    );
    assert!(
        ll.contains(
            "call void @takes_scalars(i8 -3, i16 300, i32 7, float 1.500000e+00, bfloat 0xR3FC0)"
        ),
        "{ll}"
    );
    // A loop without FIFO acquires is not unrolled: three trips of one call.
    assert!(ll.contains("icmp slt i64 %2, 3"), "{ll}");
}

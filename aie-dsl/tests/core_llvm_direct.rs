//! The cores' LLVM IR written directly (`lower/core_llvm/direct.rs`) against MLIR's own passes:
//! for random core programs — nested and consecutive loops, loops first and last, empty
//! bodies, FIFO acquires that unrolling turns into steps and peeled iterations, lock operations,
//! kernel calls with constants of every scalar type — the direct text must equal, byte for byte,
//! what `convert-scf-to-cf`, `canonicalize`, `cse`, the conversions to the LLVM dialect and
//! MLIR's translation make of the same core (`core_llvm::through_mlir`). The example designs'
//! cores are compared with mlir-aie's own `.ll` files in designs/tests/core_llvm.rs.

use aie_dsl::ir::TileId;
use aie_dsl::lower::core_llvm::{direct_ir, through_mlir};
use aie_dsl::prelude::*;

mod common;
use common::random::random_core_design;

fn cores(phys: &aie_dsl::lower::physical::Physical) -> Vec<TileId> {
    phys.cores.iter().map(|c| c.tile).collect()
}

#[test]
fn direct_text_equals_mlirs_passes_on_random_core_programs() {
    let mut compared = 0;
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..600 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Some(v) = random_core_design(seed) else {
            continue;
        };
        let Ok(lowered) = aie_dsl::lower::lower(&v) else {
            continue;
        };
        let phys = &lowered.physical;
        let tiles = cores(phys);
        let reference = through_mlir(&v, phys, &tiles).expect("MLIR lowers the cores");
        for (tile, expected) in reference {
            let direct = direct_ir(&v, phys, tile)
                .expect("the direct writer accepts the core")
                .expect("no initial values or unusual names here: written directly");
            assert_eq!(
                direct,
                expected,
                "seed {seed:#x}, core {:?}: direct text differs from MLIR's",
                v.coords(tile)
            );
            compared += 1;
        }
    }
    assert!(compared >= 400, "only {compared} cores compared");
}

#[test]
fn a_buffer_with_initial_values_on_the_core_goes_through_mlir() {
    let mut d = DesignBuilder::new("init", Device::Npu1_1Col);
    let ty = MemRefType::vector(4, ElemType::I32);
    let k = d.kernel(Kernel::new("use_table", [ty.clone().into()], "k.o"));
    let t = d.compute_tile(0, 2);
    let table = d.buffer_init(t, "table", ty, vec![1, 2, 3, 4]);
    d.core(t, |c| c.call(k, [table.into()]));
    let v = d.finish().unwrap();
    let phys = aie_dsl::lower::lower(&v).unwrap().physical;
    let tile = phys.cores[0].tile;
    assert_eq!(direct_ir(&v, &phys, tile).unwrap(), None);
    let ir = aie_dsl::lower::core_llvm::core_ir(&v, &phys, tile).unwrap();
    assert!(
        ir.contains("@table = global [4 x i32] [i32 1, i32 2, i32 3, i32 4]"),
        "{ir}"
    );
}

#[test]
fn a_nan_constant_goes_through_mlir() {
    for nan in [Scalar::F32(f32::NAN), Scalar::Bf16(0x7FC1)] {
        let mut d = DesignBuilder::new("nan", Device::Npu1_1Col);
        let k = d.kernel(Kernel::new("take", [ArgType::Scalar(nan.ty())], "k.o"));
        let t = d.compute_tile(0, 2);
        d.core(t, |c| c.call(k, [nan.into()]));
        let v = d.finish().unwrap();
        let phys = aie_dsl::lower::lower(&v).unwrap().physical;
        let tile = phys.cores[0].tile;
        assert_eq!(direct_ir(&v, &phys, tile).unwrap(), None);
        let ir = aie_dsl::lower::core_llvm::core_ir(&v, &phys, tile).unwrap();
        assert!(ir.contains("call void @take("), "{ir}");
    }
}

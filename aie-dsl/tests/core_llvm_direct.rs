//! The cores' LLVM IR written directly (`lower/core_llvm/direct.rs`) against MLIR's own passes:
//! for random core programs — nested and consecutive loops, loops first and last, empty
//! bodies, FIFO acquires that unrolling turns into steps and peeled iterations, lock operations,
//! kernel calls with constants of every scalar type — the direct text must equal, byte for byte,
//! what `convert-scf-to-cf`, `canonicalize`, `cse`, the conversions to the LLVM dialect and
//! MLIR's translation make of the same core (`core_llvm::through_mlir`). The example designs'
//! cores are compared with mlir-aie's own `.ll` files in designs/tests/core_llvm.rs.

use aie_dsl::ir::{BufferId, CallArg, LockId, TileId};
use aie_dsl::lower::core_llvm::{direct_ir, through_mlir};
use aie_dsl::prelude::*;

mod common;
use common::Rng;

/// What a core's program may use.
struct Parts {
    fifo_in: Option<FifoId>,
    fifo_out: Option<FifoId>,
    lock: LockId,
    buffer: BufferId,
    k_obj: KernelId,
    k_scalars: KernelId,
    k_buf: KernelId,
}

fn scalar(r: &mut Rng, ty: ScalarType) -> Scalar {
    const FLOATS: [f32; 12] = [
        0.0,
        -0.0,
        1.0,
        -2.5,
        0.1,
        1.0e-40,
        3.4e38,
        1024.0,
        0.333_333_34,
        f32::INFINITY,
        f32::NEG_INFINITY,
        123_456.79,
    ];
    match ty {
        ScalarType::I8 => Scalar::I8(r.next() as i8),
        ScalarType::I16 => Scalar::I16(r.next() as i16),
        ScalarType::I32 => Scalar::I32(match r.below(3) {
            0 => r.next() as i32,
            1 => i32::MIN,
            _ => r.below(100) as i32,
        }),
        ScalarType::F32 => Scalar::F32(if r.below(2) == 0 {
            FLOATS[r.below(FLOATS.len() as u64) as usize]
        } else {
            f32::from_bits(r.next() as u32 & 0x7F7F_FFFF)
        }),
        ScalarType::Bf16 => Scalar::Bf16(r.next() as u16 & 0x7F7F),
    }
}

fn program(r: &mut Rng, c: &mut CoreBuilder, p: &Parts, depth: u32) {
    let n = r.below(4);
    for _ in 0..n {
        match r.below(if depth >= 3 { 4 } else { 6 }) {
            0 => {
                if let Some(f) = p.fifo_in {
                    let a = c.consume(f, 1);
                    c.call(p.k_obj, [a.get(0)]);
                    c.release(a);
                } else if let Some(f) = p.fifo_out {
                    let a = c.produce(f, 1);
                    c.call(p.k_obj, [a.get(0)]);
                    c.release(a);
                }
            }
            1 => {
                let v = 1 + r.below(2) as u32;
                c.use_lock(p.lock, LockAction::AcquireGreaterEqual, v);
                c.use_lock(p.lock, LockAction::Release, v);
            }
            2 => {
                let args: Vec<CallArg> = [
                    ScalarType::I8,
                    ScalarType::I16,
                    ScalarType::I32,
                    ScalarType::F32,
                    ScalarType::Bf16,
                ]
                .into_iter()
                .map(|t| scalar(r, t).into())
                .collect();
                c.call(p.k_scalars, args);
            }
            3 => c.call(
                p.k_buf,
                [p.buffer.into(), Scalar::I32(r.below(9) as i32).into()],
            ),
            _ => {
                let count = [0, 1, 2, 3, 4, 5, 7, 11][r.below(8) as usize];
                c.repeat(count, |c| program(r, c, p, depth + 1));
            }
        }
    }
}

/// Two cores joined by a FIFO of random depth, each with a lock, a buffer and a random program
/// (ending in a `forever` loop one time in three).
fn random_design(seed: u64) -> Option<Validated> {
    let mut r = Rng(seed | 1);
    let mut d = DesignBuilder::new(format!("direct_{seed}"), Device::Npu1_1Col);
    let obj = MemRefType::vector(16, ElemType::I32);
    let buf_ty = MemRefType::new([4, 8], [ElemType::I16, ElemType::Bf16][r.below(2) as usize]);
    let k_obj = d.kernel(Kernel::new("use_obj", [obj.clone().into()], "k.o"));
    let k_scalars = d.kernel(Kernel::new(
        "use_scalars",
        [
            ArgType::Scalar(ScalarType::I8),
            ArgType::Scalar(ScalarType::I16),
            ArgType::Scalar(ScalarType::I32),
            ArgType::Scalar(ScalarType::F32),
            ArgType::Scalar(ScalarType::Bf16),
        ],
        "k.o",
    ));
    let k_buf = d.kernel(Kernel::new(
        "use_buf",
        [buf_ty.clone().into(), ArgType::Scalar(ScalarType::I32)],
        "k.o",
    ));
    let a = d.compute_tile(0, 2);
    let b = d.compute_tile(0, 3);
    let depth = 1 + r.below(3) as u32;
    let f = d.fifo("f", a, [b], depth, obj);
    for (i, (tile, fifo_in, fifo_out)) in [(a, None, Some(f)), (b, Some(f), None)]
        .into_iter()
        .enumerate()
    {
        let parts = Parts {
            fifo_in,
            fifo_out,
            lock: d.lock(tile, format!("l{i}"), Some(3 + i as u32), 1),
            buffer: d.buffer(tile, format!("buf{i}"), buf_ty.clone()),
            k_obj,
            k_scalars,
            k_buf,
        };
        let forever = r.below(3) == 0;
        d.core(tile, |c| {
            program(&mut r, c, &parts, 0);
            if forever {
                c.forever(|c| program(&mut r, c, &parts, 1));
            }
        });
    }
    d.finish().ok()
}

fn cores(phys: &aie_dsl::lower::physical::Physical) -> Vec<TileId> {
    phys.cores.iter().map(|c| c.tile).collect()
}

#[test]
fn direct_text_equals_mlirs_passes_on_random_core_programs() {
    let mut compared = 0;
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..600 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Some(v) = random_design(seed) else {
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

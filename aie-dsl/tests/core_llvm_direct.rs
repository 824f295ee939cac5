//! The cores' LLVM IR written directly (`lower/core_llvm/direct.rs`) against MLIR's own passes:
//! for random core programs — nested and consecutive loops, loops first and last, empty
//! bodies, FIFO acquires that unrolling turns into steps and peeled iterations, lock operations,
//! kernel calls with constants of every scalar type (NaNs, infinities, subnormals included),
//! buffers of rank 0 to 3 with initial values on the core's tile — the direct text must equal,
//! byte for byte,
//! what `convert-scf-to-cf`, `canonicalize`, `cse`, the conversions to the LLVM dialect and
//! MLIR's translation make of the same core (`core_llvm::through_mlir`). The example designs'
//! cores are compared with mlir-aie's own `.ll` files in designs/tests/core_llvm.rs.

use aie_dsl::ir::TileId;
use aie_dsl::lower::core_llvm::{direct_ir, through_mlir};
use aie_dsl::prelude::*;

mod common;
use common::random::{
    fitting_values, init_value, note_specials, random_core_design, scalar, small_memref, specials,
    ELEMS,
};
use common::Rng;

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
                .unwrap_or_else(|| panic!("seed {seed:#x}: the direct writer declined"));
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

/// Compares the direct text of every core of `v` (with `phys`, possibly edited) with MLIR's;
/// returns how many cores were compared. Every core must be written directly.
fn compare_all(
    v: &aie_dsl::ir::Design,
    phys: &aie_dsl::lower::physical::Physical,
    what: &str,
) -> usize {
    let tiles = cores(phys);
    let reference = through_mlir(v, phys, &tiles).expect("MLIR lowers the cores");
    for (tile, expected) in &reference {
        let direct = direct_ir(v, phys, *tile)
            .expect("the direct writer accepts the core")
            .unwrap_or_else(|| panic!("{what}: the direct writer declined"));
        assert_eq!(&direct, expected, "{what}, core {:?}", v.coords(*tile));
    }
    reference.len()
}

/// Buffers with initial values on the core's own tile become globals with initializers: every
/// element type, ranks 0 to 3, all-zero arrays and rows (`zeroinitializer`), `i8` arrays (as
/// `c"…"` strings with escapes), float values of every kind (fractions, NaNs with payloads,
/// infinities, -0.0, subnormals; as `f32`, `bf16`, `f64` or integers). Buffers with initial
/// values on the other core's tile stay external, as do the objects of a FIFO with initial
/// values. (Values an element type does not hold are refused by validation.)
#[test]
fn initial_values_on_the_core_tile_are_written_directly_and_exactly() {
    let mut r = Rng(0x3C6E_F372_FE94_F82B);
    let mut compared = 0;
    let mut texts = String::new();
    let mut specials_direct = [0usize; 6];
    for i in 0..300 {
        let mut d = DesignBuilder::new(format!("init_{i}"), Device::Npu1_1Col);
        let a = d.compute_tile(0, 2);
        let b = d.compute_tile(0, 3);
        let mut uses = Vec::new();
        for (k, tile) in [a, a, b].into_iter().enumerate() {
            let ty = if r.below(4) == 0 {
                MemRefType::new(
                    vec![1 + r.below(3) as u32, 2 + r.below(40) as u32],
                    ELEMS[r.below(6) as usize],
                )
            } else {
                small_memref(&mut r)
            };
            let values = match r.below(4) {
                0 => (0..ty.elements())
                    .map(|_| init_value(&mut r, ty.elem()))
                    .collect(),
                _ => fitting_values(&mut r, &ty),
            };
            // Every buffer is on a core's tile: its values are written in that core's module.
            note_specials(&mut specials_direct, specials(&values, ty.elem()));
            let kernel = d.kernel(Kernel::new(format!("use{k}"), [ty.clone().into()], "k.o"));
            let buf = d.buffer_init(tile, format!("table{k}"), ty, values);
            uses.push((tile, kernel, buf));
        }
        if r.below(3) == 0 {
            let ty = small_memref(&mut r);
            let values = vec![fitting_values(&mut r, &ty); 2];
            let spec = FifoSpec::new(a, [aie_dsl::ir::TileId::from(b)], 2, ty).init_values(values);
            d.fifo_with("f", spec);
        }
        for tile in [a, b] {
            let calls: Vec<_> = uses.iter().filter(|u| u.0 == tile).cloned().collect();
            d.core(tile, |c| {
                for (_, kernel, buf) in calls {
                    c.call(kernel, [buf.into()]);
                }
            });
        }
        let v = d.finish().expect("every value fits its element type");
        let phys = aie_dsl::lower::lower(&v).expect("lowers").physical;
        compared += compare_all(&v, &phys, &format!("initial values #{i}"));
        for t in cores(&phys) {
            texts.push_str(&direct_ir(&v, &phys, t).unwrap().unwrap());
        }
    }
    assert!(compared >= 500, "only {compared} cores compared");
    // [fraction, NaN, infinity, -0.0, subnormal, bf16 element], as tests/design_direct.rs.
    assert!(
        specials_direct.iter().all(|&k| k > 0),
        "some kinds of float never written directly: {specials_direct:?}"
    );
    // What the comparisons covered.
    for seen in [
        " = global [",
        " = global i8 ",
        " = global float ",
        " = global bfloat ",
        "zeroinitializer",
        "[2 x [",
        "c\"",
        "\\22",
        "\\\\",
        "float 0x",
        " = external global i16",
    ] {
        assert!(texts.contains(seen), "no core had {seen:?}");
    }
}

/// Names LLVM quotes (`@"…"`: spaces, quotes, backslashes, `$`, non-ASCII and control bytes, a
/// leading digit) and names it does not (`-`, `.`, `_`): no valid design has them (a symbol is
/// an identifier), so the lowered design's buffers and the kernels are renamed after
/// validation; MLIR's translation and LLVM's printer still take them.
#[test]
fn names_llvm_quotes_are_written_directly_and_exactly() {
    const NAMES: [&str; 12] = [
        "a b",
        "q\"uote",
        "back\\slash",
        "caf\u{e9}",
        "9lives",
        "tab\there",
        "dollar$sign",
        "dash-and.dot",
        "_under",
        "\u{1F600}",
        "new\nline",
        "x\u{7f}",
    ];
    let mut compared = 0;
    let mut texts = String::new();
    let mut seed = 0x1F83_D9AB_FB41_BD6Bu64;
    for round in 0..40 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Some(v) = random_core_design(seed) else {
            continue;
        };
        let mut design = v.design().clone();
        let mut phys = aie_dsl::lower::lower(&v).expect("lowers").physical;
        let mut k = round;
        for b in &mut phys.buffers {
            b.name = format!("{}{k}", NAMES[k % NAMES.len()]);
            k += 1;
        }
        let handles: Vec<_> = design.kernels.iter().map(|(h, _)| h).collect();
        for h in handles {
            if let Some(kernel) = design.kernels.get_mut(h) {
                kernel.symbol = format!("{}{k}", NAMES[k % NAMES.len()]);
            }
            k += 1;
        }
        compared += compare_all(&design, &phys, &format!("names, seed {seed:#x}"));
        for t in cores(&phys) {
            texts.push_str(&direct_ir(&design, &phys, t).unwrap().unwrap());
        }
    }
    assert!(compared >= 40, "only {compared} cores compared");
    for seen in [
        "@\"a b",
        "@\"q\\22uote",
        "@\"back\\\\slash",
        "@\"caf\\C3\\A9",
        "@\"9lives",
        "@\"dollar$sign",
        "@dash-and.dot",
        "@_under",
        "@\"x\\7F",
    ] {
        assert!(texts.contains(seen), "no core had {seen:?}");
    }
}

/// Every kind of scalar constant, many at a time: NaNs of any payload (signalling ones come out
/// quiet), infinities, subnormals, values `float` prints in hexadecimal.
#[test]
fn every_float_constant_is_written_directly_and_exactly() {
    let mut r = Rng(0xA54F_F53A_5F1D_36F1);
    let mut compared = 0;
    for i in 0..60 {
        let mut d = DesignBuilder::new(format!("floats_{i}"), Device::Npu1_1Col);
        let types = [
            ScalarType::F32,
            ScalarType::Bf16,
            ScalarType::F32,
            ScalarType::Bf16,
        ];
        let args: Vec<ArgType> = types.iter().map(|&t| ArgType::Scalar(t)).collect();
        let k = d.kernel(Kernel::new("take", args, "k.o"));
        let t = d.compute_tile(0, 2);
        let calls: Vec<Vec<aie_dsl::ir::CallArg>> = (0..20)
            .map(|_| types.iter().map(|&ty| scalar(&mut r, ty).into()).collect())
            .collect();
        d.core(t, |c| {
            for a in calls {
                c.call(k, a);
            }
        });
        let v = d.finish().expect("valid");
        let phys = aie_dsl::lower::lower(&v).expect("lowers").physical;
        compared += compare_all(&v, &phys, &format!("floats #{i}"));
    }
    assert_eq!(compared, 60);
}

/// Buffers without elements (a dimension of 0), with and without (empty) initial values, on the
/// core's tile: `[0 x …]` types and the empty array as LLVM prints it.
#[test]
fn buffers_without_elements_are_written_directly_and_exactly() {
    let mut compared = 0;
    for shape in [vec![0], vec![0, 3], vec![3, 0], vec![2, 0, 4]] {
        for elem in ELEMS {
            for init in [false, true] {
                let d = common::buffer_without_elements(&shape, elem, init);
                let v = match d.finish() {
                    Ok(v) => v,
                    Err(e) => panic!("{shape:?} {elem:?}: {e}"),
                };
                let phys = aie_dsl::lower::lower(&v).expect("lowers").physical;
                compared += compare_all(&v, &phys, &format!("{shape:?} {elem:?} {init}"));
            }
        }
    }
    assert_eq!(compared, 48);
}

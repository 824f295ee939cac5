//! The physical MLIR written directly (`aie-dsl/src/emit/direct/`) against the MLIR path: for
//! random valid designs — any device, shim, mem and compute tiles anywhere, FIFOs of every
//! element type with depths, access patterns, repeat counts, links (forward, split, join), core
//! programs with nested and consecutive loops, lock operations and kernel calls with constants of
//! every scalar type, runtime sequences — the direct text must equal, byte for byte, what
//! building the MLIR module, MLIR's verifier, `convert-scf-to-cf` and our printer make of the
//! same lowering (`emit::emit_physical`). Every such design must be written directly (initial
//! values that do not fit their element type are refused by validation).
//!
//! The generators are those of `no_panic.rs` (design shapes) and `core_llvm_direct.rs` (core
//! programs), one of pipelines like the project's designs, and generators of float constants
//! and of buffers with initial values.

use aie_dsl::ir::CallArg;
use aie_dsl::prelude::*;

mod common;
use common::compare::first_difference;
use common::random::*;
use common::Rng;

/// Constructs whose text the random designs must exercise, written directly, for the comparison
/// to mean something.
const MARKERS: [&str; 19] = [
    "cf.cond_br",
    "^bb3(",
    "_i8 = arith.constant",
    "aie.memtile_dma",
    "aie.mem(",
    "<size = ",
    "stack_size = 2048",
    "aie.packet_flow(3)",
    "aie.amsel",
    "aie.runtime_sequence",
    "aiex.npu.dma_memcpy_nd",
    "aiex.npu.dma_wait",
    "aie.shim_mux",
    "aie.flow(",
    "aie.use_lock",
    "npu1_2col",
    "0x7FC",
    "memref<i32>",
    "0x7F80 : bf16",
];

/// How often each of [`MARKERS`] appeared in a directly written text.
type Seen = common::compare::Seen<{ MARKERS.len() }>;

/// Compares both ways on `v`; returns whether it was written directly, `None` when it does not
/// lower.
fn compare(v: &Validated, what: &str, seen: &mut Seen) -> Option<bool> {
    let lowered = aie_dsl::lower::lower(v).ok()?;
    let phys = &lowered.physical;
    let expected = aie_dsl::emit::emit_physical(v, phys)
        .unwrap_or_else(|e| panic!("{what}: the MLIR path fails: {e}"))
        .mlir;
    let direct = aie_dsl::emit::physical_direct(v, phys);
    if let Some(text) = &direct {
        assert!(
            *text == expected,
            "{what}: direct text differs from the MLIR path at {}",
            first_difference(text, &expected)
        );
        seen.note(text);
    }
    // The build path gives the MLIR path's text either way.
    let built = aie_dsl::emit::physical_mlir(v, phys, aie_dsl::emit::Check::Skip)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(built, expected, "{what}");
    Some(direct.is_some())
}

#[test]
fn random_design_shapes_are_written_directly_and_exactly() {
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::new(&MARKERS);
    let mut tries = 0;
    while compared < 300 && tries < 60_000 {
        tries += 1;
        let Ok(v) = random_design(&mut r).finish() else {
            continue;
        };
        if let Some(d) = compare(&v, &format!("random design #{tries}"), &mut seen) {
            compared += 1;
            direct += usize::from(d);
        }
    }
    eprintln!("{compared} designs compared, {direct} written directly");
    assert!(compared >= 300, "only {compared} random designs lowered");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    for (k, m) in MARKERS.iter().enumerate() {
        eprintln!("{m:?}: {}", seen.0[k]);
    }
    for m in [
        "aie.memtile_dma",
        "aie.runtime_sequence",
        "aie.shim_mux",
        "aie.amsel",
        "npu1_2col",
    ] {
        let k = MARKERS
            .iter()
            .position(|x| *x == m)
            .unwrap_or_else(|| panic!("{m:?} is not a marker"));
        assert!(seen.0[k] > 0, "no directly written design has {m:?}");
    }
}

#[test]
fn random_pipelines_are_written_directly_and_exactly() {
    let (mut compared, mut direct, mut invalid) = (0, 0, 0);
    let mut seen = Seen::new(&MARKERS);
    let mut seed = 0xD1B5_4A32_D192_ED03u64;
    for _ in 0..400 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let v = match pipeline_design(seed).finish() {
            Ok(v) => v,
            Err(e) => {
                if std::env::var_os("SHOW_INVALID").is_some() {
                    eprintln!("invalid: {e}");
                }
                invalid += 1;
                continue;
            }
        };
        if let Some(d) = compare(&v, &format!("pipeline seed {seed:#x}"), &mut seen) {
            compared += 1;
            direct += usize::from(d);
        }
    }
    eprintln!("{compared} pipelines compared, {direct} written directly, {invalid} invalid");
    for (k, m) in MARKERS.iter().enumerate() {
        eprintln!("{m:?}: {}", seen.0[k]);
    }
    assert!(compared >= 200, "only {compared} pipelines lowered");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    // The last three markers are the core programs' (NaNs, rank-0 memrefs, bf16 infinities).
    for (k, m) in MARKERS.iter().enumerate().take(MARKERS.len() - 3) {
        assert!(seen.0[k] > 0, "no directly written pipeline has {m:?}");
    }
}

#[test]
fn random_core_programs_are_written_directly_and_exactly() {
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::new(&MARKERS);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    // About a quarter of the programs have a loop of count 0, which validation refuses.
    for _ in 0..440 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Some(v) = random_core_design(seed) else {
            continue;
        };
        if let Some(d) = compare(&v, &format!("seed {seed:#x}"), &mut seen) {
            compared += 1;
            direct += usize::from(d);
        }
    }
    eprintln!("{compared} designs compared, {direct} written directly");
    assert!(compared >= 300, "only {compared} designs lowered");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    for (k, m) in MARKERS.iter().enumerate() {
        eprintln!("{m:?}: {}", seen.0[k]);
    }
    for m in [
        "cf.cond_br",
        "^bb3(",
        "_i8 = arith.constant",
        "aie.use_lock",
        "0x7FC",
        "memref<i32>",
        "0x7F80 : bf16",
    ] {
        let k = MARKERS
            .iter()
            .position(|x| *x == m)
            .unwrap_or_else(|| panic!("{m:?} is not a marker"));
        assert!(seen.0[k] > 0, "no directly written design has {m:?}");
    }
}

#[test]
fn float_constants_are_written_directly_and_exactly() {
    let mut r = Rng(0x6A09_E667_F3BC_C909);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::new(&MARKERS);
    for i in 0..400 {
        let mut d = DesignBuilder::new(format!("floats_{i}"), Device::Npu1_1Col);
        let args = vec![
            ArgType::Scalar(ScalarType::F32),
            ArgType::Scalar(ScalarType::Bf16),
            ArgType::Scalar(ScalarType::Bf16),
        ];
        let k = d.kernel(Kernel::new("use_floats", args, "k.o"));
        let t = d.compute_tile(0, 2);
        let calls: Vec<Vec<CallArg>> = (0..1 + r.below(3))
            .map(|_| {
                let mut a: Vec<CallArg> = vec![Scalar::F32(float_value(&mut r)).into()];
                for _ in 0..2 {
                    let f = float_value(&mut r);
                    let bits = if r.below(2) == 0 {
                        (f.to_bits() >> 16) as u16
                    } else {
                        r.next() as u16
                    };
                    a.push(Scalar::Bf16(bits).into());
                }
                a
            })
            .collect();
        d.core(t, |c| {
            for a in calls {
                c.call(k, a);
            }
        });
        let Ok(v) = d.finish() else {
            continue;
        };
        if let Some(ok) = compare(&v, &format!("floats #{i}"), &mut seen) {
            compared += 1;
            direct += usize::from(ok);
        }
    }
    eprintln!("{compared} designs of float constants compared, {direct} written directly");
    assert!(compared >= 390, "only {compared} designs lowered");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
}

#[test]
fn initial_values_are_written_directly_and_exactly() {
    let mut r = Rng(0xBB67_AE85_84CA_A73B);
    let (mut compared, mut direct) = (0, 0);
    let mut specials_direct = [0usize; 6];
    let mut seen = Seen::new(&MARKERS);
    for i in 0..300 {
        let mut d = DesignBuilder::new(format!("init_{i}"), Device::Npu1_1Col);
        let elem = ELEMS[r.below(6) as usize];
        let shape: Vec<u32> = match r.below(4) {
            0 => vec![1 + r.below(8) as u32, 1 + r.below(5) as u32],
            1 => vec![95 + r.below(10) as u32],
            2 => vec![2, 3, 1 + r.below(3) as u32],
            _ => vec![1 + r.below(40) as u32],
        };
        let ty = MemRefType::new(shape, elem);
        let n = ty.elements() as usize;
        let values = init_values(&mut r, elem, n);
        let special = specials(&values, elem);
        let k = d.kernel(Kernel::new("use_table", [ty.clone().into()], "k.o"));
        let t = d.compute_tile(0, 2);
        let table = d.buffer_init(t, "table", ty, values);
        d.core(t, |c| c.call(k, [table.into()]));
        let Ok(v) = d.finish() else {
            continue;
        };
        if let Some(ok) = compare(&v, &format!("initial values #{i}"), &mut seen) {
            compared += 1;
            direct += usize::from(ok);
            assert!(ok, "initial values #{i}: declined, but the design is valid");
            note_specials(&mut specials_direct, special);
        }
    }
    eprintln!("{compared} designs of initial values compared, {direct} written directly");
    eprintln!("written directly with [fraction, NaN, infinity, -0.0, subnormal, bf16]: {specials_direct:?}");
    assert!(
        specials_direct.iter().all(|&k| k > 0),
        "some kinds of float never written directly: {specials_direct:?}"
    );
    assert!(compared >= 250, "only {compared} designs lowered");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
}

#[test]
fn a_nan_constant_is_written_directly() {
    // A NaN constant is written directly (quiet, its payload kept), as MLIR prints it; the
    // build's text is the MLIR path's. (Initial values that do not fit their element type,
    // once cases here, are refused by validation: tests/design_direct.rs, tests/init_values.rs.)
    let mut d = DesignBuilder::new("nan_constant", Device::Npu1_1Col);
    let ty = MemRefType::vector(4, ElemType::I8);
    let k = d.kernel(Kernel::new(
        "use",
        [ty.clone().into(), ArgType::Scalar(ScalarType::F32)],
        "k.o",
    ));
    let t = d.compute_tile(0, 2);
    let table = d.buffer_init(t, "table", ty, vec![1, 2, 3, 4]);
    d.core(t, |c| {
        c.call(k, [table.into(), Scalar::F32(f32::NAN).into()])
    });
    let v = d.finish().expect("valid");
    let phys = aie_dsl::lower::lower(&v).expect("lowers").physical;
    let expected = aie_dsl::emit::emit_physical(&v, &phys).expect("emits").mlir;
    assert_eq!(
        aie_dsl::emit::physical_direct(&v, &phys),
        Some(expected.clone())
    );
    assert!(expected.contains("0x7FC00000 : f32"), "{expected}");
    let built = aie_dsl::emit::physical_mlir(&v, &phys, aie_dsl::emit::Check::Skip).expect("emits");
    assert_eq!(built, expected);
}

/// Numbers above `i32::MAX` in `i32` attributes (no valid design has them: validation bounds
/// lock values, addresses and channels, so the lowered design is edited): MLIR keeps the 32
/// bits and prints them signed; the direct writer prints the same.
#[test]
fn numbers_beyond_i32_are_written_directly_and_exactly() {
    let mut seed = 0x5BE0_CD19_137E_2179u64;
    let mut compared = 0;
    for _ in 0..40 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Some(v) = random_core_design(seed) else {
            continue;
        };
        let Ok(lowered) = aie_dsl::lower::lower(&v) else {
            continue;
        };
        let mut phys = lowered.physical;
        for (k, l) in phys.locks.iter_mut().enumerate() {
            l.init = [u32::MAX, 1 << 31, i32::MAX as u32][k % 3];
        }
        for (k, b) in phys.buffers.iter_mut().enumerate() {
            b.address = [u32::MAX - 3, 1 << 31, 3_000_000_000][k % 3];
        }
        let expected = aie_dsl::emit::emit_physical(&v, &phys).expect("emits").mlir;
        let direct = aie_dsl::emit::physical_direct(&v, &phys)
            .unwrap_or_else(|| panic!("seed {seed:#x}: the direct writer declined"));
        assert!(
            direct == expected,
            "seed {seed:#x}: {}",
            first_difference(&direct, &expected)
        );
        assert!(expected.contains("-2147483648"), "{expected}");
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} designs compared");
}

/// Buffers without elements (a dimension of 0), with and without (empty) initial values.
#[test]
fn buffers_without_elements_are_written_directly_and_exactly() {
    let mut seen = Seen::new(&MARKERS);
    for shape in [vec![0], vec![0, 3], vec![3, 0]] {
        for elem in ELEMS {
            for init in [false, true] {
                let d = common::buffer_without_elements(&shape, elem, init);
                let v = d.finish().expect("valid");
                let what = format!("{shape:?} {elem:?} {init}");
                assert_eq!(compare(&v, &what, &mut seen), Some(true), "{what}");
            }
        }
    }
}

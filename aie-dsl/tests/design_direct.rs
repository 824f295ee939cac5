//! The design's MLIR written directly (`aie-dsl/src/emit/direct/design.rs`) against the MLIR
//! path: for random valid designs — any device, shim, mem and compute tiles anywhere, FIFOs of
//! every element type with depths, access patterns, repeat counts, initial values, links
//! (forward, split, join), core programs with nested and consecutive loops, lock operations and
//! kernel calls with constants of every scalar type, user buffers with initial values, locks,
//! hand-placed flows, packet flows and shim allocations, runtime sequences — the direct text
//! must equal, byte for byte, what building the design's MLIR module, MLIR's verifier and our
//! printer make of it (`emit::emit`), and the direct generic form (`emit/direct/generic.rs`)
//! what MLIR's generic printer makes of the module. Every such design must be written directly
//! (initial values that do not fit their element type are refused by validation).
//!
//! The generators are those of `physical_direct.rs` (which took them from `no_panic.rs` and
//! `core_llvm_direct.rs`), copied so each test binary stands alone.

use aie_dsl::ir::{CallArg, FifoPort, TileId};
use aie_dsl::prelude::*;

mod common;
use common::compare::first_difference;
use common::random::*;
use common::Rng;

/// Constructs whose text the random designs must exercise, written directly, for the comparison
/// to mean something.
const MARKERS: [&str; 21] = [
    "scf.for",
    "_i8 = arith.constant",
    "arith.constant 9223372036854775807 : index",
    "dimensionsToStream",
    "dimensionsFromStream",
    "repeat_count = ",
    "via_DMA = true",
    "aie.objectfifo.link",
    "stack_size = 2048",
    "aie.packet_flow(",
    "aie.runtime_sequence",
    "aiex.npu.dma_memcpy_nd",
    "aiex.npu.dma_wait",
    "aiex.npu.sync",
    "aie.flow(",
    "aie.use_lock",
    "npu1_2col",
    " = dense<",
    "0x7FC",
    "memref<i32>",
    "0x7F80 : bf16",
];

/// How often each of [`MARKERS`] appeared in a directly written text.
type Seen = common::compare::Seen<{ MARKERS.len() }>;

/// Compares both ways on `v`, both texts (custom and generic form); returns whether both were
/// written directly.
fn compare(v: &Validated, what: &str, seen: &mut Seen) -> bool {
    let expected =
        aie_dsl::emit::emit(v).unwrap_or_else(|e| panic!("{what}: the MLIR path fails: {e}"));
    let direct = aie_dsl::emit::design_direct(v);
    if let Some(text) = &direct {
        assert!(
            *text == expected.mlir,
            "{what}: direct text differs from the MLIR path at {}",
            first_difference(text, &expected.mlir)
        );
        seen.note(text);
    }
    let generic = aie_dsl::emit::generic_direct(v);
    if let Some(text) = &generic {
        assert!(
            *text == expected.generic,
            "{what}: direct generic text differs from MLIR's at {}",
            first_difference(text, &expected.generic)
        );
    }
    // The build path gives the MLIR path's texts either way.
    let built = aie_dsl::emit::emit_checked(v, aie_dsl::emit::Check::Skip)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(built, expected, "{what}");
    direct.is_some() && generic.is_some()
}

fn report(what: &str, compared: usize, direct: usize, seen: &Seen) {
    eprintln!("{compared} {what} compared, {direct} written directly");
    for (k, m) in MARKERS.iter().enumerate() {
        eprintln!("{m:?}: {}", seen.0[k]);
    }
}

fn assert_seen(seen: &Seen, markers: &[&str]) {
    for m in markers {
        let k = MARKERS
            .iter()
            .position(|x| x == m)
            .unwrap_or_else(|| panic!("{m:?} is not a marker"));
        assert!(seen.0[k] > 0, "no directly written design has {m:?}");
    }
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
        compared += 1;
        direct += usize::from(compare(&v, &format!("random design #{tries}"), &mut seen));
    }
    report("designs", compared, direct, &seen);
    assert!(compared >= 300, "only {compared} random designs validate");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(
        &seen,
        &[
            "scf.for",
            "arith.constant 9223372036854775807 : index",
            "aie.runtime_sequence",
            "npu1_2col",
        ],
    );
}

#[test]
fn random_pipelines_are_written_directly_and_exactly() {
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::new(&MARKERS);
    let mut seed = 0xD1B5_4A32_D192_ED03u64;
    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Ok(v) = pipeline_design(seed).finish() else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("pipeline seed {seed:#x}"), &mut seen));
    }
    report("pipelines", compared, direct, &seen);
    assert!(compared >= 150, "only {compared} pipelines validate");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(
        &seen,
        &[
            "dimensionsToStream",
            "dimensionsFromStream",
            "repeat_count = ",
            "aie.objectfifo.link",
            "stack_size = 2048",
            "aie.packet_flow(",
            "aiex.npu.sync",
            "aie.use_lock",
            "aiex.npu.dma_memcpy_nd",
            "aiex.npu.dma_wait",
        ],
    );
}

#[test]
fn random_core_programs_are_written_directly_and_exactly() {
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::new(&MARKERS);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Some(v) = random_core_design(seed) else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("seed {seed:#x}"), &mut seen));
    }
    report("core programs", compared, direct, &seen);
    assert!(compared >= 200, "only {compared} designs validate");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(
        &seen,
        &[
            "scf.for",
            "_i8 = arith.constant",
            "aie.use_lock",
            "0x7FC",
            "memref<i32>",
            "0x7F80 : bf16",
        ],
    );
}

#[test]
fn float_constants_are_written_directly_and_exactly() {
    let mut r = Rng(0x6A09_E667_F3BC_C909);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::new(&MARKERS);
    for i in 0..300 {
        let mut d = DesignBuilder::new(format!("floats_{i}"), Device::Npu1_1Col);
        let args = vec![
            ArgType::Scalar(ScalarType::F32),
            ArgType::Scalar(ScalarType::Bf16),
        ];
        let k = d.kernel(Kernel::new("use_floats", args, "k.o"));
        let t = d.compute_tile(0, 2);
        let calls: Vec<Vec<CallArg>> = (0..1 + r.below(3))
            .map(|_| {
                let f = float_value(&mut r);
                let bits = (float_value(&mut r).to_bits() >> 16) as u16;
                vec![Scalar::F32(f).into(), Scalar::Bf16(bits).into()]
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
        compared += 1;
        direct += usize::from(compare(&v, &format!("floats #{i}"), &mut seen));
    }
    report("designs of float constants", compared, direct, &seen);
    assert!(compared >= 290, "only {compared} designs validate");
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
    for i in 0..400 {
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
        let table_values = init_values(&mut r, elem, n);
        let fifo_values: Vec<Vec<InitValue>> = (0..1 + r.below(2))
            .map(|_| init_values(&mut r, elem, n))
            .collect();
        let mut special = specials(&table_values, elem);
        for o in &fifo_values {
            let s = specials(o, elem);
            for k in 0..6 {
                special[k] |= s[k];
            }
        }
        let k = d.kernel(Kernel::new("use_table", [ty.clone().into()], "k.o"));
        let t = d.compute_tile(0, 2);
        let m = d.mem_tile(0);
        let table = d.buffer_init(t, "table", ty.clone(), table_values);
        let spec = FifoSpec::new(m, [t], 2u32, ty).init_values(fifo_values);
        let f = d.fifo_with("consts", spec);
        d.core(t, |c| {
            c.call(k, [table.into()]);
            let a = c.acquire(f, FifoPort::Consume, 1);
            c.call(k, [a.get(0)]);
            c.release_n(f, FifoPort::Consume, 1);
        });
        let Ok(v) = d.finish() else {
            continue;
        };
        compared += 1;
        let ok = compare(&v, &format!("initial values #{i}"), &mut seen);
        assert!(ok, "initial values #{i}: declined, but the design is valid");
        direct += usize::from(ok);
        note_specials(&mut specials_direct, special);
    }
    report("designs of initial values", compared, direct, &seen);
    eprintln!("written directly with [fraction, NaN, infinity, -0.0, subnormal, bf16]: {specials_direct:?}");
    assert!(
        specials_direct.iter().all(|&k| k > 0),
        "some kinds of float never written directly: {specials_direct:?}"
    );
    // Random 64-bit values rarely fit their element type: validation refuses those designs.
    assert!(compared >= 60, "only {compared} designs validate");
    assert!(
        direct * 3 >= compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(&seen, &[" = dense<"]);
}

#[test]
fn a_nan_constant_is_written_directly_and_misfit_initial_values_are_refused() {
    // A NaN constant is written directly (quiet, its payload kept), as MLIR prints it; the
    // build's text is the MLIR path's. An integer beyond its type's range and a float the type
    // would round, once declined (or cut to the type's width), are refused by validation
    // (tests/init_values.rs has the messages).
    for case in 0..3 {
        let mut d = DesignBuilder::new(format!("declined_{case}"), Device::Npu1_1Col);
        let elem = if case == 1 {
            ElemType::F32
        } else {
            ElemType::I8
        };
        let ty = MemRefType::vector(4, elem);
        let k = d.kernel(Kernel::new(
            "use",
            [ty.clone().into(), ArgType::Scalar(ScalarType::F32)],
            "k.o",
        ));
        let t = d.compute_tile(0, 2);
        let (init, value) = match case {
            0 => (vec![1, 2, 3, 4], f32::NAN),
            1 => (vec![1, 2, 3, 16_777_217], 1.0),
            _ => (vec![1, 2, 3, 400], 1.0),
        };
        let table = d.buffer_init(t, "table", ty, init);
        d.core(t, |c| c.call(k, [table.into(), Scalar::F32(value).into()]));
        if case != 0 {
            match d.finish() {
                Err(aie_dsl::Error::Invalid(e)) => assert!(
                    matches!(
                        e.errors.as_slice(),
                        [aie_dsl::valid::ValidationError::InitValue { element: 3, .. }]
                    ),
                    "case {case}: {:?}",
                    e.errors
                ),
                other => panic!("case {case}: not refused: {:?}", other.err()),
            }
            continue;
        }
        let v = d.finish().expect("valid");
        let expected = aie_dsl::emit::emit(&v).expect("emits");
        assert_eq!(
            aie_dsl::emit::design_direct(&v),
            Some(expected.mlir.clone())
        );
        assert_eq!(
            aie_dsl::emit::generic_direct(&v),
            Some(expected.generic.clone())
        );
        assert!(
            expected.generic.contains("0x7FC00000 : f32"),
            "{}",
            expected.generic
        );
        let built = aie_dsl::emit::emit_checked(&v, aie_dsl::emit::Check::Skip).expect("emits");
        assert_eq!(built, expected);
    }
}

#[test]
fn hand_placed_routing_and_fifo_options_are_written_directly_and_exactly() {
    // Circuit flows, packet flows (ids above 127 too, with and without the header kept), locks
    // with and without an id, FIFOs by DMA with a depth per endpoint: what the other generators
    // leave out.
    let mut r = Rng(0x3C6E_F372_FE94_F82B);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::new(&MARKERS);
    let bundles = [
        WireBundle::Dma,
        WireBundle::North,
        WireBundle::South,
        WireBundle::Core,
    ];
    for i in 0..200 {
        let mut d = DesignBuilder::new(format!("routing_{i}"), Device::Npu1);
        let col = r.below(4) as u32;
        let shim = d.shim_tile(col);
        let mem = d.mem_tile(col);
        let t = d.compute_tile(col, 2 + r.below(4) as u32);
        let ty = MemRefType::vector(1 + r.below(64) as u32, ELEMS[r.below(6) as usize]);
        let mut spec = FifoSpec::new(shim, [t], 1 + r.below(3) as u32, ty.clone());
        if r.below(2) == 0 {
            spec = spec.via_dma();
        }
        if r.below(2) == 0 {
            spec = spec.depths(vec![1 + r.below(3) as u32, 1 + r.below(3) as u32]);
        }
        let f = d.fifo_with("in", spec);
        for _ in 0..r.below(3) {
            let (a, b) = if r.below(2) == 0 {
                (TileId::from(mem), TileId::from(t))
            } else {
                (TileId::from(t), TileId::from(shim))
            };
            d.flow(
                a,
                bundles[r.below(4) as usize],
                r.below(2) as u32,
                b,
                bundles[r.below(4) as usize],
                r.below(2) as u32,
            );
        }
        if r.below(2) == 0 {
            d.packet_flow(
                r.below(256) as u8,
                aie_dsl::ir::StreamPort {
                    tile: t.into(),
                    bundle: WireBundle::Trace,
                    channel: 0,
                },
                [aie_dsl::ir::StreamPort {
                    tile: shim.into(),
                    bundle: WireBundle::South,
                    channel: 1,
                }],
                r.below(2) == 0,
            );
        }
        let id = if r.below(2) == 0 {
            Some(r.below(8) as u32)
        } else {
            None
        };
        let lock = d.lock(t, "l", id, r.below(3) as u32);
        let k = d.kernel(Kernel::new("k", [ty.into()], "k.o"));
        d.core(t, |c| {
            c.use_lock(lock, LockAction::AcquireGreaterEqual, 1);
            let a = c.acquire(f, FifoPort::Consume, 1);
            c.call(k, [a.get(0)]);
            c.release_n(f, FifoPort::Consume, 1);
            c.use_lock(lock, LockAction::Release, 1);
        });
        let Ok(v) = d.finish() else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("routing #{i}"), &mut seen));
    }
    report(
        "designs of routing and FIFO options",
        compared,
        direct,
        &seen,
    );
    assert!(compared >= 50, "only {compared} designs validate");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(&seen, &["aie.flow(", "aie.packet_flow(", "via_DMA = true"]);
}

#[test]
fn a_runtime_sequence_without_arguments_is_written_directly_and_exactly() {
    // Its entry block has no arguments, which MLIR's generic form prints without a label.
    let mut d = DesignBuilder::new("no_args", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let t = d.compute_tile(0, 2);
    let ty = MemRefType::vector(16, ElemType::I32);
    let f = d.fifo("in", shim, [t], 2u32, ty.clone());
    let k = d.kernel(Kernel::new("k", [ty.into()], "k.o"));
    d.core(t, |c| {
        let a = c.acquire(f, FifoPort::Consume, 1);
        c.call(k, [a.get(0)]);
        c.release_n(f, FifoPort::Consume, 1);
    });
    d.runtime(|rt| rt.sync(0, 0, DmaDir::S2mm, 0));
    let v = d.finish().expect("valid");
    let expected = aie_dsl::emit::emit(&v).expect("emits");
    assert!(expected
        .generic
        .contains("\"aie.runtime_sequence\"() ({\n      \"aiex.npu.sync\""));
    assert_eq!(
        aie_dsl::emit::design_direct(&v).as_deref(),
        Some(expected.mlir.as_str())
    );
    assert_eq!(
        aie_dsl::emit::generic_direct(&v).as_deref(),
        Some(expected.generic.as_str())
    );
    let built = aie_dsl::emit::emit_checked(&v, aie_dsl::emit::Check::Skip).expect("emits");
    assert_eq!(built, expected);
}

/// Object files whose names MLIR escapes in a string (quotes, spaces, `$`, control and
/// non-ASCII bytes, a backslash in a core's `link_with`), as kernel objects and as a core's
/// `link_with`: written directly in both forms and in the physical MLIR, the same bytes as the
/// MLIR path, escaped in the custom forms as MLIR's printer escapes them in the generic form.
#[test]
fn strings_mlir_escapes_are_written_directly_and_exactly() {
    const OBJECTS: [&str; 6] = [
        "my kernel.o",
        "q\"uote.o",
        "caf\u{e9}.o",
        "tab\there.o",
        "dollar$.o",
        "\u{1F600}\u{7f}.o",
    ];
    let mut seen = Seen::new(&MARKERS);
    for (i, object) in OBJECTS.iter().enumerate() {
        for own_link in [false, true] {
            let mut d = DesignBuilder::new(format!("strings_{i}"), Device::Npu1_1Col);
            let ty = MemRefType::vector(16, ElemType::I32);
            let k = d.kernel(Kernel::new("k", [ty.clone().into()], *object));
            let t = d.compute_tile(0, 2);
            let buf = d.buffer(t, "buf", ty);
            d.core(t, |c| {
                if own_link {
                    c.link_with(format!("back\\slash {object}"));
                }
                c.call(k, [buf.into()]);
            });
            let v = d.finish().expect("valid");
            assert!(
                compare(&v, &format!("object {object:?}"), &mut seen),
                "object {object:?}: the direct writers declined"
            );
            let generic = aie_dsl::emit::generic_direct(&v).unwrap();
            // The custom form (ours, and mlir-aie's attribute dictionary) escapes `link_with`
            // as MLIR's own printer does in the generic form; so does the physical MLIR.
            let link = |text: &str| -> String {
                let at = text.find("link_with = \"").expect("a link_with");
                let rest = &text[at..];
                let end = rest[13..].find('"').expect("closing quote") + 14;
                rest[..end].to_string()
            };
            let custom = aie_dsl::emit::design_direct(&v).unwrap();
            assert_eq!(link(&custom), link(&generic), "{custom}");
            let phys = aie_dsl::lower::lower(&v).expect("lowers").physical;
            let physical = aie_dsl::emit::physical_direct(&v, &phys).expect("written directly");
            assert_eq!(
                physical,
                aie_dsl::emit::emit_physical(&v, &phys).expect("emits").mlir
            );
            assert_eq!(link(&physical), link(&generic), "{physical}");
            if i == 1 {
                assert!(generic.contains("q\\22uote.o"), "{generic}");
            }
            if own_link {
                assert!(generic.contains("back\\\\slash"), "{generic}");
            }
        }
    }
}

/// Buffers without elements (a dimension of 0), with and without (empty) initial values (FIFO
/// objects must have elements).
#[test]
fn buffers_without_elements_are_written_directly_and_exactly() {
    let mut seen = Seen::new(&MARKERS);
    for shape in [vec![0], vec![0, 3], vec![3, 0]] {
        for elem in ELEMS {
            for init in [false, true] {
                let d = common::buffer_without_elements(&shape, elem, init);
                let what = format!("{shape:?} {elem:?} {init}");
                let v = d.finish().unwrap_or_else(|e| panic!("{what}: {e}"));
                assert!(compare(&v, &what, &mut seen), "{what}: declined");
            }
        }
    }
}

//! Kernel scalar constants (NaNs, -0.0, f32 and bf16 side by side) and initial values on a core's
//! tile against mlir-aie's own output for the same designs (`tests/data/aie_opt_scalars`, see
//! PROVENANCE.md there): the physical MLIR a build writes has aie-opt's lines (up to op order),
//! and each core's LLVM IR is byte for byte aie-opt's and aie-translate's.
//!
//! A NaN constant used by several calls is one constant, hoisted with the others in the order
//! MLIR's folder leaves them (the last met first): MLIR uniques constants by their bits.

use aie_dsl::prelude::*;

mod common;
use common::sorted_lines;

/// `zz_<case>`: shim → core → shim through two FIFOs; the core calls `k` with both objects,
/// three buffers with initial values on its tile, and the scalars `s1` and `s2`.
fn design(case: &str, s1: Scalar, s2: Scalar) -> Validated {
    let mut d = DesignBuilder::new(format!("zz_{case}"), Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let line = MemRefType::vector(16, ElemType::I32);
    let f32s = MemRefType::vector(8, ElemType::F32);
    let bf16s = MemRefType::new(vec![2, 4], ElemType::Bf16);
    let i8s = MemRefType::vector(8, ElemType::I8);
    let k = d.kernel(Kernel::new(
        "k",
        [
            line.clone().into(),
            line.clone().into(),
            f32s.clone().into(),
            bf16s.clone().into(),
            i8s.clone().into(),
            ArgType::Scalar(ScalarType::F32),
            ArgType::Scalar(ScalarType::Bf16),
        ],
        "k.o",
    ));
    let f = |v: f32| InitValue::F32(v);
    let b = |v: f32| InitValue::Bf16(bf16::from_f32(v));
    let fa = d.buffer_init(
        core,
        "fa",
        f32s,
        vec![
            f(0.1),
            f(-1.5),
            f(f32::NAN),
            f(f32::INFINITY),
            f(-0.0),
            f(1e-40),
            f(3.0e38),
            f(1234567.0),
        ],
    );
    let fb = d.buffer_init(
        core,
        "fb",
        bf16s,
        vec![
            b(0.5),
            b(-3.0),
            InitValue::Bf16(bf16::NAN),
            InitValue::Bf16(bf16::INFINITY),
            b(1e-39),
            b(0.1),
            b(-0.0),
            b(7.0),
        ],
    );
    let fc = d.buffer_init(core, "fc", i8s, vec![0i64, 1, -1, 34, 92, 127, -128, 10]);
    let inp = d.fifo("in", shim, [core], 2, line.clone());
    let out = d.fifo("out", core, [shim], 2, line);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.call(
                k,
                [
                    i.get(0),
                    o.get(0),
                    fa.into(),
                    fb.into(),
                    fc.into(),
                    s1.into(),
                    s2.into(),
                ],
            );
            c.release(i);
            c.release(o);
        })
    });
    d.runtime(|rt| {
        let host = MemRefType::vector(64, ElemType::I32);
        let x = rt.arg(host.clone());
        let y = rt.arg(host);
        rt.fill(inp, x, Transfer::linear(64));
        rt.drain(out, y, Transfer::linear(64));
        rt.wait(out);
    });
    d.finish().expect("valid")
}

fn data(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/aie_opt_scalars")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn scalar_constants_and_initial_values_as_aie_opt_lowers_them() {
    let cases = [
        ("floats", Scalar::F32(f32::NAN), Scalar::Bf16(0x3f80)),
        (
            "nan2",
            Scalar::F32(f32::from_bits(0x7fc0_0001)),
            Scalar::Bf16(0x3f80),
        ),
        ("bnan", Scalar::F32(2.5), Scalar::Bf16(0x7fc0)),
        ("two", Scalar::F32(2.5), Scalar::Bf16(0x3f80)),
        ("zero", Scalar::F32(-0.0), Scalar::Bf16(0x8000)),
    ];
    for (case, s1, s2) in cases {
        let v = design(case, s1, s2);
        let lowered = aie_dsl::lower::lower(&v).expect("lowers");
        let phys = &lowered.physical;
        let built =
            aie_dsl::emit::physical_mlir(&v, phys, aie_dsl::emit::Check::Skip).expect("written");
        assert_eq!(
            sorted_lines(&built),
            sorted_lines(&data(&format!("{case}.physical.mlir"))),
            "{case}: the physical MLIR differs from aie-opt's\n{built}"
        );
        let core = phys.cores[0].tile;
        let ll = aie_dsl::lower::core_llvm::core_ir(&v, phys, core).expect("lowered");
        assert_eq!(
            ll,
            data(&format!("{case}.core_0_2.ll")),
            "{case}: core (0, 2)"
        );
    }
}

//! Designs shared by the tests that compare with mlir-aie's reference output, and the seeded
//! generator of the random-design tests.

#![allow(dead_code)]

pub mod cdo;
pub mod compare;
pub mod random;

use aie_dsl::prelude::*;

/// A one-dimensional `i32` memref.
pub fn i32s(n: u32) -> MemRefType {
    MemRefType::vector(n, ElemType::I32)
}

/// mlir-aie's passthrough_kernel example design (programming_examples, at 5ff2ab97d) as a design: `in` (shim → core)
/// and `out` (core → shim), 1024 × i32, depth 2, a line copy; with `runtime`, the reference's
/// transfers (4096 × i32 each, `in` on BD 1, `out` on BD 0 with a token, then a wait).
pub fn passthrough_kernel(runtime: bool) -> Validated {
    let mut d = DesignBuilder::new("passthrough_kernel", Device::Npu1_1Col);
    let line = i32s(1024);
    let k = d.kernel(Kernel::new(
        "passThroughLine",
        [
            line.clone().into(),
            line.clone().into(),
            ScalarType::I32.into(),
        ],
        "passThrough.cc.o",
    ));
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let inp = d.fifo("in", shim, [core], 2, line.clone());
    let out = d.fifo("out", core, [shim], 2, line);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.call(k, [i.get(0), o.get(0), Scalar::I32(1024).into()]);
            c.release(i);
            c.release(o);
        })
    });
    if runtime {
        reference_runtime(&mut d, inp, out);
    }
    d.finish().expect("the reference design is valid")
}

/// The reference examples' runtime sequence.
pub fn reference_runtime(d: &mut DesignBuilder, inp: FifoId, out: FifoId) {
    d.runtime(|rt| {
        let a = rt.arg(i32s(4096));
        let b = rt.arg(i32s(4096));
        rt.fill(inp, a, Transfer::linear(4096).bd_id(1));
        rt.drain(out, b, Transfer::linear(4096).bd_id(0).issue_token());
        rt.wait(out);
    });
}

/// A small deterministic generator (xorshift), so failures reproduce from their seed.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    /// One of `v`'s items, or `None` when it is empty.
    pub fn pick<T: Copy>(&mut self, v: &[T]) -> Option<T> {
        if v.is_empty() {
            None
        } else {
            Some(v[self.below(v.len() as u64) as usize])
        }
    }
}

/// A design of one core whose tile holds a buffer of `shape` × `elem` with no elements (a
/// dimension of 0), with empty initial values when `init`, and calls a kernel with a scalar:
/// the case the direct writers must write like MLIR's printers.
pub fn buffer_without_elements(shape: &[u32], elem: ElemType, init: bool) -> DesignBuilder {
    let mut d = DesignBuilder::new("empty", Device::Npu1_1Col);
    let t = d.compute_tile(0, 2);
    let ty = MemRefType::new(shape.to_vec(), elem);
    let k = d.kernel(Kernel::new("k", [ScalarType::I32.into()], "k.o"));
    if init {
        d.buffer_init(t, "empty", ty, Vec::<InitValue>::new());
    } else {
        d.buffer(t, "empty", ty);
    }
    d.core(t, |c| c.call(k, [Scalar::I32(1).into()]));
    d
}

/// The lines of a module, trimmed, without comments and blank lines, sorted: the text up to the
/// order of its ops (how the physical MLIR is compared with aie-opt's).
pub fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v
}

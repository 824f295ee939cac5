//! `Transfer`'s accessors: what each constructor says, read back, and the same pattern in the
//! design's runtime sequence (what the lowering reads), so a caller can inspect a transfer
//! before handing it over.

use aie_dsl::dsl::DesignBuilder;
use aie_dsl::ir::RuntimeOp;
use aie_dsl::prelude::*;

#[test]
fn constructors_read_back() {
    let t = Transfer::linear(4096);
    assert_eq!(t.offsets(), [0, 0, 0, 0]);
    assert_eq!(t.sizes(), [1, 1, 1, 4096]);
    assert_eq!(t.strides(), [0, 0, 0, 1]);
    assert_eq!((t.fixed_bd_id(), t.issues_token()), (None, false));

    let t = Transfer::slice(512, 256).bd_id(3).issue_token();
    assert_eq!(t.offsets(), [0, 0, 0, 512]);
    assert_eq!(t.sizes(), [1, 1, 1, 256]);
    assert_eq!(t.strides(), [0, 0, 0, 1]);
    assert_eq!((t.fixed_bd_id(), t.issues_token()), (Some(3), true));

    let t = Transfer::nd([0, 1, 2, 3], [2, 4, 8, 16], [0, 1024, 64, 1]);
    assert_eq!(t.offsets(), [0, 1, 2, 3]);
    assert_eq!(t.sizes(), [2, 4, 8, 16]);
    assert_eq!(t.strides(), [0, 1024, 64, 1]);
    // elements() and extent() agree with the parts read back: 2·4·8·16 elements; the last
    // element is at 1·1024 + 2·64 + 3 + 3·1024 + 7·64 + 15.
    assert_eq!(t.elements(), 2 * 4 * 8 * 16);
    assert_eq!(t.extent(), 1024 + 2 * 64 + 3 + 3 * 1024 + 7 * 64 + 15 + 1);
}

#[test]
fn the_runtime_sequence_holds_what_the_accessors_say() {
    let mut d = DesignBuilder::new("transfers", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let ty = MemRefType::vector(1024, ElemType::I32);
    let inp = d.fifo("in", shim, [core], 2, ty.clone());
    let out = d.fifo("out", core, [shim], 2, ty);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.release(i);
            c.release(o);
        })
    });
    let fill = Transfer::nd([0, 0, 0, 0], [1, 2, 32, 32], [0, 32, 64, 1]).bd_id(1);
    let drain = Transfer::slice(1024, 2048).bd_id(0).issue_token();
    d.runtime(|rt| {
        let a = rt.arg(MemRefType::vector(4096, ElemType::I32));
        let b = rt.arg(MemRefType::vector(4096, ElemType::I32));
        rt.fill(inp, a, fill);
        rt.drain(out, b, drain);
        rt.wait(out);
    });
    let v = d.finish().unwrap();
    let seq = v.design().runtime.as_ref().unwrap();
    let dmas: Vec<_> = seq
        .ops
        .iter()
        .filter_map(|o| match o {
            RuntimeOp::Dma(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(dmas.len(), 2);
    for (ir, t) in dmas.iter().zip([fill, drain]) {
        assert_eq!(ir.offsets, t.offsets());
        assert_eq!(ir.sizes, t.sizes());
        assert_eq!(ir.strides, t.strides());
        assert_eq!(ir.bd_id, t.fixed_bd_id());
        assert_eq!(ir.issue_token, t.issues_token());
    }
}

//! The builder records what the designer says, and fills in what mlir-aie needs.

use aie_dsl::ir::{Depth, RuntimeOp};
use aie_dsl::prelude::*;

fn i32s(n: u32) -> MemRefType {
    MemRefType::vector(n, ElemType::I32)
}

fn transfers(d: &Design) -> Vec<(u32, bool)> {
    d.runtime
        .as_ref()
        .map(|r| {
            r.ops
                .iter()
                .filter_map(|op| match op {
                    RuntimeOp::Dma(t) => Some((t.bd_id.unwrap_or(99), t.issue_token)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn declaring_a_tile_twice_gives_the_same_handle() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    assert_eq!(d.compute_tile(1, 3), d.compute_tile(1, 3));
    assert_eq!(d.shim_tile(2), d.shim_tile(2));
    assert_ne!(d.shim_tile(2), d.shim_tile(3));
    assert_eq!(d.design().tiles.len(), 3);
}

#[test]
fn split_and_join_pack_offsets_in_order() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let m = d.mem_tile(0);
    let cs: Vec<_> = (2..5).map(|r| d.compute_tile(0, r)).collect();
    let whole = d.fifo("whole", s, [m], 2, i32s(48));
    let parts: Vec<_> = [16, 20, 12]
        .iter()
        .zip(&cs)
        .enumerate()
        .map(|(i, (&n, &c))| d.fifo(format!("p{i}"), m, [c], 2, i32s(n)))
        .collect();
    d.split(whole, parts.clone());
    let link = &d.design().links[0];
    assert_eq!(link.dst_offsets, vec![0, 16, 36]);
    assert!(link.src_offsets.is_empty());
    let back: Vec<_> = parts
        .iter()
        .enumerate()
        .map(|(i, _)| d.fifo(format!("q{i}"), cs[i], [m], 2, i32s(8)))
        .collect();
    let out = d.fifo("out", m, [s], 2, i32s(24));
    d.join(back, out);
    assert_eq!(d.design().links[1].src_offsets, vec![0, 8, 16]);
    assert!(d.finish().is_ok());
}

#[test]
fn bd_ids_are_the_lowest_free_and_reused_after_a_wait() {
    let mut d = DesignBuilder::new("t", Device::Npu1_1Col);
    let s = d.shim_tile(0);
    let m = d.mem_tile(0);
    let a = d.fifo("a", s, [m], 2, i32s(64));
    let b = d.fifo("b", m, [s], 2, i32s(64));
    d.forward(a, b);
    d.runtime(|rt| {
        let x = rt.arg(i32s(256));
        let y = rt.arg(i32s(256));
        rt.fill(a, x, Transfer::linear(64).bd_id(0)); // fixed: 0
        rt.fill(a, x, Transfer::slice(64, 64)); // lowest free: 1
        rt.drain(b, y, Transfer::linear(64)); // 2, token (waited on below)
        rt.wait(b);
        rt.drain(b, y, Transfer::slice(64, 64)); // 2 again: freed by the wait; fixed 0 never reused
        rt.fill(a, x, Transfer::slice(128, 64).issue_token()); // 3, token asked for
    });
    let design = d.finish().unwrap();
    assert_eq!(
        transfers(&design),
        vec![(0, false), (1, false), (2, true), (2, false), (3, true)]
    );
}

#[test]
fn running_out_of_shim_bds_is_reported_not_wrapped() {
    let mut d = DesignBuilder::new("t", Device::Npu1_1Col);
    let s = d.shim_tile(0);
    let m = d.mem_tile(0);
    let a = d.fifo("a", s, [m], 2, i32s(16));
    let b = d.fifo("b", m, [s], 2, i32s(16));
    d.forward(a, b);
    d.runtime(|rt| {
        let x = rt.arg(i32s(16 * 17));
        for i in 0..17 {
            rt.fill(a, x, Transfer::slice(16 * i, 16));
        }
    });
    let Err(Error::Invalid(e)) = d.finish() else {
        panic!("17 transfers in flight must not fit 16 BDs")
    };
    assert_eq!(e.errors.len(), 1, "{e}");
    assert!(
        e.to_string()
            .contains("transfer #17 (fill of `a`): buffer descriptor 16 does not exist"),
        "{e}"
    );
}

#[test]
fn fifo_spec_records_every_option() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let m = d.mem_tile(0);
    let c = d.compute_tile(0, 2);
    let f = d.fifo_with(
        "f",
        FifoSpec::new(m, [c], 2, i32s(16))
            .depths([3, 2])
            .dims_to_stream([Dim::new(4, 4), Dim::new(4, 1)])
            .dims_from_stream(0, [Dim::new(16, 1)])
            .via_dma()
            .repeat_count(4),
    );
    let fifo = d.design().fifos.get(f).unwrap();
    assert_eq!(fifo.depth, Depth::PerEndpoint(vec![3, 2]));
    assert_eq!(fifo.depth.producer(), 3);
    assert_eq!(fifo.depth.consumer(0), 2);
    assert_eq!(fifo.dims_to_stream, vec![Dim::new(4, 4), Dim::new(4, 1)]);
    assert_eq!(fifo.consumers[0].dims_from_stream, vec![Dim::new(16, 1)]);
    assert!(fifo.via_dma);
    assert_eq!(fifo.repeat_count, Some(4));
}

#[test]
fn core_programs_nest_loops_in_call_order() {
    use aie_dsl::ir::CoreStmt;
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let c = d.compute_tile(0, 2);
    let f = d.fifo("f", s, [c], 2, i32s(16));
    let core = d.core(c, |b| {
        b.forever(|b| {
            b.repeat(3, |b| {
                let x = b.consume(f, 1);
                b.release(x);
            });
        });
    });
    let body = &d.design().cores.get(core).unwrap().body;
    let [CoreStmt::Forever { body }] = body.as_slice() else {
        panic!("{body:?}")
    };
    let [CoreStmt::For { count: 3, body }] = body.as_slice() else {
        panic!("{body:?}")
    };
    assert!(matches!(
        body.as_slice(),
        [
            CoreStmt::Acquire { n: 1, .. },
            CoreStmt::Release { n: 1, .. }
        ]
    ));
}

#[test]
fn resource_estimate_follows_the_objectfifo_lowering() {
    use aie_dsl::ir::fifo_rules::{end_depth, requires_dma};
    use aie_dsl::valid::resources::estimate;
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let c02 = d.compute_tile(0, 2);
    let c03 = d.compute_tile(0, 3);
    let c22 = d.compute_tile(2, 2);
    let near = d.fifo("near", c02, [c03], 2, i32s(16));
    let far = d.fifo("far", c02, [c22], 2, i32s(16));
    let deep = d.fifo("deep", s, [c03], 7, i32s(16));
    d.core(c03, |b| {
        let x = b.consume(deep, 3);
        b.release(x);
        let y = b.consume(near, 1);
        b.release(y);
    });
    let design = d.finish().unwrap();
    assert!(!requires_dma(&design, near), "neighbours share memory");
    assert!(requires_dma(&design, far));
    // Declared 7, the core takes 3 at once: mlir-aie allocates max acquire + 1.
    assert_eq!(end_depth(&design, deep, Some(0)), 4);
    let usage = estimate(&design);
    let c03_use = &usage[&c03.0];
    // deep_cons: 4 x 64 B, plus the stack; `near` lives on its producer (0,2).
    assert_eq!(c03_use.memory_bytes(), 4 * 64 + 1024);
    assert_eq!(usage[&c02.0].memory_bytes(), 2 * 64 + 2 * 64);
    assert_eq!(c03_use.s2mm, vec!["deep_cons".to_string()]);
}

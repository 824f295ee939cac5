//! FIFO end depths where mlir-aie overrides the declared ones, from the source of
//! `aie-objectFifo-stateful-transform` at 5ff2ab97d
//! (`lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp`): the split-off consumer
//! FIFO gets the declared consumer depth; if that consumer has `dimensionsFromStream`,
//! `requiresDMAs` is true for the consumer FIFO itself (one tile, a transform wanted), so its
//! size is set again by `findObjectFifoSize`: on a compute tile, largest acquire + 1 (1 when
//! both are 1).

use aie_dsl::ir::fifo_rules::end_depth;
use aie_dsl::lower::objectfifo::lower;
use aie_dsl::prelude::*;
use aie_dsl::valid::resources::estimate;

mod common;
use common::i32s;

/// `in`: shim (0,0) → core (0,2), depths `[2, 4]`; the core acquires `acq` at a time.
fn design(dims: bool, acq: u32) -> Validated {
    let mut d = DesignBuilder::new("depths", Device::Npu1_1Col);
    let t = i32s(64);
    let k = d.kernel(Kernel::new("k", [t.clone().into()], "k.o"));
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let mut spec = FifoSpec::new(shim, [core], 2, t).depths([2, 4]);
    if dims {
        spec = spec.dims_from_stream(0, [Dim::new(8, 8), Dim::new(8, 1)]);
    }
    let inp = d.fifo_with("in", spec);
    d.core(core, |c| {
        c.forever(|c| {
            let i = c.consume(inp, acq);
            c.call(k, [i.get(0)]);
            c.release(i);
        })
    });
    d.runtime(|rt| {
        let a = rt.arg(i32s(64));
        rt.fill(inp, a, Transfer::linear(64));
        rt.wait(inp);
    });
    d.finish().unwrap()
}

fn cons_end(design: &Validated) -> (usize, Option<u32>) {
    let phys = lower(design).unwrap();
    let buffers = phys
        .buffers
        .iter()
        .filter(|b| b.name.starts_with("in_cons_buff_"))
        .count();
    let init = phys
        .locks
        .iter()
        .find(|l| l.name == "in_cons_prod_lock_0")
        .map(|l| l.init);
    (buffers, init)
}

#[test]
fn dims_from_stream_on_a_compute_consumer_uses_largest_acquire_plus_one() {
    let d = design(true, 1);
    assert_eq!(cons_end(&d), (2, Some(2)));
    let fifo = d.fifos.iter().next().unwrap().0;
    assert_eq!(end_depth(&d, fifo, Some(0)), 2);
    // The estimate agrees: two 256-byte buffers for the consumer end on (0,2).
    let usage = estimate(&d);
    let core = d.tiles.iter().find(|(_, t)| t.row == 2).unwrap().0;
    let cons: u64 = usage[&core]
        .memory
        .iter()
        .filter(|(label, _)| label.starts_with("in_cons_buff"))
        .map(|(_, bytes)| bytes)
        .sum();
    assert_eq!(cons, 2 * 256);
}

#[test]
fn dims_from_stream_with_larger_acquires() {
    // Acquiring 3 at a time: depth 4 (= declared here too), lock initialised to 4.
    let d = design(true, 3);
    assert_eq!(cons_end(&d), (4, Some(4)));
}

#[test]
fn without_dims_from_stream_the_declared_consumer_depth_stays() {
    let d = design(false, 1);
    assert_eq!(cons_end(&d), (4, Some(4)));
}

#[test]
fn a_producer_with_init_values_keeps_its_declared_depth() {
    // The transform resizes a producer by findObjectFifoSize only without init_values
    // (`if (!createOp.getInitValues().has_value())`); the estimate must agree.
    let mut d = DesignBuilder::new("init", Device::Npu1_1Col);
    let t = i32s(4);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new("k", [t.clone().into()], "k.o"));
    let out = d.fifo_with(
        "out",
        FifoSpec::new(core, [shim], 3, t.clone()).init_values(vec![vec![1, 2, 3, 4]; 3]),
    );
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            c.call(k, [o.get(0)]);
            c.release(o);
        })
    });
    d.runtime(|rt| {
        let a = rt.arg(i32s(64));
        rt.drain(out, a, Transfer::linear(64));
        rt.wait(out);
    });
    let d = d.finish().unwrap();
    let fifo = d.fifos.iter().next().unwrap().0;
    assert_eq!(end_depth(&d, fifo, None), 3);
    let phys = lower(&d).unwrap();
    let n = phys
        .buffers
        .iter()
        .filter(|b| b.name.starts_with("out_buff_"))
        .count();
    assert_eq!(n, 3);
}

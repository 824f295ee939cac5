//! Validation's BD estimate (`aie_dsl::valid::resources::estimate`) against what the lowering
//! allocates, for FIFOs with `repeat_count`: the lowering (like mlir-aie's
//! `aie-objectFifo-stateful-transform` at 5ff2ab97d) puts every object of a producer end into
//! its BD chain `repeat_count` times, so the estimate must count `depth × repeat_count` BDs
//! there. Near the BD limit, validation and the lowering must agree on accept/reject, on a
//! compute tile (16 BDs) and on a mem tile, whose even and odd channels each have 24 of the 48
//! (mlir-aie lib/Dialect/AIE/Transforms/AIEAssignBufferDescriptorIDs.cpp).

use aie_dsl::dsl::{DesignBuilder, FifoSpec};
use aie_dsl::prelude::*;
use aie_dsl::valid::resources::estimate;

fn i32s(n: u32) -> MemRefType {
    MemRefType::vector(n, ElemType::I32)
}

/// BDs the lowered design gives tile `(col, row)`.
fn lowered_bds(low: &aie_dsl::lower::Lowered<'_>, col: u32, row: u32) -> u32 {
    let d = low.design.design();
    low.physical
        .dmas
        .iter()
        .filter(|(t, _)| d.coords(**t) == Some((col, row)))
        .flat_map(|(_, chans)| chans.iter())
        .map(|c| c.bds.len() as u32)
        .sum()
}

/// BDs the estimate gives tile `(col, row)`.
fn estimated_bds(d: &aie_dsl::ir::Design, col: u32, row: u32) -> u32 {
    estimate(d)
        .iter()
        .find(|(t, _)| d.coords(**t) == Some((col, row)))
        .map_or(0, |(_, u)| u.bd_count())
}

/// Core (0,2) reads `in` (depth 2) and writes `out` (depth 2, `repeat_count` r) to the shim:
/// the core tile's BDs are 2 for `in_cons` and 2·r for `out`, of 16.
fn core_producer(r: u32) -> DesignBuilder {
    let mut d = DesignBuilder::new("repeat_core", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let inp = d.fifo("in", shim, [core], 2, i32s(256));
    let out = d.fifo_with(
        "out",
        FifoSpec::new(core, [shim], 2, i32s(256)).repeat_count(r),
    );
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.release(i);
            c.release(o);
        })
    });
    d
}

#[test]
fn core_tile_producer_with_repeat_count() {
    for r in 1..=12u32 {
        let d = core_producer(r);
        let want = 2 + 2 * r;
        assert_eq!(estimated_bds(d.design(), 0, 2), want, "repeat {r}");
        match d.finish() {
            Ok(v) => {
                let low = aie_dsl::lower::lower(&v).unwrap_or_else(|e| {
                    panic!("repeat {r}: validated but the lowering fails: {e}")
                });
                assert_eq!(lowered_bds(&low, 0, 2), want, "repeat {r}");
                assert!(want <= 16, "repeat {r}: {want} BDs accepted");
            }
            Err(e) => {
                // Rejected exactly when the lowering's chain would not fit in 16 BDs.
                assert!(want > 16, "repeat {r} rejected with {want} BDs: {e}");
                let m = e.to_string();
                assert!(
                    m.contains("buffer descriptors")
                        && m.contains(&format!("{want}"))
                        && m.contains("out: "),
                    "{m}"
                );
            }
        }
    }
    // The boundary: repeat 7 gives 16 BDs and is accepted; repeat 8 gives 18 and is not.
    assert!(core_producer(7).finish().is_ok());
    assert!(core_producer(8).finish().is_err());
}

/// Shim → mem tile → core with a forward link whose output has `repeat_count` r: the mem
/// tile's BDs are 2 (input) + 2·r (output).
fn mem_tile_link(r: u32) -> DesignBuilder {
    let mut d = DesignBuilder::new("repeat_mem", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let core = d.compute_tile(0, 2);
    let a = d.fifo("a", shim, [mem], 2, i32s(256));
    let b = d.fifo_with(
        "b",
        FifoSpec::new(mem, [core], 2, i32s(256)).repeat_count(r),
    );
    d.forward(a, b);
    d.core(core, |c| {
        c.forever(|c| {
            let x = c.consume(b, 1);
            c.release(x);
        })
    });
    d
}

/// Whether validation and the lowering agree on `d`, which puts `want` BDs on the mem tile's
/// channels of one parity (`parity`: "even" or "odd"); returns whether it was accepted.
fn agree_on_mem_tile(d: DesignBuilder, want: u32, parity: &str, what: &str) -> bool {
    match d.finish() {
        Ok(v) => {
            if let Err(e) = aie_dsl::lower::lower(&v) {
                panic!("{what}: validated but the lowering fails: {e}");
            }
            assert!(
                want <= 24,
                "{what}: {want} BDs on {parity} channels accepted"
            );
            true
        }
        Err(e) => {
            let m = e.to_string();
            assert!(want > 24, "{what} rejected with {want} BDs: {m}");
            assert!(
                m.contains(&format!("buffer descriptors of its {parity} DMA channels"))
                    && m.contains(&format!("{want}"))
                    && m.contains("24"),
                "{m}"
            );
            false
        }
    }
}

#[test]
fn mem_tile_link_output_with_repeat_count() {
    for r in 1..=14u32 {
        let d = mem_tile_link(r);
        let want = 2 + 2 * r;
        assert_eq!(estimated_bds(d.design(), 0, 1), want, "repeat {r}");
        if let Ok(v) = mem_tile_link(r).finish() {
            let low = aie_dsl::lower::lower(&v).unwrap();
            assert_eq!(lowered_bds(&low, 0, 1), want, "repeat {r}");
        }
        // Both ends sit on channel 0, so the even channels' 24 BDs bind before the tile's 48.
        let accepted = agree_on_mem_tile(d, want, "even", &format!("repeat {r}"));
        assert_eq!(accepted, r <= 11, "repeat {r}");
    }
}

/// Two forward links on mem tile (0,1): `a` → `b` and `c` → `e` (`e` with `repeat_count` r);
/// the second link's ends take channel 1 in both directions, so the odd channels hold 2 + 2·r
/// BDs and the even ones 4.
fn two_mem_tile_links(r: u32) -> DesignBuilder {
    let mut d = DesignBuilder::new("repeat_mem2", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let core = d.compute_tile(0, 2);
    let a = d.fifo("a", shim, [mem], 2, i32s(256));
    let b = d.fifo("b", mem, [core], 2, i32s(256));
    let c = d.fifo("c", shim, [mem], 2, i32s(256));
    let e = d.fifo_with(
        "e",
        FifoSpec::new(mem, [core], 2, i32s(256)).repeat_count(r),
    );
    d.forward(a, b);
    d.forward(c, e);
    d.core(core, |k| {
        k.forever(|k| {
            let x = k.consume(b, 1);
            let y = k.consume(e, 1);
            k.release(x);
            k.release(y);
        })
    });
    d
}

#[test]
fn odd_mem_tile_channels_with_repeat_count() {
    for r in 1..=14u32 {
        let want = 2 + 2 * r;
        let accepted =
            agree_on_mem_tile(two_mem_tile_links(r), want, "odd", &format!("repeat {r}"));
        assert_eq!(accepted, r <= 11, "repeat {r}");
    }
}

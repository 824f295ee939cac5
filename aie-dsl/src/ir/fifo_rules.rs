//! What an ObjectFIFO means once lowered: which FIFOs need DMAs, how deep each end really is,
//! and what mlir-aie calls each end. The one home of these rules: validation's resource estimate
//! and the lowering's ObjectFIFO transform both read them here.
//!
//! They follow mlir-aie's `aie-objectFifo-stateful-transform`
//! (lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp at 5ff2ab97d):
//! `requiresDMAs`, the depth rules of `createObjectFifoElements`, and the `_cons` naming.

use crate::ir::{CoreStmt, Design, FifoId, FifoPort, ObjectFifo, TileId};
use crate::target::TileKind;

/// Whether a FIFO is split into DMA-connected ends.
pub fn requires_dma(design: &Design, id: FifoId) -> bool {
    let Some(f) = design.fifos.get(id) else {
        return false;
    };
    if f.via_dma
        || f.repeat_count.is_some()
        || f.consumers.len() != 1
        || !f.dims_to_stream.is_empty()
        || f.consumers.iter().any(|c| !c.dims_from_stream.is_empty())
    {
        return true;
    }
    if let Some(link) = design.link_of(id) {
        if link.inputs.len() > 1 || link.outputs.len() > 1 {
            return true;
        }
        let ty = |f: Option<&FifoId>| f.and_then(|f| design.fifos.get(*f)).map(|f| f.elem.clone());
        if ty(link.inputs.first()) != ty(link.outputs.first()) {
            return true;
        }
    }
    match (
        design.coords(f.producer),
        design.coords(f.consumers[0].tile),
    ) {
        (Some(p), Some(c)) => !design.device.share_memory(p, c),
        _ => true,
    }
}

/// Largest number of objects a core on `tile` acquires at once from `fifo` as `port`.
fn max_acquire(design: &Design, tile: TileId, fifo: FifoId, port: FifoPort) -> Option<u32> {
    let core = design.core_on(tile)?;
    let mut max = None;
    for s in &core.body {
        s.walk(&mut |s| {
            if let CoreStmt::Acquire {
                fifo: f,
                port: p,
                n,
                ..
            } = s
            {
                if *f == fifo && *p == port {
                    max = Some(max.map_or(*n, |m: u32| m.max(*n)));
                }
            }
        });
    }
    max
}

/// Depth of one end of a DMA FIFO. `end` is `None` for the producer,
/// `Some(i)` for consumer `i`.
pub fn end_depth(design: &Design, id: FifoId, end: Option<usize>) -> u32 {
    let Some(f) = design.fifos.get(id) else {
        return 0;
    };
    let (declared, tile, port) = match end {
        None => (f.depth.producer(), f.producer, FifoPort::Produce),
        Some(i) => (
            f.depth.consumer(i),
            f.consumers.get(i).map_or(f.producer, |c| c.tile),
            FifoPort::Consume,
        ),
    };
    // mlir-aie gives the split-off consumer FIFO (`F_cons`) the declared consumer depth, and
    // then, because a consumer with `dims_from_stream` makes that FIFO "need DMAs" on its own
    // tile, sizes it again with `findObjectFifoSize` like a producer: on a compute tile that is
    // the largest acquire + 1 even when the depths were given per endpoint
    // (AIEObjectFifoStatefulTransform.cpp at 5ff2ab97d: `requiresDMAs`, `findObjectFifoSize`).
    let from_stream = end
        .and_then(|i| f.consumers.get(i))
        .is_some_and(|c| !c.dims_from_stream.is_empty());
    if matches!(f.depth, crate::ir::Depth::PerEndpoint(_))
        && !(from_stream && requires_dma(design, id))
    {
        return declared;
    }
    if declared == 0 {
        return 0;
    }
    // A producer with initial values keeps its declared depth (the transform only resizes
    // producers without `init_values`).
    if end.is_none() && f.init_values.is_some() {
        return declared;
    }
    if design.tiles.get(tile).map(|t| t.kind) == Some(TileKind::Compute) {
        if let Some(max) = max_acquire(design, tile, id, port) {
            return if max == 1 && declared == 1 {
                1
            } else {
                max.saturating_add(1)
            };
        }
    }
    declared
}

/// mlir-aie's name of a FIFO end: `F` for the producer, `F_cons` or `F_<i>_cons` for consumers.
pub fn end_name(f: &ObjectFifo, end: Option<usize>) -> String {
    match end {
        None => f.name.clone(),
        Some(_) if f.consumers.len() == 1 => format!("{}_cons", f.name),
        Some(i) => format!("{}_{i}_cons", f.name),
    }
}

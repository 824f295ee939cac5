//! A human summary of a design: tiles, FIFOs, and what each tile uses of what it has.

use std::fmt::Write;

use crate::ir::Design;
use crate::target::{DmaDir, TileKind};
use crate::valid::resources;

/// The summary text of `design`.
pub fn summary(design: &Design) -> String {
    let d = design;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "design `{}` on {} ({} tiles, {} ObjectFIFOs, {} cores, {} kernels)",
        d.name,
        d.device,
        d.tiles.len(),
        d.fifos.len(),
        d.cores.len(),
        d.kernels.len()
    );
    for (_, f) in d.fifos.iter() {
        let consumers: Vec<String> = f.consumers.iter().map(|c| d.tile_label(c.tile)).collect();
        let _ = writeln!(
            s,
            "  fifo {:<12} {} -> {}  depth {:?}  {}",
            f.name,
            d.tile_label(f.producer),
            consumers.join(", "),
            match &f.depth {
                crate::ir::Depth::Uniform(n) => vec![*n],
                crate::ir::Depth::PerEndpoint(v) => v.clone(),
            },
            f.elem
        );
    }
    let _ = writeln!(
        s,
        "  {:<18} {:>22} {:>7} {:>7} {:>9}",
        "tile", "memory", "locks", "BDs", "S2MM/MM2S"
    );
    for (id, u) in resources::estimate(d) {
        let Some(t) = d.tiles.get(id) else { continue };
        let res = d.device.resources(t.kind);
        let mem = if t.kind == TileKind::Shim {
            "-".to_string()
        } else {
            format!("{} / {} B", u.memory_bytes(), res.memory_bytes)
        };
        let _ = writeln!(
            s,
            "  {:<18} {:>22} {:>7} {:>7} {:>9}",
            format!("{} ({},{})", short(t.kind), t.col, t.row),
            mem,
            format!("{}/{}", u.locks.len(), res.locks),
            format!("{}/{}", u.bd_count(), res.bds),
            format!(
                "{}/{} {}/{}",
                u.channels(DmaDir::S2mm).len(),
                res.dma_channels,
                u.channels(DmaDir::Mm2s).len(),
                res.dma_channels
            ),
        );
    }
    s
}

fn short(kind: TileKind) -> &'static str {
    match kind {
        TileKind::Shim => "shim",
        TileKind::Mem => "mem",
        TileKind::Compute => "compute",
    }
}

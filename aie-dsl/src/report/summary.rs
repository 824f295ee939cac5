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

/// Resource use per tile of the lowered design: what the ObjectFIFO transform and the
/// allocation passes actually placed.
pub fn lowered_summary(design: &Design, phys: &crate::lower::physical::Physical) -> String {
    let d = design;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "lowered: {} buffers, {} locks, {} flows, {} shim allocations",
        phys.buffers.len(),
        phys.locks.len(),
        phys.flows.len() + d.flows.len(),
        phys.shim_allocs.len() + d.shim_allocs.len()
    );
    let _ = writeln!(
        s,
        "  {:<18} {:>22} {:>7} {:>7} {:>9}  buffers",
        "tile", "memory (incl. stack)", "locks", "BDs", "S2MM/MM2S"
    );
    for (id, t) in d.tiles.iter() {
        let res = d.device.resources(t.kind);
        let stack = d.core_on(id).map_or(0, |c| u64::from(c.stack_size));
        let bufs: Vec<_> = phys.buffers.iter().filter(|b| b.tile == id).collect();
        let bytes: u64 = bufs.iter().map(|b| b.ty.bytes()).sum::<u64>() + stack;
        let locks = phys.locks.iter().filter(|l| l.tile == id).count();
        let chans = phys.dmas.get(&id).map(|c| c.as_slice()).unwrap_or(&[]);
        let bds: usize = chans.iter().map(|c| c.bds.len()).sum();
        let dir = |dd: DmaDir| {
            let mut n: std::collections::BTreeSet<u32> = chans
                .iter()
                .filter(|c| c.dir == dd)
                .map(|c| c.index)
                .collect();
            n.extend(
                phys.shim_allocs
                    .iter()
                    .filter(|a| a.tile == id && a.dir == dd)
                    .map(|a| a.channel),
            );
            // Hand-placed shim allocations and DMA ends of hand-placed flows hold theirs too.
            n.extend(
                d.shim_allocs
                    .iter()
                    .filter(|(_, a)| a.tile == id && a.dir == dd)
                    .map(|(_, a)| a.channel),
            );
            for f in &d.flows {
                use crate::target::WireBundle::Dma;
                let end = match dd {
                    DmaDir::Mm2s => &f.source,
                    DmaDir::S2mm => &f.dest,
                };
                if end.bundle == Dma && end.tile == id {
                    n.insert(end.channel);
                }
            }
            n.len()
        };
        let mem = if t.kind == TileKind::Shim {
            "-".to_string()
        } else {
            format!("{bytes} / {} B", res.memory_bytes)
        };
        let placed: Vec<String> = bufs
            .iter()
            .map(|b| format!("{}@0x{:x}", b.name, b.address))
            .collect();
        let _ = writeln!(
            s,
            "  {:<18} {:>22} {:>7} {:>7} {:>9}  {}",
            format!("{} ({},{})", short(t.kind), t.col, t.row),
            mem,
            format!("{locks}/{}", res.locks),
            format!("{bds}/{}", res.bds),
            format!(
                "{}/{} {}/{}",
                dir(DmaDir::S2mm),
                res.dma_channels,
                dir(DmaDir::Mm2s),
                res.dma_channels
            ),
            placed.join(" ")
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

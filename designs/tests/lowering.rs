//! The validation estimate and the real lowering agree, tile by tile, for every design: the
//! checks made before emission are the ones the lowering would hit.

use aie_dsl::target::DmaDir;

#[test]
fn estimate_agrees_with_the_lowered_design() {
    for (name, design) in designs::all() {
        let d = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (tile, est) in aie_dsl::valid::resources::estimate(&d) {
            let label = format!("{name} {}", d.tile_label(tile));
            let stack = d.core_on(tile).map_or(0, |c| u64::from(c.stack_size));
            let bytes: u64 = phys
                .buffers
                .iter()
                .filter(|b| b.tile == tile)
                .map(|b| b.ty.bytes())
                .sum::<u64>()
                + stack;
            assert_eq!(est.memory_bytes(), bytes, "{label}: memory");
            let locks = phys.locks.iter().filter(|l| l.tile == tile).count();
            assert_eq!(est.locks.len(), locks, "{label}: locks");
            let chans = phys.dmas.get(&tile).map(|c| c.as_slice()).unwrap_or(&[]);
            let bds: usize = chans.iter().map(|c| c.bds.len()).sum();
            assert_eq!(est.bd_count() as usize, bds, "{label}: BDs");
            for dir in [DmaDir::S2mm, DmaDir::Mm2s] {
                let mut used: Vec<u32> = chans
                    .iter()
                    .filter(|c| c.dir == dir)
                    .map(|c| c.index)
                    .collect();
                used.extend(
                    phys.shim_allocs
                        .iter()
                        .filter(|a| a.tile == tile && a.dir == dir)
                        .map(|a| a.channel),
                );
                // Hand-placed shim allocations and flows hold their channels too (a flow and
                // the allocation or program on its channel share it).
                used.extend(
                    d.shim_allocs
                        .iter()
                        .filter(|(_, a)| a.tile == tile && a.dir == dir)
                        .map(|(_, a)| a.channel),
                );
                for f in &d.flows {
                    use aie_dsl::target::WireBundle::Dma;
                    if f.source.bundle == Dma && f.source.tile == tile && dir == DmaDir::Mm2s {
                        used.push(f.source.channel);
                    }
                    if f.dest.bundle == Dma && f.dest.tile == tile && dir == DmaDir::S2mm {
                        used.push(f.dest.channel);
                    }
                }
                used.sort_unstable();
                used.dedup();
                assert_eq!(
                    est.channels(dir).len(),
                    used.len(),
                    "{label}: {} channels",
                    dir.keyword()
                );
            }
        }
    }
}

#[test]
fn every_design_lowers_within_its_tiles() {
    for (name, design) in designs::all() {
        let d = design().unwrap();
        let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Buffers of one tile never overlap and stay inside its memory.
        for (tile, t) in d.tiles.iter() {
            let size = u64::from(d.device.resources(t.kind).memory_bytes);
            let stack = d.core_on(tile).map_or(0, |c| u64::from(c.stack_size));
            let mut spans: Vec<(u64, u64)> = phys
                .buffers
                .iter()
                .filter(|b| b.tile == tile)
                .map(|b| (u64::from(b.address), u64::from(b.address) + b.ty.bytes()))
                .collect();
            spans.sort();
            let mut end = stack;
            for (a, b) in spans {
                assert!(
                    a >= end,
                    "{name} {}: buffers overlap at {a:#x}",
                    d.tile_label(tile)
                );
                assert!(
                    b <= size,
                    "{name} {}: buffer past the end",
                    d.tile_label(tile)
                );
                end = b;
            }
        }
    }
}

//! `aie-assign-bd-ids` (mlir-aie lib/Dialect/AIE/Transforms/AIEAssignBufferDescriptorIDs.cpp
//! at 5ff2ab97d): every BD of a tile's DMA programs gets an id, and every BD its successor.

use std::collections::BTreeSet;

use crate::ir::Design;
use crate::lower::physical::Physical;
use crate::lower::{label, LowerError};
use crate::target::TileKind;

/// `aie-assign-bd-ids`: per tile, the ids the user chose are taken first; then, in block
/// order, every other BD gets the lowest free id the channel may use (mem tile: even channels
/// 0-23, odd 24-47); then each BD's `next_bd_id`.
pub(crate) fn assign_bd_ids(phys: &mut Physical, d: &Design) -> Result<(), LowerError> {
    for (tile, chans) in phys.dmas.iter_mut() {
        let (kind, col, row) = label(d, *tile);
        let total = d.device.resources(kind).bds;
        let mut used: BTreeSet<u32> = chans
            .iter()
            .flat_map(|c| c.bds.iter())
            .filter(|b| b.fixed_id)
            .map(|b| b.bd_id)
            .collect();
        for ch in chans.iter_mut() {
            let range = if kind == TileKind::Mem {
                let half = d.device.model().mem_tile_bds_per_parity();
                if ch.index % 2 == 0 {
                    0..half
                } else {
                    half..total
                }
            } else {
                0..total
            };
            for bd in ch.bds.iter_mut().filter(|b| !b.fixed_id) {
                let id = range
                    .clone()
                    .find(|i| !used.contains(i))
                    .ok_or(LowerError::Bds {
                        kind,
                        col,
                        row,
                        dir: ch.dir.keyword(),
                        channel: ch.index,
                    })?;
                used.insert(id);
                bd.bd_id = id;
            }
            let n = ch.bds.len();
            let back = ch.loop_target();
            let ids: Vec<u32> = ch.bds.iter().map(|b| b.bd_id).collect();
            for (k, bd) in ch.bds.iter_mut().enumerate() {
                bd.next_bd_id = if k + 1 < n {
                    Some(ids[k + 1])
                } else if ch.finite {
                    None
                } else {
                    ids.get(back).copied()
                };
            }
        }
    }
    Ok(())
}

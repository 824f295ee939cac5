//! Which lock goes without an id when a tile has too few, named as mlir-aie names it.
//!
//! mlir-aie's `aie-assign-lock-ids` (lib/Dialect/AIE/Transforms/AIEAssignLockIDs.cpp at
//! 5ff2ab97d) keeps the ids given by hand and gives each other lock of a tile the lowest free
//! id in declaration order; the first lock left without one is the error ("not allocated a
//! lock", "because only N locks available in this tile"). The ObjectFIFO transform then takes
//! the lowest free id for each lock pair it creates, FIFO by FIFO (a link's shared locks where
//! its target FIFO is declared). The lowering does the same (`lower::assign_lock_ids`); this
//! file names the same lock from the resource estimate, before anything is lowered.

use std::collections::{BTreeSet, HashMap};

use super::resources::TileUsage;
use super::ValidationError;
use crate::ir::fifo_rules::end_name;
use crate::ir::{Design, TileId};

/// The error for a tile whose locks do not all get an id, naming the first that does not;
/// `None` when each lock gets one (the count alone then explains the overflow, e.g. with two
/// locks given one id, which validation reports by itself).
pub(super) fn overflow(
    d: &Design,
    tile: TileId,
    u: &TileUsage,
    available: u32,
) -> Option<ValidationError> {
    let t = d.tiles.get(tile)?;
    let placed: Vec<(&str, Option<u32>)> = d
        .locks
        .iter()
        .filter(|(_, l)| l.tile == tile)
        .map(|(_, l)| (l.name.as_str(), l.id))
        .collect();
    let fixed: BTreeSet<u32> = placed
        .iter()
        .filter_map(|&(_, id)| id)
        .filter(|&id| id < available)
        .collect();
    // The estimate lists the tile's hand-placed locks first, then the FIFOs' lock pairs; order
    // the pairs by the FIFO their end belongs to, as the transform creates them.
    let fifo_of: HashMap<String, usize> = d
        .fifos
        .iter()
        .enumerate()
        .flat_map(|(k, (_, f))| {
            std::iter::once(end_name(f, None))
                .chain((0..f.consumers.len()).map(|i| end_name(f, Some(i))))
                .map(move |n| (n, k))
        })
        .collect();
    let end_of = |lock: &str| {
        let cut = lock.rfind("_lock_")?;
        let end = lock[..cut]
            .strip_suffix("_prod")
            .or_else(|| lock[..cut].strip_suffix("_cons"))?;
        fifo_of.get(end).copied()
    };
    let mut fifo_locks: Vec<(usize, &str)> = u
        .locks
        .iter()
        .skip(placed.len())
        .map(|l| (end_of(l).unwrap_or(usize::MAX), l.as_str()))
        .collect();
    fifo_locks.sort_by_key(|&(k, _)| k);
    let free = (available as usize).saturating_sub(fixed.len());
    let mut in_order = placed
        .iter()
        .filter(|(_, id)| id.is_none())
        .map(|&(n, _)| (n, true))
        .chain(fifo_locks.iter().map(|&(_, n)| (n, false)));
    let (lock, by_hand) = in_order.nth(free)?;
    let hint = if by_hand {
        format!(
            "{} locks have ids given by hand and each other lock takes the lowest free id in declaration order; declare fewer locks on this tile or place some on another tile",
            fixed.len()
        )
    } else {
        "each FIFO end takes two locks per object it shares (after the tile's hand-placed locks); move FIFO endpoints or hand-placed locks to other tiles".to_string()
    };
    Some(ValidationError::LockOverflow {
        kind: t.kind,
        col: t.col,
        row: t.row,
        lock: lock.to_string(),
        used: u.locks.len() as u32,
        available,
        users: u.locks.join(", "),
        hint,
    })
}

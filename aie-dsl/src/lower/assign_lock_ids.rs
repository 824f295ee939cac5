//! `aie-assign-lock-ids` (mlir-aie lib/Dialect/AIE/Transforms/AIEAssignLockIDs.cpp at
//! 5ff2ab97d), which aiecc runs before the ObjectFIFO transform: hand-placed locks with an id
//! keep it, the others take the lowest free id of their tile in declaration order. The
//! transform then takes the lowest free id for each lock it creates (`LockIds::next`).

use std::collections::{BTreeSet, HashMap};

use crate::ir::{Design, TileId};
use crate::lower::physical::PLock;
use crate::lower::{label, LowerError};

/// The lock ids taken so far, per tile.
#[derive(Clone, Debug, Default)]
pub(crate) struct LockIds {
    used: HashMap<TileId, BTreeSet<u32>>,
}

impl LockIds {
    /// Assigns the ids of the design's hand-placed locks; returns the ids taken and the locks,
    /// in declaration order.
    ///
    /// # Errors
    /// [`LowerError::Locks`] when a tile has no free lock left.
    pub(crate) fn placed(d: &Design) -> Result<(Self, Vec<PLock>), LowerError> {
        let mut ids = LockIds::default();
        for (_, l) in d.locks.iter() {
            if let Some(id) = l.id {
                ids.used.entry(l.tile).or_default().insert(id);
            }
        }
        let mut placed = Vec::new();
        for (_, l) in d.locks.iter() {
            let id = match l.id {
                Some(id) => id,
                None => ids.next(d, l.tile, &l.name)?,
            };
            placed.push(PLock {
                tile: l.tile,
                name: l.name.clone(),
                id,
                init: l.init,
            });
        }
        Ok((ids, placed))
    }

    /// Takes the lowest free lock id of `tile` for the lock `name`.
    ///
    /// # Errors
    /// [`LowerError::Locks`] when the tile has no free lock left.
    pub(crate) fn next(&mut self, d: &Design, tile: TileId, name: &str) -> Result<u32, LowerError> {
        let (kind, col, row) = label(d, tile);
        let available = d.device.resources(kind).locks;
        let used = self.used.entry(tile).or_default();
        let id = (0..available)
            .find(|i| !used.contains(i))
            .ok_or_else(|| LowerError::Locks {
                kind,
                col,
                row,
                name: name.to_string(),
                available,
            })?;
        used.insert(id);
        Ok(id)
    }
}

//! Checks of the lowered design against limits the lowering itself does not enforce.
//!
//! Lock values: AIE2 locks count 0..=63 (`LockValUpperBound` in aie-rt's
//! `driver/src/global/xaiemlgbl_reginit.c`; [`crate::target::npu1::MAX_LOCK_VALUE`]). aie-rt
//! rejects BD lock values above it (`XAie_DmaSetLock`), but writes an initial value without
//! checking (`XAie_LockSetValue`), where the 6-bit field would silently wrap; core
//! `use_lock` values are immediates of the same width. FIFO lock values come from user
//! sizes (depth × repeat count, objects acquired × repeat count), so they are checked here.

use crate::ir::Design;
use crate::lower::core::LStmt;
use crate::lower::objectfifo::LowerError;
use crate::lower::physical::{LockIx, Physical};
use crate::target::npu1::MAX_LOCK_VALUE;

/// The FIFO end a lock belongs to, if any.
fn end_of(p: &Physical, lock: LockIx) -> Option<&str> {
    p.ends
        .iter()
        .find(|(_, e)| e.locks.contains(&lock))
        .map(|(n, _)| n.as_str())
}

fn lock_label(d: &Design, p: &Physical, lock: LockIx) -> String {
    p.locks.get(lock).map_or_else(
        || format!("lock #{lock}"),
        |l| format!("lock `{}` on tile {}", l.name, d.tile_label(l.tile)),
    )
}

/// Every lock's initial value, every BD's and every core's lock value is at most the lock
/// maximum.
///
/// # Errors
/// [`LowerError::LockValue`] for the first value above it.
pub fn lock_values(d: &Design, p: &Physical) -> Result<(), LowerError> {
    for (i, l) in p.locks.iter().enumerate() {
        if l.init > MAX_LOCK_VALUE {
            let hint = match end_of(p, i) {
                Some(end) => format!("FIFO end `{end}` has {} objects (depth × repeat_count); make that at most {MAX_LOCK_VALUE}", l.init),
                None => format!("give it an initial value of at most {MAX_LOCK_VALUE}"),
            };
            return Err(LowerError::LockValue {
                problem: format!(
                    "{} starts at {}, above the largest lock value {MAX_LOCK_VALUE}; {hint}",
                    lock_label(d, p, i),
                    l.init
                ),
            });
        }
    }
    for (tile, channels) in &p.dmas {
        for ch in channels {
            for bd in &ch.bds {
                for (verb, lv) in [("acquires", bd.acquire), ("releases", bd.release)] {
                    if let Some((lock, value)) = lv {
                        if value > MAX_LOCK_VALUE {
                            return Err(LowerError::LockValue {
                                problem: format!(
                                    "BD {} of {} channel {} on tile {} {verb} {} by {value}, above the largest lock value {MAX_LOCK_VALUE}; use a smaller repeat_count",
                                    bd.bd_id,
                                    ch.dir.keyword(),
                                    ch.index,
                                    d.tile_label(*tile),
                                    lock_label(d, p, lock),
                                ),
                            });
                        }
                    }
                }
            }
        }
    }
    for core in &p.cores {
        check_core(d, p, core.tile, &core.body)?;
    }
    Ok(())
}

fn check_core(
    d: &Design,
    p: &Physical,
    tile: crate::ir::TileId,
    body: &[LStmt],
) -> Result<(), LowerError> {
    for s in body {
        match s {
            LStmt::For { body, .. } => check_core(d, p, tile, body)?,
            LStmt::UseLock {
                lock,
                action,
                value,
            } if *value > MAX_LOCK_VALUE => {
                let hint = match end_of(p, *lock) {
                    Some(end) => format!("acquire or release fewer objects of FIFO end `{end}` at once (objects × repeat_count at most {MAX_LOCK_VALUE})"),
                    None => format!("use a value of at most {MAX_LOCK_VALUE}"),
                };
                return Err(LowerError::LockValue {
                    problem: format!(
                        "core {} uses {} ({}) with value {value}, above the largest lock value {MAX_LOCK_VALUE}; {hint}",
                        d.tile_label(tile),
                        lock_label(d, p, *lock),
                        action.keyword(),
                    ),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

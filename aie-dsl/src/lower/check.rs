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

/// The FIFO end a buffer belongs to, if any.
fn end_of_buffer(p: &Physical, buffer: crate::lower::physical::BufferIx) -> Option<&str> {
    p.ends
        .iter()
        .find(|(_, e)| e.buffers.contains(&buffer))
        .map(|(n, _)| n.as_str())
}

/// Every BD with a data layout passes mlir-aie's `DMABDOp::verify` (`lib/Dialect/AIE/IR/
/// AIEDialect.cpp` at 5ff2ab97d): at most 3 dimensions on a compute tile (4 on a mem tile),
/// no access past the buffer, every stride positive and at most the buffer's length, sizes
/// below 513 and strides below 2^19 (its exact bounds, in elements), and an innermost stride
/// of 1 for elements narrower (or wider) than 32 bits.
///
/// # Errors
/// [`LowerError::Layout`] for the first BD that breaks a rule.
pub fn bd_layouts(d: &Design, p: &Physical) -> Result<(), LowerError> {
    use crate::target::{DmaDir, TileKind};
    for (tile, channels) in &p.dmas {
        let kind = d.tiles.get(*tile).map(|t| t.kind);
        let max_dims = if kind == Some(TileKind::Mem) { 4 } else { 3 };
        for ch in channels {
            for bd in &ch.bds {
                let Some(buf) = p.buffers.get(bd.buffer) else {
                    continue;
                };
                let eb = u64::from(buf.ty.elem().bytes());
                let option = match ch.dir {
                    DmaDir::Mm2s => "dims_to_stream",
                    DmaDir::S2mm => "dims_from_stream",
                };
                let what = format!(
                    "the DMA of FIFO end `{}` on tile {} ({option})",
                    end_of_buffer(p, bd.buffer).unwrap_or(&buf.name),
                    d.tile_label(*tile)
                );
                let fail = |problem: String| {
                    Err(LowerError::Layout {
                        problem: format!("{what}: {problem}"),
                    })
                };
                if u64::from(bd.len).saturating_mul(eb) % 4 != 0 {
                    return fail(format!("moves {} × {eb} bytes, not a multiple of 4 bytes (mlir-aie: \"transfer length must be multiple of 4\"); make each object a multiple of 4 bytes", bd.len));
                }
                if bd.dims.is_empty() {
                    continue;
                }
                if bd.dims.len() > max_dims {
                    return fail(format!("the layout has {} dimensions, but this tile's DMA takes at most {max_dims} (mlir-aie: \"Cannot give more than {max_dims} dimensions\"); merge dimensions or do the reordering on a mem tile", bd.dims.len()));
                }
                let n = i128::from(buf.ty.elements().min(i64::MAX as u64) as i64);
                let max_idx: i128 = bd
                    .dims
                    .iter()
                    .map(|x| i128::from(x.stride) * (i128::from(x.size) - 1))
                    .sum();
                if max_idx >= n {
                    return fail(format!("the layout reaches element {max_idx} of a {n}-element object (mlir-aie: \"out of bounds access in buffer\"); shrink the sizes or strides"));
                }
                for x in &bd.dims {
                    if x.stride == 0 {
                        return fail("a layout dimension has stride 0 (mlir-aie: \"Invalid step size\"); give every dimension a positive stride".into());
                    }
                    if i128::from(x.stride) > n {
                        return fail(format!("the layout stride {} exceeds the object's {n} elements (mlir-aie: \"Step size exceeds memref size\"); use a smaller stride", x.stride));
                    }
                    if x.size > 512 {
                        return fail(format!("the layout size {} is above 512, the largest mlir-aie's BD verifier accepts (\"Size may not exceed 1023\" is checked as size < 513); split the dimension", x.size));
                    }
                    if x.stride >= 1 << 19 {
                        return fail(format!("the layout stride {} is at least 2^19, which mlir-aie's BD verifier rejects; use a smaller stride", x.stride));
                    }
                }
                if eb != 4 && bd.dims.last().is_some_and(|x| x.stride != 1) {
                    return fail(format!("the innermost layout stride is {}, but for {}-byte elements it must be 1 (the DMA moves 32-bit words; mlir-aie: \"inner-most dim stride must be 1\"); make the innermost stride 1", bd.dims.last().map_or(0, |x| x.stride), eb));
                }
            }
        }
    }
    Ok(())
}

/// Every symbol of the lowered device is defined once: FIFO ends (`F`, `F_cons`,
/// `F_<i>_cons`), buffers (`<end>_buff_<k>` and hand-placed ones), locks
/// (`<end>_prod_lock_<j>`, `<end>_cons_lock_<j>` and hand-placed ones), shim allocations
/// (`F_shim_alloc` and hand-placed ones) and kernels share the device's symbol table, where
/// mlir-aie's transform would create a second definition and fail.
///
/// # Errors
/// [`LowerError::NameClash`] for the first name defined twice.
pub fn symbol_names(d: &Design, p: &Physical) -> Result<(), LowerError> {
    use crate::ir::TileId;
    // What defines each symbol: a kind and its tile, put into words only for a clash.
    let what = |(kind, tile): (&str, Option<TileId>)| match tile {
        Some(t) => format!("{kind} on tile {}", d.tile_label(t)),
        None => kind.to_string(),
    };
    let ends = p
        .ends
        .iter()
        .map(|(n, e)| (n.as_str(), ("a FIFO end", Some(e.tile))));
    let buffers = p
        .buffers
        .iter()
        .map(|b| (b.name.as_str(), ("a buffer", Some(b.tile))));
    let locks = p
        .locks
        .iter()
        .map(|l| (l.name.as_str(), ("a lock", Some(l.tile))));
    let allocs = p
        .shim_allocs
        .iter()
        .map(|a| (a.name.as_str(), ("a shim DMA allocation", Some(a.tile))));
    // Kernels declared twice are validation's concern; here each symbol counts once.
    let mut kernels: Vec<&str> = d.kernels.iter().map(|(_, k)| k.symbol.as_str()).collect();
    kernels.sort_unstable();
    kernels.dedup();
    let kernels = kernels.into_iter().map(|k| (k, ("a kernel", None)));
    let mut seen: rustc_hash::FxHashMap<&str, (&str, Option<TileId>)> =
        rustc_hash::FxHashMap::default();
    for (name, by) in ends
        .chain(buffers)
        .chain(locks)
        .chain(allocs)
        .chain(kernels)
    {
        if let Some(first) = seen.insert(name, by) {
            return Err(LowerError::NameClash {
                name: name.to_string(),
                first: what(first),
                second: what(by),
            });
        }
    }
    Ok(())
}

/// Buffer addresses after allocation: every BD starts at a 4-byte aligned address
/// (mlir-aie's `DMABDOp::verify`: "bd address must be 4 byte (32b) aligned"), and every
/// buffer of 16- or 32-bit elements starts at a multiple of its element size, which the cores
/// need for their loads and stores (ours: mlir-aie's allocation does not align, "Fixme:
/// alignment" in AIEAssignBuffers.cpp). Buffers whose size is not a multiple of 4 bytes are
/// what shifts the others, so the message names them.
///
/// # Errors
/// [`LowerError::Alignment`] for the first misaligned buffer.
pub fn buffer_alignment(d: &Design, p: &Physical) -> Result<(), LowerError> {
    let fail = |i: usize, need: u64, why: &str| {
        let b = &p.buffers[i];
        let odd: Vec<String> = p
            .buffers
            .iter()
            .filter(|o| o.tile == b.tile && o.ty.bytes() % 4 != 0)
            .map(|o| format!("`{}` ({} B)", o.name, o.ty.bytes()))
            .collect();
        Err(LowerError::Alignment {
            problem: format!(
                "buffer `{}` on tile {} lands at address {}, not a multiple of {need} ({why}); {}",
                b.name,
                d.tile_label(b.tile),
                b.address,
                if odd.is_empty() {
                    "pad the buffers on this tile to multiples of 4 bytes".to_string()
                } else {
                    format!(
                        "make {} a multiple of 4 bytes so the buffers after it stay aligned",
                        odd.join(", ")
                    )
                }
            ),
        })
    };
    for (tile, channels) in &p.dmas {
        if d.tiles.get(*tile).map(|t| t.kind) == Some(crate::target::TileKind::Shim) {
            continue;
        }
        for ch in channels {
            for bd in &ch.bds {
                let Some(b) = p.buffers.get(bd.buffer) else {
                    continue;
                };
                let at =
                    u64::from(b.address) + u64::from(bd.offset) * u64::from(b.ty.elem().bytes());
                if at % 4 != 0 {
                    return fail(bd.buffer, 4, "a DMA moves 32-bit words from it; mlir-aie: \"bd address must be 4 byte (32b) aligned\"");
                }
            }
        }
    }
    for (i, b) in p.buffers.iter().enumerate() {
        let eb = u64::from(b.ty.elem().bytes()).min(4);
        if eb > 1 && u64::from(b.address) % eb != 0 {
            return fail(i, eb, "its elements are that wide");
        }
    }
    Ok(())
}

//! `aie-assign-buffer-addresses` (mlir-aie lib/Dialect/AIE/Transforms/AIEAssignBuffers.cpp at
//! 5ff2ab97d): every buffer gets its byte address in its tile's data memory, after the core's
//! stack.

use crate::ir::Design;
use crate::lower::physical::Physical;
use crate::lower::LowerError;
use crate::target::TileKind;

/// `aie-assign-buffer-addresses` with the default scheme: bank-aware, falling back to
/// basic-sequential when a buffer fits no bank.
pub(crate) fn assign_buffer_addresses(phys: &mut Physical, d: &Design) -> Result<(), LowerError> {
    for (tile, t) in d.tiles.iter() {
        if t.kind == TileKind::Shim {
            continue;
        }
        let res = d.device.resources(t.kind);
        let stack = d.core_on(tile).map_or(0, |c| c.stack_size);
        let mut order: Vec<usize> = (0..phys.buffers.len())
            .filter(|&i| phys.buffers[i].tile == tile)
            .collect();
        // Largest first; equal sizes keep IR order.
        order.sort_by_key(|&i| std::cmp::Reverse(phys.buffers[i].ty.bytes()));
        let bank_size = res.memory_bytes / res.memory_banks;
        let mut next: Vec<u64> = (0..res.memory_banks)
            .map(|b| u64::from(b * bank_size))
            .collect();
        if let Some(first) = next.first_mut() {
            *first += u64::from(stack);
        }
        let mut placed: Vec<(usize, u32, u32)> = Vec::new();
        let mut bank = 0usize;
        let mut ok = true;
        for &i in &order {
            let size = phys.buffers[i].ty.bytes();
            let mut done = false;
            for _ in 0..next.len() {
                let end = u64::from(bank as u32 + 1) * u64::from(bank_size);
                if next[bank].saturating_add(size) <= end {
                    placed.push((i, next[bank] as u32, bank as u32));
                    next[bank] += size;
                    bank = (bank + 1) % next.len();
                    done = true;
                    break;
                }
                bank = (bank + 1) % next.len();
            }
            if !done {
                ok = false;
                break;
            }
        }
        if ok {
            for (i, addr, b) in placed {
                phys.buffers[i].address = addr;
                phys.buffers[i].bank = Some(b);
            }
            continue;
        }
        // Basic-sequential: after the stack, largest first.
        let mut at = u64::from(stack);
        for &i in &order {
            let size = phys.buffers[i].ty.bytes();
            if at.saturating_add(size) > u64::from(res.memory_bytes) {
                return Err(LowerError::Memory {
                    kind: t.kind,
                    col: t.col,
                    row: t.row,
                    name: phys.buffers[i].name.clone(),
                    bytes: size,
                    available: u64::from(res.memory_bytes).saturating_sub(at),
                });
            }
            phys.buffers[i].address = at as u32;
            phys.buffers[i].bank = None;
            at += size;
        }
    }
    Ok(())
}

//! The core's view of memory (linker scripts and core lowering).
//!
//! A compute core addresses the data memory of up to four tiles through fixed windows of its own
//! address space, and their locks through fixed ranges of lock indices (mlir-aie
//! `AIE2TargetModel::getMemSouth/West/North/East`, `getMem*BaseAddress`,
//! `AIETargetModel::getLockLocalBaseIndex` in lib/Dialect/AIE/IR/AIETargetModel.cpp at
//! 5ff2ab97d). "East" is the core's own memory.

use super::{npu1, Device, TileKind};

/// One of the four data memories a compute core reaches, named as AIE2 names them: East is the
/// core's own tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoreMemory {
    /// The compute tile below (row − 1), unless that is a mem tile or the shim.
    South,
    /// The tile to the left (column − 1).
    West,
    /// The tile above (row + 1).
    North,
    /// The core's own tile.
    East,
}

impl CoreMemory {
    /// The order mlir-aie's linker script lists the windows in (and the order of the lock-index
    /// ranges).
    pub const ALL: [CoreMemory; 4] = [
        CoreMemory::South,
        CoreMemory::West,
        CoreMemory::North,
        CoreMemory::East,
    ];

    /// The lower-case direction word (`south`, …).
    pub fn word(self) -> &'static str {
        match self {
            CoreMemory::South => "south",
            CoreMemory::West => "west",
            CoreMemory::North => "north",
            CoreMemory::East => "east",
        }
    }

    /// Position in [`CoreMemory::ALL`].
    fn index(self) -> u32 {
        match self {
            CoreMemory::South => 0,
            CoreMemory::West => 1,
            CoreMemory::North => 2,
            CoreMemory::East => 3,
        }
    }

    /// Base of this memory's window in the core's data address space.
    pub fn base_address(self) -> u32 {
        npu1::CORE_MEMORY_WINDOW_BASE + self.index() * npu1::CORE_MEMORY_WINDOW_STRIDE
    }

    /// First lock index under which the core sees this memory's locks: a lock with id `i` of
    /// that tile is local lock `lock_base_index() + i`.
    pub fn lock_base_index(self) -> u32 {
        self.index() * npu1::COMPUTE.locks
    }
}

impl Device {
    /// The core architecture's name as LLVM and the intrinsics spell it (`aie2`: the target
    /// triple of a core's LLVM module and the `llvm.aie2.*` intrinsic prefix).
    pub fn core_arch(self) -> &'static str {
        npu1::CORE_ARCH
    }

    /// Program memory of a compute core, in bytes.
    pub fn program_memory_bytes(self) -> u32 {
        npu1::PROGRAM_MEMORY_BYTES
    }

    /// Data memory of one compute tile as a core's address map sizes it, in bytes.
    pub fn core_local_memory_bytes(self) -> u32 {
        npu1::COMPUTE.memory_bytes
    }

    /// The tile whose memory the core at `(col, row)` sees as `which`, if that tile is on the
    /// device and has memory the core reaches (AIE2 `getMemSouth` and friends).
    pub fn core_memory_tile(self, col: u32, row: u32, which: CoreMemory) -> Option<(u32, u32)> {
        let (c, r) = match which {
            CoreMemory::South => (col, row.checked_sub(1)?),
            CoreMemory::West => (col.checked_sub(1)?, row),
            CoreMemory::North => (col, row.checked_add(1)?),
            CoreMemory::East => (col, row),
        };
        if !self.contains(c, r) {
            return None;
        }
        if which == CoreMemory::South
            && (r == npu1::SHIM_ROW || self.kind_of_row(r) == Some(TileKind::Mem))
        {
            return None;
        }
        Some((c, r))
    }

    /// How the core at `(col, row)` sees the memory (and locks) of tile `(mcol, mrow)`, if it
    /// reaches them at all (AIE2 `isLegalMemAffinity`, then the first of South, West, North,
    /// East that matches, as `getLockLocalBaseIndex` tests them).
    pub fn core_memory_of(self, col: u32, row: u32, mcol: u32, mrow: u32) -> Option<CoreMemory> {
        if !self.core_reaches_memory(col, row, mcol, mrow) {
            return None;
        }
        CoreMemory::ALL
            .into_iter()
            .find(|&m| self.core_memory_tile(col, row, m) == Some((mcol, mrow)))
    }
}

#[cfg(test)]
mod core_memory_tests {
    use super::*;

    #[test]
    fn windows_and_lock_ranges_follow_aie2() {
        // AIE2TargetModel: South 0x40000, West 0x50000, North 0x60000, East 0x70000; lock
        // ranges of 16 in the same order.
        let bases: Vec<u32> = CoreMemory::ALL.iter().map(|m| m.base_address()).collect();
        assert_eq!(bases, [0x40000, 0x50000, 0x60000, 0x70000]);
        let locks: Vec<u32> = CoreMemory::ALL
            .iter()
            .map(|m| m.lock_base_index())
            .collect();
        assert_eq!(locks, [0, 16, 32, 48]);
    }

    #[test]
    fn neighbours_exist_only_on_the_device_and_never_below_row_2() {
        let d = Device::Npu1_1Col;
        assert_eq!(
            d.core_memory_tile(0, 2, CoreMemory::South),
            None,
            "mem tile below"
        );
        assert_eq!(d.core_memory_tile(0, 3, CoreMemory::South), Some((0, 2)));
        assert_eq!(d.core_memory_tile(0, 2, CoreMemory::West), None);
        assert_eq!(d.core_memory_tile(0, 5, CoreMemory::North), None);
        assert_eq!(d.core_memory_tile(0, 4, CoreMemory::East), Some((0, 4)));
        assert_eq!(
            Device::Npu1.core_memory_tile(1, 4, CoreMemory::West),
            Some((0, 4))
        );
        assert_eq!(d.core_memory_of(0, 3, 0, 3), Some(CoreMemory::East));
        assert_eq!(d.core_memory_of(0, 3, 0, 4), Some(CoreMemory::North));
        assert_eq!(d.core_memory_of(0, 2, 0, 1), None);
    }
}

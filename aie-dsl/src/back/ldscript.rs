//! Linker scripts for the compute cores: the GNU `ld` script Peano links each core's ELF with,
//! as mlir-aie's `aie-translate --aie-generate-ldscript` writes it (lib/Targets/
//! AIETargetLdScript.cpp at 5ff2ab97d).
//!
//! The script places the program at address 0, the core's free data memory (past its stack and
//! its own buffers) as the `data` region, and gives every buffer the core reaches a symbol at its
//! address in the core's data address space: the memories to the South, West, North and East
//! (its own) each appear through their window ([`CoreMemory::base_address`]). A window whose
//! tile does not exist on the device is reserved whole; one whose tile exists but the design does
//! not use is left out, as mlir-aie does.

use std::fmt::Write as _;

use thiserror::Error;

use crate::ir::{Design, TileId};
use crate::lower::physical::Physical;
use crate::target::CoreMemory;

/// Why no linker script could be written for a core.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LdScriptError {
    /// The tile is not one of the design's tiles.
    #[error(
        "design `{design}`: the tile handle given for the linker script is not one of its tiles"
    )]
    UnknownTile {
        /// The design.
        design: String,
    },
    /// The tile has no core program in the lowered design.
    #[error(
        "design `{design}`: tile ({col}, {row}) has no core, so it gets no linker script; \
         give it a program with `core!` or ask for a compute tile that has one"
    )]
    NoCore {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
    },
    /// The stack and the core's buffers leave no room in the tile's data memory.
    #[error(
        "design `{design}`: core ({col}, {row}) needs {needed:#x} bytes of data memory for its \
         stack and buffers but the tile has {available:#x}; make the buffers or the stack smaller"
    )]
    DataMemoryFull {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Bytes up to the end of the highest buffer (or of the stack).
        needed: u64,
        /// Bytes of data memory of the tile.
        available: u64,
    },
}

/// The fixed part of the script between the memory map and the buffer symbols.
const SECTIONS: &str = "
}
ENTRY(__start)
SECTIONS
{
  . = 0x0;
  .text : {
     /* the __start symbol has to come at address zero. */
     *crt0.o(.text*)
     _ctors_start = .;
     _init_array_start = .;
     KEEP(SORT(*.init_array))
     _ctors_end = .;
     _init_array_end = .;
     _dtors_start = .;
     _dtors_end = .;
     *(.text*)
  } > program
  .data : {
     *(.data*)
     *(.rodata*)
  } > data
  .comment : {
     *(.comment*)
  }
  .symtab : {
     *(.symtab)
  }
  .shstrtab : {
     *(.shstrtab)
  }
  .strtab : {
     *(.strtab)
  }
  .stack_sizes : {
     *(.stack_sizes)
  }

";

/// The linker script of the core on `core_tile`, byte for byte as mlir-aie writes it.
///
/// `phys` is the lowered design (`lower::objectfifo::lower(design)`): its buffers (with their
/// addresses, in IR order) and its core programs (stack size, `link_with`).
///
/// # Errors
/// [`LdScriptError`] if the tile is unknown or has no core, or if its stack and buffers do not fit
/// its data memory.
pub fn write(design: &Design, phys: &Physical, core_tile: TileId) -> Result<String, LdScriptError> {
    let dev = design.device;
    let (col, row) = design
        .coords(core_tile)
        .ok_or_else(|| LdScriptError::UnknownTile {
            design: design.name.clone(),
        })?;
    let core = phys
        .cores
        .iter()
        .find(|c| c.tile == core_tile)
        .ok_or_else(|| LdScriptError::NoCore {
            design: design.name.clone(),
            col,
            row,
        })?;
    let own = CoreMemory::East.base_address();
    let local = u64::from(dev.core_local_memory_bytes());

    // The data region starts past the stack and the core's own buffers.
    let mut max = u64::from(core.stack_size);
    for b in phys.buffers.iter().filter(|b| b.tile == core_tile) {
        max = max.max(u64::from(b.address).saturating_add(b.ty.bytes()));
    }
    if max > local {
        return Err(LdScriptError::DataMemoryFull {
            design: design.name.clone(),
            col,
            row,
            needed: max,
            available: local,
        });
    }

    let mut s = String::new();
    // Writing into a String cannot fail; the results are ignored below for that reason.
    let _ = write!(
        s,
        "\nMEMORY\n{{\n   program (RX) : ORIGIN = 0, LENGTH = 0x{:07X}\n",
        dev.program_memory_bytes()
    );
    let _ = write!(
        s,
        "   data (!RX) : ORIGIN = 0x{:X}, LENGTH = 0x{:X}",
        u64::from(own) + max,
        local - max
    );
    s.push_str(SECTIONS);

    // The stack sits at the bottom of the core's own memory.
    let _ = writeln!(s, ". = 0x{own:X};");
    s.push_str("_sp_start_value_DM_stack = .;\n");
    let _ = writeln!(s, ". += 0x{:X}; /* stack */", core.stack_size);

    for which in CoreMemory::ALL {
        let base = which.base_address();
        match dev.core_memory_tile(col, row, which) {
            Some((mc, mr)) => {
                let Some(tile) = design
                    .tiles
                    .iter()
                    .find(|(_, t)| t.col == mc && t.row == mr)
                    .map(|(id, _)| id)
                else {
                    continue;
                };
                for b in phys.buffers.iter().filter(|b| b.tile == tile) {
                    let _ = writeln!(s, ". = 0x{:X};", u64::from(base) + u64::from(b.address));
                    let _ = writeln!(s, "{} = .;", b.name);
                    let _ = writeln!(s, ". += 0x{:X};", b.ty.bytes());
                }
            }
            None => {
                let _ = writeln!(
                    s,
                    "/* No tile with memory exists to the {}. */",
                    which.word()
                );
                let _ = writeln!(s, ". = 0x{base:X};");
                let _ = writeln!(s, ". += 0x{local:X};");
            }
        }
    }
    s.push_str("  .bss : { *(.bss*) } > data\n}\n");
    if let Some(obj) = &core.link_with {
        let _ = writeln!(s, "INPUT({obj})");
    }
    let _ = writeln!(s, "PROVIDE(main = core_{col}_{row});");
    Ok(s)
}

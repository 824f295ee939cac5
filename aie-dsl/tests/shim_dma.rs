//! Hand-written shim DMA programs (`DesignBuilder::dma` on a shim tile, mlir-aie's
//! `aie.shim_dma`) are refused with a message naming the tile and channel and the runtime
//! sequence's calls that move the data instead; and those calls do what the message promises:
//! the runtime sequence writes the shim BD, has the host buffer's address patched into it and
//! starts the channel, as mlir-aie's `aie-dma-to-npu` lowers `aiex.npu.dma_memcpy_nd`
//! (lib/Dialect/AIEX/Transforms/AIEDmaToNpu.cpp at 5ff2ab97d: `NpuWriteBdOp`, then
//! `NpuAddressPatchOp` at the BD's address plus `getDmaBdAddressOffset`, then `NpuPushQueueOp`),
//! at the registers of aie-rt's AIE-ML shim tile (driver/src/global/xaiemlgbl_params.h:
//! `XAIEMLGBL_NOC_MODULE_DMA_BD0_0` at 0x1D000, BDs 0x20 apart, the address in word 1;
//! `XAIEMLGBL_NOC_MODULE_DMA_S2MM_1_TASK_QUEUE` at 0x1D20C, start BD in bits 0-3, token issue
//! bit 31; a column is 1 << 25 bytes of the array's address space).
//!
//! Why refused: see `DmaProgramError::ShimTile` and docs/dma-programs.md ("Shim tiles").

use aie_dsl::lower::npu::NpuOp;
use aie_dsl::prelude::*;
use aie_dsl::valid::{DmaChannelRef, DmaProgramError, ValidationError};

mod common;
use common::i32s;

/// Column 2 of the whole `npu1` array: the mem tile (2,1) sends its buffer `out` once on MM2S 0,
/// through a placed flow, to the shim tile's S2MM 1.
fn mem_to_shim() -> (DesignBuilder, ShimTile, aie_dsl::ir::BufferId) {
    let mut d = DesignBuilder::new("shim_dma", Device::Npu1);
    let shim = d.shim_tile(2);
    let mem = d.mem_tile(2);
    let out = d.buffer(mem, "out", i32s(256));
    d.dma(
        DmaChain::new(mem, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(out))
            .ends(),
    );
    d.flow(mem, WireBundle::Dma, 0, shim, WireBundle::Dma, 1);
    (d, shim, out)
}

/// The validation problems of `d`, or none when it is valid.
fn problems(d: &DesignBuilder) -> Vec<ValidationError> {
    match aie_dsl::valid::check(d.design()) {
        Ok(()) => Vec::new(),
        Err(e) => e.errors,
    }
}

#[test]
fn a_shim_program_is_refused_naming_its_channel_and_what_to_use() {
    let (mut d, shim, buf) = mem_to_shim();
    d.dma(
        DmaChain::new(shim, DmaDir::S2mm, 1)
            .bd(DmaBd::new(buf))
            .ends(),
    );
    let at = DmaChannelRef {
        kind: TileKind::Shim,
        col: 2,
        row: 0,
        dir: DmaDir::S2mm,
        channel: 1,
    };
    // The one problem: the program itself, not its BD's buffer (the check stops at the tile).
    assert_eq!(
        problems(&d),
        vec![ValidationError::DmaProgram(DmaProgramError::ShimTile {
            at,
            channels: 2
        })]
    );
    // Reported when the design is finished, with the whole message.
    let e = d.finish().unwrap_err().to_string();
    for part in [
        "the DMA program on S2MM channel 1 of shim tile (2,0) is refused:",
        "a shim DMA moves host memory, whose address XRT gives only when the design runs",
        "`aie.shim_dma`",
        "fixed address (0 without one)",
        "`d.shim_dma_allocation(name, shim, DmaDir::S2mm, 1)` (shim = `d.shim_tile(2)`)",
        "`d.flow(source, …, shim, WireBundle::Dma, 1)`",
        "receive into a host buffer with `rt.transfer(alloc, arg, Transfer::…)`",
        "`aiex.npu.dma_memcpy_nd`",
        "`rt.wait_alloc(alloc)`",
        "an ObjectFIFO consumed by the shim tile and `rt.drain`",
    ] {
        assert!(e.contains(part), "missing {part:?} in:\n{e}");
    }
}

#[test]
fn an_mm2s_program_and_a_missing_channel_are_named_too() {
    let mut d = DesignBuilder::new("shim_mm2s", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let b = d.buffer(mem, "b", i32s(64));
    d.dma(DmaChain::new(shim, DmaDir::Mm2s, 0).bd(DmaBd::new(b)));
    d.dma(DmaChain::new(shim, DmaDir::Mm2s, 2).bd(DmaBd::new(b)));
    let p = problems(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    let text: Vec<String> = p.iter().map(ToString::to_string).collect();
    // Channel 0 exists: the suggestion keeps it.
    assert!(text[0].starts_with("the DMA program on MM2S channel 0 of shim tile (0,0) is refused:"));
    assert!(text[0].contains("`d.shim_dma_allocation(name, shim, DmaDir::Mm2s, 0)`"));
    assert!(text[0].contains("`d.flow(shim, WireBundle::Dma, 0, dest, …)`"));
    assert!(text[0].contains("send a host buffer with `rt.transfer("));
    assert!(text[0].contains("an ObjectFIFO produced by the shim tile and `rt.fill`"));
    // Channel 2 does not exist on a shim tile (two per direction): said, and not suggested.
    assert!(text[1].starts_with(
        "the DMA program on MM2S channel 2 of shim tile (0,0) is refused (and a shim tile has no MM2S channel 2):"
    ));
    assert!(text[1].contains("`d.shim_dma_allocation(name, shim, DmaDir::Mm2s, c (0..=1))`"));
}

/// What the message proposes, on the same channel: a shim allocation and a runtime transfer.
/// The instruction stream writes a shim BD of column 2 (8 words, length in words first), patches
/// argument 0's address into its word 1 and starts S2MM 1 on it with a completion token, then
/// waits on that channel.
#[test]
fn the_proposed_runtime_transfer_programs_the_same_channel() {
    let (mut d, shim, _) = mem_to_shim();
    let alloc = d.shim_dma_allocation("from_mem", shim, DmaDir::S2mm, 1);
    d.runtime(|rt| {
        let host = rt.arg(i32s(256));
        rt.transfer(alloc, host, Transfer::linear(256));
        rt.wait_alloc(alloc);
    });
    let v = d.finish().unwrap();
    let low = aie_dsl::lower::lower(&v).unwrap();
    let col = 2u32 << 25;
    let (bd_addr, words) = low
        .npu
        .iter()
        .find_map(|op| match op {
            NpuOp::BlockWrite { addr, data } if (addr & !0x1FF) == col + 0x1D000 => {
                Some((*addr, data.clone()))
            }
            _ => None,
        })
        .expect("a shim BD of column 2 is written");
    let bd = (bd_addr - (col + 0x1D000)) / 0x20;
    assert_eq!((bd_addr - (col + 0x1D000)) % 0x20, 0, "a BD's first word");
    assert_eq!(words.len(), 8);
    assert_eq!(words[0], 256, "length in 32-bit words");
    assert!(
        low.npu.contains(&NpuOp::AddressPatch {
            addr: bd_addr + 4,
            arg_idx: 0,
            arg_plus: 0
        }),
        "{:#x?}",
        low.npu
    );
    let queue = low
        .npu
        .iter()
        .find_map(|op| match op {
            NpuOp::Write32 { addr, value } if *addr == col + 0x1D20C => Some(*value),
            _ => None,
        })
        .expect("S2MM 1's task queue of shim (2,0) is written");
    assert_eq!(queue & 0xF, bd, "start BD");
    assert_eq!(queue >> 31, 1, "token issued");
    assert!(low.npu.iter().any(|op| matches!(
        op,
        NpuOp::Sync {
            col: 2,
            row: 0,
            dir: DmaDir::S2mm,
            channel: 1,
            ..
        }
    )));
}

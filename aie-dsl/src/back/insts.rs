//! The NPU instruction stream (`insts.bin`): mlir-aie's TXN 0.1 format as
//! `aie-translate --aie-npu-to-binary` writes it at 5ff2ab97d (lib/Targets/AIETargetNPU.cpp).
//!
//! A four-word header (version, device generation, rows, columns, op count, byte size), then
//! each operation as little-endian 32-bit words.

use crate::lower::npu::NpuOp;
use crate::target::Device;

/// Opcode of a single register write (6 words).
pub(crate) const OP_WRITE: u32 = 0;
/// Opcode of a block write (its byte size in word 3).
pub(crate) const OP_BLOCKWRITE: u32 = 1;
/// Opcode of a masked write (7 words).
pub(crate) const OP_MASKWRITE: u32 = 3;
/// Opcode of a DMA task-completion sync (its byte size in word 1).
pub(crate) const OP_SYNC: u32 = 0x80;
/// Opcode of a host-address patch (its byte size in word 1).
pub(crate) const OP_DDR_PATCH: u32 = 0x81;

fn op_words(op: &NpuOp) -> Vec<u32> {
    match op {
        NpuOp::Write32 { addr, value } => vec![OP_WRITE, 0, *addr, 0, *value, 6 * 4],
        NpuOp::BlockWrite { addr, data } => {
            let mut w = vec![OP_BLOCKWRITE, 0, *addr, ((4 + data.len()) * 4) as u32];
            w.extend_from_slice(data);
            w
        }
        NpuOp::MaskWrite32 { addr, value, mask } => {
            vec![OP_MASKWRITE, 0, *addr, 0, *value, *mask, 7 * 4]
        }
        NpuOp::AddressPatch {
            addr,
            arg_idx,
            arg_plus,
        } => vec![
            OP_DDR_PATCH,
            12 * 4,
            0,
            0,
            0,
            0,
            *addr,
            0,
            *arg_idx,
            0,
            *arg_plus,
            0,
        ],
        NpuOp::Sync {
            col,
            row,
            dir,
            channel,
            col_num,
            row_num,
        } => vec![
            OP_SYNC,
            4 * 4,
            (dir.enum_value() as u32 & 0xff) | (row & 0xff) << 8 | (col & 0xff) << 16,
            (row_num & 0xff) << 8 | (col_num & 0xff) << 16 | (channel & 0xff) << 24,
        ],
    }
}

/// The instruction stream as 32-bit words.
pub fn words(device: Device, ops: &[NpuOp]) -> Vec<u32> {
    let body: Vec<u32> = ops.iter().flat_map(op_words).collect();
    let (major, minor) = device.model().txn.version;
    let mut w = vec![
        u32::from(major)
            | u32::from(minor) << 8
            | u32::from(device.model().txn.device_generation) << 16
            | device.rows() << 24,
        device.columns() | u32::from(device.model().txn.mem_tile_rows) << 8,
        ops.len() as u32,
        ((4 + body.len()) * 4) as u32,
    ];
    w.extend(body);
    w
}

/// The instruction stream as the bytes of `insts.bin` (little-endian words).
pub fn to_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// One word per line in upper-case hex, as `aie-translate --aie-output-binary=false` prints.
pub fn to_text(words: &[u32]) -> String {
    words.iter().map(|w| format!("{w:08X}\n")).collect()
}

//! The runtime sequence as NPU operations (mlir-aie `aie-dma-to-npu`, lib/Dialect/AIEX/Transforms/AIEDmaToNpu.cpp).
//!
//! Each transfer becomes a block write of its shim buffer descriptor, an address patch that
//! points the BD at the host buffer, and a push onto the channel's task queue (preceded by a
//! mask write of the tile controller's packet id when the transfer issues a completion token).
//! Each wait becomes a sync on the channel.

use crate::ir::{Design, DmaTransfer, RuntimeOp};
use crate::lower::{shim_channels, ShimChannel};
use crate::target::model::ShimDmaLayout;
use crate::target::{Device, DmaDir};

/// One operation of the instruction stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NpuOp {
    /// Write one register.
    Write32 {
        /// Absolute address.
        addr: u32,
        /// Value.
        value: u32,
    },
    /// Write consecutive registers.
    BlockWrite {
        /// Absolute address of the first.
        addr: u32,
        /// Values.
        data: Vec<u32>,
    },
    /// Write the bits of `mask` of one register.
    MaskWrite32 {
        /// Absolute address.
        addr: u32,
        /// Value.
        value: u32,
        /// Bits to write.
        mask: u32,
    },
    /// Add host buffer `arg_idx`'s address plus `arg_plus` to the word at `addr`.
    AddressPatch {
        /// Absolute address of the BD's address word.
        addr: u32,
        /// Runtime-sequence argument.
        arg_idx: u32,
        /// Byte offset.
        arg_plus: u32,
    },
    /// Wait for the task-completion tokens of a channel.
    Sync {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Direction.
        dir: DmaDir,
        /// Channel.
        channel: u32,
        /// Columns covered.
        col_num: u32,
        /// Rows covered.
        row_num: u32,
    },
}

/// Options of the lowering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NpuOptions {
    /// Whether tiles carry controller ids (mlir-aie's default pipeline assigns them, so a token
    /// is announced by a mask write of the shim controller's packet id).
    pub controller_ids: bool,
}

impl Default for NpuOptions {
    fn default() -> Self {
        NpuOptions {
            controller_ids: true,
        }
    }
}

/// The hardware fields of a shim BD for one transfer (`getHardwareStridesWraps`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct BdFields {
    length: u32,
    d0_size: u32,
    d0_stride: u32,
    d1_size: u32,
    d1_stride: u32,
    d2_stride: u32,
    iteration_size: u32,
    iteration_stride: u32,
    repeat_count: u32,
}

fn bd_fields(t: &DmaTransfer, elem_bits: u32) -> BdFields {
    // Innermost first.
    // Sizes and strides of valid designs fit the BD fields; the arithmetic is in u64 and the
    // fields take the low bits (as the 32-bit registers would), so no input can overflow here.
    let size = |i: usize| t.sizes[3 - i].max(0) as u64;
    let stride = |i: usize| t.strides[3 - i].max(0) as u64;
    let words = |elems: u64| elems.saturating_mul(u64::from(elem_bits)) / 32;
    let linear = t.sizes[1] == 1
        && t.sizes[2] == 1
        && t.strides[1] == 0
        && t.strides[2] == 0
        && t.strides[3] == 1;
    let mut f = BdFields {
        length: words(size(0))
            .saturating_mul(size(1))
            .saturating_mul(size(2)) as u32,
        ..BdFields::default()
    };
    if !linear {
        f.d0_size = words(size(0)) as u32;
        f.d0_stride = if stride(0).saturating_mul(u64::from(elem_bits)) < 32 || elem_bits > 32 {
            0
        } else {
            (words(stride(0)) - 1) as u32
        };
        f.d1_size = size(1) as u32;
        if size(1) > 1 {
            f.d1_stride = words(stride(1)).saturating_sub(1) as u32;
        }
        if size(2) > 1 {
            f.d2_stride = words(stride(2)).saturating_sub(1) as u32;
        }
    }
    if size(3) > 1 {
        if stride(3) > 0 {
            f.iteration_size = (size(3) - 1) as u32;
            f.iteration_stride = words(stride(3)).saturating_sub(1) as u32;
        }
        f.repeat_count = (size(3) - 1) as u32;
    }
    f
}

/// The words of a shim BD, laid out as the target model says.
fn shim_bd_words(l: &ShimDmaLayout, f: &BdFields) -> Vec<u32> {
    let mut w = vec![0; l.bd_words];
    w[0] = f.length;
    w[3] = l.d0_size.place(f.d0_size) | l.d0_stride.place(f.d0_stride);
    w[4] = l.burst.place(l.default_burst)
        | l.d1_size.place(f.d1_size)
        | l.d1_stride.place(f.d1_stride);
    w[5] = l.axcache.place(l.default_axcache) | l.d2_stride.place(f.d2_stride);
    w[6] = l.iteration_size.place(f.iteration_size) | l.iteration_stride.place(f.iteration_stride);
    // A valid BD; no locks, no next BD.
    w[7] = l.valid.place(1);
    w
}

fn control_register(device: Device, ch: &ShimChannel) -> u32 {
    let l = &device.model().shim_dma;
    let mm2s = if ch.dir == DmaDir::Mm2s {
        l.ctrl_mm2s_offset
    } else {
        0
    };
    device.register(
        ch.col,
        ch.row,
        l.ctrl_base + l.ctrl_stride * ch.channel + mm2s,
    )
}

/// The NPU operations of the validated `design`'s runtime sequence.
pub fn lower(design: &crate::valid::Validated, options: NpuOptions) -> Vec<NpuOp> {
    let d: &Design = design;
    let Some(seq) = &d.runtime else {
        return Vec::new();
    };
    let channels = shim_channels(d);
    let layout = &d.device.model().shim_dma;
    let mut ops = Vec::new();
    for op in &seq.ops {
        match op {
            RuntimeOp::Dma(t) => {
                let (Some(ch), Some(arg)) =
                    (channels.get(&t.target), seq.args.get(t.arg.0 as usize))
                else {
                    continue;
                };
                let elem_bytes = arg.elem().bytes();
                let fields = bd_fields(t, elem_bytes * 8);
                let bd = t.bd_id.unwrap_or(0);
                let bd_addr =
                    d.device
                        .register(ch.col, ch.row, layout.bd_base + layout.bd_stride * bd);
                ops.push(NpuOp::BlockWrite {
                    addr: bd_addr,
                    data: shim_bd_words(layout, &fields),
                });
                let arg_plus: i64 = t
                    .offsets
                    .iter()
                    .zip(&t.strides)
                    .map(|(o, s)| o.wrapping_mul(*s).wrapping_mul(elem_bytes as i64))
                    .fold(0i64, i64::wrapping_add);
                ops.push(NpuOp::AddressPatch {
                    addr: bd_addr + layout.bd_address_offset,
                    arg_idx: t.arg.0,
                    arg_plus: arg_plus as u32,
                });
                // S2MM transfers always issue a token.
                let token = t.issue_token || ch.dir == DmaDir::S2mm;
                let ctrl = control_register(d.device, ch);
                if token && options.controller_ids {
                    if let Some(id) = d.device.controller_packet_id(ch.row) {
                        ops.push(NpuOp::MaskWrite32 {
                            addr: ctrl,
                            value: layout.ctrl_token_id.place(u32::from(id)),
                            mask: layout.ctrl_token_id.mask(),
                        });
                    }
                }
                ops.push(NpuOp::Write32 {
                    addr: ctrl + layout.queue_offset,
                    value: layout.queue_bd.place(bd)
                        | layout.queue_repeat.place(fields.repeat_count)
                        | layout.queue_token.place(u32::from(token)),
                });
            }
            RuntimeOp::Wait(target) => {
                if let Some(ch) = channels.get(target) {
                    ops.push(NpuOp::Sync {
                        col: ch.col,
                        row: ch.row,
                        dir: ch.dir,
                        channel: ch.channel,
                        col_num: 1,
                        row_num: 1,
                    });
                }
            }
            RuntimeOp::Sync {
                column,
                row,
                dir,
                channel,
            } => ops.push(NpuOp::Sync {
                col: *column,
                row: *row,
                dir: *dir,
                channel: *channel,
                col_num: 1,
                row_num: 1,
            }),
        }
    }
    ops
}

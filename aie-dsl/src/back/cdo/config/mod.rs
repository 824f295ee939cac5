//! The init and enable files: what mlir-aie's `AIERTControl::addInitConfig` and
//! `addCoreEnable` ask of aie-rt, in their order, as register writes.

mod dma;
pub(in crate::back::cdo) use dma::channel_offset;
mod switch;

use super::stream::CdoStream;
use super::CdoError;
use crate::ir::{Design, TileId};
use crate::lower::physical::{Bd, Channel, PBuffer, Physical};
use crate::lower::route::{Port, SwitchOp};
use crate::target::regs::{self, DmaRegs, PortType, SwitchRegs};
use crate::target::{npu1, Device, DmaDir, TileKind, WireBundle};
use crate::types::{init_bits, InitValue};

/// A tile as the writer needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Loc {
    pub col: u32,
    pub row: u32,
    pub kind: TileKind,
}

impl Loc {
    pub fn base(self) -> u64 {
        regs::tile_base(self.col, self.row)
    }

    pub fn reg(self, off: u32) -> u64 {
        self.base() + u64::from(off)
    }

    fn too_large(self, what: impl Into<String>, value: u64, max: u64) -> CdoError {
        CdoError::TooLarge {
            col: self.col,
            row: self.row,
            what: what.into(),
            value,
            max,
        }
    }
}

/// The design, its lowering, and the tiles with cores in IR order.
pub(super) struct Ctx<'a> {
    pub design: &'a Design,
    pub phys: &'a Physical,
    /// Non-shim tiles with a core, in the order mlir-aie's IR holds their `aie.tile` ops.
    pub cores: Vec<Loc>,
}

impl<'a> Ctx<'a> {
    pub fn new(design: &'a Design, phys: &'a Physical) -> Result<Ctx<'a>, CdoError> {
        let mut ctx = Ctx {
            design,
            phys,
            cores: Vec::new(),
        };
        // mlir-aie walks `aie.tile` ops: the design's tiles come first (the shims added for the
        // column overlay and the router's tiles come after and carry no core).
        for (id, _) in design.tiles.iter() {
            let loc = ctx.loc(id)?;
            if loc.kind != TileKind::Shim && phys.cores.iter().any(|c| c.tile == id) {
                ctx.cores.push(loc);
            }
        }
        Ok(ctx)
    }

    fn device(&self) -> Device {
        self.design.device
    }

    pub fn at(&self, col: u32, row: u32) -> Result<Loc, CdoError> {
        let kind = self
            .device()
            .contains(col, row)
            .then(|| self.device().kind_of_row(row))
            .flatten()
            .ok_or(CdoError::OffDevice { col, row })?;
        Ok(Loc { col, row, kind })
    }

    pub fn loc(&self, id: TileId) -> Result<Loc, CdoError> {
        let (col, row) = self
            .design
            .coords(id)
            .ok_or_else(|| CdoError::UnknownTile(format!("{id:?}")))?;
        self.at(col, row)
    }

    fn buffer(&self, ix: usize) -> Result<&'a PBuffer, CdoError> {
        self.phys
            .buffers
            .get(ix)
            .ok_or_else(|| CdoError::UnknownTile(format!("buffer #{ix}")))
    }

    /// `<dev>_aie_cdo_init.bin`.
    pub fn init(&self) -> Result<Vec<u8>, CdoError> {
        let mut s = CdoStream::new();
        self.init_locks(&mut s)?;
        self.init_buffers(&mut s)?;
        self.dmas(&mut s)?;
        self.switches(&mut s)?;
        Ok(s.finish())
    }

    /// `<dev>_aie_cdo_enable.bin`: every core enabled.
    pub fn enable(&self) -> Vec<u8> {
        let mut s = CdoStream::new();
        for &t in &self.cores {
            core_control(&mut s, t, regs::CORE_CONTROL_ENABLE, 1);
        }
        s.finish()
    }

    // -- Locks and buffers ------------------------------------------------------------------

    fn init_locks(&self, s: &mut CdoStream) -> Result<(), CdoError> {
        for &t in &self.cores {
            core_control(s, t, regs::CORE_CONTROL_RESET, 1);
            core_control(s, t, regs::CORE_CONTROL_RESET, 0);
            for id in 0..regs::CORE_TILE_RESET_LOCKS {
                lock_set(s, t, id, 0)?;
            }
        }
        for l in &self.phys.locks {
            let t = self.loc(l.tile)?;
            lock_set(s, t, l.id, l.init)?;
        }
        Ok(())
    }

    fn init_buffers(&self, s: &mut CdoStream) -> Result<(), CdoError> {
        for b in &self.phys.buffers {
            let Some(values) = &b.init else { continue };
            let bytes = init_bytes(b, values)?;
            let t = self.loc(b.tile)?;
            data_mem_write(s, t, u64::from(b.address), &bytes)?;
        }
        Ok(())
    }
}

/// A masked write of one core-control field.
pub(super) fn core_control(s: &mut CdoStream, t: Loc, f: regs::Field, v: u32) {
    s.mask_write32(t.reg(regs::CORE_CONTROL), f.mask, f.set(v));
}

/// aie-rt `XAie_LockSetValue`.
fn lock_set(s: &mut CdoStream, t: Loc, id: u32, value: u32) -> Result<(), CdoError> {
    let locks = match t.kind {
        TileKind::Compute => npu1::COMPUTE.locks,
        TileKind::Mem => npu1::MEM.locks,
        TileKind::Shim => npu1::SHIM.locks,
    };
    if id >= locks {
        return Err(t.too_large("lock id", u64::from(id), u64::from(locks - 1)));
    }
    if value > regs::LOCK_VALUE.max() {
        return Err(t.too_large(
            format!("initial value of lock {id}"),
            u64::from(value),
            u64::from(regs::LOCK_VALUE.max()),
        ));
    }
    let reg = regs::lock_value_register(t.kind, id)
        .ok_or_else(|| t.too_large("lock id", u64::from(id), u64::from(locks - 1)))?;
    s.write32(t.reg(reg), regs::LOCK_VALUE.set(value));
    Ok(())
}

/// aie-rt `XAie_DataMemBlockWrite`: a masked write for leading bytes before a word boundary,
/// a block write of the whole words, a masked write for the trailing bytes.
pub(super) fn data_mem_write(
    s: &mut CdoStream,
    t: Loc,
    addr: u64,
    bytes: &[u8],
) -> Result<(), CdoError> {
    let size = regs::data_memory_bytes(t.kind).unwrap_or(0);
    let len = bytes.len() as u64;
    if addr + len > u64::from(size) {
        return Err(CdoError::DataMemory {
            col: t.col,
            row: t.row,
            addr,
            len,
            size,
        });
    }
    let mut rest = bytes;
    let first = (addr % 4) as usize;
    let word_down = addr & !3;
    let word_up = (addr + 3) & !3;
    if first != 0 {
        let (mut v, mut m) = (0u32, 0u32);
        let mut k = first;
        while k < 4 && !rest.is_empty() {
            v |= u32::from(rest[0]) << (8 * k);
            m |= 0xFF << (8 * k);
            rest = &rest[1..];
            k += 1;
        }
        s.mask_write32(t.base() + word_down, m, v);
    }
    let whole = rest.len() / 4;
    if whole > 0 {
        let words: Vec<u32> = rest[..whole * 4]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        s.block_write32(t.base() + word_up, &words)?;
    }
    let tail = &rest[whole * 4..];
    if !tail.is_empty() {
        let (mut v, mut m) = (0u32, 0u32);
        for (k, b) in tail.iter().enumerate() {
            v |= u32::from(*b) << (8 * k);
            m |= 0xFF << (8 * k);
        }
        s.mask_write32(t.base() + word_up + 4 * whole as u64, m, v);
    }
    Ok(())
}

/// The bytes of a buffer's initial value as MLIR's dense attribute holds them and mlir-aie's
/// `AIERTControl::initBuffers` writes them (lib/Targets/AIERT.cpp: each element's bit pattern,
/// integer or IEEE/bfloat16, little endian, the element type's width).
fn init_bytes(b: &PBuffer, values: &[InitValue]) -> Result<Vec<u8>, CdoError> {
    let elem = b.ty.elem();
    let bits = init_bits(values, elem).map_err(|(i, e)| CdoError::InitValue {
        buffer: b.name.clone(),
        reason: format!("element {i}: {e}"),
    })?;
    let width = elem.bytes() as usize;
    let mut out = Vec::with_capacity(bits.len().saturating_mul(width));
    for v in bits {
        out.extend_from_slice(&v.to_le_bytes()[..width]);
    }
    Ok(out)
}

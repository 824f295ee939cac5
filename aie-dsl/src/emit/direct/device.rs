//! Device-level ops: kernel declarations, tiles with their controller ids, locks, buffers, the
//! flows the router keeps, packet flows, shim DMA allocations and the column control overlay
//! (`emit/physical/device.rs` builds them, `emit/print/device.rs` prints them).

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use super::{as_i32, Tiles, Writer};
use crate::lower::physical::Physical;
use crate::target::{DmaDir, TileKind, WireBundle};
use crate::types::ArgType;

impl Writer<'_> {
    /// `func.func private @k(types)` per kernel.
    pub(super) fn kernel_decls(&mut self, l: usize) {
        let d = self.design;
        for (_, k) in d.kernels.iter() {
            let inputs: Vec<String> = k
                .args
                .iter()
                .map(|a| match a {
                    ArgType::MemRef(m) => m.to_string(),
                    ArgType::Scalar(s) => s.to_string(),
                })
                .collect();
            self.line(
                l,
                format_args!("func.func private @{}({})", k.symbol, inputs.join(", ")),
            );
        }
    }

    /// The tiles: the design's, a shim tile for each occupied column without one, then those
    /// the router added; returns their names.
    pub(super) fn tiles(&mut self, phys: &Physical, l: usize) -> Option<Tiles> {
        let d = self.design;
        let coords: Vec<(u32, u32)> = d.tiles.iter().map(|(_, t)| (t.col, t.row)).collect();
        let columns: BTreeSet<u32> = coords.iter().map(|c| c.0).collect();
        let mut names: HashMap<(u32, u32), String> = HashMap::default();
        let mut placed: Vec<(u32, u32)> = coords.clone();
        for &c in &columns {
            if !coords.iter().any(|t| t.0 == c && t.1 == 0) {
                placed.push((c, 0));
            }
        }
        for &(col, row) in &placed {
            let ctrl = d
                .device
                .controller_packet_id(row)
                .map(|id| {
                    format!(" {{controller_id = #aie.packet_info<pkt_type = 0, pkt_id = {id}>}}")
                })
                .unwrap_or_default();
            let name = self.tile_value(col, row);
            if names.insert((col, row), name.clone()).is_some() {
                // Two tiles at one place: the MLIR path decides what that means.
                return None;
            }
            self.line(l, format_args!("{name} = aie.tile({col}, {row}){ctrl}"));
        }
        for &(col, row) in &phys.routing.new_tiles {
            if names.contains_key(&(col, row)) {
                continue;
            }
            let name = self.tile_value(col, row);
            names.insert((col, row), name.clone());
            self.line(l, format_args!("{name} = aie.tile({col}, {row})"));
        }
        Some(Tiles(names))
    }

    /// Defines the value of the tile at (`col`, `row`): `Printer::tile_name`.
    fn tile_value(&mut self, col: u32, row: u32) -> String {
        let base = match self.design.device.kind_of_row(row) {
            Some(TileKind::Shim) => format!("shim_noc_tile_{col}_{row}"),
            Some(TileKind::Mem) => format!("mem_tile_{col}_{row}"),
            _ => format!("tile_{col}_{row}"),
        };
        self.named(base)
    }

    /// The locks with their ids; returns their names, indexed like `phys.locks`.
    pub(super) fn locks(&mut self, phys: &Physical, tiles: &Tiles, l: usize) -> Option<()> {
        let d = self.design;
        let mut names = Vec::with_capacity(phys.locks.len());
        for lock in &phys.locks {
            let t = tiles.of(d, lock.tile)?;
            let name = self.named(lock.name.clone());
            self.line(
                l,
                format_args!(
                    "{name} = aie.lock({t}, {}) {{init = {} : i32, sym_name = \"{}\"}}",
                    as_i32(lock.id)?,
                    as_i32(lock.init)?,
                    lock.name
                ),
            );
            names.push(name);
        }
        self.lock_names = names.into();
        Some(())
    }

    /// The buffers with their addresses and banks; returns their names, indexed like
    /// `phys.buffers`.
    pub(super) fn buffers(&mut self, phys: &Physical, tiles: &Tiles, l: usize) -> Option<()> {
        let d = self.design;
        let mut names = Vec::with_capacity(phys.buffers.len());
        for b in &phys.buffers {
            let init = match &b.init {
                Some(values) => format!(" = {}", super::dense::dense(&b.ty, values)?),
                None => String::new(),
            };
            let t = tiles.of(d, b.tile)?;
            let name = self.named(b.name.clone());
            let bank = b
                .bank
                .map(|k| format!("mem_bank = {k} : i32, "))
                .unwrap_or_default();
            self.line(
                l,
                format_args!(
                    "{name} = aie.buffer({t}) {{address = {} : i32, {bank}sym_name = \"{}\"}} : {}{init}",
                    as_i32(b.address)?,
                    b.name,
                    b.ty
                ),
            );
            names.push(name);
        }
        self.buffer_names = names.into();
        Some(())
    }

    /// `aie.flow(src, bundle : channel, dst, bundle : channel)`.
    fn flow(&mut self, a: (&str, WireBundle, u32), b: (&str, WireBundle, u32), l: usize) {
        self.line(
            l,
            format_args!(
                "aie.flow({}, {} : {}, {}, {} : {})",
                a.0,
                a.1.keyword(),
                a.2,
                b.0,
                b.1.keyword(),
                b.2
            ),
        );
    }

    /// The circuit flows mlir-aie keeps after routing.
    pub(super) fn kept_flows(&mut self, phys: &Physical, tiles: &Tiles, l: usize) -> Option<()> {
        for (a, b) in &phys.routing.kept_flows {
            let (ta, tb) = (tiles.at(a.tile)?, tiles.at(b.tile)?);
            self.flow((ta, a.port.0, a.port.1), (tb, b.port.0, b.port.1), l);
        }
        Some(())
    }

    /// `aie.packet_flow(id) { packet_source<…> packet_dest<…>… } {flags}`.
    fn packet_flow(
        &mut self,
        id: u8,
        keep_pkt_header: bool,
        priority_route: bool,
        ends: &[(&str, WireBundle, i32)],
        l: usize,
    ) {
        self.line(l, format_args!("aie.packet_flow({}) {{", id as i8));
        for (k, (t, bundle, channel)) in ends.iter().enumerate() {
            let name = if k == 0 {
                "aie.packet_source"
            } else {
                "aie.packet_dest"
            };
            self.line(
                l + 1,
                format_args!("{name}<{t}, {} : {channel}>", bundle.keyword()),
            );
        }
        let mut extra = Vec::new();
        if keep_pkt_header {
            extra.push("keep_pkt_header = true");
        }
        if priority_route {
            extra.push("priority_route = true");
        }
        if extra.is_empty() {
            self.line_str(l, "}");
        } else {
            self.line(l, format_args!("}} {{{}}}", extra.join(", ")));
        }
    }

    /// The design's packet flows and shim DMA allocations (its circuit flows were routed).
    pub(super) fn hand_placed(&mut self, tiles: &Tiles, l: usize) -> Option<()> {
        let d = self.design;
        for p in &d.packet_flows {
            let mut ends = vec![(
                tiles.of(d, p.source.tile)?,
                p.source.bundle,
                as_i32(p.source.channel)?,
            )];
            for dst in &p.dests {
                ends.push((tiles.of(d, dst.tile)?, dst.bundle, as_i32(dst.channel)?));
            }
            self.packet_flow(p.id, p.keep_pkt_header, false, &ends, l);
        }
        for (_, a) in d.shim_allocs.iter() {
            let t = tiles.of(d, a.tile)?;
            self.shim_alloc(&a.name, t, a.dir, i64::from(a.channel), l);
        }
        Some(())
    }

    /// `aie.shim_dma_allocation @name(tile, dir, channel)`.
    pub(super) fn shim_alloc(&mut self, name: &str, tile: &str, dir: DmaDir, ch: i64, l: usize) {
        self.line(
            l,
            format_args!(
                "aie.shim_dma_allocation @{name}({tile}, {}, {ch})",
                dir.keyword()
            ),
        );
    }

    /// The column control overlay: per occupied column, the shim controller's packet route to
    /// the host.
    pub(super) fn control_overlay(&mut self, tiles: &Tiles, l: usize) -> Option<()> {
        let d = self.design;
        let columns: BTreeSet<u32> = d.tiles.iter().map(|(_, t)| t.col).collect();
        for col in columns {
            let Some(id) = d.device.controller_packet_id(0) else {
                continue;
            };
            let shim = tiles.at((col, 0))?;
            let ends = [
                (shim, WireBundle::TileControl, 0),
                (shim, WireBundle::South, 0),
            ];
            self.packet_flow(id, true, true, &ends, l);
        }
        Some(())
    }
}

//! Device-level ops of the physical module: tiles with their controller ids, locks with ids,
//! buffers with addresses, the flows the router keeps, and the column control overlay.

use std::collections::{BTreeSet, HashMap};

use melior::ir::{BlockLike, BlockRef, Value};

use crate::emit::build::{aie_attr, ModuleBuilder, TileLookup};
use crate::emit::EmitError;
use crate::ir::TileId;
use crate::lower::physical::Physical;
use crate::target::WireBundle;

/// The emitted tiles by (column, row).
pub(super) type Tiles<'c, 'a> = HashMap<(u32, u32), Value<'c, 'a>>;

impl<'c> ModuleBuilder<'c, '_> {
    /// The tiles, and the occupied columns.
    pub(super) fn placed_tiles<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        phys: &Physical,
    ) -> Result<(Tiles<'c, 'a>, BTreeSet<u32>), EmitError> {
        let d = self.design;
        // Tiles, each with its controller id (aie-assign-tile-controller-ids); a shim tile is
        // added for every occupied column that lacks one (the column control overlay uses it).
        let coords: Vec<(TileId, u32, u32)> =
            d.tiles.iter().map(|(id, t)| (id, t.col, t.row)).collect();
        let columns: BTreeSet<u32> = coords.iter().map(|c| c.1).collect();
        let mut tiles: HashMap<(u32, u32), Value<'c, '_>> = HashMap::new();
        let mut extra = Vec::new();
        for &c in &columns {
            if !coords.iter().any(|t| t.1 == c && t.2 == 0) {
                extra.push(c);
            }
        }
        let tile_op = |col: u32, row: u32| -> Result<melior::ir::Operation<'c>, EmitError> {
            let attrs = [
                ("col", self.i32(i64::from(col))),
                ("row", self.i32(i64::from(row))),
            ];
            let mut op = self
                .op("aie.tile")
                .add_attributes(&self.attrs(&attrs))
                .add_results(&[self.index()]);
            if let Some(id) = d.device.controller_packet_id(row) {
                op = op.add_attributes(&self.attrs(&[(
                    "controller_id",
                    aie_attr(
                        self.ctx,
                        &format!("packet_info<pkt_type = 0, pkt_id = {id}>"),
                    ),
                )]));
            }
            Ok(op.build()?)
        };
        for &(_, col, row) in &coords {
            let op = blk.append_operation(tile_op(col, row)?);
            tiles.insert((col, row), op.result(0)?.into());
        }
        for col in extra {
            let op = blk.append_operation(tile_op(col, 0)?);
            tiles.insert((col, 0), op.result(0)?.into());
        }
        // Tiles the router added (after controller ids were assigned: they have none).
        for &(col, row) in &phys.routing.new_tiles {
            if tiles.contains_key(&(col, row)) {
                continue;
            }
            let op = blk.append_operation(
                self.op("aie.tile")
                    .add_attributes(&self.attrs(&[
                        ("col", self.i32(i64::from(col))),
                        ("row", self.i32(i64::from(row))),
                    ]))
                    .add_results(&[self.index()])
                    .build()?,
            );
            tiles.insert((col, row), op.result(0)?.into());
        }
        Ok((tiles, columns))
    }

    /// The locks with their ids; indexed like `phys.locks`.
    pub(super) fn placed_locks<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        phys: &Physical,
        tile: TileLookup<'_, 'c, '_>,
    ) -> Result<Vec<Value<'c, 'a>>, EmitError> {
        let mut locks = Vec::new();
        for l in &phys.locks {
            let op = blk.append_operation(
                self.op("aie.lock")
                    .add_operands(&[tile(l.tile)?])
                    .add_attributes(&self.attrs(&[
                        ("init", self.i32(i64::from(l.init))),
                        ("lockID", self.i32(i64::from(l.id))),
                        ("sym_name", self.str(&l.name)),
                    ]))
                    .add_results(&[self.index()])
                    .build()?,
            );
            locks.push(op.result(0)?.into());
        }
        Ok(locks)
    }

    /// The buffers with their addresses and banks; indexed like `phys.buffers`.
    pub(super) fn placed_buffers<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        phys: &Physical,
        tile: TileLookup<'_, 'c, '_>,
    ) -> Result<Vec<Value<'c, 'a>>, EmitError> {
        let mut buffers: Vec<Value<'c, '_>> = Vec::new();
        for b in &phys.buffers {
            let mut attrs = vec![("address", self.i32(i64::from(b.address)))];
            if let Some(init) = &b.init {
                attrs.push(("initial_value", self.dense(&b.ty, init)?));
            }
            if let Some(bank) = b.bank {
                attrs.push(("mem_bank", self.i32(i64::from(bank))));
            }
            attrs.push(("sym_name", self.str(&b.name)));
            let op = blk.append_operation(
                self.op("aie.buffer")
                    .add_operands(&[tile(b.tile)?])
                    .add_attributes(&self.attrs(&attrs))
                    .add_results(&[self.memref(&b.ty)])
                    .build()?,
            );
            buffers.push(op.result(0)?.into());
        }
        Ok(buffers)
    }

    /// The circuit flows mlir-aie keeps after routing (the router consumed the others; packet
    /// flows and allocations stay, see `hand_placed_routing`).
    pub(super) fn kept_flows(
        &self,
        blk: &BlockRef<'c, '_>,
        phys: &Physical,
        tiles: &Tiles<'c, '_>,
    ) -> Result<(), EmitError> {
        for (a, b) in &phys.routing.kept_flows {
            let at = |e: &crate::lower::route::Endpoint| {
                tiles
                    .get(&e.tile)
                    .copied()
                    .ok_or_else(|| EmitError::Build(format!("tile {:?} not emitted", e.tile)))
            };
            self.flow(
                blk,
                (at(a)?, a.port.0, a.port.1),
                (at(b)?, b.port.0, b.port.1),
            )?;
        }
        Ok(())
    }

    /// The column control overlay: the shim controller's packet route to the host.
    pub(super) fn control_overlay(
        &self,
        blk: &BlockRef<'c, '_>,
        columns: &BTreeSet<u32>,
        tiles: &Tiles<'c, '_>,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for &col in columns {
            let Some(id) = d.device.controller_packet_id(0) else {
                continue;
            };
            let shim = tiles
                .get(&(col, 0))
                .copied()
                .ok_or_else(|| EmitError::Build(format!("no shim tile in column {col}")))?;
            self.packet_flow(
                blk,
                id,
                &["keep_pkt_header", "priority_route"],
                &[
                    (shim, WireBundle::TileControl, 0),
                    (shim, WireBundle::South, 0),
                ],
            )?;
        }
        Ok(())
    }
}

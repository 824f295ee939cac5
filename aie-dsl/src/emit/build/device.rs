//! Device-level ops: tiles, ObjectFIFOs and their links, buffers, locks, kernel declarations,
//! circuit and packet flows, and shim DMA allocations.

use std::collections::HashMap;

use melior::ir::attribute::{ArrayAttribute, TypeAttribute};
use melior::ir::r#type::FunctionType;
use melior::ir::{Attribute, BlockLike, BlockRef, Region, Type, Value};

use super::attrs::{aie_attr, aie_type};
use super::ModuleBuilder;
use crate::emit::text::dims_text;
use crate::emit::EmitError;
use crate::ir::{BufferId, LockId, TileId};
use crate::target::{DmaDir, WireBundle};

/// Looks up the value of an emitted tile.
pub(in crate::emit) type TileLookup<'x, 'c, 'v> =
    &'x dyn Fn(TileId) -> Result<Value<'c, 'v>, EmitError>;

impl<'c> ModuleBuilder<'c, '_> {
    /// One `aie.tile` per tile of the design.
    pub(super) fn tiles<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
    ) -> Result<HashMap<TileId, Value<'c, 'a>>, EmitError> {
        let d = self.design;
        let mut tiles: HashMap<TileId, Value<'c, '_>> = HashMap::new();
        for (id, t) in d.tiles.iter() {
            let op = blk.append_operation(
                self.op("aie.tile")
                    .add_attributes(&self.attrs(&[
                        ("col", self.i32(i64::from(t.col))),
                        ("row", self.i32(i64::from(t.row))),
                    ]))
                    .add_results(&[self.index()])
                    .build()?,
            );
            tiles.insert(id, op.result(0)?.into());
        }
        Ok(tiles)
    }

    /// One `aie.objectfifo` per FIFO of the design.
    pub(super) fn fifos(
        &self,
        blk: &BlockRef<'c, '_>,
        tile: TileLookup<'_, 'c, '_>,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for (_, f) in d.fifos.iter() {
            let mut operands = vec![tile(f.producer)?];
            for c in &f.consumers {
                operands.push(tile(c.tile)?);
            }
            let depth = match &f.depth {
                crate::ir::Depth::Uniform(n) => self.i32(i64::from(*n)),
                crate::ir::Depth::PerEndpoint(v) => {
                    let items: Vec<_> = v.iter().map(|&n| self.i32(i64::from(n))).collect();
                    ArrayAttribute::new(self.ctx, &items).into()
                }
            };
            let per_consumer: Vec<String> = f
                .consumers
                .iter()
                .map(|c| dims_text(&c.dims_from_stream))
                .collect();
            let mut attrs = vec![
                (
                    "dimensionsFromStreamPerConsumer",
                    aie_attr(
                        self.ctx,
                        &format!("bd_dim_layout_array_array[{}]", per_consumer.join(", ")),
                    ),
                ),
                (
                    "dimensionsToStream",
                    aie_attr(
                        self.ctx,
                        &format!("bd_dim_layout_array{}", dims_text(&f.dims_to_stream)),
                    ),
                ),
                ("disable_synchronization", self.bool(false)),
                ("elemNumber", depth),
                (
                    "elemType",
                    TypeAttribute::new(aie_type(self.ctx, &format!("objectfifo<{}>", f.elem)))
                        .into(),
                ),
                ("plio", self.bool(false)),
                ("sym_name", self.str(&f.name)),
                ("via_DMA", self.bool(f.via_dma)),
            ];
            if let Some(r) = f.repeat_count {
                attrs.push(("repeat_count", self.i32(i64::from(r))));
            }
            if let Some(init) = &f.init_values {
                let items = init
                    .iter()
                    .map(|v| self.dense(&f.elem, v))
                    .collect::<Result<Vec<_>, _>>()?;
                attrs.push(("initValues", ArrayAttribute::new(self.ctx, &items).into()));
            }
            blk.append_operation(
                self.op("aie.objectfifo")
                    .add_operands(&operands)
                    .add_attributes(&self.attrs(&attrs))
                    .build()?,
            );
        }
        Ok(())
    }

    /// One `aie.objectfifo.link` per link of the design.
    pub(super) fn links(&self, blk: &BlockRef<'c, '_>) -> Result<(), EmitError> {
        let d = self.design;
        for link in &d.links {
            let syms = |ids: &[crate::ir::FifoId]| -> Vec<Attribute<'c>> {
                ids.iter().map(|f| self.sym(&d.fifo_label(*f))).collect()
            };
            let offs = |v: &[u64]| -> Vec<Attribute<'c>> {
                v.iter().map(|&o| self.i64(o as i64)).collect()
            };
            blk.append_operation(
                self.op("aie.objectfifo.link")
                    .add_attributes(&self.attrs(&[
                        (
                            "dst_offsets",
                            ArrayAttribute::new(self.ctx, &offs(&link.dst_offsets)).into(),
                        ),
                        (
                            "fifoIns",
                            ArrayAttribute::new(self.ctx, &syms(&link.inputs)).into(),
                        ),
                        (
                            "fifoOuts",
                            ArrayAttribute::new(self.ctx, &syms(&link.outputs)).into(),
                        ),
                        (
                            "src_offsets",
                            ArrayAttribute::new(self.ctx, &offs(&link.src_offsets)).into(),
                        ),
                    ]))
                    .build()?,
            );
        }
        Ok(())
    }

    /// One `aie.buffer` per buffer of the design.
    pub(super) fn buffers<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        tile: TileLookup<'_, 'c, '_>,
    ) -> Result<HashMap<BufferId, Value<'c, 'a>>, EmitError> {
        let mut buffers = HashMap::new();
        for (id, b) in self.design.buffers.iter() {
            let mut attrs = vec![("sym_name", self.str(&b.name))];
            if let Some(init) = &b.init {
                attrs.push(("initial_value", self.dense(&b.ty, init)?));
            }
            let op = blk.append_operation(
                self.op("aie.buffer")
                    .add_operands(&[tile(b.tile)?])
                    .add_attributes(&self.attrs(&attrs))
                    .add_results(&[self.memref(&b.ty)])
                    .build()?,
            );
            buffers.insert(id, op.result(0)?.into());
        }
        Ok(buffers)
    }

    /// One `aie.lock` per lock of the design.
    pub(super) fn locks<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        tile: TileLookup<'_, 'c, '_>,
    ) -> Result<HashMap<LockId, Value<'c, 'a>>, EmitError> {
        let mut locks = HashMap::new();
        for (id, l) in self.design.locks.iter() {
            let mut attrs = vec![("init", self.i32(i64::from(l.init)))];
            if let Some(n) = l.id {
                attrs.push(("lockID", self.i32(i64::from(n))));
            }
            attrs.push(("sym_name", self.str(&l.name)));
            let op = blk.append_operation(
                self.op("aie.lock")
                    .add_operands(&[tile(l.tile)?])
                    .add_attributes(&self.attrs(&attrs))
                    .add_results(&[self.index()])
                    .build()?,
            );
            locks.insert(id, op.result(0)?.into());
        }
        Ok(locks)
    }

    /// Kernel declarations: in the device, as mlir-aie writes them, or at module level in the
    /// verification copy (see `emit::verify`).
    pub(in crate::emit) fn kernel_decls(
        &self,
        top: &BlockRef<'c, '_>,
        device: &BlockRef<'c, '_>,
    ) -> Result<(), EmitError> {
        let decls = if self.kernels_at_module_level {
            top
        } else {
            device
        };
        for (_, k) in self.design.kernels.iter() {
            let inputs: Vec<Type<'c>> = k.args.iter().map(|a| self.arg_type(a)).collect();
            let fty = FunctionType::new(self.ctx, &inputs, &[]);
            decls.append_operation(
                self.op("func.func")
                    .add_attributes(&self.attrs(&[
                        ("function_type", TypeAttribute::new(fty.into()).into()),
                        ("sym_name", self.str(&k.symbol)),
                        ("sym_visibility", self.str("private")),
                    ]))
                    .add_regions([Region::new()])
                    .build()?,
            );
        }
        Ok(())
    }

    /// `aie.flow(src, bundle : channel, dst, bundle : channel)`.
    pub(in crate::emit) fn flow(
        &self,
        block: &BlockRef<'c, '_>,
        src: (Value<'c, '_>, WireBundle, u32),
        dst: (Value<'c, '_>, WireBundle, u32),
    ) -> Result<(), EmitError> {
        block.append_operation(
            self.op("aie.flow")
                .add_operands(&[src.0, dst.0])
                .add_attributes(&self.attrs(&[
                    ("dest_bundle", self.i32(i64::from(dst.1.enum_value()))),
                    ("dest_channel", self.i32(i64::from(dst.2))),
                    ("source_bundle", self.i32(i64::from(src.1.enum_value()))),
                    ("source_channel", self.i32(i64::from(src.2))),
                ]))
                .build()?,
        );
        Ok(())
    }

    /// `aie.packet_flow(id) { packet_source<…> packet_dest<…>… } {flags}`; the first endpoint
    /// is the source.
    pub(in crate::emit) fn packet_flow(
        &self,
        block: &BlockRef<'c, '_>,
        id: u8,
        flags: &[&str],
        endpoints: &[(Value<'c, '_>, WireBundle, u32)],
    ) -> Result<(), EmitError> {
        let mut attrs = vec![("ID", self.i8(id))];
        for f in flags {
            attrs.push((f, self.bool(true)));
        }
        let (_, body) = self.with_body(
            block,
            "aie.packet_flow",
            self.op("aie.packet_flow")
                .add_attributes(&self.attrs(&attrs)),
            &[],
        )?;
        for (k, (tile, bundle, channel)) in endpoints.iter().enumerate() {
            let name = if k == 0 {
                "aie.packet_source"
            } else {
                "aie.packet_dest"
            };
            body.append_operation(
                self.op(name)
                    .add_operands(&[*tile])
                    .add_attributes(&self.attrs(&[
                        ("bundle", self.i32(i64::from(bundle.enum_value()))),
                        ("channel", self.i32(i64::from(*channel))),
                    ]))
                    .build()?,
            );
        }
        self.end(&body)
    }

    /// The hand-placed flows (unless `routed`: the router consumed them), packet flows and shim
    /// DMA allocations of the design.
    pub(in crate::emit) fn hand_placed_routing<'v>(
        &self,
        block: &BlockRef<'c, '_>,
        tile: &dyn Fn(TileId) -> Result<Value<'c, 'v>, EmitError>,
        routed: bool,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for f in d.flows.iter().filter(|_| !routed) {
            self.flow(
                block,
                (tile(f.source.tile)?, f.source.bundle, f.source.channel),
                (tile(f.dest.tile)?, f.dest.bundle, f.dest.channel),
            )?;
        }
        for p in &d.packet_flows {
            let mut ends = vec![(tile(p.source.tile)?, p.source.bundle, p.source.channel)];
            for dst in &p.dests {
                ends.push((tile(dst.tile)?, dst.bundle, dst.channel));
            }
            let flags: &[&str] = if p.keep_pkt_header {
                &["keep_pkt_header"]
            } else {
                &[]
            };
            self.packet_flow(block, p.id, flags, &ends)?;
        }
        for (_, a) in d.shim_allocs.iter() {
            block.append_operation(self.shim_alloc(tile(a.tile)?, &a.name, a.dir, a.channel)?);
        }
        Ok(())
    }

    pub(in crate::emit) fn shim_alloc(
        &self,
        tile: Value<'c, '_>,
        name: &str,
        dir: DmaDir,
        channel: u32,
    ) -> Result<melior::ir::Operation<'c>, EmitError> {
        Ok(self
            .op("aie.shim_dma_allocation")
            .add_operands(&[tile])
            .add_attributes(&self.attrs(&[
                ("channel_dir", self.i32(i64::from(dir.enum_value()))),
                ("channel_index", self.i64(i64::from(channel))),
                ("plio", self.bool(false)),
                ("sym_name", self.str(name)),
            ]))
            .build()?)
    }
}

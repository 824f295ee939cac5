//! Builds the `aie.device` module as MLIR operations through melior.
//!
//! Upstream ops (`func`, `arith`, `scf`) are registered and verified by MLIR. The `aie` and
//! `aiex` ops are not registered here (their C++ lives in mlir-aie): they are built as generic
//! operations with mlir-aie's operand order, attribute names and attribute types at 5ff2ab97d
//! (`shared/reference/DIALECT.md` §4), and their dialect types and attributes as MLIR opaque
//! types and attributes in the `aie` namespace.

use std::collections::HashMap;

use melior::ir::attribute::{
    ArrayAttribute, BoolAttribute, DenseElementsAttribute, DenseI32ArrayAttribute,
    DenseI64ArrayAttribute, FlatSymbolRefAttribute, FloatAttribute, IntegerAttribute,
    StringAttribute, TypeAttribute,
};
use melior::ir::operation::{OperationBuilder, OperationLike};
use melior::ir::r#type::{FunctionType, IntegerType, MemRefType as MlirMemRef};
use melior::ir::{
    Attribute, Block, BlockLike, BlockRef, Identifier, Location, Module, Region, RegionLike, Type,
    Value,
};
use melior::{Context, StringRef};

use super::EmitError;
use crate::ir::{AcquireId, CallArg, CoreStmt, DmaTarget, FifoPort, LockAction, RuntimeOp, TileId};
use crate::ir::{Design, Dim};
use crate::target::DmaDir;
use crate::types::{ArgType, ElemType, MemRefType, Scalar, ScalarType};

/// Largest trip count mlir-aie's IRON uses for an endless core loop.
const FOREVER: i64 = i64::MAX;

pub(super) struct ModuleBuilder<'c, 'd> {
    pub(super) ctx: &'c Context,
    pub(super) loc: Location<'c>,
    pub(super) design: &'d Design,
    pub(super) kernels_at_module_level: bool,
}

/// An opaque attribute of the `aie` dialect, e.g. `#aie<bd_dim_layout_array[]>`.
pub(super) fn aie_attr<'c>(ctx: &'c Context, data: &str) -> Attribute<'c> {
    let ns = StringRef::new("aie");
    // SAFETY: the context outlives the returned attribute; MLIR copies the data.
    unsafe {
        Attribute::from_raw(mlir_sys::mlirOpaqueAttrGet(
            ctx.to_raw(),
            ns.to_raw(),
            data.len() as isize,
            data.as_ptr().cast(),
            mlir_sys::mlirNoneTypeGet(ctx.to_raw()),
        ))
    }
}

/// An opaque type of the `aie` dialect, e.g. `!aie.objectfifo<memref<16xi32>>`.
pub(super) fn aie_type<'c>(ctx: &'c Context, data: &str) -> Type<'c> {
    let ns = StringRef::new("aie");
    let data = StringRef::new(data);
    // SAFETY: as above.
    unsafe {
        Type::from_raw(mlir_sys::mlirOpaqueTypeGet(
            ctx.to_raw(),
            ns.to_raw(),
            data.to_raw(),
        ))
    }
}

pub(super) fn dims_text(dims: &[Dim]) -> String {
    let inner: Vec<String> = dims
        .iter()
        .map(|d| format!("<size = {}, stride = {}>", d.size, d.stride))
        .collect();
    format!("[{}]", inner.join(", "))
}

impl<'c, 'd> ModuleBuilder<'c, 'd> {
    pub(super) fn new(ctx: &'c Context, design: &'d Design) -> Self {
        ModuleBuilder {
            ctx,
            loc: Location::unknown(ctx),
            design,
            kernels_at_module_level: false,
        }
    }

    /// Puts the kernel declarations before the device instead of inside it (for verification
    /// only: see `emit::verify`).
    pub(super) fn kernels_at_module_level(mut self) -> Self {
        self.kernels_at_module_level = true;
        self
    }

    pub(super) fn id(&self, name: &str) -> Identifier<'c> {
        Identifier::new(self.ctx, name)
    }

    pub(super) fn i32(&self, v: i64) -> Attribute<'c> {
        IntegerAttribute::new(IntegerType::new(self.ctx, 32).into(), v).into()
    }

    pub(super) fn i64(&self, v: i64) -> Attribute<'c> {
        IntegerAttribute::new(IntegerType::new(self.ctx, 64).into(), v).into()
    }

    pub(super) fn str(&self, s: &str) -> Attribute<'c> {
        StringAttribute::new(self.ctx, s).into()
    }

    pub(super) fn sym(&self, s: &str) -> Attribute<'c> {
        FlatSymbolRefAttribute::new(self.ctx, s).into()
    }

    pub(super) fn bool(&self, b: bool) -> Attribute<'c> {
        BoolAttribute::new(self.ctx, b).into()
    }

    pub(super) fn index(&self) -> Type<'c> {
        Type::index(self.ctx)
    }

    pub(super) fn elem(&self, e: ElemType) -> Type<'c> {
        match e {
            ElemType::I8 => IntegerType::new(self.ctx, 8).into(),
            ElemType::U8 => IntegerType::unsigned(self.ctx, 8).into(),
            ElemType::I16 => IntegerType::new(self.ctx, 16).into(),
            ElemType::I32 => IntegerType::new(self.ctx, 32).into(),
            ElemType::Bf16 => Type::bfloat16(self.ctx),
            ElemType::F32 => Type::float32(self.ctx),
        }
    }

    pub(super) fn scalar(&self, s: ScalarType) -> Type<'c> {
        match s {
            ScalarType::I8 => IntegerType::new(self.ctx, 8).into(),
            ScalarType::I16 => IntegerType::new(self.ctx, 16).into(),
            ScalarType::I32 => IntegerType::new(self.ctx, 32).into(),
            ScalarType::F32 => Type::float32(self.ctx),
            ScalarType::Bf16 => Type::bfloat16(self.ctx),
        }
    }

    pub(super) fn memref(&self, m: &MemRefType) -> Type<'c> {
        let shape: Vec<i64> = m.shape().iter().map(|&d| i64::from(d)).collect();
        MlirMemRef::new(self.elem(m.elem()), &shape, None, None).into()
    }

    pub(super) fn arg_type(&self, a: &ArgType) -> Type<'c> {
        match a {
            ArgType::MemRef(m) => self.memref(m),
            ArgType::Scalar(s) => self.scalar(*s),
        }
    }

    /// `dense<[…]> : memref<…>` for initial values.
    pub(super) fn dense(
        &self,
        ty: &MemRefType,
        values: &[i64],
    ) -> Result<Attribute<'c>, EmitError> {
        let et = self.elem(ty.elem());
        let elems: Vec<Attribute<'c>> = values
            .iter()
            .map(|&v| match ty.elem() {
                ElemType::F32 | ElemType::Bf16 => {
                    FloatAttribute::new(self.ctx, et, v as f64).into()
                }
                _ => IntegerAttribute::new(et, v).into(),
            })
            .collect();
        DenseElementsAttribute::new(self.memref(ty), &elems)
            .map(Into::into)
            .map_err(|e| EmitError::Build(format!("initial value of type {ty}: {e}")))
    }

    pub(super) fn op(&self, name: &str) -> OperationBuilder<'c> {
        OperationBuilder::new(name, self.loc)
    }

    pub(super) fn attrs(
        &self,
        list: &[(&str, Attribute<'c>)],
    ) -> Vec<(Identifier<'c>, Attribute<'c>)> {
        list.iter().map(|(n, a)| (self.id(n), *a)).collect()
    }

    /// Appends an op with one empty-block region and returns the op and its block.
    pub(super) fn with_body<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        builder_name: &str,
        builder: OperationBuilder<'c>,
        args: &[Type<'c>],
    ) -> Result<(melior::ir::OperationRef<'c, 'a>, BlockRef<'c, 'a>), EmitError> {
        let region = Region::new();
        let arg_locs: Vec<_> = args.iter().map(|t| (*t, self.loc)).collect();
        region.append_block(Block::new(&arg_locs));
        let mut regions = vec![region];
        if self.kernels_at_module_level && !self.ctx.is_registered_operation(builder_name) {
            // MLIR takes an unregistered op with exactly one region for a symbol table it does
            // not know and stops symbol lookup there; a second, empty region lets the
            // verification copy's calls find their callee at module level.
            regions.push(Region::new());
        }
        let op = block.append_operation(builder.add_regions_vec(regions).build()?);
        let body = op
            .region(0)
            .ok()
            .and_then(|r| r.first_block())
            .ok_or_else(|| EmitError::Build("region without its block".into()))?;
        Ok((op, body))
    }

    pub(super) fn end(&self, block: &BlockRef<'c, '_>) -> Result<(), EmitError> {
        block.append_operation(self.op("aie.end").build()?);
        Ok(())
    }

    pub(super) fn build(&self) -> Result<Module<'c>, EmitError> {
        let d = self.design;
        let module = Module::new(self.loc);
        let top = module.body();
        let dev = self.op("aie.device").add_attributes(&self.attrs(&[
            ("device", self.i32(i64::from(d.device.enum_value()))),
            ("sym_name", self.str("main")),
        ]));
        let (_, blk) = self.with_body(&top, "aie.device", dev, &[])?;
        self.kernel_decls(&top, &blk)?;

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
        let tile = |t: TileId| {
            tiles
                .get(&t)
                .copied()
                .ok_or_else(|| EmitError::Build(format!("tile {t:?} not emitted")))
        };

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

        let mut buffers = HashMap::new();
        for (id, b) in d.buffers.iter() {
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
        let mut locks = HashMap::new();
        for (id, l) in d.locks.iter() {
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

        self.hand_placed_routing(&blk, &tile, false)?;

        for (_, core) in d.cores.iter() {
            let mut attrs = Vec::new();
            let object = core.link_with.clone().or_else(|| {
                let mut found = None;
                for s in &core.body {
                    s.walk(&mut |s| {
                        if let CoreStmt::Call { kernel, .. } = s {
                            if found.is_none() {
                                found = d.kernels.get(*kernel).map(|k| k.object.clone());
                            }
                        }
                    });
                }
                found
            });
            if let Some(o) = &object {
                attrs.push(("link_with", self.str(o)));
            }
            attrs.push(("stack_size", self.i32(i64::from(core.stack_size))));
            let (_, body) = self.with_body(
                &blk,
                "aie.core",
                self.op("aie.core")
                    .add_operands(&[tile(core.tile)?])
                    .add_attributes(&self.attrs(&attrs))
                    .add_results(&[self.index()]),
                &[],
            )?;
            let mut objects = HashMap::new();
            let env = CoreEnv {
                buffers: &buffers,
                locks: &locks,
            };
            self.stmts(&body, &core.body, &env, &mut objects)?;
            self.end(&body)?;
        }

        if let Some(seq) = &d.runtime {
            let arg_types: Vec<Type<'c>> = seq.args.iter().map(|a| self.memref(a)).collect();
            let (_, body) = self.with_body(
                &blk,
                "aie.runtime_sequence",
                self.op("aie.runtime_sequence")
                    .add_attributes(&self.attrs(&[("sym_name", self.str("sequence"))])),
                &arg_types,
            )?;
            for op in &seq.ops {
                self.runtime_op(&body, op)?;
            }
        }
        self.end(&blk)?;
        Ok(module)
    }

    /// Kernel declarations: in the device, as mlir-aie writes them, or at module level in the
    /// verification copy (see `emit::verify`).
    pub(super) fn kernel_decls(
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
    pub(super) fn flow(
        &self,
        block: &BlockRef<'c, '_>,
        src: (Value<'c, '_>, crate::target::WireBundle, u32),
        dst: (Value<'c, '_>, crate::target::WireBundle, u32),
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
    pub(super) fn packet_flow(
        &self,
        block: &BlockRef<'c, '_>,
        id: u8,
        flags: &[&str],
        endpoints: &[(Value<'c, '_>, crate::target::WireBundle, u32)],
    ) -> Result<(), EmitError> {
        let mut attrs = vec![(
            "ID",
            IntegerAttribute::new(IntegerType::new(self.ctx, 8).into(), i64::from(id)).into(),
        )];
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
    pub(super) fn hand_placed_routing<'v>(
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

    pub(super) fn shim_alloc(
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

    pub(super) fn constant<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        value: Attribute<'c>,
        ty: Type<'c>,
    ) -> Result<Value<'c, 'a>, EmitError> {
        let op = block.append_operation(
            self.op("arith.constant")
                .add_attributes(&self.attrs(&[("value", value)]))
                .add_results(&[ty])
                .build()?,
        );
        Ok(op.result(0)?.into())
    }

    pub(super) fn index_const<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        v: i64,
    ) -> Result<Value<'c, 'a>, EmitError> {
        self.constant(
            block,
            IntegerAttribute::new(self.index(), v).into(),
            self.index(),
        )
    }

    pub(super) fn scalar_const<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        s: Scalar,
    ) -> Result<Value<'c, 'a>, EmitError> {
        let ty = self.scalar(s.ty());
        let attr: Attribute<'c> = match s {
            Scalar::I8(v) => IntegerAttribute::new(ty, i64::from(v)).into(),
            Scalar::I16(v) => IntegerAttribute::new(ty, i64::from(v)).into(),
            Scalar::I32(v) => IntegerAttribute::new(ty, i64::from(v)).into(),
            Scalar::F32(v) => FloatAttribute::new(self.ctx, ty, f64::from(v)).into(),
            Scalar::Bf16(bits) => FloatAttribute::new(
                self.ctx,
                ty,
                f64::from(f32::from_bits(u32::from(bits) << 16)),
            )
            .into(),
        };
        self.constant(block, attr, ty)
    }

    fn stmts<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        stmts: &[CoreStmt],
        env: &CoreEnv<'c, '_, '_>,
        objects: &mut HashMap<(AcquireId, u32), Value<'c, 'a>>,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for s in stmts {
            match s {
                CoreStmt::For { body, .. } | CoreStmt::Forever { body } => {
                    let upper = match s {
                        CoreStmt::For { count, .. } => i64::try_from(*count).unwrap_or(FOREVER),
                        _ => FOREVER,
                    };
                    let lb = self.index_const(block, 0)?;
                    let ub = self.index_const(block, upper)?;
                    let step = self.index_const(block, 1)?;
                    let (_, inner) = self.with_body(
                        block,
                        "scf.for",
                        self.op("scf.for").add_operands(&[lb, ub, step]),
                        &[self.index()],
                    )?;
                    let mut inner_objects: HashMap<(AcquireId, u32), Value<'c, '_>> =
                        objects.iter().map(|(k, v)| (*k, *v)).collect();
                    self.stmts(&inner, body, env, &mut inner_objects)?;
                    inner.append_operation(self.op("scf.yield").build()?);
                }
                CoreStmt::Acquire { id, fifo, port, n } => {
                    let f = d
                        .fifos
                        .get(*fifo)
                        .ok_or_else(|| EmitError::Build(format!("FIFO {fifo:?} missing")))?;
                    let sub = aie_type(self.ctx, &format!("objectfifosubview<{}>", f.elem));
                    let acq = block.append_operation(
                        self.op("aie.objectfifo.acquire")
                            .add_attributes(&self.attrs(&[
                                ("objFifo_name", self.sym(&f.name)),
                                ("port", self.i32(port_value(*port))),
                                ("size", self.i32(i64::from(*n))),
                            ]))
                            .add_results(&[sub])
                            .build()?,
                    );
                    let sv: Value<'c, 'a> = acq.result(0)?.into();
                    for i in 0..*n {
                        let access = block.append_operation(
                            self.op("aie.objectfifo.subview.access")
                                .add_operands(&[sv])
                                .add_attributes(&self.attrs(&[("index", self.i32(i64::from(i)))]))
                                .add_results(&[self.memref(&f.elem)])
                                .build()?,
                        );
                        objects.insert((*id, i), access.result(0)?.into());
                    }
                }
                CoreStmt::Release { fifo, port, n } => {
                    block.append_operation(
                        self.op("aie.objectfifo.release")
                            .add_attributes(&self.attrs(&[
                                ("objFifo_name", self.sym(&d.fifo_label(*fifo))),
                                ("port", self.i32(port_value(*port))),
                                ("size", self.i32(i64::from(*n))),
                            ]))
                            .build()?,
                    );
                }
                CoreStmt::Call { kernel, args } => {
                    let k = d
                        .kernels
                        .get(*kernel)
                        .ok_or_else(|| EmitError::Build(format!("kernel {kernel:?} missing")))?;
                    let mut operands = Vec::new();
                    for a in args {
                        let v = match a {
                            CallArg::Object { acquire, index, .. } => {
                                *objects.get(&(*acquire, *index)).ok_or_else(|| {
                                    EmitError::Build("object used out of scope".into())
                                })?
                            }
                            CallArg::Buffer(b) => *env
                                .buffers
                                .get(b)
                                .ok_or_else(|| EmitError::Build(format!("buffer {b:?} missing")))?,
                            CallArg::Scalar(s) => self.scalar_const(block, *s)?,
                        };
                        operands.push(v);
                    }
                    block.append_operation(
                        self.op("func.call")
                            .add_attributes(&self.attrs(&[("callee", self.sym(&k.symbol))]))
                            .add_operands(&operands)
                            .build()?,
                    );
                }
                CoreStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    let l = *env
                        .locks
                        .get(lock)
                        .ok_or_else(|| EmitError::Build(format!("lock {lock:?} missing")))?;
                    let action = match action {
                        LockAction::Release => 1,
                        LockAction::AcquireGreaterEqual => 2,
                    };
                    block.append_operation(
                        self.op("aie.use_lock")
                            .add_operands(&[l])
                            .add_attributes(&self.attrs(&[
                                ("action", self.i32(action)),
                                ("value", self.i32(i64::from(*value))),
                            ]))
                            .build()?,
                    );
                }
            }
        }
        Ok(())
    }

    pub(super) fn runtime_op(
        &self,
        body: &BlockRef<'c, '_>,
        op: &RuntimeOp,
    ) -> Result<(), EmitError> {
        self.runtime_op_named(body, op, false)
    }

    /// A runtime operation; with `shim_allocs`, FIFOs are named by their shim allocation
    /// (`@F_shim_alloc`), as the ObjectFIFO transform rewrites them.
    pub(super) fn runtime_op_named(
        &self,
        body: &BlockRef<'c, '_>,
        op: &RuntimeOp,
        shim_allocs: bool,
    ) -> Result<(), EmitError> {
        let d = self.design;
        let target_name = |t: &DmaTarget| match t {
            DmaTarget::Fifo(f) if shim_allocs => format!("{}_shim_alloc", d.fifo_label(*f)),
            DmaTarget::Fifo(f) => d.fifo_label(*f),
            DmaTarget::Alloc(a) => d
                .shim_allocs
                .get(*a)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        };
        match op {
            RuntimeOp::Dma(t) => {
                let arg: Value<'c, '_> = body.argument(t.arg.0 as usize)?.into();
                let mut attrs = vec![("id", self.i64(i64::from(t.bd_id.unwrap_or(0))))];
                if t.issue_token {
                    attrs.push(("issue_token", self.bool(true)));
                }
                attrs.push(("metadata", self.sym(&target_name(&t.target))));
                attrs.push((
                    "operandSegmentSizes",
                    DenseI32ArrayAttribute::new(self.ctx, &[1, 0, 0, 0]).into(),
                ));
                attrs.push((
                    "static_offsets",
                    DenseI64ArrayAttribute::new(self.ctx, &t.offsets).into(),
                ));
                attrs.push((
                    "static_sizes",
                    DenseI64ArrayAttribute::new(self.ctx, &t.sizes).into(),
                ));
                attrs.push((
                    "static_strides",
                    DenseI64ArrayAttribute::new(self.ctx, &t.strides).into(),
                ));
                body.append_operation(
                    self.op("aiex.npu.dma_memcpy_nd")
                        .add_operands(&[arg])
                        .add_attributes(&self.attrs(&attrs))
                        .build()?,
                );
            }
            RuntimeOp::Wait(t) => {
                body.append_operation(
                    self.op("aiex.npu.dma_wait")
                        .add_attributes(&self.attrs(&[("symbol", self.sym(&target_name(t)))]))
                        .build()?,
                );
            }
            RuntimeOp::Sync {
                column,
                row,
                dir,
                channel,
            } => {
                body.append_operation(
                    self.op("aiex.npu.sync")
                        .add_attributes(&self.attrs(&[
                            ("channel", self.i32(i64::from(*channel))),
                            ("column", self.i32(i64::from(*column))),
                            ("column_num", self.i32(1)),
                            ("direction", self.i32(i64::from(dir.enum_value()))),
                            ("row", self.i32(i64::from(*row))),
                            ("row_num", self.i32(1)),
                        ]))
                        .build()?,
                );
            }
        }
        Ok(())
    }
}

struct CoreEnv<'c, 'a, 'm> {
    buffers: &'m HashMap<crate::ir::BufferId, Value<'c, 'a>>,
    locks: &'m HashMap<crate::ir::LockId, Value<'c, 'a>>,
}

fn port_value(p: FifoPort) -> i64 {
    match p {
        FifoPort::Produce => 0,
        FifoPort::Consume => 1,
    }
}

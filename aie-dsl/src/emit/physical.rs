//! The physical (lowered) module: what mlir-aie's resource-allocation passes make of a design,
//! built through melior and put through MLIR's own `convert-scf-to-cf`, as aiecc's pipeline
//! does before routing (PIPELINE.md §2.1).
//!
//! It holds the tiles with their controller ids, buffers with addresses and banks, locks with
//! ids, the flows still to be routed, the column control overlay's packet flow, the rewritten
//! core programs, the runtime sequence naming the shim allocations, and the tiles' DMA programs
//! (`aie.mem` / `aie.memtile_dma` with BD blocks). Routing (switchboxes) is not done yet.

use std::collections::{BTreeSet, HashMap};

use melior::ir::attribute::FlatSymbolRefAttribute;
use melior::ir::r#type::IntegerType;
use melior::ir::{Block, BlockLike, BlockRef, Module, Region, RegionLike, Value};
use melior::pass::PassManager;
use melior::Context;

use super::build::{aie_attr, dims_text, ModuleBuilder};
use super::EmitError;
use crate::ir::TileId;
use crate::lower::core::{LArg, LStmt};
use crate::lower::physical::Physical;
use crate::target::{TileKind, WireBundle};

impl<'c> ModuleBuilder<'c, '_> {
    fn lock_action(&self, a: crate::ir::LockAction) -> i64 {
        match a {
            crate::ir::LockAction::Release => 1,
            crate::ir::LockAction::AcquireGreaterEqual => 2,
        }
    }

    fn use_lock<'a>(
        &self,
        block: &impl BlockLike<'c, 'a>,
        lock: Value<'c, '_>,
        action: crate::ir::LockAction,
        value: u32,
    ) -> Result<(), EmitError>
    where
        'c: 'a,
    {
        block.append_operation(
            self.op("aie.use_lock")
                .add_operands(&[lock])
                .add_attributes(&self.attrs(&[
                    ("action", self.i32(self.lock_action(action))),
                    ("value", self.i32(i64::from(value))),
                ]))
                .build()?,
        );
        Ok(())
    }

    /// Builds the physical module of the design from its lowering.
    pub(super) fn build_physical(&self, phys: &Physical) -> Result<Module<'c>, EmitError> {
        let d = self.design;
        let module = Module::new(self.loc);
        let top = module.body();
        let dev = self.op("aie.device").add_attributes(&self.attrs(&[
            ("device", self.i32(i64::from(d.device.enum_value()))),
            ("sym_name", self.str("main")),
        ]));
        let (_, blk) = self.with_body(&top, "aie.device", dev, &[])?;
        self.kernel_decls(&top, &blk)?;

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
        let tile = |t: TileId| -> Result<Value<'c, '_>, EmitError> {
            d.coords(t)
                .and_then(|c| tiles.get(&c).copied())
                .ok_or_else(|| EmitError::Build(format!("tile {t:?} not emitted")))
        };

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

        // The router consumed the circuit flows (but those mlir-aie keeps); packet flows and
        // allocations stay.
        for (a, b) in &phys.routing.kept_flows {
            let at = |e: &crate::lower::route::Endpoint| {
                tiles
                    .get(&e.tile)
                    .copied()
                    .ok_or_else(|| EmitError::Build(format!("tile {:?} not emitted", e.tile)))
            };
            self.flow(
                &blk,
                (at(a)?, a.port.0, a.port.1),
                (at(b)?, b.port.0, b.port.1),
            )?;
        }
        self.hand_placed_routing(&blk, &tile, true)?;

        // The column control overlay: the shim controller's packet route to the host.
        for &col in &columns {
            let Some(id) = d.device.controller_packet_id(0) else {
                continue;
            };
            let shim = tiles
                .get(&(col, 0))
                .copied()
                .ok_or_else(|| EmitError::Build(format!("no shim tile in column {col}")))?;
            self.packet_flow(
                &blk,
                id,
                &["keep_pkt_header", "priority_route"],
                &[
                    (shim, WireBundle::TileControl, 0),
                    (shim, WireBundle::South, 0),
                ],
            )?;
        }

        for core in &phys.cores {
            let mut attrs = Vec::new();
            if let Some(o) = &core.link_with {
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
            // Kernel constants first, once each (as mlir-aie's output has them hoisted).
            let mut scalars: Vec<crate::types::Scalar> = Vec::new();
            collect_scalars(&core.body, &mut scalars);
            // MLIR's folder hoists each constant to the front of the entry block as it meets it,
            // so the last one met comes first.
            scalars.reverse();
            let mut consts = Vec::new();
            for sc in &scalars {
                consts.push((*sc, self.scalar_const(&body, *sc)?));
            }
            // Loop bounds too, once each.
            let mut bounds: Vec<i64> = Vec::new();
            collect_bounds(&core.body, &mut bounds);
            let mut index_consts = Vec::new();
            for b in &bounds {
                index_consts.push((*b, self.index_const(&body, *b)?));
            }
            let env = Consts {
                scalars: &consts,
                index: &index_consts,
            };
            self.lowered(&body, &core.body, &buffers, &locks, &env)?;
            self.end(&body)?;
        }

        if let Some(seq) = &d.runtime {
            self.runtime_sequence(&blk, seq, true)?;
        }
        for a in &phys.shim_allocs {
            blk.append_operation(self.shim_alloc(tile(a.tile)?, &a.name, a.dir, a.channel)?);
        }

        for (t, chans) in &phys.dmas {
            let kind = d.tiles.get(*t).map(|t| t.kind);
            let name = if kind == Some(TileKind::Mem) {
                "aie.memtile_dma"
            } else {
                "aie.mem"
            };
            // Blocks: per channel a dma_start block and its BD blocks, then the end block.
            let end = Block::new(&[]);
            let starts: Vec<Block<'c>> = chans.iter().map(|_| Block::new(&[])).collect();
            let bds: Vec<Vec<Block<'c>>> = chans
                .iter()
                .map(|c| c.bds.iter().map(|_| Block::new(&[])).collect())
                .collect();
            for (k, ch) in chans.iter().enumerate() {
                let next = starts.get(k + 1).unwrap_or(&end);
                let first = bds[k].first().unwrap_or(&end);
                starts[k].append_operation(
                    self.op("aie.dma_start")
                        .add_attributes(&self.attrs(&[
                            ("channel_dir", self.i32(i64::from(ch.dir.enum_value()))),
                            ("channel_index", self.i32(i64::from(ch.index))),
                            ("repeat_count", self.i32(i64::from(ch.repeat_count))),
                        ]))
                        .add_successors(&[first, next])
                        .add_results(&[IntegerType::new(self.ctx, 1).into()])
                        .build()?,
                );
                for (j, bd) in ch.bds.iter().enumerate() {
                    let b = &bds[k][j];
                    if let Some((l, n)) = bd.acquire {
                        self.use_lock(b, locks[l], crate::ir::LockAction::AcquireGreaterEqual, n)?;
                    }
                    let mut attrs = vec![("bd_id", self.i32(i64::from(bd.bd_id)))];
                    if !bd.dims.is_empty() {
                        attrs.push((
                            "dimensions",
                            aie_attr(
                                self.ctx,
                                &format!("bd_dim_layout_array{}", dims_text(&bd.dims)),
                            ),
                        ));
                    }
                    attrs.push(("len", self.i32(i64::from(bd.len))));
                    if let Some(n) = bd.next_bd_id {
                        attrs.push(("next_bd_id", self.i32(i64::from(n))));
                    }
                    attrs.push(("offset", self.i32(i64::from(bd.offset))));
                    b.append_operation(
                        self.op("aie.dma_bd")
                            .add_operands(&[buffers[bd.buffer]])
                            .add_attributes(&self.attrs(&attrs))
                            .build()?,
                    );
                    if let Some((l, n)) = bd.release {
                        self.use_lock(b, locks[l], crate::ir::LockAction::Release, n)?;
                    }
                    let succ = if j + 1 < ch.bds.len() {
                        &bds[k][j + 1]
                    } else if ch.finite {
                        &end
                    } else {
                        &bds[k][0]
                    };
                    b.append_operation(self.op("aie.next_bd").add_successors(&[succ]).build()?);
                }
            }
            end.append_operation(self.op("aie.end").build()?);
            let region = Region::new();
            for (start, chain) in starts.into_iter().zip(bds) {
                region.append_block(start);
                for b in chain {
                    region.append_block(b);
                }
            }
            region.append_block(end);
            blk.append_operation(
                self.op(name)
                    .add_operands(&[tile(*t)?])
                    .add_regions([region])
                    .add_results(&[self.index()])
                    .build()?,
            );
        }
        self.routing(&blk, &phys.routing, &tiles)?;
        self.end(&blk)?;
        Ok(module)
    }

    /// Switchboxes, shim muxes and wires.
    fn routing<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        r: &crate::lower::route::Routing,
        tiles: &HashMap<(u32, u32), Value<'c, 'a>>,
    ) -> Result<(), EmitError> {
        use crate::lower::route::{SwitchOp, WireEnd};
        let i8 = |v: u8| -> melior::ir::Attribute<'c> {
            melior::ir::attribute::IntegerAttribute::new(
                IntegerType::new(self.ctx, 8).into(),
                i64::from(v),
            )
            .into()
        };
        let mut sbs: HashMap<(u32, u32), Value<'c, 'a>> = HashMap::new();
        let mut muxes: HashMap<(u32, u32), Value<'c, 'a>> = HashMap::new();
        for sw in &r.switches {
            let t = *tiles.get(&sw.tile).ok_or_else(|| {
                EmitError::Build(format!("no tile {:?} for a switchbox", sw.tile))
            })?;
            let name = if sw.mux {
                "aie.shim_mux"
            } else {
                "aie.switchbox"
            };
            let (op, body) = self.with_body(
                blk,
                name,
                self.op(name)
                    .add_operands(&[t])
                    .add_results(&[self.index()]),
                &[],
            )?;
            if sw.mux {
                muxes.insert(sw.tile, op.result(0)?.into());
            } else {
                sbs.insert(sw.tile, op.result(0)?.into());
            }
            let mut amsels: Vec<Value<'c, '_>> = Vec::new();
            for o in &sw.ops {
                match o {
                    SwitchOp::Connect(s, d) => {
                        body.append_operation(
                            self.op("aie.connect")
                                .add_attributes(&self.attrs(&[
                                    ("dest_bundle", self.i32(i64::from(d.0.enum_value()))),
                                    ("dest_channel", self.i32(i64::from(d.1))),
                                    ("source_bundle", self.i32(i64::from(s.0.enum_value()))),
                                    ("source_channel", self.i32(i64::from(s.1))),
                                ]))
                                .build()?,
                        );
                    }
                    SwitchOp::Amsel { arbiter, msel } => {
                        let a = body.append_operation(
                            self.op("aie.amsel")
                                .add_attributes(
                                    &self
                                        .attrs(&[("arbiterID", i8(*arbiter)), ("msel", i8(*msel))]),
                                )
                                .add_results(&[self.index()])
                                .build()?,
                        );
                        amsels.push(a.result(0)?.into());
                    }
                    SwitchOp::Masterset {
                        port,
                        amsels: which,
                        keep_pkt_header,
                    } => {
                        let ops: Vec<Value<'c, '_>> = which
                            .iter()
                            .filter_map(|i| amsels.get(*i).copied())
                            .collect();
                        let mut attrs = vec![
                            ("dest_bundle", self.i32(i64::from(port.0.enum_value()))),
                            ("dest_channel", self.i32(i64::from(port.1))),
                        ];
                        if let Some(k) = keep_pkt_header {
                            attrs.push(("keep_pkt_header", self.bool(*k)));
                        }
                        body.append_operation(
                            self.op("aie.masterset")
                                .add_operands(&ops)
                                .add_attributes(&self.attrs(&attrs))
                                .add_results(&[self.index()])
                                .build()?,
                        );
                    }
                    SwitchOp::PacketRules { port, rules } => {
                        let (_, rb) = self.with_body(
                            &body,
                            "aie.packet_rules",
                            self.op("aie.packet_rules").add_attributes(&self.attrs(&[
                                ("source_bundle", self.i32(i64::from(port.0.enum_value()))),
                                ("source_channel", self.i32(i64::from(port.1))),
                            ])),
                            &[],
                        )?;
                        for (mask, value, a) in rules {
                            let am = *amsels.get(*a).ok_or_else(|| {
                                EmitError::Build("packet rule without its amsel".into())
                            })?;
                            rb.append_operation(
                                self.op("aie.rule")
                                    .add_operands(&[am])
                                    .add_attributes(
                                        &self.attrs(&[("mask", i8(*mask)), ("value", i8(*value))]),
                                    )
                                    .build()?,
                            );
                        }
                        self.end(&rb)?;
                    }
                }
            }
            self.end(&body)?;
        }
        for w in &r.wires {
            let end = |e: ((u32, u32), WireEnd, WireBundle)| -> Result<Value<'c, 'a>, EmitError> {
                let map = match e.1 {
                    WireEnd::Tile => tiles,
                    WireEnd::Switchbox => &sbs,
                    WireEnd::ShimMux => &muxes,
                };
                map.get(&e.0)
                    .copied()
                    .ok_or_else(|| EmitError::Build(format!("wire end {:?} missing", e.0)))
            };
            blk.append_operation(
                self.op("aie.wire")
                    .add_operands(&[end(w.a)?, end(w.b)?])
                    .add_attributes(&self.attrs(&[
                        ("dest_bundle", self.i32(i64::from(w.b.2.enum_value()))),
                        ("source_bundle", self.i32(i64::from(w.a.2.enum_value()))),
                    ]))
                    .build()?,
            );
        }
        Ok(())
    }

    fn lowered<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        stmts: &[LStmt],
        buffers: &[Value<'c, '_>],
        locks: &[Value<'c, '_>],
        consts: &Consts<'c, 'a, '_>,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for s in stmts {
            match s {
                LStmt::For {
                    lower,
                    upper,
                    step,
                    body,
                } => {
                    let get = |v: i64| -> Result<Value<'c, 'a>, EmitError> {
                        consts
                            .index
                            .iter()
                            .find(|(c, _)| *c == v)
                            .map(|(_, x)| *x)
                            .ok_or_else(|| EmitError::Build(format!("loop bound {v} not hoisted")))
                    };
                    let lb = get(i64::try_from(*lower).unwrap_or(i64::MAX))?;
                    let ub = get(i64::try_from(*upper).unwrap_or(i64::MAX))?;
                    let st = get(i64::try_from(*step).unwrap_or(1))?;
                    let (_, inner) = self.with_body(
                        block,
                        "scf.for",
                        self.op("scf.for").add_operands(&[lb, ub, st]),
                        &[self.index()],
                    )?;
                    self.lowered(&inner, body, buffers, locks, consts)?;
                    inner.append_operation(self.op("scf.yield").build()?);
                }
                LStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    self.use_lock(block, locks[*lock], *action, *value)?;
                }
                LStmt::Call { kernel, args } => {
                    let k = d
                        .kernels
                        .get(*kernel)
                        .ok_or_else(|| EmitError::Build(format!("kernel {kernel:?} missing")))?;
                    let mut operands = Vec::new();
                    for a in args {
                        operands.push(match a {
                            LArg::Buffer(b) => buffers[*b],
                            LArg::Scalar(s) => match consts.scalars.iter().find(|(c, _)| c == s) {
                                Some((_, v)) => *v,
                                None => self.scalar_const(block, *s)?,
                            },
                        });
                    }
                    block.append_operation(
                        self.op("func.call")
                            .add_attributes(&self.attrs(&[(
                                "callee",
                                FlatSymbolRefAttribute::new(self.ctx, &k.symbol).into(),
                            )]))
                            .add_operands(&operands)
                            .build()?,
                    );
                }
            }
        }
        Ok(())
    }
}

/// Constants hoisted to a core's entry block.
struct Consts<'c, 'a, 'x> {
    scalars: &'x [(crate::types::Scalar, Value<'c, 'a>)],
    index: &'x [(i64, Value<'c, 'a>)],
}

/// Loop bounds in first-use order: lower bound, upper bound, step of each loop, pre-order.
fn collect_bounds(stmts: &[LStmt], out: &mut Vec<i64>) {
    for s in stmts {
        if let LStmt::For {
            lower,
            upper,
            step,
            body,
        } = s
        {
            for v in [
                i64::try_from(*lower).unwrap_or(i64::MAX),
                i64::try_from(*upper).unwrap_or(i64::MAX),
                i64::try_from(*step).unwrap_or(1),
            ] {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            collect_bounds(body, out);
        }
    }
}

fn collect_scalars(stmts: &[LStmt], out: &mut Vec<crate::types::Scalar>) {
    for s in stmts {
        match s {
            LStmt::For { body, .. } => collect_scalars(body, out),
            LStmt::Call { args, .. } => {
                for a in args {
                    if let LArg::Scalar(sc) = a {
                        if !out.contains(sc) {
                            out.push(*sc);
                        }
                    }
                }
            }
            LStmt::UseLock { .. } => {}
        }
    }
}

/// A context for the physical module: the design dialects plus `cf`, which
/// `convert-scf-to-cf` produces.
pub fn context() -> Context {
    let ctx = super::context();
    melior::dialect::DialectHandle::cf().load_dialect(&ctx);
    ctx
}

/// Builds the physical module of `design` from its lowering, verifies it and converts core
/// loops to `cf` as aiecc's resource-allocation pipeline ends.
///
/// # Errors
/// [`EmitError`] if MLIR rejects the module or the conversion.
pub fn module<'c>(
    ctx: &'c Context,
    design: &crate::ir::Design,
    phys: &Physical,
) -> Result<Module<'c>, EmitError> {
    // Verify a copy the way `emit::verify` does: declarations at module level.
    let copy = ModuleBuilder::new(ctx, design)
        .kernels_at_module_level()
        .build_physical(phys)?;
    super::verify_text(ctx, design, &super::generic(&copy)?)?;
    let mut module = ModuleBuilder::new(ctx, design).build_physical(phys)?;
    let pm = PassManager::new(ctx);
    pm.enable_verifier(false);
    pm.add_pass(melior::pass::conversion::create_scf_to_control_flow());
    pm.run(&mut module).map_err(|e| EmitError::Verify {
        design: design.name.clone(),
        diagnostics: format!("convert-scf-to-cf failed: {e}"),
    })?;
    Ok(module)
}

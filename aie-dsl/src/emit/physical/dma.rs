//! The tiles' DMA programs: `aie.mem` / `aie.memtile_dma` with one `aie.dma_start` block per
//! channel and a chain of BD blocks (lock acquire, `aie.dma_bd`, lock release, `aie.next_bd`).

use melior::ir::r#type::IntegerType;
use melior::ir::{Block, BlockLike, BlockRef, Region, RegionLike, Value};

use crate::emit::build::{aie_attr, ModuleBuilder, TileLookup};
use crate::emit::text::dims_text;
use crate::emit::EmitError;
use crate::lower::physical::Physical;
use crate::target::TileKind;

impl<'c> ModuleBuilder<'c, '_> {
    /// The `action` attribute of `aie.use_lock`.
    fn lock_action(&self, a: crate::ir::LockAction) -> i64 {
        match a {
            crate::ir::LockAction::Release => 1,
            crate::ir::LockAction::AcquireGreaterEqual => 2,
        }
    }

    /// Appends an `aie.use_lock` on `lock`.
    pub(super) fn use_lock<'a>(
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

    /// One DMA program per tile that has channels.
    pub(super) fn dma_programs(
        &self,
        blk: &BlockRef<'c, '_>,
        phys: &Physical,
        tile: TileLookup<'_, 'c, '_>,
        buffers: &[Value<'c, '_>],
        locks: &[Value<'c, '_>],
    ) -> Result<(), EmitError> {
        let d = self.design;
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
        Ok(())
    }
}

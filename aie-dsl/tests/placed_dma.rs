//! Hand-written DMA programs for placed buffers (`DesignBuilder::dma`), against mlir-aie's
//! `aie-assign-bd-ids` lit test (test/Passes/assign-bd-ids/basic.mlir at 5ff2ab97d, its input
//! and CHECK lines), mlir-aie's ObjectFIFO transform (which appends a FIFO's channel to the
//! tile's existing `aie.mem` after the user's channels), and aie-rt's BD register layout
//! (driver/src/global/xaiemlgbl_params.h: `XAIEMLGBL_MEMORY_MODULE_DMA_BD0_*`), plus every
//! validation rule on both sides of its boundary.

use aie_dsl::back::cdo::{self, CdoOptions};
use aie_dsl::ir::TileId;
use aie_dsl::lower::physical::Physical;
use aie_dsl::prelude::*;
use aie_dsl::valid::{DmaChannelRef, DmaProgramError, ValidationError};

mod common;
use common::cdo::blocks;
use common::cdo::writes;
use common::i32s;

/// The validation problems of `d`, or an empty list when it is valid.
fn problems(d: &DesignBuilder) -> Vec<ValidationError> {
    match aie_dsl::valid::check(d.design()) {
        Ok(()) => Vec::new(),
        Err(e) => e.errors,
    }
}

/// The one DMA-program problem of `d`.
fn dma_problem(d: &DesignBuilder) -> DmaProgramError {
    let p = problems(d);
    let found: Vec<&DmaProgramError> = p
        .iter()
        .filter_map(|e| match e {
            ValidationError::DmaProgram(x) => Some(x),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{p:#?}");
    found[0].clone()
}

/// Lowers `d` and returns the physical design and its MLIR, checking on the way that the design
/// MLIR passes MLIR's verifier and that the direct writers (both texts of the design's MLIR, the
/// physical MLIR) give the MLIR path's bytes.
fn lowered(d: DesignBuilder) -> (Validated, Physical, String) {
    let v = d.finish().unwrap();
    let design = aie_dsl::emit::emit(&v).expect("the design's MLIR verifies");
    // Both texts of the design's MLIR are also written directly, to the same bytes.
    let direct = aie_dsl::emit::design_direct(&v).expect("custom form written directly");
    assert_eq!(direct, design.mlir, "direct custom form");
    let generic = aie_dsl::emit::generic_direct(&v).expect("generic form written directly");
    assert_eq!(generic, design.generic, "direct generic form");
    let low = aie_dsl::lower::lower(&v).unwrap();
    let phys = low.physical.clone();
    let text = aie_dsl::emit::emit_physical(&v, &phys).unwrap().mlir;
    let direct = aie_dsl::emit::physical_direct(&v, &phys).expect("written directly");
    assert_eq!(direct, text, "direct and MLIR paths agree");
    (v, phys, text)
}

/// A core that fills `ping`/`pong` under two locks and a DMA program that sends them out of the
/// core tile's MM2S 0, through a placed flow, to the shim.
fn core_sender() -> (DesignBuilder, ComputeTile) {
    let mut d = DesignBuilder::new("sender", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let ping = d.buffer(core, "ping", i32s(256));
    let pong = d.buffer(core, "pong", i32s(256));
    let full = d.lock(core, "full", None, 0);
    let empty = d.lock(core, "empty", None, 2);
    d.dma(
        DmaChain::new(core, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(ping).acquire(full, 1).release(empty, 1))
            .bd(DmaBd::new(pong).acquire(full, 1).release(empty, 1)),
    );
    d.flow(core, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    (d, core)
}

// ---- assign-bd-ids/basic.mlir ------------------------------------------------------------------

/// The second case of test/Passes/assign-bd-ids/basic.mlir: a mem tile's four channels, each a
/// one-BD chain that loops, declared S2MM 0, MM2S 1, S2MM 1, MM2S 0.
///
/// Its CHECK lines (the `VAL_n` bound to the buffers `in` and `out`):
/// ```text
/// aie.dma_bd(%[[VAL_1]] : memref<16xi32>, 0, 128, [<size = 2, stride = 1>, <size = 3, stride = 2>, <size = 2, stride = 4>, <size = 1, stride = 1>]) {bd_id = 0 : i32, next_bd_id = 0 : i32}
/// aie.dma_bd(%[[VAL_1]] : memref<16xi32>, 0, 16) {bd_id = 24 : i32, next_bd_id = 24 : i32}
/// aie.dma_bd(%[[VAL_2]] : memref<16xi32>, 0, 16) {bd_id = 25 : i32, next_bd_id = 25 : i32}
/// aie.dma_bd(%[[VAL_2]] : memref<16xi32>, 0, 16) {bd_id = 1 : i32, next_bd_id = 1 : i32}
/// ```
/// Two changes, both stated: the device is npu1 (the test's xcve2302 is not a target here; both
/// are AIE2 mem tiles with 48 BDs split by channel parity), and the first BD moves 12 elements,
/// the pattern's 2·3·2·1, where the test says 128 (validation rejects a length past the
/// pattern, which would read outside the 16-element buffer).
#[test]
fn mem_tile_bd_ids_as_in_mlir_aie_assign_bd_ids_basic() {
    let mut d = DesignBuilder::new("aie_module", Device::Npu1);
    let t01 = d.mem_tile(2);
    let inb = d.buffer(t01, "in", i32s(16));
    let outb = d.buffer(t01, "out", i32s(16));
    let l0 = d.lock(t01, "l01_0", Some(0), 1);
    let l1 = d.lock(t01, "l01_1", Some(1), 0);
    let l2 = d.lock(t01, "l01_2", Some(2), 1);
    let l3 = d.lock(t01, "l01_3", Some(3), 0);
    let dims = [
        Dim::new(2, 1),
        Dim::new(3, 2),
        Dim::new(2, 4),
        Dim::new(1, 1),
    ];
    d.dma(
        DmaChain::new(t01, DmaDir::S2mm, 0).bd(DmaBd::new(inb)
            .len(12)
            .dims(dims)
            .acquire(l0, 1)
            .release(l1, 1)),
    );
    d.dma(
        DmaChain::new(t01, DmaDir::Mm2s, 1)
            .bd(DmaBd::new(inb).len(16).acquire(l1, 1).release(l0, 1)),
    );
    d.dma(
        DmaChain::new(t01, DmaDir::S2mm, 1)
            .bd(DmaBd::new(outb).len(16).acquire(l2, 1).release(l3, 1)),
    );
    d.dma(
        DmaChain::new(t01, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(outb).len(16).acquire(l3, 1).release(l2, 1)),
    );
    let (v, phys, text) = lowered(d);
    let expected = [
        "aie.dma_bd(%in : memref<16xi32>, 0, 12, [<size = 2, stride = 1>, <size = 3, stride = 2>, <size = 2, stride = 4>, <size = 1, stride = 1>]) {bd_id = 0 : i32, next_bd_id = 0 : i32}",
        "aie.dma_bd(%in : memref<16xi32>, 0, 16) {bd_id = 24 : i32, next_bd_id = 24 : i32}",
        "aie.dma_bd(%out : memref<16xi32>, 0, 16) {bd_id = 25 : i32, next_bd_id = 25 : i32}",
        "aie.dma_bd(%out : memref<16xi32>, 0, 16) {bd_id = 1 : i32, next_bd_id = 1 : i32}",
    ];
    let bds: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("aie.dma_bd"))
        .collect();
    assert_eq!(bds, expected, "{text}");
    // The input's BD blocks, as the test writes them (quoted lock actions are the same op).
    let design = aie_dsl::emit::emit(&v).unwrap().mlir;
    for line in [
        "aie.use_lock(%l01_0, AcquireGreaterEqual, 1)",
        "aie.dma_bd(%in : memref<16xi32>, 0, 12, [<size = 2, stride = 1>, <size = 3, stride = 2>, <size = 2, stride = 4>, <size = 1, stride = 1>])",
        "aie.use_lock(%l01_1, Release, 1)",
        "aie.dma_bd(%out : memref<16xi32>, 0, 16)",
        "%memtile_dma_2_1 = aie.memtile_dma(%mem_tile_2_1) {",
        "aie.end",
    ] {
        assert!(design.contains(line), "{line}\n{design}");
    }
    for start in [
        "aie.dma_start(S2MM, 0, ",
        "aie.dma_start(MM2S, 1, ",
        "aie.dma_start(S2MM, 1, ",
        "aie.dma_start(MM2S, 0, ",
    ] {
        assert!(design.contains(start), "{start}\n{design}");
    }
    assert_eq!(phys.dmas.len(), 1);
    // The CDO takes them too: every BD and start queue, mem-tile parity included.
    cdo::write(&v, &phys, &CdoOptions::default()).unwrap();
}

/// The design of test/Passes/assign-bd-ids/basic.mlir's first case, which user_assigned.mlir's
/// first case repeats with some ids chosen: on compute tile (0,2) two S2MM chains of three
/// looping BDs over `double_buffer`, on mem tile (0,1) four ending chains of one BD over
/// `buffer_0_1` (`repeat_count = 10`). `chosen` gives BD ids: (on the compute tile?, direction,
/// channel, BD index, id). Checks the ids both tests' CHECK lines give (the chosen ones are
/// taken first and the others fill in around them, so they come out the same).
fn assign_bd_ids_design(
    name: &str,
    chosen: &[(bool, DmaDir, u32, usize, u32)],
) -> (Validated, Physical, String) {
    let mut d = DesignBuilder::new(name, Device::Npu1);
    let _shim = d.shim_tile(0);
    let t01 = d.mem_tile(0);
    let t02 = d.compute_tile(0, 2);
    let double_buffer = d.buffer(t02, "double_buffer", i32s(32));
    let buffer_0_1 = d.buffer(t01, "buffer_0_1", i32s(32));
    let x = d.lock(t02, "lock_X", None, 1);
    let y = d.lock(t02, "lock_Y", None, 0);
    let with_id = |bd: DmaBd, compute: bool, dir: DmaDir, ch: u32, i: usize| match chosen
        .iter()
        .find(|c| (c.0, c.1, c.2, c.3) == (compute, dir, ch, i))
    {
        Some(c) => bd.bd_id(c.4),
        None => bd,
    };
    for ch in 0..2 {
        let mut chain = DmaChain::new(t02, DmaDir::S2mm, ch);
        for i in 0..3 {
            let bd = DmaBd::new(double_buffer).acquire(x, 1).release(y, 1);
            chain = chain.bd(with_id(bd, true, DmaDir::S2mm, ch, i));
        }
        d.dma(chain);
    }
    let l: Vec<_> = (0..4)
        .map(|i| d.lock(t01, format!("lock_0_1_{i}"), None, 1 - i % 2))
        .collect();
    for (dir, ch, acq, rel) in [
        (DmaDir::S2mm, 0, 0, 1),
        (DmaDir::Mm2s, 0, 1, 0),
        (DmaDir::S2mm, 1, 2, 3),
        (DmaDir::Mm2s, 1, 3, 2),
    ] {
        let bd = DmaBd::new(buffer_0_1).acquire(l[acq], 1).release(l[rel], 1);
        let bd = with_id(bd, false, dir, ch, 0);
        d.dma(DmaChain::new(t01, dir, ch).bd(bd).ends().repeat_count(10));
    }
    let (v, phys, text) = lowered(d);
    let ids = |t: TileId| -> Vec<(u32, Option<u32>)> {
        phys.dmas[&t]
            .iter()
            .flat_map(|c| c.bds.iter().map(|b| (b.bd_id, b.next_bd_id)))
            .collect()
    };
    assert_eq!(
        ids(t02.into()),
        [
            (0, Some(1)),
            (1, Some(2)),
            (2, Some(0)),
            (3, Some(4)),
            (4, Some(5)),
            (5, Some(3))
        ]
    );
    assert_eq!(
        ids(t01.into()),
        [(0, None), (1, None), (24, None), (25, None)]
    );
    (v, phys, text)
}

/// The first case of test/Passes/assign-bd-ids/basic.mlir, in AIE2's lock protocol: a compute
/// tile's two channels of three BDs each that loop, and a mem tile's four channels of one BD each
/// that do not (`loop = false`, `repeat_count = 10`). CHECK lines: the compute tile's BDs get
/// ids 0, 1, 2 (next 1, 2, 0) and 3, 4, 5 (next 4, 5, 3); the mem tile's, declared S2MM 0,
/// MM2S 0, S2MM 1, MM2S 1, get 0, 1, 24, 25 and no next BD. (The test's BDs omit offset and
/// length, so aie-opt prints `aie.dma_bd(%buf : memref<32xi32>)`; ours always carry both, as
/// the ObjectFIFO transform's do.)
#[test]
fn compute_and_mem_tile_bd_ids_as_in_mlir_aie_assign_bd_ids_basic() {
    let (v, _, text) = assign_bd_ids_design("basic", &[]);
    for line in [
        "aie.dma_bd(%double_buffer : memref<32xi32>, 0, 32) {bd_id = 2 : i32, next_bd_id = 0 : i32}",
        "aie.dma_bd(%double_buffer : memref<32xi32>, 0, 32) {bd_id = 5 : i32, next_bd_id = 3 : i32}",
        "aie.dma_bd(%buffer_0_1 : memref<32xi32>, 0, 32) {bd_id = 24 : i32}",
        "aie.dma_start(MM2S, 1, ^bb7, ^bb8, repeat_count = 10)",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // The design's MLIR says `repeat_count` the same way (mlir-aie's assembly format:
    // `(dir, channel, ^dest, ^chain (, repeat_count = N)?)`).
    let design = aie_dsl::emit::emit(&v).unwrap().mlir;
    assert!(design.contains("aie.dma_start(S2MM, 0, ^bb1, ^bb2, repeat_count = 10)"));
}

// ---- where the programs go ---------------------------------------------------------------------

/// mlir-aie's `DMAChannelAnalysis` counts the user's `dma_start` channels as taken, and
/// `createAIETileDMA` appends a FIFO's channel to the tile's existing `aie.mem`: the FIFO end
/// on the same tile takes the next free channel, after the hand-written ones in block order (so
/// its BDs get the next ids).
#[test]
fn a_fifo_on_the_same_tile_takes_the_next_channel_after_the_program() {
    let (mut d, core) = core_sender();
    let shim = d.shim_tile(0);
    let f = d.fifo("f", shim, [core], 2, i32s(64));
    d.runtime(|rt| {
        let a = rt.arg(i32s(64));
        rt.fill(f, a, Transfer::linear(64));
        rt.wait(f);
    });
    // The placed program sends on MM2S 0; the FIFO's consumer end is S2MM 0 (free), so give the
    // core a second program on S2MM 0 to see the FIFO move to S2MM 1.
    let sink = d.buffer(core, "sink", i32s(64));
    let l = d.lock(core, "sink_lock", None, 1);
    let l2 = d.lock(core, "sink_full", None, 0);
    d.dma(DmaChain::new(core, DmaDir::S2mm, 0).bd(DmaBd::new(sink).acquire(l, 1).release(l2, 1)));
    d.flow(shim, WireBundle::Dma, 1, core, WireBundle::Dma, 0);
    let (_, phys, _) = lowered(d);
    let chans: Vec<(DmaDir, u32, Vec<u32>)> = phys.dmas[&TileId::from(core)]
        .iter()
        .map(|c| (c.dir, c.index, c.bds.iter().map(|b| b.bd_id).collect()))
        .collect();
    assert_eq!(
        chans,
        [
            (DmaDir::Mm2s, 0, vec![0, 1]),
            (DmaDir::S2mm, 0, vec![2]),
            (DmaDir::S2mm, 1, vec![3, 4]),
        ]
    );
}

/// A chain that ends takes away the end block's single predecessor, which mlir-aie's transform
/// needs to link a FIFO's channel into the region; rejected rather than a channel never started.
#[test]
fn an_ending_chain_beside_a_fifo_channel_is_rejected() {
    let mut d = DesignBuilder::new("ends", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let b = d.buffer(core, "b", i32s(64));
    let l = d.lock(core, "l", None, 1);
    let l2 = d.lock(core, "l2", None, 0);
    d.dma(
        DmaChain::new(core, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(b).acquire(l, 1).release(l2, 1))
            .ends(),
    );
    d.flow(core, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    let f = d.fifo("f", shim, [core], 2, i32s(64));
    d.runtime(|rt| {
        let a = rt.arg(i32s(64));
        rt.fill(f, a, Transfer::linear(64));
        rt.wait(f);
    });
    let v = d.finish().unwrap();
    let err = aie_dsl::lower::lower(&v).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, aie_dsl::lower::LowerError::PlacedDma { .. }),
        "{msg}"
    );
    assert!(
        msg.contains("(0,2)") && msg.contains("MM2S channel 0") && msg.contains("looped()"),
        "{msg}"
    );
}

// ---- the CDO -----------------------------------------------------------------------------------

/// The core sender's two BDs, read back field by field with aie-rt's AIE-ML tile DMA layout
/// (`XAIEMLGBL_MEMORY_MODULE_DMA_BD0_0` at 0x1D000, BDs 0x20 apart; word 0: base address in
/// words at bit 14, length in words at bit 0; word 5: next BD at 27, use-next-BD 26, valid 25,
/// release value 18 (7 bits, signed), release id 13, acquire enable 12, acquire value 5 (7 bits,
/// signed; AcquireGreaterEqual v is written as −v), acquire id 0), and the MM2S 0 start queue
/// (`..._DMA_MM2S_0_START_QUEUE` at 0x1DE14: start BD at bit 0, repeat count at 16).
#[test]
fn the_cdo_bds_read_back_as_aie_rt_lays_them_out() {
    let (d, _) = core_sender();
    let (v, phys, _) = lowered(d);
    let init = cdo::write(&v, &phys, &CdoOptions::default()).unwrap().init;
    let tile = 2u64 << 20; // (0,2): row at bit 20, column at bit 25
    let bd = |n: u64| {
        blocks(&init)
            .into_iter()
            .find(|(a, _)| *a == tile + 0x1D000 + 0x20 * n)
            .unwrap_or_else(|| panic!("BD {n} of (0,2)"))
            .1
    };
    let addr = |name: &str| phys.buffer(name).unwrap().address;
    let lock = |name: &str| phys.lock(name).unwrap().id;
    let (full, empty) = (lock("full"), lock("empty"));
    for (n, buf, next) in [(0, "ping", 1u32), (1, "pong", 0)] {
        let w = bd(n);
        assert_eq!(w.len(), 6);
        assert_eq!(w[0] >> 14, addr(buf) / 4, "base address of BD {n}");
        assert_eq!(w[0] & 0x3FFF, 256, "length of BD {n} in words");
        assert_eq!(w[1..5], [0, 0, 0, 0], "no packet header or dims");
        let w5 = w[5];
        assert_eq!((w5 >> 27) & 0xF, next, "next BD");
        assert_eq!((w5 >> 26) & 1, 1, "use next BD");
        assert_eq!((w5 >> 25) & 1, 1, "valid");
        assert_eq!((w5 >> 18) & 0x7F, 1, "release value");
        assert_eq!((w5 >> 13) & 0xF, empty, "release lock id");
        assert_eq!((w5 >> 12) & 1, 1, "acquire enabled");
        assert_eq!((w5 >> 5) & 0x7F, 0x7F, "acquire value −1 (≥ 1)");
        assert_eq!(w5 & 0xF, full, "acquire lock id");
    }
    let queue = writes(&init)
        .into_iter()
        .find(|(a, _)| *a == tile + 0x1DE14)
        .expect("MM2S 0 start queue of (0,2)")
        .1;
    assert_eq!(queue & 0xF, 0, "starts at BD 0");
    assert_eq!((queue >> 16) & 0xFF, 0, "runs once (repeat_count 0)");
    // The lock initial values the core and DMA start from.
    assert_eq!(phys.lock("empty").unwrap().init, 2);
}

/// An ending chain with `repeat_count` and an n-d pattern on a compute tile: no next BD, the
/// repeat count in the start queue, and the dimensions in words 2 and 3 (aie-rt: D0 step at
/// bit 0 and D1 step at bit 13 of word 2, D0 wrap at 13 and D1 wrap at 21 of word 3, D2 step at
/// bit 0 of word 3; steps stored minus one).
#[test]
fn an_ending_nd_chain_in_the_cdo() {
    let mut d = DesignBuilder::new("nd", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let b = d.buffer(core, "tiles", i32s(64));
    let l = d.lock(core, "ready", None, 1);
    let l2 = d.lock(core, "done", None, 0);
    // 8 × 8 transposed: 8 columns of 8 elements 8 apart.
    d.dma(
        DmaChain::new(core, DmaDir::Mm2s, 1)
            .bd(DmaBd::new(b)
                .dims([Dim::new(8, 1), Dim::new(8, 8)])
                .acquire(l, 1)
                .release(l2, 1))
            .ends()
            .repeat_count(3),
    );
    d.flow(core, WireBundle::Dma, 1, shim, WireBundle::Dma, 0);
    let (v, phys, text) = lowered(d);
    assert!(text.contains(
        "aie.dma_bd(%tiles : memref<64xi32>, 0, 64, [<size = 8, stride = 1>, <size = 8, stride = 8>]) {bd_id = 0 : i32}"
    ));
    assert!(text.contains("aie.dma_start(MM2S, 1, ^bb1, ^bb2, repeat_count = 3)"));
    let init = cdo::write(&v, &phys, &CdoOptions::default()).unwrap().init;
    let tile = 2u64 << 20;
    let w = blocks(&init)
        .into_iter()
        .find(|(a, _)| *a == tile + 0x1D000)
        .unwrap()
        .1;
    assert_eq!((w[5] >> 26) & 1, 0, "no next BD");
    assert_eq!(w[0] & 0x3FFF, 64);
    // Innermost first: D0 = {stride 8, size 8}, D1 = {stride 1, size 8}.
    assert_eq!(w[2] & 0x1FFF, 8 - 1, "D0 step");
    assert_eq!((w[2] >> 13) & 0x1FFF, 1 - 1, "D1 step");
    assert_eq!((w[3] >> 13) & 0xFF, 8, "D0 wrap");
    let queue = writes(&init)
        .into_iter()
        .find(|(a, _)| *a == tile + 0x1DE1C)
        .expect("MM2S 1 start queue")
        .1;
    assert_eq!((queue >> 16) & 0xFF, 3, "repeat count");
}

// ---- validation --------------------------------------------------------------------------------

#[test]
fn a_valid_program_passes_and_shows_in_the_resource_estimate() {
    let (d, core) = core_sender();
    assert!(problems(&d).is_empty());
    let est = aie_dsl::valid::resources::estimate(d.design());
    let u = &est[&TileId::from(core)];
    assert_eq!(u.bd_count(), 2);
    assert_eq!(
        u.channels(DmaDir::Mm2s).len(),
        1,
        "the flow and the program share the channel"
    );
}

/// A compute tile (0,2) with a 64-element i32 buffer `b`, locks `a` (init 1) and `r`, a flow
/// from MM2S 0, and the program `chain` makes from them.
fn one(
    ty: MemRefType,
    chain: impl FnOnce(
        ComputeTile,
        aie_dsl::ir::BufferId,
        aie_dsl::ir::LockId,
        aie_dsl::ir::LockId,
    ) -> DmaChain,
) -> DesignBuilder {
    let mut d = DesignBuilder::new("one", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let b = d.buffer(core, "b", ty);
    let a = d.lock(core, "a", None, 1);
    let r = d.lock(core, "r", None, 0);
    d.dma(chain(core, b, a, r));
    d.flow(core, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    d
}

fn at(dir: DmaDir, channel: u32) -> DmaChannelRef {
    DmaChannelRef {
        kind: TileKind::Compute,
        col: 0,
        row: 2,
        dir,
        channel,
    }
}

fn mm2s0(
    bd: impl Fn(aie_dsl::ir::BufferId, aie_dsl::ir::LockId, aie_dsl::ir::LockId) -> DmaBd,
    ty: MemRefType,
) -> DesignBuilder {
    one(ty, |core, b, a, r| {
        DmaChain::new(core, DmaDir::Mm2s, 0).bd(bd(b, a, r))
    })
}

#[test]
fn channels_exist_on_the_tile() {
    // A compute tile has channels 0 and 1 per direction (target model: npu1 COMPUTE).
    let ok = one(i32s(64), |c, b, a, r| {
        DmaChain::new(c, DmaDir::S2mm, 1).bd(DmaBd::new(b).acquire(a, 1).release(r, 1))
    });
    assert!(problems(&ok).is_empty());
    let bad = one(i32s(64), |c, b, a, r| {
        DmaChain::new(c, DmaDir::S2mm, 2).bd(DmaBd::new(b).acquire(a, 1).release(r, 1))
    });
    let e = dma_problem(&bad);
    assert_eq!(
        e,
        DmaProgramError::NoSuchChannel {
            at: at(DmaDir::S2mm, 2),
            available: 2
        }
    );
    assert!(
        e.to_string()
            .contains("S2MM channel 2 of compute tile (0,2)"),
        "{e}"
    );
    assert!(e.to_string().contains("0..=1"), "{e}");
    // u32::MAX is the same error, not an overflow.
    let edge = one(i32s(64), |c, b, _, _| {
        DmaChain::new(c, DmaDir::S2mm, u32::MAX).bd(DmaBd::new(b))
    });
    assert!(matches!(
        dma_problem(&edge),
        DmaProgramError::NoSuchChannel { .. }
    ));
}

#[test]
fn one_program_per_channel() {
    let mut d = one(i32s(64), |c, b, _, _| {
        DmaChain::new(c, DmaDir::Mm2s, 0).bd(DmaBd::new(b))
    });
    let core = d.compute_tile(0, 2);
    let b2 = d.buffer(core, "b2", i32s(64));
    d.dma(DmaChain::new(core, DmaDir::Mm2s, 0).bd(DmaBd::new(b2)));
    let e = dma_problem(&d);
    assert_eq!(
        e,
        DmaProgramError::SameChannel {
            at: at(DmaDir::Mm2s, 0),
            first: 0,
            second: 1
        }
    );
    // The other direction of the same channel number is another channel.
    let mut d = one(i32s(64), |c, b, _, _| {
        DmaChain::new(c, DmaDir::Mm2s, 0).bd(DmaBd::new(b))
    });
    let core = d.compute_tile(0, 2);
    let b2 = d.buffer(core, "b2", i32s(64));
    d.dma(DmaChain::new(core, DmaDir::S2mm, 0).bd(DmaBd::new(b2)));
    assert!(problems(&d).is_empty(), "{:?}", problems(&d));
}

#[test]
fn repeat_counts_fit_the_start_queue() {
    // aie-rt's start queue holds 1..=256 runs (repeat_count 0..=255).
    let with = |n: u32| {
        one(i32s(64), move |c, b, _, _| {
            DmaChain::new(c, DmaDir::Mm2s, 0)
                .bd(DmaBd::new(b))
                .ends()
                .repeat_count(n)
        })
    };
    assert!(problems(&with(255)).is_empty());
    for n in [256, u32::MAX] {
        assert_eq!(
            dma_problem(&with(n)),
            DmaProgramError::RepeatCount {
                at: at(DmaDir::Mm2s, 0),
                count: n,
                max: 255
            }
        );
    }
}

#[test]
fn shim_and_empty_programs_are_rejected() {
    let mut d = DesignBuilder::new("shim", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let b = d.buffer(mem, "b", i32s(64));
    d.dma(DmaChain::new(shim, DmaDir::Mm2s, 0).bd(DmaBd::new(b)));
    let e = dma_problem(&d);
    assert!(matches!(e, DmaProgramError::ShimTile { .. }), "{e}");
    assert!(e.to_string().contains("shim tile (0,0)"), "{e}");

    let empty = one(i32s(64), |c, _, _, _| DmaChain::new(c, DmaDir::Mm2s, 0));
    assert_eq!(
        dma_problem(&empty),
        DmaProgramError::Empty {
            at: at(DmaDir::Mm2s, 0)
        }
    );
}

#[test]
fn bd_count_limits() {
    // A compute tile has 16 BDs (npu1); a mem-tile channel draws on 24 of its 48.
    let n = |count: usize| {
        one(i32s(64), move |c, b, _, _| {
            (0..count).fold(DmaChain::new(c, DmaDir::Mm2s, 0), |ch, _| {
                ch.bd(DmaBd::new(b))
            })
        })
    };
    assert!(problems(&n(16)).is_empty());
    assert_eq!(
        dma_problem(&n(17)),
        DmaProgramError::TooManyBds {
            at: at(DmaDir::Mm2s, 0),
            bds: 17,
            available: 16,
            why: "every BD of the tile's DMA"
        }
    );
    let mem = |count: usize| {
        let mut d = DesignBuilder::new("m", Device::Npu1_1Col);
        let m = d.mem_tile(0);
        let b = d.buffer(m, "b", i32s(64));
        d.dma((0..count).fold(DmaChain::new(m, DmaDir::S2mm, 3), |ch, _| {
            ch.bd(DmaBd::new(b))
        }));
        d
    };
    assert!(problems(&mem(24)).is_empty());
    assert!(matches!(
        dma_problem(&mem(25)),
        DmaProgramError::TooManyBds { available: 24, .. }
    ));
    // The tile's total: two programs of 9 on one compute tile fit each alone but not together.
    let mut d = n(9);
    let core = d.compute_tile(0, 2);
    let b2 = d.buffer(core, "b2", i32s(64));
    d.dma((0..9).fold(DmaChain::new(core, DmaDir::S2mm, 0), |ch, _| {
        ch.bd(DmaBd::new(b2))
    }));
    let p = problems(&d);
    assert!(
        p.iter()
            .any(|e| matches!(e, ValidationError::ResourceOverflow { .. })
                && e.to_string().contains("buffer descriptors")
                && e.to_string().contains("DMA program S2MM 0: 9")),
        "{p:#?}"
    );
}

#[test]
fn buffers_and_locks_must_be_on_the_dmas_tile() {
    let mut d = DesignBuilder::new("far", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let other = d.compute_tile(0, 3);
    let far = d.buffer(other, "far", i32s(64));
    let near = d.buffer(core, "near", i32s(64));
    let la = d.lock(other, "la", None, 1);
    let lr = d.lock(core, "lr", None, 0);
    d.dma(DmaChain::new(core, DmaDir::Mm2s, 0).bd(DmaBd::new(far)));
    d.dma(DmaChain::new(core, DmaDir::Mm2s, 1).bd(DmaBd::new(near).acquire(la, 1).release(lr, 1)));
    d.flow(core, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    let p = problems(&d);
    let dma: Vec<&ValidationError> = p
        .iter()
        .filter(|e| matches!(e, ValidationError::DmaProgram(_)))
        .collect();
    assert_eq!(dma.len(), 3, "{p:#?}");
    assert_eq!(
        *dma[0],
        ValidationError::DmaProgram(DmaProgramError::BufferElsewhere {
            at: at(DmaDir::Mm2s, 0),
            bd: 0,
            buffer: "far".into(),
            bcol: 0,
            brow: 3,
            neighbour_channels: 4
        })
    );
    let msg = dma[1].to_string();
    assert!(
        msg.contains("lock `la` of tile (0,3)") && msg.contains("use a lock of (0,2)"),
        "{msg}"
    );
    // And the two locks of that BD are on two tiles.
    assert!(matches!(
        dma[2],
        ValidationError::DmaProgram(DmaProgramError::LocksOnTwoTiles { .. })
    ));
}

#[test]
fn locks_come_in_pairs_within_the_lock_range() {
    let acquire_only = mm2s0(|b, a, _| DmaBd::new(b).acquire(a, 1), i32s(64));
    assert!(matches!(
        dma_problem(&acquire_only),
        DmaProgramError::HalfLocked {
            has: "acquires",
            missing: "release",
            ..
        }
    ));
    let release_only = mm2s0(|b, _, r| DmaBd::new(b).release(r, 1), i32s(64));
    assert!(matches!(
        dma_problem(&release_only),
        DmaProgramError::HalfLocked {
            has: "releases",
            ..
        }
    ));
    // 63 is the AIE2 lock maximum (aie-rt LockValUpperBound).
    assert!(problems(&mm2s0(
        |b, a, r| DmaBd::new(b).acquire(a, 63).release(r, 63),
        i32s(64)
    ))
    .is_empty());
    let e = dma_problem(&mm2s0(
        |b, a, r| DmaBd::new(b).acquire(a, 1).release(r, 64),
        i32s(64),
    ));
    assert!(
        matches!(
            e,
            DmaProgramError::LockValue {
                value: 64,
                max: 63,
                verb: "releases",
                ..
            }
        ),
        "{e}"
    );
    let e = dma_problem(&mm2s0(
        |b, a, r| DmaBd::new(b).acquire(a, u32::MAX).release(r, 1),
        i32s(64),
    ));
    assert!(matches!(e, DmaProgramError::LockValue { .. }), "{e}");
}

#[test]
fn offset_and_length_stay_in_the_buffer() {
    let ok = |bd: fn(aie_dsl::ir::BufferId) -> DmaBd| {
        problems(&mm2s0(move |b, _, _| bd(b), i32s(64))).is_empty()
    };
    let extent = |bd: fn(aie_dsl::ir::BufferId) -> DmaBd, ty: MemRefType| match dma_problem(&mm2s0(
        move |b, _, _| bd(b),
        ty,
    )) {
        DmaProgramError::Extent { problem, .. } => problem,
        e => panic!("{e}"),
    };
    assert!(ok(|b| DmaBd::new(b).offset(60).len(4)));
    assert!(ok(|b| DmaBd::new(b).offset(60)), "the rest of the buffer");
    assert!(extent(|b| DmaBd::new(b).offset(60).len(5), i32s(64))
        .contains("elements 60..65 lie past its end"));
    assert!(
        extent(|b| DmaBd::new(b).offset(u32::MAX).len(u32::MAX), i32s(64)).contains("past its end")
    );
    assert!(extent(|b| DmaBd::new(b).offset(64), i32s(64)).contains("moves no element"));
    assert!(extent(|b| DmaBd::new(b).len(0), i32s(64)).contains("moves no element"));
    // 32-bit words: 2 × i16 is a word, 3 is not; an i16 offset of 1 is half a word.
    let i16s = MemRefType::vector(64, ElemType::I16);
    assert!(problems(&mm2s0(|b, _, _| DmaBd::new(b).len(2), i16s.clone())).is_empty());
    assert!(extent(|b| DmaBd::new(b).len(3), i16s.clone()).contains("not a multiple of 4 bytes"));
    assert!(extent(|b| DmaBd::new(b).offset(1).len(2), i16s).contains("not on a 32-bit word"));
    // The compute tile's BD length field holds 2^14 − 1 words (aie-rt BUFFER_LENGTH_MASK
    // 0x3FFF): 16383 i32 fit, 16384 do not.
    let big = MemRefType::vector(16384, ElemType::I32);
    assert!(problems(&mm2s0(|b, _, _| DmaBd::new(b).len(16383), big.clone())).is_empty());
    assert!(extent(|b| DmaBd::new(b).len(16384), big).contains("at most 16383"));
}

#[test]
fn access_patterns_within_the_bd_limits() {
    let ok = |dims: Vec<Dim>, len: u32| {
        problems(&mm2s0(
            move |b, _, _| DmaBd::new(b).len(len).dims(dims.clone()),
            i32s(64),
        ))
        .is_empty()
    };
    let extent = |dims: Vec<Dim>, len: u32, offset: u32| match dma_problem(&mm2s0(
        move |b, _, _| DmaBd::new(b).offset(offset).len(len).dims(dims.clone()),
        i32s(64),
    )) {
        DmaProgramError::Extent { problem, .. } => problem,
        e => panic!("{e}"),
    };
    // 8 × 8 transposed: last element 7 + 56 = 63, inside 64.
    assert!(ok(vec![Dim::new(8, 1), Dim::new(8, 8)], 64));
    // From offset 1 the same pattern reaches 64.
    assert!(extent(vec![Dim::new(8, 1), Dim::new(8, 8)], 60, 4).contains("reaches element 67"));
    // A length past the pattern's elements.
    assert!(extent(vec![Dim::new(8, 1), Dim::new(8, 8)], 65, 0)
        .contains("more than the access pattern's 64"));
    // mlir-aie's DMABDOp::verify rules, shared with the FIFO layouts: 3 dims on a compute tile.
    let four = vec![Dim::new(2, 1); 4];
    assert!(extent(four, 16, 0).contains("at most 3"));
    assert!(extent(vec![Dim::new(2, 0)], 2, 0).contains("stride 0"));
    assert!(extent(vec![Dim::new(1, u32::MAX)], 1, 0).contains("exceeds"));
    assert!(extent(vec![Dim::new(u32::MAX, 1)], 4, 0).contains("reaches element"));
}

/// What the CDO writer counts in words must fit its fields: a compute tile's wrap field holds
/// 255 (aie-rt's AIE-ML tile DMA: `D0_WRAP` is 8 bits), and an i8 pattern's outer stride must
/// be whole words (the CDO would otherwise truncate it to another pattern).
#[test]
fn access_patterns_in_the_dmas_words() {
    let big = MemRefType::vector(1024, ElemType::I32);
    let with = |dims: Vec<Dim>, len: u32, ty: MemRefType| {
        problems(&mm2s0(
            move |b, _, _| DmaBd::new(b).len(len).dims(dims.clone()),
            ty,
        ))
    };
    assert!(with(vec![Dim::new(4, 255), Dim::new(255, 1)], 1020, big.clone()).is_empty());
    let p = with(vec![Dim::new(4, 256), Dim::new(256, 1)], 1024, big);
    assert!(
        p.len() == 1 && p[0].to_string().contains("wrap field holds at most 255"),
        "{p:#?}"
    );
    let i8s = MemRefType::vector(64, ElemType::I8);
    assert!(with(vec![Dim::new(4, 8), Dim::new(8, 1)], 32, i8s.clone()).is_empty());
    let p = with(vec![Dim::new(4, 6), Dim::new(4, 1)], 16, i8s);
    assert!(
        p.len() == 1
            && p[0]
                .to_string()
                .contains("stride of 6 bytes, not a whole number"),
        "{p:#?}"
    );
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let mut d = DesignBuilder::new("many", Device::Npu1_1Col);
    let core = d.compute_tile(0, 2);
    let b = d.buffer(core, "b", i32s(64));
    let l = d.lock(core, "l", None, 0);
    d.dma(DmaChain::new(core, DmaDir::Mm2s, 5).bd(DmaBd::new(b)));
    d.dma(DmaChain::new(core, DmaDir::S2mm, 0).bd(DmaBd::new(b).len(100).acquire(l, 70)));
    let p = problems(&d);
    assert_eq!(p.len(), 4, "{p:#?}"); // no such channel, lock value, half locked, extent
}

// ---- a whole build -----------------------------------------------------------------------------

/// Host → shim → mem tile → shim → host without FIFOs: the mem tile's S2MM 0 fills `ping` and
/// `pong` under placed locks, its MM2S 0 sends them back; no core, so the build writes every file,
/// the xclbin included. The mem tile's BDs read back with aie-rt's AIE-ML mem-tile layout
/// (`XAIEMLGBL_MEM_TILE_MODULE_DMA_BD0_0` at 0xA0000, BDs 0x20 apart; word 0: length in words;
/// word 1: next BD at bit 20, use-next-BD 19, base address in words at 0; word 7: valid 31,
/// release value 24, release id 16, acquire enable 15, acquire value 8, acquire id 0), where
/// mlir-aie adds the tile's own window to both (`getMemLocalBaseAddress`: 0x80000 bytes,
/// `getLockLocalBaseIndex`: 64 locks, lib/Dialect/AIE/IR/AIETargetModel.cpp).
#[test]
fn a_mem_tile_program_builds_to_an_xclbin() {
    let mut d = DesignBuilder::new("placed_mem", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let ping = d.buffer(mem, "ping", i32s(1024));
    let pong = d.buffer(mem, "pong", i32s(1024));
    let empty = d.lock(mem, "empty", None, 2);
    let full = d.lock(mem, "full", None, 0);
    let fill = |b| DmaBd::new(b).acquire(empty, 1).release(full, 1);
    let send = |b| DmaBd::new(b).acquire(full, 1).release(empty, 1);
    d.dma(
        DmaChain::new(mem, DmaDir::S2mm, 0)
            .bd(fill(ping))
            .bd(fill(pong)),
    );
    d.dma(
        DmaChain::new(mem, DmaDir::Mm2s, 0)
            .bd(send(ping))
            .bd(send(pong)),
    );
    d.flow(shim, WireBundle::Dma, 0, mem, WireBundle::Dma, 0);
    d.flow(mem, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    let to = d.shim_dma_allocation("to_mem", shim, DmaDir::Mm2s, 0);
    let from = d.shim_dma_allocation("from_mem", shim, DmaDir::S2mm, 0);
    d.runtime(|rt| {
        let a = rt.arg(i32s(4096));
        let b = rt.arg(i32s(4096));
        rt.transfer(to, a, Transfer::linear(4096));
        rt.transfer(from, b, Transfer::linear(4096));
        rt.wait_alloc(from);
    });
    let (v, phys, _) = lowered(d);
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-dsl-placed-dma-{}", std::process::id()));
    let built = aie_dsl::build(&v, &aie_dsl::BuildOptions::new(&out)).unwrap();
    assert!(built.missing.is_empty(), "{:?}", built.missing);
    for f in [
        "final.xclbin",
        "main.pdi",
        "main_aie_cdo_init.bin",
        "insts.bin",
    ] {
        assert!(built.dir.join(f).is_file(), "{f}");
    }
    let init = std::fs::read(built.dir.join("main_aie_cdo_init.bin")).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    let tile = 1u64 << 20; // (0,1)
    let addr = |name: &str| phys.buffer(name).unwrap().address;
    let lock = |name: &str| phys.lock(name).unwrap().id + 64;
    let bd = |n: u64| {
        blocks(&init)
            .into_iter()
            .find(|(a, _)| *a == tile + 0xA0000 + 0x20 * n)
            .unwrap_or_else(|| panic!("BD {n} of (0,1)"))
            .1
    };
    // S2MM 0 (even) takes BDs 0 and 1, MM2S 0 (even) the next free ones, 2 and 3.
    for (n, buf, next, acq, rel) in [
        (0, "ping", 1, "empty", "full"),
        (1, "pong", 0, "empty", "full"),
        (2, "ping", 3, "full", "empty"),
        (3, "pong", 2, "full", "empty"),
    ] {
        let w = bd(n);
        assert_eq!(w.len(), 8);
        assert_eq!(w[0] & 0x1FFFF, 1024, "length of BD {n} in words");
        assert_eq!((w[1] >> 20) & 0x3F, next, "next BD of BD {n}");
        assert_eq!((w[1] >> 19) & 1, 1, "use next BD");
        assert_eq!(w[1] & 0x7FFFF, (0x80000 + addr(buf)) / 4, "base of BD {n}");
        assert_eq!(w[7] >> 31, 1, "valid");
        assert_eq!((w[7] >> 24) & 0x7F, 1, "release value");
        assert_eq!((w[7] >> 16) & 0xFF, lock(rel), "release lock of BD {n}");
        assert_eq!((w[7] >> 15) & 1, 1, "acquire enabled");
        assert_eq!((w[7] >> 8) & 0x7F, 0x7F, "acquire value −1 (≥ 1)");
        assert_eq!(w[7] & 0xFF, lock(acq), "acquire lock of BD {n}");
    }
    let queue = |reg: u64| {
        writes(&init)
            .into_iter()
            .find(|(a, _)| *a == tile + reg)
            .unwrap_or_else(|| panic!("start queue {reg:#x}"))
            .1
    };
    // XAIEMLGBL_MEM_TILE_MODULE_DMA_S2MM_0_START_QUEUE / _MM2S_0_START_QUEUE.
    assert_eq!(queue(0xA0604) & 0x3F, 0);
    assert_eq!(queue(0xA0634) & 0x3F, 2);
}

// ---- random programs ---------------------------------------------------------------------------

/// A random design of hand-written programs on column 0's mem tile and two compute tiles, with
/// edge values (zero and huge lengths, offsets, channels, lock values, dims), sometimes beside a
/// FIFO into one of the cores.
fn random_design(seed: u64) -> DesignBuilder {
    let mut r = common::Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut d = DesignBuilder::new(format!("rand{seed}"), Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let c2 = d.compute_tile(0, 2);
    let c3 = d.compute_tile(0, 3);
    let tiles: [TileId; 3] = [mem.into(), c2.into(), c3.into()];
    let elems = [ElemType::I8, ElemType::I16, ElemType::I32, ElemType::Bf16];
    let mut buffers = Vec::new();
    let mut locks = Vec::new();
    for (i, &t) in tiles.iter().enumerate() {
        for k in 0..1 + r.below(3) {
            let n = [4u32, 16, 64, 256, 1000][r.below(5) as usize];
            let ty = MemRefType::vector(n, r.pick(&elems).unwrap());
            buffers.push((t, d.buffer(t, format!("b{i}_{k}"), ty)));
        }
        for k in 0..2 {
            locks.push((t, d.lock(t, format!("l{i}_{k}"), None, (r.below(3)) as u32)));
        }
    }
    let edge = |r: &mut common::Rng, small: u64| -> u32 {
        match r.below(8) {
            0 => 0,
            1 => u32::MAX,
            2 => 1 << r.below(20),
            _ => r.below(small) as u32,
        }
    };
    let mut taken: Vec<(TileId, DmaDir, u32)> = Vec::new();
    for _ in 0..1 + r.below(4) {
        let t = tiles[r.below(3) as usize];
        // One program in four is written carelessly; the others as a user who read the rules.
        let wild = r.below(4) == 0;
        let dir = if r.below(2) == 0 {
            DmaDir::S2mm
        } else {
            DmaDir::Mm2s
        };
        let channel = if wild && r.below(4) == 0 {
            edge(&mut r, 8)
        } else {
            let n = if t == tiles[0] { 6 } else { 2 };
            match (0..n).find(|c| !taken.contains(&(t, dir, *c))) {
                Some(c) => c,
                None => continue,
            }
        };
        taken.push((t, dir, channel));
        let mut chain = DmaChain::new(t, dir, channel);
        let own: Vec<_> = buffers
            .iter()
            .filter(|(bt, _)| *bt == t || (wild && r.below(10) == 0))
            .map(|(_, b)| *b)
            .collect();
        let own_locks: Vec<_> = locks
            .iter()
            .filter(|(lt, _)| *lt == t || (wild && r.below(10) == 0))
            .map(|(_, l)| *l)
            .collect();
        let count = 1 + r.below(5) + if wild && r.below(5) == 0 { 20 } else { 0 };
        for _ in 0..count {
            let Some(b) = r.pick(&own) else { break };
            let ty = d.design().buffers.get(b).unwrap().ty.clone();
            let (n, eb) = (ty.elements(), u64::from(ty.elem().bytes()));
            let per_word = (4 / eb).max(1);
            let mut bd = DmaBd::new(b);
            if wild {
                if r.below(3) == 0 {
                    bd = bd.offset(edge(&mut r, 64));
                }
                if r.below(2) == 0 {
                    bd = bd.len(edge(&mut r, 300));
                }
                if r.below(4) == 0 {
                    let k = 1 + r.below(4) as usize;
                    let dims: Vec<Dim> = (0..k)
                        .map(|_| Dim::new(edge(&mut r, 16).max(1) % 600, 1 + r.below(32) as u32))
                        .collect();
                    bd = bd.dims(dims);
                }
            } else {
                // Word-aligned offset and length inside the buffer; sometimes a 2-d pattern of
                // rows of `a` elements (a multiple of a word) `a` apart.
                let words = n / per_word;
                let off_words = r.below(words.max(1));
                let len_words = 1 + r.below((words - off_words).max(1));
                let (off, len) = (off_words * per_word, len_words * per_word);
                if r.below(3) == 0 && len >= 2 * per_word {
                    let a = per_word;
                    let rows = len / a;
                    bd = bd
                        .offset(off as u32)
                        .len((rows * a) as u32)
                        .dims([Dim::new(rows as u32, a as u32), Dim::new(a as u32, 1)]);
                } else {
                    bd = bd.offset(off as u32).len(len as u32);
                }
            }
            if let (Some(a), Some(l)) = (r.pick(&own_locks), r.pick(&own_locks)) {
                if r.below(4) != 0 {
                    let v = if wild && r.below(5) == 0 {
                        edge(&mut r, 70)
                    } else {
                        1
                    };
                    bd = bd.acquire(a, v);
                    if !wild || r.below(5) != 0 {
                        bd = bd.release(l, 1);
                    }
                }
            }
            chain = chain.bd(bd);
        }
        match r.below(6) {
            0 | 1 => chain = chain.ends(),
            2 => chain = chain.loop_to(r.below(count + u64::from(wild)) as usize),
            _ => {}
        }
        if r.below(4) == 0 {
            chain = chain.repeat_count(if wild {
                edge(&mut r, 5)
            } else {
                r.below(5) as u32
            });
        }
        d.dma(chain);
    }
    if r.below(3) == 0 {
        let f = d.fifo("f", shim, [c2], 2, i32s(64));
        d.runtime(|rt| {
            let a = rt.arg(i32s(64));
            rt.fill(f, a, Transfer::linear(64));
            rt.wait(f);
        });
    }
    d
}

/// Random programs, valid or not: validation or the lowering answers with a typed error, and
/// what they accept is written identically both ways and makes a CDO (whose writer checks every
/// BD field against the registers: what validation let through must fit them). The core-less
/// designs also go through a whole build.
#[test]
fn random_programs_are_rejected_with_a_type_or_written_exactly() {
    let (mut valid, mut lowered_n, mut rejected) = (0, 0, 0);
    for seed in 0..400 {
        let d = random_design(seed);
        let v = match d.finish() {
            Ok(v) => v,
            Err(e) => {
                let msg = e.to_string();
                assert!(!msg.is_empty());
                if std::env::var("SHOW").is_ok() && seed < 30 {
                    eprintln!("{msg}");
                }
                rejected += 1;
                continue;
            }
        };
        valid += 1;
        let Ok(low) = aie_dsl::lower::lower(&v) else {
            continue;
        };
        lowered_n += 1;
        let e = aie_dsl::emit::emit(&v).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(
            aie_dsl::emit::design_direct(&v).as_deref(),
            Some(e.mlir.as_str()),
            "seed {seed}"
        );
        assert_eq!(
            aie_dsl::emit::generic_direct(&v).as_deref(),
            Some(e.generic.as_str()),
            "seed {seed}"
        );
        let p = aie_dsl::emit::emit_physical(&v, &low.physical)
            .unwrap()
            .mlir;
        assert_eq!(
            aie_dsl::emit::physical_direct(&v, &low.physical).as_deref(),
            Some(p.as_str()),
            "seed {seed}"
        );
        cdo::write(&v, &low.physical, &CdoOptions::default()).unwrap_or_else(|e| {
            panic!(
                "seed {seed}: validation let through what the CDO writer refuses: {e}\n{}",
                e
            )
        });
    }
    assert!(
        valid > 40 && rejected > 40 && lowered_n > 40,
        "valid {valid}, lowered {lowered_n}, rejected {rejected}"
    );
}

/// test/assign-buffer-addresses/bad_alignment.mlir, its fourth case: a mem-tile buffer of
/// 128 × i16 at address 0 and a BD from element 3 — expected error "'aie.dma_bd' op bd address
/// must be 4 byte (32b) aligned; got base+offset: 6 (bytes)". Here the same BD is refused by
/// validation, before any address is chosen (an offset that is not a whole word cannot become
/// aligned, whatever the buffer's address). The length is 124 where the test says 128 (which
/// would run past the buffer, refused first). The test's other cases fix buffer addresses
/// (`address = 1` / `2`), which a design here does not say.
#[test]
fn a_misaligned_offset_as_in_mlir_aie_bad_alignment() {
    let mut d = DesignBuilder::new("bad_alignment", Device::Npu1);
    let t = d.mem_tile(0);
    let l0 = d.lock(t, "lock_0_1", None, 1);
    let l1 = d.lock(t, "lock_0_1_0", None, 0);
    let b = d.buffer(t, "buffer_0_1", MemRefType::vector(128, ElemType::I16));
    d.dma(
        DmaChain::new(t, DmaDir::S2mm, 0).bd(DmaBd::new(b)
            .offset(3)
            .len(124)
            .acquire(l0, 1)
            .release(l1, 1)),
    );
    match dma_problem(&d) {
        DmaProgramError::Extent {
            problem,
            bd: 0,
            buffer,
            ..
        } => {
            assert_eq!(buffer, "buffer_0_1");
            assert!(problem.contains("it starts 6 bytes into the buffer, not on a 32-bit word (mlir-aie: \"bd address must be 4 byte (32b) aligned\")"), "{problem}");
        }
        e => panic!("{e}"),
    }
    // Offset 2 (4 bytes) is aligned, and the buffer is the tile's first, at address 0.
    let mut d = DesignBuilder::new("aligned", Device::Npu1);
    let t = d.mem_tile(0);
    let l0 = d.lock(t, "lock_0_1", None, 1);
    let l1 = d.lock(t, "lock_0_1_0", None, 0);
    let b = d.buffer(t, "buffer_0_1", MemRefType::vector(128, ElemType::I16));
    d.dma(
        DmaChain::new(t, DmaDir::S2mm, 0).bd(DmaBd::new(b)
            .offset(2)
            .len(124)
            .acquire(l0, 1)
            .release(l1, 1)),
    );
    let (_, phys, text) = lowered(d);
    assert_eq!(phys.buffer("buffer_0_1").unwrap().address, 0);
    assert!(text.contains("aie.dma_bd(%buffer_0_1 : memref<128xi16>, 2, 124) {bd_id = 0 : i32, next_bd_id = 0 : i32}"), "{text}");
}

/// A mem tile's DMA reaches the west and east neighbour mem tiles' memory and locks on channels
/// 0..=3 (mlir-aie `MemTileDMAOp::verify`, `getMaxChannelNumForAdjacentMemTile` = 4), through
/// address windows 0 (west), 0x80000 (own), 0x100000 (east) and lock windows 0, 64, 128
/// (`getMemLocalBaseAddress`, `getLockLocalBaseIndex`, lib/Dialect/AIE/IR/AIETargetModel.cpp):
/// the BD words hold the buffer's address and the lock ids shifted by the window.
#[test]
fn mem_tile_dmas_reach_their_neighbours_on_channels_0_to_3() {
    let build = |channel: u32, split_locks: bool| {
        let mut d = DesignBuilder::new("neighbours", Device::Npu1_2Col);
        let m0 = d.mem_tile(0);
        let m1 = d.mem_tile(1);
        let _pad = d.buffer(m0, "pad", i32s(64));
        let west = d.buffer(m0, "west", i32s(256));
        let east = d.buffer(m1, "east", i32s(256));
        let w0 = d.lock(m0, "w0", Some(3), 1);
        let w1 = d.lock(m0, "w1", Some(5), 0);
        let e0 = d.lock(m1, "e0", Some(7), 1);
        let e1 = d.lock(m1, "e1", Some(9), 0);
        // (1,1) writes into its west neighbour's buffer, (0,1) reads its east neighbour's.
        let rel = if split_locks { e1 } else { w1 };
        d.dma(
            DmaChain::new(m1, DmaDir::S2mm, channel)
                .bd(DmaBd::new(west).acquire(w0, 1).release(rel, 1)),
        );
        d.dma(
            DmaChain::new(m0, DmaDir::Mm2s, 0).bd(DmaBd::new(east).acquire(e1, 1).release(e0, 1)),
        );
        d
    };
    let (v, phys, _) = lowered(build(2, false));
    let init = cdo::write(&v, &phys, &CdoOptions::default()).unwrap().init;
    let bd0 = |col: u64| {
        blocks(&init)
            .into_iter()
            .find(|(a, _)| *a == (col << 25) + (1 << 20) + 0xA0000)
            .unwrap_or_else(|| panic!("BD 0 of ({col},1)"))
            .1
    };
    let addr = |name: &str| phys.buffer(name).unwrap().address;
    // (1,1)'s BD: the west window.
    let w = bd0(1);
    assert_eq!(w[1] & 0x7FFFF, addr("west") / 4);
    assert_eq!((w[7] & 0xFF, (w[7] >> 16) & 0xFF), (3, 5));
    // (0,1)'s BD: the east window.
    let w = bd0(0);
    assert_eq!(w[1] & 0x7FFFF, (0x10_0000 + addr("east")) / 4);
    assert_eq!((w[7] & 0xFF, (w[7] >> 16) & 0xFF), (128 + 9, 128 + 7));

    // Channel 4 reaches only its own tile.
    let p = problems(&build(4, false));
    assert!(p.iter().any(|e| matches!(
        e,
        ValidationError::DmaProgram(DmaProgramError::BufferElsewhere {
            bcol: 0,
            brow: 1,
            ..
        })
    )));
    assert!(
        p.iter()
            .filter(|e| e.to_string().contains("does not reach"))
            .count()
            == 3,
        "{p:#?}"
    );
    // Acquire on one tile, release on another.
    let e = dma_problem(&build(0, true));
    assert!(matches!(e, DmaProgramError::LocksOnTwoTiles { .. }), "{e}");
    assert!(
        e.to_string().contains("`w0`") && e.to_string().contains("`e1`"),
        "{e}"
    );
}

/// test/Passes/assign-bd-ids/user_assigned.mlir, its first case in AIE2's lock protocol: the
/// compute tile's S2MM 0 chain asks for ids 0 and 1 on its first two BDs, S2MM 1 for 4 on its
/// second; the mem tile's S2MM 1 for 24. CHECK lines: 0, 1, 2 (next 1, 2, 0) and 3, 4, 5
/// (next 4, 5, 3) on the compute tile, 0, 1, 24, 25 without next on the mem tile — the chosen
/// ids are taken first and the others fill in around them.
#[test]
fn user_chosen_bd_ids_as_in_mlir_aie_assign_bd_ids_user_assigned() {
    let (v, phys, _) = assign_bd_ids_design(
        "user_assigned",
        &[
            (true, DmaDir::S2mm, 0, 0, 0),
            (true, DmaDir::S2mm, 0, 1, 1),
            (true, DmaDir::S2mm, 1, 1, 4),
            (false, DmaDir::S2mm, 1, 0, 24),
        ],
    );
    // The design's MLIR says the chosen ids as the test's input does.
    let design = aie_dsl::emit::emit(&v).unwrap().mlir;
    assert!(design.contains("aie.dma_bd(%double_buffer : memref<32xi32>, 0, 32) {bd_id = 4 : i32}"));
    assert!(design.contains("aie.dma_bd(%buffer_0_1 : memref<32xi32>, 0, 32) {bd_id = 24 : i32}"));
    assert_eq!(design.matches("bd_id").count(), 4);
    cdo::write(&v, &phys, &CdoOptions::default()).unwrap();
}

/// Chosen ids within the channel's BDs and once per tile; a FIFO on the tile takes others.
#[test]
fn chosen_bd_ids_are_checked() {
    let bad = one(i32s(64), |c, b, _, _| {
        DmaChain::new(c, DmaDir::Mm2s, 0).bd(DmaBd::new(b).bd_id(16))
    });
    assert_eq!(
        dma_problem(&bad),
        DmaProgramError::BdIdOutOfRange {
            at: at(DmaDir::Mm2s, 0),
            bd: 0,
            id: 16,
            range: "0..=15".into()
        }
    );
    let mut d = DesignBuilder::new("parity", Device::Npu1_1Col);
    let m = d.mem_tile(0);
    let b = d.buffer(m, "b", i32s(64));
    d.dma(DmaChain::new(m, DmaDir::S2mm, 1).bd(DmaBd::new(b).bd_id(23)));
    let e = dma_problem(&d);
    assert!(
        e.to_string()
            .contains("asks for BD id 23, but this channel uses ids 24..=47"),
        "{e}"
    );
    let twice = one(i32s(64), |c, b, _, _| {
        DmaChain::new(c, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(b).bd_id(7))
            .bd(DmaBd::new(b).bd_id(7))
    });
    assert!(matches!(
        dma_problem(&twice),
        DmaProgramError::BdIdTwice {
            id: 7,
            bd: 1,
            other_bd: 0,
            ..
        }
    ));
    // A FIFO end on the same tile numbers its BDs around the chosen ones.
    let (mut d, core) = core_sender();
    let shim = d.shim_tile(0);
    let sink = d.buffer(core, "sink", i32s(64));
    let (a, r) = (d.lock(core, "sa", None, 1), d.lock(core, "sr", None, 0));
    d.dma(
        DmaChain::new(core, DmaDir::S2mm, 1)
            .bd(DmaBd::new(sink).acquire(a, 1).release(r, 1).bd_id(3)),
    );
    let f = d.fifo("f", shim, [core], 2, i32s(64));
    d.runtime(|rt| {
        let x = rt.arg(i32s(64));
        rt.fill(f, x, Transfer::linear(64));
        rt.wait(f);
    });
    let (_, phys, _) = lowered(d);
    let ids: Vec<u32> = phys.dmas[&TileId::from(core)]
        .iter()
        .flat_map(|c| c.bds.iter().map(|b| b.bd_id))
        .collect();
    assert_eq!(ids, [0, 1, 3, 2, 4]);
}

/// A prologue: the chain's last BD goes back to its second (`loop_to(1)`), so the first runs
/// once. In mlir-aie's terms the last block's `aie.next_bd` names the second BD block; BD ids
/// follow the blocks, and `next_bd_id` the successors (`aie-assign-bd-ids` reads the successor
/// block's BD); the CDO's BD 2 names BD 1 next.
#[test]
fn a_chain_may_loop_back_past_a_prologue() {
    let mut d = DesignBuilder::new("prologue", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let header = d.buffer(core, "header", i32s(16));
    let ping = d.buffer(core, "ping", i32s(64));
    let pong = d.buffer(core, "pong", i32s(64));
    let (full, empty) = (
        d.lock(core, "full", None, 0),
        d.lock(core, "empty", None, 2),
    );
    let (h0, h1) = (d.lock(core, "h0", None, 1), d.lock(core, "h1", None, 0));
    d.dma(
        DmaChain::new(core, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(header).acquire(h0, 1).release(h1, 1))
            .bd(DmaBd::new(ping).acquire(full, 1).release(empty, 1))
            .bd(DmaBd::new(pong).acquire(full, 1).release(empty, 1))
            .loop_to(1),
    );
    d.flow(core, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    let (v, phys, text) = lowered(d);
    let ids: Vec<(u32, Option<u32>)> = phys.dmas[&TileId::from(core)][0]
        .bds
        .iter()
        .map(|b| (b.bd_id, b.next_bd_id))
        .collect();
    assert_eq!(ids, [(0, Some(1)), (1, Some(2)), (2, Some(1))]);
    let design = aie_dsl::emit::emit(&v).unwrap();
    for t in [&design.mlir, &text] {
        let next: Vec<&str> = t
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("aie.next_bd"))
            .collect();
        assert_eq!(
            next,
            ["aie.next_bd ^bb2", "aie.next_bd ^bb3", "aie.next_bd ^bb2"],
            "{t}"
        );
    }
    assert!(
        design.generic.contains("^bb2:  // 2 preds: ^bb1, ^bb3"),
        "{}",
        design.generic
    );
    let init = cdo::write(&v, &phys, &CdoOptions::default()).unwrap().init;
    let w = blocks(&init)
        .into_iter()
        .find(|(a, _)| *a == (2 << 20) + 0x1D000 + 0x20 * 2)
        .unwrap()
        .1;
    assert_eq!(
        ((w[5] >> 27) & 0xF, (w[5] >> 26) & 1),
        (1, 1),
        "BD 2 goes on to BD 1"
    );
    // A target past the chain.
    let bad = one(i32s(64), |c, b, _, _| {
        DmaChain::new(c, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(b))
            .loop_to(1)
    });
    assert_eq!(
        dma_problem(&bad),
        DmaProgramError::LoopTarget {
            at: at(DmaDir::Mm2s, 0),
            target: 1,
            bds: 1
        }
    );
}

// ---- against mlir-aie's tools ------------------------------------------------------------------

/// A mem tile's hand-written programs (a chosen BD id, a transposing pattern, offsets and
/// lengths, a chain looping back past its first BD) through the whole build, against what
/// aie-opt and aie-translate make of the same design (tests/data/aie_opt_placed_dma, see
/// PROVENANCE.md there): the physical MLIR's lines (up to op order), `insts.bin` and the three
/// CDO files byte for byte.
#[test]
fn a_mem_tile_program_as_aie_opt_and_aie_translate_make_it() {
    let mut d = DesignBuilder::new("zz_memdma", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let ty = i32s(256);
    let p = d.buffer(mem, "ping", ty.clone());
    let q = d.buffer(mem, "pong", ty);
    let e = d.lock(mem, "empty", None, 2);
    let f = d.lock(mem, "full", None, 0);
    d.dma(
        DmaChain::new(mem, DmaDir::S2mm, 0)
            .bd(DmaBd::new(p).acquire(e, 1).release(f, 1).bd_id(5))
            .bd(DmaBd::new(q).acquire(e, 1).release(f, 1)),
    );
    let transposed = vec![
        Dim {
            size: 16,
            stride: 16,
        },
        Dim {
            size: 16,
            stride: 1,
        },
    ];
    d.dma(
        DmaChain::new(mem, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(p).acquire(f, 1).release(e, 1).dims(transposed))
            .bd(DmaBd::new(q).acquire(f, 1).release(e, 1).offset(0).len(128))
            .bd(DmaBd::new(q)
                .acquire(f, 1)
                .release(e, 1)
                .offset(128)
                .len(128))
            .loop_to(1),
    );
    d.flow(shim, WireBundle::Dma, 0, mem, WireBundle::Dma, 0);
    d.flow(mem, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    let to = d.shim_dma_allocation("to_mem", shim, DmaDir::Mm2s, 0);
    let from = d.shim_dma_allocation("from_mem", shim, DmaDir::S2mm, 0);
    d.runtime(|rt| {
        let host = i32s(1024);
        let a = rt.arg(host.clone());
        let b = rt.arg(host);
        rt.transfer(to, a, Transfer::linear(1024));
        rt.transfer(from, b, Transfer::linear(1024));
        rt.wait_alloc(from);
    });
    let v = d.finish().expect("valid");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-opt-placed-dma-{}", std::process::id()));
    let built = aie_dsl::build(&v, &aie_dsl::BuildOptions::new(&out)).expect("builds");
    let data =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aie_opt_placed_dma");
    let read = |p: std::path::PathBuf| {
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let sorted = |bytes: Vec<u8>| common::sorted_lines(&String::from_utf8(bytes).expect("text"));
    assert_eq!(
        sorted(read(built.dir.join("zz_memdma.physical.mlir"))),
        sorted(read(data.join("memdma.physical.mlir"))),
        "physical MLIR"
    );
    assert_eq!(
        read(built.dir.join("insts.bin")),
        read(data.join("memdma.insts.bin")),
        "insts.bin"
    );
    for part in ["elfs", "init", "enable"] {
        let name = format!("main_aie_cdo_{part}.bin");
        assert_eq!(
            read(built.dir.join(&name)),
            read(data.join(format!("memdma.{name}"))),
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

//! The physical MLIR (after the ObjectFIFO transform, allocation passes and
//! convert-scf-to-cf) against mlir-aie's own output at 5ff2ab97d.

mod common;

/// aie-opt's physical MLIR of passthrough_kernel (aiecc's pass order at 5ff2ab97d), routing included, one
/// statement per line; comments dropped.
const AIE_OPT: &str = r#"
    module {
    aie.device(npu1_1col) {
    func.func private @passThroughLine(memref<1024xi32>, memref<1024xi32>, i32)
    %shim_noc_tile_0_0 = aie.tile(0, 0) {controller_id = #aie.packet_info<pkt_type = 0, pkt_id = 15>}
    %tile_0_2 = aie.tile(0, 2) {controller_id = #aie.packet_info<pkt_type = 0, pkt_id = 27>}
    %out_cons_prod_lock_0 = aie.lock(%shim_noc_tile_0_0, 2) {init = 0 : i32, sym_name = "out_cons_prod_lock_0"}
    %out_cons_cons_lock_0 = aie.lock(%shim_noc_tile_0_0, 3) {init = 0 : i32, sym_name = "out_cons_cons_lock_0"}
    %out_buff_0 = aie.buffer(%tile_0_2) {address = 1024 : i32, mem_bank = 0 : i32, sym_name = "out_buff_0"} : memref<1024xi32>
    %out_buff_1 = aie.buffer(%tile_0_2) {address = 16384 : i32, mem_bank = 1 : i32, sym_name = "out_buff_1"} : memref<1024xi32>
    %out_prod_lock_0 = aie.lock(%tile_0_2, 2) {init = 2 : i32, sym_name = "out_prod_lock_0"}
    %out_cons_lock_0 = aie.lock(%tile_0_2, 3) {init = 0 : i32, sym_name = "out_cons_lock_0"}
    %in_cons_buff_0 = aie.buffer(%tile_0_2) {address = 32768 : i32, mem_bank = 2 : i32, sym_name = "in_cons_buff_0"} : memref<1024xi32>
    %in_cons_buff_1 = aie.buffer(%tile_0_2) {address = 49152 : i32, mem_bank = 3 : i32, sym_name = "in_cons_buff_1"} : memref<1024xi32>
    %in_cons_prod_lock_0 = aie.lock(%tile_0_2, 0) {init = 2 : i32, sym_name = "in_cons_prod_lock_0"}
    %in_cons_cons_lock_0 = aie.lock(%tile_0_2, 1) {init = 0 : i32, sym_name = "in_cons_cons_lock_0"}
    %in_prod_lock_0 = aie.lock(%shim_noc_tile_0_0, 0) {init = 0 : i32, sym_name = "in_prod_lock_0"}
    %in_cons_lock_0 = aie.lock(%shim_noc_tile_0_0, 1) {init = 0 : i32, sym_name = "in_cons_lock_0"}
    %core_0_2 = aie.core(%tile_0_2) {
    %c1024_i32 = arith.constant 1024 : i32
    %c0 = arith.constant 0 : index
    %c9223372036854775806 = arith.constant 9223372036854775806 : index
    %c2 = arith.constant 2 : index
    cf.br ^bb1(%c0 : index)
    ^bb1(%0: index):
    %1 = arith.cmpi slt, %0, %c9223372036854775806 : index
    cf.cond_br %1, ^bb2, ^bb3
    ^bb2:
    aie.use_lock(%out_prod_lock_0, AcquireGreaterEqual, 1)
    aie.use_lock(%in_cons_cons_lock_0, AcquireGreaterEqual, 1)
    func.call @passThroughLine(%in_cons_buff_0, %out_buff_0, %c1024_i32) : (memref<1024xi32>, memref<1024xi32>, i32) -> ()
    aie.use_lock(%in_cons_prod_lock_0, Release, 1)
    aie.use_lock(%out_cons_lock_0, Release, 1)
    aie.use_lock(%out_prod_lock_0, AcquireGreaterEqual, 1)
    aie.use_lock(%in_cons_cons_lock_0, AcquireGreaterEqual, 1)
    func.call @passThroughLine(%in_cons_buff_1, %out_buff_1, %c1024_i32) : (memref<1024xi32>, memref<1024xi32>, i32) -> ()
    aie.use_lock(%in_cons_prod_lock_0, Release, 1)
    aie.use_lock(%out_cons_lock_0, Release, 1)
    %2 = arith.addi %0, %c2 : index
    cf.br ^bb1(%2 : index)
    ^bb3:
    aie.use_lock(%out_prod_lock_0, AcquireGreaterEqual, 1)
    aie.use_lock(%in_cons_cons_lock_0, AcquireGreaterEqual, 1)
    func.call @passThroughLine(%in_cons_buff_0, %out_buff_0, %c1024_i32) : (memref<1024xi32>, memref<1024xi32>, i32) -> ()
    aie.use_lock(%in_cons_prod_lock_0, Release, 1)
    aie.use_lock(%out_cons_lock_0, Release, 1)
    aie.end
    } {link_with = "passThrough.cc.o"}
    aie.runtime_sequence(%arg0: memref<4096xi32>, %arg1: memref<4096xi32>) {
    aiex.npu.dma_memcpy_nd(%arg0[0, 0, 0, 0][1, 1, 1, 4096][0, 0, 0, 1]) {id = 1 : i64, metadata = @in_shim_alloc} : memref<4096xi32>
    aiex.npu.dma_memcpy_nd(%arg1[0, 0, 0, 0][1, 1, 1, 4096][0, 0, 0, 1]) {id = 0 : i64, issue_token = true, metadata = @out_shim_alloc} : memref<4096xi32>
    aiex.npu.dma_wait {symbol = @out_shim_alloc}
    }
    aie.shim_dma_allocation @in_shim_alloc(%shim_noc_tile_0_0, MM2S, 0)
    %mem_0_2 = aie.mem(%tile_0_2) {
    %0 = aie.dma_start(S2MM, 0, ^bb1, ^bb3)
    ^bb1:
    aie.use_lock(%in_cons_prod_lock_0, AcquireGreaterEqual, 1)
    aie.dma_bd(%in_cons_buff_0 : memref<1024xi32>, 0, 1024) {bd_id = 0 : i32, next_bd_id = 1 : i32}
    aie.use_lock(%in_cons_cons_lock_0, Release, 1)
    aie.next_bd ^bb2
    ^bb2:
    aie.use_lock(%in_cons_prod_lock_0, AcquireGreaterEqual, 1)
    aie.dma_bd(%in_cons_buff_1 : memref<1024xi32>, 0, 1024) {bd_id = 1 : i32, next_bd_id = 0 : i32}
    aie.use_lock(%in_cons_cons_lock_0, Release, 1)
    aie.next_bd ^bb1
    ^bb3:
    %1 = aie.dma_start(MM2S, 0, ^bb4, ^bb6)
    ^bb4:
    aie.use_lock(%out_cons_lock_0, AcquireGreaterEqual, 1)
    aie.dma_bd(%out_buff_0 : memref<1024xi32>, 0, 1024) {bd_id = 2 : i32, next_bd_id = 3 : i32}
    aie.use_lock(%out_prod_lock_0, Release, 1)
    aie.next_bd ^bb5
    ^bb5:
    aie.use_lock(%out_cons_lock_0, AcquireGreaterEqual, 1)
    aie.dma_bd(%out_buff_1 : memref<1024xi32>, 0, 1024) {bd_id = 3 : i32, next_bd_id = 2 : i32}
    aie.use_lock(%out_prod_lock_0, Release, 1)
    aie.next_bd ^bb4
    ^bb6:
    aie.end
    }
    aie.shim_dma_allocation @out_shim_alloc(%shim_noc_tile_0_0, S2MM, 0)
    aie.packet_flow(15) {
    aie.packet_source<%shim_noc_tile_0_0, TileControl : 0>
    aie.packet_dest<%shim_noc_tile_0_0, South : 0>
    } {keep_pkt_header = true, priority_route = true}
    %switchbox_0_0 = aie.switchbox(%shim_noc_tile_0_0) {
    aie.connect<South : 3, North : 1>
    aie.connect<North : 1, South : 2>
    %0 = aie.amsel<5> (3)
    %1 = aie.masterset(South : 0, %0) {keep_pkt_header = true}
    aie.packet_rules(TileControl : 0) {
    aie.rule(31, 15, %0)
    }
    }
    %shim_mux_0_0 = aie.shim_mux(%shim_noc_tile_0_0) {
    aie.connect<DMA : 0, North : 3>
    aie.connect<North : 2, DMA : 0>
    }
    %mem_tile_0_1 = aie.tile(0, 1)
    %switchbox_0_1 = aie.switchbox(%mem_tile_0_1) {
    aie.connect<South : 1, North : 1>
    aie.connect<North : 1, South : 1>
    }
    %switchbox_0_2 = aie.switchbox(%tile_0_2) {
    aie.connect<South : 1, DMA : 0>
    aie.connect<DMA : 0, South : 1>
    }
    aie.wire(%shim_mux_0_0 : North, %switchbox_0_0 : South)
    aie.wire(%shim_noc_tile_0_0 : DMA, %shim_mux_0_0 : DMA)
    aie.wire(%mem_tile_0_1 : Core, %switchbox_0_1 : Core)
    aie.wire(%mem_tile_0_1 : DMA, %switchbox_0_1 : DMA)
    aie.wire(%switchbox_0_0 : North, %switchbox_0_1 : South)
    aie.wire(%tile_0_2 : Core, %switchbox_0_2 : Core)
    aie.wire(%tile_0_2 : DMA, %switchbox_0_2 : DMA)
    aie.wire(%switchbox_0_1 : North, %switchbox_0_2 : South)
    }
    }
"#;

fn sorted(lines: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = lines
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v
}

#[test]
fn passthrough_kernel_physical_mlir_matches_aie_opt_up_to_op_order() {
    let design = common::passthrough_kernel(true);
    let phys = aie_dsl::lower::objectfifo::lower(&design).unwrap();
    let ours = aie_dsl::emit::emit_physical(&design, &phys).unwrap().mlir;
    // Our output still holds the two flows the router would consume.
    let ours = sorted(
        ours.lines()
            .filter(|l| !l.trim_start().starts_with("aie.flow("))
            .map(String::from),
    );
    assert_eq!(ours, sorted(AIE_OPT.lines().map(String::from)));
}

#[test]
fn the_builds_direct_physical_mlir_matches_aie_opt_too() {
    // What a build writes (`Check::Skip`: the direct writer, `emit/direct/`).
    let design = common::passthrough_kernel(true);
    let phys = aie_dsl::lower::objectfifo::lower(&design).unwrap();
    assert!(aie_dsl::emit::physical_direct(&design, &phys).is_some());
    let ours = aie_dsl::emit::physical_mlir(&design, &phys, aie_dsl::emit::Check::Skip).unwrap();
    let ours = sorted(
        ours.lines()
            .filter(|l| !l.trim_start().starts_with("aie.flow("))
            .map(String::from),
    );
    assert_eq!(ours, sorted(AIE_OPT.lines().map(String::from)));
}

module {
  aie.device(npu1_1col) {
    %shim_noc_tile_0_0 = aie.tile(0, 0) {controller_id = #aie.packet_info<pkt_type = 0, pkt_id = 15>}
    %mem_tile_0_1 = aie.tile(0, 1) {controller_id = #aie.packet_info<pkt_type = 0, pkt_id = 26>}
    %ping = aie.buffer(%mem_tile_0_1) {address = 0 : i32, mem_bank = 0 : i32, sym_name = "ping"} : memref<256xi32> 
    %pong = aie.buffer(%mem_tile_0_1) {address = 65536 : i32, mem_bank = 1 : i32, sym_name = "pong"} : memref<256xi32> 
    %empty = aie.lock(%mem_tile_0_1, 0) {init = 2 : i32, sym_name = "empty"}
    %full = aie.lock(%mem_tile_0_1, 1) {init = 0 : i32, sym_name = "full"}
    aie.shim_dma_allocation @to_mem(%shim_noc_tile_0_0, MM2S, 0)
    aie.shim_dma_allocation @from_mem(%shim_noc_tile_0_0, S2MM, 0)
    %memtile_dma_0_1 = aie.memtile_dma(%mem_tile_0_1) {
      %0 = aie.dma_start(S2MM, 0, ^bb1, ^bb3)
    ^bb1:  // 2 preds: ^bb0, ^bb2
      aie.use_lock(%empty, AcquireGreaterEqual, 1)
      aie.dma_bd(%ping : memref<256xi32>, 0, 256) {bd_id = 5 : i32, next_bd_id = 0 : i32}
      aie.use_lock(%full, Release, 1)
      aie.next_bd ^bb2
    ^bb2:  // pred: ^bb1
      aie.use_lock(%empty, AcquireGreaterEqual, 1)
      aie.dma_bd(%pong : memref<256xi32>, 0, 256) {bd_id = 0 : i32, next_bd_id = 5 : i32}
      aie.use_lock(%full, Release, 1)
      aie.next_bd ^bb1
    ^bb3:  // pred: ^bb0
      %1 = aie.dma_start(MM2S, 0, ^bb4, ^bb7)
    ^bb4:  // pred: ^bb3
      aie.use_lock(%full, AcquireGreaterEqual, 1)
      aie.dma_bd(%ping : memref<256xi32>, 0, 256, [<size = 16, stride = 16>, <size = 16, stride = 1>]) {bd_id = 1 : i32, next_bd_id = 2 : i32}
      aie.use_lock(%empty, Release, 1)
      aie.next_bd ^bb5
    ^bb5:  // 2 preds: ^bb4, ^bb6
      aie.use_lock(%full, AcquireGreaterEqual, 1)
      aie.dma_bd(%pong : memref<256xi32>, 0, 128) {bd_id = 2 : i32, next_bd_id = 3 : i32}
      aie.use_lock(%empty, Release, 1)
      aie.next_bd ^bb6
    ^bb6:  // pred: ^bb5
      aie.use_lock(%full, AcquireGreaterEqual, 1)
      aie.dma_bd(%pong : memref<256xi32>, 128, 128) {bd_id = 3 : i32, next_bd_id = 2 : i32}
      aie.use_lock(%empty, Release, 1)
      aie.next_bd ^bb5
    ^bb7:  // pred: ^bb3
      aie.end
    }
    aie.runtime_sequence(%arg0: memref<1024xi32>, %arg1: memref<1024xi32>) {
      aiex.npu.dma_memcpy_nd(%arg0[0, 0, 0, 0][1, 1, 1, 1024][0, 0, 0, 1]) {id = 0 : i64, metadata = @to_mem} : memref<1024xi32>
      aiex.npu.dma_memcpy_nd(%arg1[0, 0, 0, 0][1, 1, 1, 1024][0, 0, 0, 1]) {id = 1 : i64, issue_token = true, metadata = @from_mem} : memref<1024xi32>
      aiex.npu.dma_wait {symbol = @from_mem}
    }
    aie.packet_flow(15) {
      aie.packet_source<%shim_noc_tile_0_0, TileControl : 0>
      aie.packet_dest<%shim_noc_tile_0_0, South : 0>
    } {keep_pkt_header = true, priority_route = true}
    %switchbox_0_0 = aie.switchbox(%shim_noc_tile_0_0) {
      aie.connect<South : 3, North : 4>
      aie.connect<North : 2, South : 2>
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
    %switchbox_0_1 = aie.switchbox(%mem_tile_0_1) {
      aie.connect<South : 4, DMA : 0>
      aie.connect<DMA : 0, South : 2>
    }
    aie.wire(%shim_mux_0_0 : North, %switchbox_0_0 : South)
    aie.wire(%shim_noc_tile_0_0 : DMA, %shim_mux_0_0 : DMA)
    aie.wire(%mem_tile_0_1 : Core, %switchbox_0_1 : Core)
    aie.wire(%mem_tile_0_1 : DMA, %switchbox_0_1 : DMA)
    aie.wire(%switchbox_0_0 : North, %switchbox_0_1 : South)
  }
}


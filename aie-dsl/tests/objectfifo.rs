//! The ObjectFIFO transform and allocation passes against mlir-aie's own output at 5ff2ab97d
//! (aie-opt's physical MLIR of the reference designs, aiecc's pass order at 5ff2ab97d: buffers with addresses and banks, locks with
//! ids and initial values, DMA chains with BD ids, flows, shim allocations, in IR order).

use aie_dsl::lower::objectfifo::lower;
use aie_dsl::lower::physical::Physical;
mod common;

use aie_dsl::prelude::*;
use common::i32s;

/// The physical design as lines that read like the MLIR.
fn render(d: &Design, p: &Physical) -> Vec<String> {
    let t = |id| d.tile_label(id);
    let mut out = Vec::new();
    for l in &p.locks {
        out.push(format!(
            "lock {} {} id {} init {}",
            l.name,
            t(l.tile),
            l.id,
            l.init
        ));
    }
    for b in &p.buffers {
        out.push(format!(
            "buffer {} {} address {} bank {:?} {}",
            b.name,
            t(b.tile),
            b.address,
            b.bank,
            b.ty
        ));
    }
    for (tile, chans) in &p.dmas {
        for c in chans {
            out.push(format!("dma {} {} {}", t(*tile), c.dir.keyword(), c.index));
            for bd in &c.bds {
                let lock = |x: Option<(usize, u32)>| {
                    x.map(|(l, n)| format!("{} {n}", p.locks[l].name))
                        .unwrap_or_default()
                };
                out.push(format!(
                    "  acq {} bd {} {} {} rel {} id {} next {:?}",
                    lock(bd.acquire),
                    p.buffers[bd.buffer].name,
                    bd.offset,
                    bd.len,
                    lock(bd.release),
                    bd.bd_id,
                    bd.next_bd_id
                ));
            }
        }
    }
    for f in &p.flows {
        out.push(format!(
            "flow {} {}:{} -> {} {}:{}",
            t(f.source.0),
            f.source.1.keyword(),
            f.source.2,
            t(f.dest.0),
            f.dest.1.keyword(),
            f.dest.2
        ));
    }
    for a in &p.shim_allocs {
        out.push(format!(
            "alloc {} {} {} {}",
            a.name,
            t(a.tile),
            a.dir.keyword(),
            a.channel
        ));
    }
    out
}

fn lines(s: &str) -> Vec<String> {
    // The expectations below are indented by 8 spaces; BD lines by 2 more.
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.strip_prefix("        ")
                .unwrap_or(l)
                .trim_end()
                .to_string()
        })
        .collect()
}

#[test]
fn passthrough_kernel_matches_aie_opt() {
    let design = common::passthrough_kernel(false);
    let phys = lower(&design).unwrap();
    let want = lines(
        "
        lock out_cons_prod_lock_0 (0,0) id 2 init 0
        lock out_cons_cons_lock_0 (0,0) id 3 init 0
        lock out_prod_lock_0 (0,2) id 2 init 2
        lock out_cons_lock_0 (0,2) id 3 init 0
        lock in_cons_prod_lock_0 (0,2) id 0 init 2
        lock in_cons_cons_lock_0 (0,2) id 1 init 0
        lock in_prod_lock_0 (0,0) id 0 init 0
        lock in_cons_lock_0 (0,0) id 1 init 0
        buffer out_buff_0 (0,2) address 1024 bank Some(0) memref<1024xi32>
        buffer out_buff_1 (0,2) address 16384 bank Some(1) memref<1024xi32>
        buffer in_cons_buff_0 (0,2) address 32768 bank Some(2) memref<1024xi32>
        buffer in_cons_buff_1 (0,2) address 49152 bank Some(3) memref<1024xi32>
        dma (0,2) S2MM 0
          acq in_cons_prod_lock_0 1 bd in_cons_buff_0 0 1024 rel in_cons_cons_lock_0 1 id 0 next Some(1)
          acq in_cons_prod_lock_0 1 bd in_cons_buff_1 0 1024 rel in_cons_cons_lock_0 1 id 1 next Some(0)
        dma (0,2) MM2S 0
          acq out_cons_lock_0 1 bd out_buff_0 0 1024 rel out_prod_lock_0 1 id 2 next Some(3)
          acq out_cons_lock_0 1 bd out_buff_1 0 1024 rel out_prod_lock_0 1 id 3 next Some(2)
        flow (0,0) DMA:0 -> (0,2) DMA:0
        flow (0,2) DMA:0 -> (0,0) DMA:0
        alloc in_shim_alloc (0,0) MM2S 0
        alloc out_shim_alloc (0,0) S2MM 0
        ",
    );
    assert_eq!(render(&design, &phys), want);
}

#[test]
fn passthrough_dmas_matches_aie_opt() {
    let mut d = DesignBuilder::new("passthrough_dmas", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let inp = d.fifo("in", shim, [mem], 2, i32s(1024));
    let out = d.fifo("out", mem, [shim], 2, i32s(1024));
    d.forward(inp, out);
    let design = d.finish().unwrap();
    let phys = lower(&design).unwrap();
    let want = lines(
        "
        lock out_cons_prod_lock_0 (0,0) id 2 init 0
        lock out_cons_cons_lock_0 (0,0) id 3 init 0
        lock in_cons_prod_lock_0 (0,1) id 0 init 2
        lock in_cons_cons_lock_0 (0,1) id 1 init 0
        lock in_prod_lock_0 (0,0) id 0 init 0
        lock in_cons_lock_0 (0,0) id 1 init 0
        buffer in_cons_buff_0 (0,1) address 0 bank Some(0) memref<1024xi32>
        buffer in_cons_buff_1 (0,1) address 65536 bank Some(1) memref<1024xi32>
        dma (0,1) S2MM 0
          acq in_cons_prod_lock_0 1 bd in_cons_buff_0 0 1024 rel in_cons_cons_lock_0 1 id 0 next Some(1)
          acq in_cons_prod_lock_0 1 bd in_cons_buff_1 0 1024 rel in_cons_cons_lock_0 1 id 1 next Some(0)
        dma (0,1) MM2S 0
          acq in_cons_cons_lock_0 1 bd in_cons_buff_0 0 1024 rel in_cons_prod_lock_0 1 id 2 next Some(3)
          acq in_cons_cons_lock_0 1 bd in_cons_buff_1 0 1024 rel in_cons_prod_lock_0 1 id 3 next Some(2)
        flow (0,0) DMA:0 -> (0,1) DMA:0
        flow (0,1) DMA:0 -> (0,0) DMA:0
        alloc in_shim_alloc (0,0) MM2S 0
        alloc out_shim_alloc (0,0) S2MM 0
        ",
    );
    assert_eq!(render(&design, &phys), want);
}

/// Like FileCheck's CHECK lines: every `want` line appears in `got`, in order.
fn check_in_order(got: &[String], want: &[String]) {
    let mut at = 0;
    for w in want {
        match got[at..].iter().position(|g| g == w) {
            Some(k) => at += k + 1,
            None => panic!(
                "expected line not found (in order): {w}\n--- got:\n{}",
                got.join("\n")
            ),
        }
    }
}

/// test/objectFifo-stateful-transform/data_movement_patterns/link/link_test_distribute_offsets.mlir
/// (on npu1 instead of xcve2302: the same AIE2 rules).
#[test]
fn split_with_offsets_matches_the_lit_test() {
    let mut d = DesignBuilder::new("link_distribute_offsets", Device::Npu1);
    let t20 = d.shim_tile(2);
    let t21 = d.mem_tile(2);
    let t22 = d.compute_tile(2, 2);
    let t23 = d.compute_tile(2, 3);
    let t33 = d.compute_tile(3, 3);
    let l1 = d.fifo("link1", t20, [t21], 2, i32s(48));
    let l2 = d.fifo(
        "link2",
        t21,
        [t22],
        2,
        MemRefType::new([4, 4], ElemType::I32),
    );
    let l3 = d.fifo("link3", t21, [t23], 2, i32s(20));
    let l4 = d.fifo("link4", t21, [t33], 2, i32s(12));
    d.split_at(l1, [l2, l3, l4], [0, 16, 36]);
    let design = d.finish().unwrap();
    let got = render(&design, &lower(&design).unwrap());
    let want = lines(
        "
        buffer link4_cons_buff_0 (3,3) address 0 bank Some(0) memref<12xi32>
        buffer link4_cons_buff_1 (3,3) address 16384 bank Some(1) memref<12xi32>
        buffer link3_cons_buff_0 (2,3) address 0 bank Some(0) memref<20xi32>
        buffer link2_cons_buff_0 (2,2) address 0 bank Some(0) memref<4x4xi32>
        buffer link1_cons_buff_0 (2,1) address 0 bank Some(0) memref<48xi32>
        buffer link1_cons_buff_1 (2,1) address 65536 bank Some(1) memref<48xi32>
        dma (2,1) S2MM 0
          acq link1_cons_prod_lock_0 1 bd link1_cons_buff_0 0 16 rel link1_cons_cons_lock_0 1 id 0 next Some(1)
          acq link1_cons_prod_lock_1 1 bd link1_cons_buff_0 16 20 rel link1_cons_cons_lock_1 1 id 1 next Some(2)
          acq link1_cons_prod_lock_2 1 bd link1_cons_buff_0 36 12 rel link1_cons_cons_lock_2 1 id 2 next Some(3)
          acq link1_cons_prod_lock_0 1 bd link1_cons_buff_1 0 16 rel link1_cons_cons_lock_0 1 id 3 next Some(4)
          acq link1_cons_prod_lock_1 1 bd link1_cons_buff_1 16 20 rel link1_cons_cons_lock_1 1 id 4 next Some(5)
          acq link1_cons_prod_lock_2 1 bd link1_cons_buff_1 36 12 rel link1_cons_cons_lock_2 1 id 5 next Some(0)
        dma (2,1) MM2S 0
          acq link1_cons_cons_lock_0 1 bd link1_cons_buff_0 0 16 rel link1_cons_prod_lock_0 1 id 6 next Some(7)
          acq link1_cons_cons_lock_0 1 bd link1_cons_buff_1 0 16 rel link1_cons_prod_lock_0 1 id 7 next Some(6)
        dma (2,1) MM2S 1
          acq link1_cons_cons_lock_1 1 bd link1_cons_buff_0 16 20 rel link1_cons_prod_lock_1 1 id 24 next Some(25)
          acq link1_cons_cons_lock_1 1 bd link1_cons_buff_1 16 20 rel link1_cons_prod_lock_1 1 id 25 next Some(24)
        dma (2,1) MM2S 2
          acq link1_cons_cons_lock_2 1 bd link1_cons_buff_0 36 12 rel link1_cons_prod_lock_2 1 id 8 next Some(9)
          acq link1_cons_cons_lock_2 1 bd link1_cons_buff_1 36 12 rel link1_cons_prod_lock_2 1 id 9 next Some(8)
        flow (2,0) DMA:0 -> (2,1) DMA:0
        flow (2,1) DMA:0 -> (2,2) DMA:0
        flow (2,1) DMA:1 -> (2,3) DMA:0
        flow (2,1) DMA:2 -> (3,3) DMA:0
        alloc link1_shim_alloc (2,0) MM2S 0
        ",
    );
    check_in_order(&got, &want);
    let locks = lines(
        "
        lock link4_cons_prod_lock_0 (3,3) id 0 init 2
        lock link4_cons_cons_lock_0 (3,3) id 1 init 0
        lock link3_cons_prod_lock_0 (2,3) id 0 init 2
        lock link3_cons_cons_lock_0 (2,3) id 1 init 0
        lock link2_cons_prod_lock_0 (2,2) id 0 init 2
        lock link2_cons_cons_lock_0 (2,2) id 1 init 0
        lock link1_cons_prod_lock_0 (2,1) id 0 init 2
        lock link1_cons_cons_lock_0 (2,1) id 1 init 0
        lock link1_cons_prod_lock_1 (2,1) id 2 init 2
        lock link1_cons_cons_lock_1 (2,1) id 3 init 0
        lock link1_cons_prod_lock_2 (2,1) id 4 init 2
        lock link1_cons_cons_lock_2 (2,1) id 5 init 0
        ",
    );
    check_in_order(&got, &locks);
}

/// test/objectFifo-stateful-transform/data_movement_patterns/link/link_test_join_offsets.mlir
#[test]
fn join_with_offsets_matches_the_lit_test() {
    let mut d = DesignBuilder::new("link_join_offsets", Device::Npu1);
    let t20 = d.shim_tile(2);
    let t21 = d.mem_tile(2);
    let t22 = d.compute_tile(2, 2);
    let t23 = d.compute_tile(2, 3);
    let t33 = d.compute_tile(3, 3);
    let l1 = d.fifo(
        "link1",
        t22,
        [t21],
        2,
        MemRefType::new([4, 4], ElemType::I32),
    );
    let l2 = d.fifo("link2", t23, [t21], 2, i32s(20));
    let l3 = d.fifo("link3", t33, [t21], 2, i32s(12));
    let l4 = d.fifo("link4", t21, [t20], 2, i32s(48));
    d.join_at([l1, l2, l3], [0, 16, 36], l4);
    let design = d.finish().unwrap();
    let got = render(&design, &lower(&design).unwrap());
    let want = lines(
        "
        lock link4_prod_lock_0 (2,1) id 0 init 2
        lock link4_cons_lock_0 (2,1) id 1 init 0
        lock link4_prod_lock_1 (2,1) id 2 init 2
        lock link4_cons_lock_1 (2,1) id 3 init 0
        lock link4_prod_lock_2 (2,1) id 4 init 2
        lock link4_cons_lock_2 (2,1) id 5 init 0
        lock link3_prod_lock_0 (3,3) id 0 init 2
        lock link3_cons_lock_0 (3,3) id 1 init 0
        lock link2_prod_lock_0 (2,3) id 0 init 2
        lock link2_cons_lock_0 (2,3) id 1 init 0
        lock link1_prod_lock_0 (2,2) id 0 init 2
        lock link1_cons_lock_0 (2,2) id 1 init 0
        buffer link4_buff_0 (2,1) address 0 bank Some(0) memref<48xi32>
        buffer link4_buff_1 (2,1) address 65536 bank Some(1) memref<48xi32>
        buffer link3_buff_0 (3,3) address 0 bank Some(0) memref<12xi32>
        buffer link2_buff_0 (2,3) address 0 bank Some(0) memref<20xi32>
        buffer link1_buff_0 (2,2) address 0 bank Some(0) memref<4x4xi32>
        buffer link1_buff_1 (2,2) address 16384 bank Some(1) memref<4x4xi32>
        dma (2,2) MM2S 0
          acq link1_cons_lock_0 1 bd link1_buff_0 0 16 rel link1_prod_lock_0 1 id 0 next Some(1)
          acq link1_cons_lock_0 1 bd link1_buff_1 0 16 rel link1_prod_lock_0 1 id 1 next Some(0)
        dma (2,1) S2MM 0
          acq link4_prod_lock_0 1 bd link4_buff_0 0 16 rel link4_cons_lock_0 1 id 0 next Some(1)
          acq link4_prod_lock_0 1 bd link4_buff_1 0 16 rel link4_cons_lock_0 1 id 1 next Some(0)
        dma (2,1) S2MM 1
          acq link4_prod_lock_1 1 bd link4_buff_0 16 20 rel link4_cons_lock_1 1 id 24 next Some(25)
          acq link4_prod_lock_1 1 bd link4_buff_1 16 20 rel link4_cons_lock_1 1 id 25 next Some(24)
        dma (2,1) S2MM 2
          acq link4_prod_lock_2 1 bd link4_buff_0 36 12 rel link4_cons_lock_2 1 id 2 next Some(3)
          acq link4_prod_lock_2 1 bd link4_buff_1 36 12 rel link4_cons_lock_2 1 id 3 next Some(2)
        dma (2,1) MM2S 0
          acq link4_cons_lock_0 1 bd link4_buff_0 0 16 rel link4_prod_lock_0 1 id 4 next Some(5)
          acq link4_cons_lock_1 1 bd link4_buff_0 16 20 rel link4_prod_lock_1 1 id 5 next Some(6)
          acq link4_cons_lock_2 1 bd link4_buff_0 36 12 rel link4_prod_lock_2 1 id 6 next Some(7)
          acq link4_cons_lock_0 1 bd link4_buff_1 0 16 rel link4_prod_lock_0 1 id 7 next Some(8)
          acq link4_cons_lock_1 1 bd link4_buff_1 16 20 rel link4_prod_lock_1 1 id 8 next Some(9)
          acq link4_cons_lock_2 1 bd link4_buff_1 36 12 rel link4_prod_lock_2 1 id 9 next Some(4)
        flow (2,2) DMA:0 -> (2,1) DMA:0
        flow (2,3) DMA:0 -> (2,1) DMA:1
        flow (3,3) DMA:0 -> (2,1) DMA:2
        flow (2,1) DMA:0 -> (2,0) DMA:0
        alloc link4_shim_alloc (2,0) S2MM 0
        ",
    );
    check_in_order(&got, &want);
}

/// A lowered core program as lines that read like the MLIR.
fn render_core(
    d: &Design,
    p: &Physical,
    body: &[aie_dsl::lower::core::LStmt],
    indent: usize,
    out: &mut Vec<String>,
) {
    use aie_dsl::lower::core::{LArg, LStmt};
    let pad = "  ".repeat(indent);
    for s in body {
        match s {
            LStmt::For {
                lower,
                upper,
                step,
                body,
            } => {
                out.push(format!("{pad}for {lower}..{upper} step {step}"));
                render_core(d, p, body, indent + 1, out);
            }
            LStmt::UseLock {
                lock,
                action,
                value,
            } => out.push(format!(
                "{pad}use_lock {} {} {value}",
                p.locks[*lock].name,
                action.keyword()
            )),
            LStmt::Call { kernel, args } => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        LArg::Buffer(b) => p.buffers[*b].name.clone(),
                        LArg::Scalar(s) => format!("{s:?}"),
                    })
                    .collect();
                out.push(format!(
                    "{pad}call {}({})",
                    d.kernels.get(*kernel).unwrap().symbol,
                    args.join(", ")
                ));
            }
        }
    }
}

#[test]
fn passthrough_kernel_core_program_matches_aie_opt() {
    // aie-opt's physical MLIR of passthrough_kernel, core (0,2): the endless loop
    // unrolled by 2 with the odd last iteration peeled (after convert-scf-to-cf there).
    let design = common::passthrough_kernel(false);
    let phys = lower(&design).unwrap();
    let mut got = Vec::new();
    render_core(&design, &phys, &phys.cores[0].body, 0, &mut got);
    let iteration = |b: u32, pad: &str| {
        vec![
            format!("{pad}use_lock out_prod_lock_0 AcquireGreaterEqual 1"),
            format!("{pad}use_lock in_cons_cons_lock_0 AcquireGreaterEqual 1"),
            format!("{pad}call passThroughLine(in_cons_buff_{b}, out_buff_{b}, I32(1024))"),
            format!("{pad}use_lock in_cons_prod_lock_0 Release 1"),
            format!("{pad}use_lock out_cons_lock_0 Release 1"),
        ]
    };
    let mut want = vec!["for 0..9223372036854775806 step 2".to_string()];
    want.extend(iteration(0, "  "));
    want.extend(iteration(1, "  "));
    want.extend(iteration(0, ""));
    assert_eq!(got, want);
    assert_eq!(phys.cores[0].link_with.as_deref(), Some("passThrough.cc.o"));
}

#[test]
fn nested_loops_unroll_inner_first_and_keep_held_objects() {
    // vector_scalar_mul's shape: the factor is held across an inner loop of 4 tiles.
    let mut d = DesignBuilder::new("vsm", Device::Npu1_1Col);
    let t = i32s(64);
    let f1 = i32s(1);
    let k = d.kernel(Kernel::new(
        "scale",
        [t.clone().into(), t.clone().into(), f1.clone().into()],
        "scale.o",
    ));
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let inp = d.fifo("in", shim, [core], 2, t.clone());
    let fac = d.fifo("fac", shim, [core], 2, f1);
    let out = d.fifo("out", core, [shim], 2, t);
    d.core(core, |c| {
        c.forever(|c| {
            let f = c.consume(fac, 1);
            c.repeat(4, |c| {
                let o = c.produce(out, 1);
                let i = c.consume(inp, 1);
                c.call(k, [i.get(0), o.get(0), f.get(0)]);
                c.release(i);
                c.release(o);
            });
            c.release(f);
        })
    });
    let design = d.finish().unwrap();
    let phys = lower(&design).unwrap();
    let mut got = Vec::new();
    render_core(&design, &phys, &phys.cores[0].body, 0, &mut got);
    let inner = |fb: u32, pad: &str| {
        let mut v = vec![format!("{pad}for 0..4 step 2")];
        for b in 0..2 {
            v.push(format!(
                "{pad}  use_lock out_prod_lock_0 AcquireGreaterEqual 1"
            ));
            v.push(format!(
                "{pad}  use_lock in_cons_cons_lock_0 AcquireGreaterEqual 1"
            ));
            v.push(format!(
                "{pad}  call scale(in_cons_buff_{b}, out_buff_{b}, fac_cons_buff_{fb})"
            ));
            v.push(format!("{pad}  use_lock in_cons_prod_lock_0 Release 1"));
            v.push(format!("{pad}  use_lock out_cons_lock_0 Release 1"));
        }
        v
    };
    let outer = |fb: u32, pad: &str| {
        let mut v = vec![format!(
            "{pad}use_lock fac_cons_cons_lock_0 AcquireGreaterEqual 1"
        )];
        v.extend(inner(fb, pad));
        v.push(format!("{pad}use_lock fac_cons_prod_lock_0 Release 1"));
        v
    };
    let mut want = vec!["for 0..9223372036854775806 step 2".to_string()];
    want.extend(outer(0, "  "));
    want.extend(outer(1, "  "));
    want.extend(outer(0, ""));
    assert_eq!(got, want);
}

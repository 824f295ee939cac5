//! No user design may panic the library: thousands of random designs (most of them invalid)
//! go through validation, and the valid ones through emission, lowering and the instruction
//! stream. Every call must return.

use aie_dsl::ir::FifoPort;
use aie_dsl::prelude::*;

mod common;
use common::Rng;

const ELEMS: [ElemType; 6] = [
    ElemType::I8,
    ElemType::U8,
    ElemType::I16,
    ElemType::I32,
    ElemType::Bf16,
    ElemType::F32,
];

fn random_design(r: &mut Rng) -> DesignBuilder {
    let device = Device::ALL[r.below(4) as usize];
    let mut d = DesignBuilder::new("random", device);
    let mut tiles: Vec<aie_dsl::ir::TileId> = Vec::new();
    let mut computes = Vec::new();
    for _ in 0..1 + r.below(6) {
        let col = r.below(5) as u32;
        match r.below(3) {
            0 => tiles.push(d.shim_tile(col).into()),
            1 => tiles.push(d.mem_tile(col).into()),
            _ => {
                let t = d.compute_tile(col, r.below(8) as u32);
                computes.push(t);
                tiles.push(t.into());
            }
        }
    }
    let ty = |r: &mut Rng| {
        let dims: Vec<u32> = (0..1 + r.below(2)).map(|_| r.below(600) as u32).collect();
        MemRefType::new(dims, ELEMS[r.below(6) as usize])
    };
    let mut fifos = Vec::new();
    for i in 0..r.below(6) {
        let (Some(p), Some(c)) = (r.pick(&tiles), r.pick(&tiles)) else {
            break;
        };
        let mut consumers = vec![c];
        if r.below(4) == 0 {
            if let Some(c2) = r.pick(&tiles) {
                consumers.push(c2);
            }
        }
        let t = ty(r);
        let mut spec = FifoSpec::new(p, consumers, r.below(4) as u32, t);
        if r.below(5) == 0 {
            spec = spec.depths(vec![r.below(3) as u32; 1 + r.below(3) as usize]);
        }
        if r.below(6) == 0 {
            spec = spec.dims_to_stream([Dim::new(r.below(9) as u32, r.below(9) as u32)]);
        }
        if r.below(6) == 0 {
            spec = spec.dims_from_stream(r.below(3) as usize, [Dim::new(2, 1)]);
        }
        if r.below(8) == 0 {
            spec = spec.repeat_count(r.below(3) as u32);
        }
        if r.below(8) == 0 {
            spec = spec.via_dma();
        }
        if r.below(10) == 0 {
            spec = spec.init_values(vec![vec![1, 2, 3]; r.below(3) as usize]);
        }
        fifos.push(d.fifo_with(format!("f{i}"), spec));
    }
    if fifos.len() >= 2 && r.below(3) == 0 {
        let (a, b) = (fifos[0], fifos[1]);
        match r.below(3) {
            0 => d.forward(a, b),
            1 => d.split(a, fifos[1..].to_vec()),
            _ => d.join(fifos[..fifos.len() - 1].to_vec(), fifos[fifos.len() - 1]),
        }
    }
    let kt = ty(r);
    let k = d.kernel(Kernel::new("k", [kt.into(), ScalarType::I32.into()], "k.o"));
    for &c in computes.iter().take(1 + r.below(3) as usize) {
        let fifos = fifos.clone();
        let depth = r.below(3);
        let seed = r.next();
        d.core(c, |b| {
            let mut r = Rng(seed | 1);
            let body = |b: &mut CoreBuilder<'_>, r: &mut Rng| {
                if let Some(f) = r.pick(&fifos) {
                    let port = if r.below(2) == 0 {
                        FifoPort::Produce
                    } else {
                        FifoPort::Consume
                    };
                    let a = b.acquire(f, port, r.below(4) as u32);
                    b.call(k, [a.get(r.below(3) as u32), Scalar::I32(1).into()]);
                    b.release_n(f, port, r.below(4) as u32);
                }
            };
            match depth {
                0 => body(b, &mut r),
                1 => b.forever(|b| body(b, &mut r)),
                _ => b.repeat(r.below(5), |b| body(b, &mut r)),
            }
        });
    }
    if r.below(2) == 0 {
        let fifos = fifos.clone();
        let seed = r.next();
        d.runtime(|rt| {
            let mut r = Rng(seed | 1);
            let a = rt.arg(MemRefType::vector(
                r.below(5000) as u32,
                ELEMS[r.below(6) as usize],
            ));
            for _ in 0..r.below(5) {
                let Some(f) = r.pick(&fifos) else { break };
                let t = Transfer::nd(
                    [0, 0, 0, r.below(10) as i64],
                    [
                        1 + r.below(3) as i64,
                        1 + r.below(3) as i64,
                        1 + r.below(4) as i64,
                        r.below(2000) as i64,
                    ],
                    [
                        r.below(100) as i64,
                        r.below(100) as i64,
                        r.below(100) as i64,
                        r.below(3) as i64,
                    ],
                );
                match r.below(3) {
                    0 => rt.fill(f, a, t),
                    1 => rt.drain(f, a, t),
                    _ => rt.wait(f),
                }
            }
        });
    }
    d
}

#[test]
fn random_designs_never_panic() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..20000 {
        let d = random_design(&mut r);
        match d.finish() {
            Ok(design) => {
                valid += 1;
                if let Ok(phys) = aie_dsl::lower::objectfifo::lower(&design) {
                    // A design that lowers has CDO files.
                    aie_dsl::back::cdo::write(&design, &phys, &Default::default())
                        .unwrap_or_else(|e| panic!("lowered design has no CDO: {e}\n{design:#?}"));
                }
                let _ = aie_dsl::instructions(&design);
                let _ = aie_dsl::report::summary(&design);
                if valid % 10 == 0 {
                    // Emission is slower (MLIR); sample it, and it must succeed on valid designs.
                    aie_dsl::emit::emit(&design).unwrap_or_else(|e| {
                        panic!("valid design failed to emit: {e}\n{design:#?}")
                    });
                }
            }
            Err(e) => {
                invalid += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    // The generator must exercise both paths for the test to mean something.
    eprintln!("random designs: {valid} valid, {invalid} invalid");
    assert!(
        valid > 20 && invalid > 100,
        "valid {valid}, invalid {invalid}"
    );
}

//! `cargo bench -p designs`: time from a design function to its verified MLIR text, to its
//! physical MLIR (verified, and as a build writes it), to every file of a build, and to its
//! instruction stream, per design,
//! and the cost of the MLIR context (four dialects loaded) on its own.
//!
//! Plain `std::time` sampling (no benchmark framework, to keep the dependency tree lean):
//! each figure is the median of several batches.

use std::time::{Duration, Instant};

fn median_per_iter(mut f: impl FnMut(), iters: u32, batches: u32) -> Duration {
    f(); // warm up
    let mut samples: Vec<Duration> = (0..batches)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed() / iters
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let ctx = median_per_iter(
        || {
            std::hint::black_box(aie_dsl::emit::context());
        },
        50,
        9,
    );
    println!(
        "{:<46} {:>8.3} ms",
        "context (func, arith, scf, memref)",
        ctx.as_secs_f64() * 1e3
    );
    for (name, design) in designs::all() {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let build = median_per_iter(
            || {
                std::hint::black_box(design().expect("valid design"));
            },
            200,
            9,
        );
        let d = design().expect("valid design");
        let emit = median_per_iter(
            || {
                std::hint::black_box(aie_dsl::compile(&d).expect("emits"));
            },
            30,
            9,
        );
        println!(
            "{:<46} {:>8.3} ms",
            format!("{name}: build + validate"),
            build.as_secs_f64() * 1e3
        );
        println!(
            "{:<46} {:>8.3} ms",
            format!("{name}: validate + emit (verified)"),
            emit.as_secs_f64() * 1e3
        );
        let lowered = median_per_iter(
            || {
                let phys = aie_dsl::lower::objectfifo::lower(&d).expect("lowers");
                std::hint::black_box(aie_dsl::instructions(&d).expect("lowers"));
                std::hint::black_box(phys);
            },
            200,
            9,
        );
        println!(
            "{:<46} {:>8.3} ms",
            format!("{name}: lowering + insts.bin words"),
            lowered.as_secs_f64() * 1e3
        );
        let physical = median_per_iter(
            || {
                let phys = aie_dsl::lower::objectfifo::lower(&d).expect("lowers");
                std::hint::black_box(aie_dsl::emit::emit_physical(&d, &phys).expect("emits"));
            },
            30,
            9,
        );
        println!(
            "{:<46} {:>8.3} ms",
            format!("{name}: lowering + physical MLIR (verified)"),
            physical.as_secs_f64() * 1e3
        );
        let direct = median_per_iter(
            || {
                let phys = aie_dsl::lower::objectfifo::lower(&d).expect("lowers");
                std::hint::black_box(
                    aie_dsl::emit::physical_mlir(&d, &phys, aie_dsl::emit::Check::Skip)
                        .expect("emits"),
                );
            },
            30,
            9,
        );
        println!(
            "{:<46} {:>8.3} ms",
            format!("{name}: lowering + physical MLIR (as built)"),
            direct.as_secs_f64() * 1e3
        );
        // The whole pipeline in-process, every file written (a build without Peano).
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-emit");
        let options = designs::build_options(&out);
        let whole = median_per_iter(
            || {
                std::hint::black_box(aie_dsl::build(&d, &options).expect("builds"));
            },
            10,
            9,
        );
        println!(
            "{:<46} {:>8.3} ms",
            format!("{name}: aie_dsl::build, every file"),
            whole.as_secs_f64() * 1e3
        );
        let insts = median_per_iter(
            || {
                std::hint::black_box(aie_dsl::instructions(&d).expect("lowers"));
            },
            200,
            9,
        );
        println!(
            "{:<46} {:>8.3} ms",
            format!("{name}: insts.bin words alone (runtime sequence)"),
            insts.as_secs_f64() * 1e3
        );
    }
}

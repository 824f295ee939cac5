//! `cargo bench -p designs --bench scaling`: how the lowering grows with the design.
//!
//! The designs come from [`designs::scaling::grid`]: 1 to 16 cores on one or four columns,
//! 2 to 48 ObjectFIFOs. Each row times the lowering (ObjectFIFO transform, allocation, core
//! rewrite, routing: `aie_dsl::lower::objectfifo::lower`) plus the instruction stream
//! (`aie_dsl::instructions`) and, as the difference between `lower` and `lower_resources`,
//! the routing's share; it prints a table.
//! Plain `std::time` sampling, as in `emit.rs`: each figure is the median of several batches.

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

/// (cores, columns) of each row.
const SIZES: [(u32, u32); 7] = [(1, 1), (4, 1), (1, 4), (4, 4), (8, 4), (12, 4), (16, 4)];

fn main() {
    println!(
        "{:>5} {:>4} {:>5} {:>5} {:>8} {:>20} {:>14} {:>22}",
        "cores",
        "cols",
        "fifos",
        "flows",
        "switches",
        "lower + insts (ms)",
        "per FIFO (ms)",
        "build, all files (ms)"
    );
    let out = std::env::temp_dir().join(format!("aie-bench-scaling-{}", std::process::id()));
    for (cores, cols) in SIZES {
        let d = designs::scaling::grid(cores, cols).expect("valid design");
        let lowered = aie_dsl::lower::lower(&d).expect("lowers");
        let iters = (100 / d.fifos.len() as u32).max(3);
        let t = median_per_iter(
            || {
                let l = aie_dsl::lower::lower(&d).expect("lowers");
                std::hint::black_box(aie_dsl::back::insts::words(d.device, &l.npu));
            },
            iters,
            7,
        );
        let options = designs::build_options(&out);
        let whole = median_per_iter(
            || {
                std::hint::black_box(aie_dsl::build(&d, &options).expect("builds"));
            },
            3,
            5,
        );
        let ms = t.as_secs_f64() * 1e3;
        println!(
            "{:>5} {:>4} {:>5} {:>5} {:>8} {:>20.3} {:>14.4} {:>22.2}",
            cores,
            cols,
            d.fifos.len(),
            lowered.physical.flows.len(),
            lowered.physical.routing.switches.len(),
            ms,
            ms / d.fifos.len() as f64,
            whole.as_secs_f64() * 1e3
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

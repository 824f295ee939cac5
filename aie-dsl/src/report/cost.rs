//! A rough cost estimate of one run of a design: the bytes each runtime transfer moves, the time
//! the shim DMA needs for them at its stream bandwidth, and how many times each core calls each
//! kernel.
//!
//! It is an estimate, and says so: DMA times assume every shim channel streams
//! [`npu1::SHIM_DMA_BYTES_PER_CYCLE`] bytes each cycle of a nominal
//! [`npu1::ESTIMATE_CLOCK_HZ`] clock with no stalls (host memory, the NoC and the cores can be
//! slower); kernel call counts follow the objects the runtime moves through each FIFO and
//! the objects each core releases per iteration of its endless loop.

use std::collections::BTreeMap;

use crate::ir::{CoreStmt, Design, DmaTarget, FifoId, RuntimeOp, TransferDir};
use crate::lower::{shim_channels, ShimChannel};
use crate::target::npu1;

/// One runtime transfer (`dma_memcpy_nd`) and what it costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferCost {
    /// Position among the runtime sequence's transfers, from 0.
    pub index: usize,
    /// The FIFO (or hand-placed shim allocation) it goes through.
    pub target: String,
    /// Which way.
    pub dir: TransferDir,
    /// Host buffer argument.
    pub arg: u32,
    /// Elements moved: the product of the four sizes.
    pub elements: u64,
    /// Bytes moved.
    pub bytes: u64,
    /// The shim channel it uses, if known.
    pub channel: Option<ShimChannel>,
    /// Estimated DMA time, in nanoseconds, at one channel's bandwidth.
    pub dma_ns: u64,
}

/// How often one core calls one kernel per run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelCalls {
    /// The core's tile `(col, row)`.
    pub tile: (u32, u32),
    /// The kernel's symbol.
    pub kernel: String,
    /// Calls per run, when the objects moved per run determine it.
    pub per_run: Option<u64>,
    /// Calls per iteration of the core's endless loop (or of its whole program if it has none).
    pub per_iteration: u64,
    /// How `per_run` was found, or why not.
    pub basis: String,
}

/// The estimate for one run of the runtime sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Estimate {
    /// Every transfer, in runtime order.
    pub transfers: Vec<TransferCost>,
    /// Bytes from the host into the array.
    pub bytes_to_device: u64,
    /// Bytes from the array to the host.
    pub bytes_from_device: u64,
    /// Bytes the busiest shim channel moves.
    pub busiest_channel_bytes: u64,
    /// DMA time of the busiest shim channel, in nanoseconds: a lower bound on the run's time,
    /// as channels work in parallel.
    pub busiest_channel_ns: u64,
    /// Kernel calls, per core and kernel.
    pub calls: Vec<KernelCalls>,
    /// Objects each FIFO moves per run, where the transfers and core programs determine it,
    /// in FIFO order: `(name, objects, bytes)`.
    pub fifo_objects: Vec<(String, u64, u64)>,
}

/// Nanoseconds one shim channel needs for `bytes` (whole cycles), saturating.
pub fn dma_ns(bytes: u64) -> u64 {
    let cycles = bytes.div_ceil(npu1::SHIM_DMA_BYTES_PER_CYCLE);
    let ns = u128::from(cycles) * 1_000_000_000 / u128::from(npu1::ESTIMATE_CLOCK_HZ.max(1));
    u64::try_from(ns).unwrap_or(u64::MAX)
}

/// `12.34 µs` from nanoseconds.
pub fn micros(ns: u64) -> String {
    format!("{}.{:02} µs", ns / 1000, (ns % 1000) / 10)
}

/// The rough cost of one run of `design`.
pub fn estimate(design: &Design) -> Estimate {
    let d = design;
    let channels = shim_channels(d);
    let mut transfers = Vec::new();
    // Objects moved per run per FIFO, from the transfers.
    let mut objects: BTreeMap<FifoId, u64> = BTreeMap::new();
    if let Some(rt) = &d.runtime {
        for op in &rt.ops {
            let RuntimeOp::Dma(t) = op else { continue };
            let elements = t
                .sizes
                .iter()
                .map(|&s| u64::try_from(s).unwrap_or(0))
                .fold(1u64, u64::saturating_mul);
            let elem_bytes = rt
                .args
                .get(t.arg.0 as usize)
                .map_or(0, |a| u64::from(a.elem().bytes()));
            let bytes = elements.saturating_mul(elem_bytes);
            let target = match t.target {
                DmaTarget::Fifo(f) => d.fifo_label(f),
                DmaTarget::Alloc(a) => d
                    .shim_allocs
                    .get(a)
                    .map_or_else(|| format!("#{}", a.index()), |a| a.name.clone()),
            };
            if let DmaTarget::Fifo(f) = t.target {
                if let Some(obj) = d.fifos.get(f).map(|f| f.elem.bytes()).filter(|&b| b > 0) {
                    let e = objects.entry(f).or_insert(0);
                    *e = e.saturating_add(bytes / obj);
                }
            }
            transfers.push(TransferCost {
                index: transfers.len(),
                target,
                dir: t.dir,
                arg: t.arg.0,
                elements,
                bytes,
                channel: channels.get(&t.target).copied(),
                dma_ns: dma_ns(bytes),
            });
        }
    }
    let sum = |dir: TransferDir| {
        transfers
            .iter()
            .filter(|t| t.dir == dir)
            .map(|t| t.bytes)
            .fold(0u64, u64::saturating_add)
    };
    let mut per_channel: BTreeMap<(u32, u32, u8, u32), u64> = BTreeMap::new();
    for t in &transfers {
        if let Some(c) = t.channel {
            let e = per_channel
                .entry((c.col, c.row, c.dir as u8, c.channel))
                .or_insert(0);
            *e = e.saturating_add(t.bytes);
        }
    }
    let busiest = per_channel.values().copied().max().unwrap_or(0);
    let calls = kernel_calls(d, &mut objects);
    let fifo_objects = d
        .fifos
        .iter()
        .filter_map(|(id, f)| {
            objects
                .get(&id)
                .map(|&n| (f.name.clone(), n, n.saturating_mul(f.elem.bytes())))
        })
        .collect();
    Estimate {
        bytes_to_device: sum(TransferDir::ToDevice),
        bytes_from_device: sum(TransferDir::FromDevice),
        busiest_channel_bytes: busiest,
        busiest_channel_ns: dma_ns(busiest),
        calls,
        fifo_objects,
        transfers,
    }
}

/// Objects released per FIFO and calls per kernel in one pass over a core body, with loop
/// counts multiplied in (an endless loop counts once: per iteration).
#[derive(Default)]
struct Counts {
    released: BTreeMap<FifoId, u64>,
    calls: BTreeMap<crate::ir::KernelId, u64>,
}

fn count(body: &[CoreStmt], times: u64, c: &mut Counts) {
    for s in body {
        match s {
            CoreStmt::For { count: n, body } => count(body, times.saturating_mul(*n), c),
            CoreStmt::Forever { body } => count(body, times, c),
            CoreStmt::Release { fifo, n, .. } => {
                let e = c.released.entry(*fifo).or_insert(0);
                *e = e.saturating_add(times.saturating_mul(u64::from(*n)));
            }
            CoreStmt::Call { kernel, .. } => {
                let e = c.calls.entry(*kernel).or_insert(0);
                *e = e.saturating_add(times);
            }
            _ => {}
        }
    }
}

/// Calls per kernel per run for every core. Objects per run start from the runtime
/// transfers, pass through links unchanged in number (a split or join moves one object on
/// each side per object of the other), and through a core: iterations per run = objects of a
/// FIFO it uses / objects it releases of that FIFO per iteration.
fn kernel_calls(d: &Design, objects: &mut BTreeMap<FifoId, u64>) -> Vec<KernelCalls> {
    struct CoreCounts {
        tile: (u32, u32),
        endless: bool,
        body: Counts,
    }
    let mut cores = Vec::new();
    for (_, c) in d.cores.iter() {
        let endless = c.body.iter().any(|s| matches!(s, CoreStmt::Forever { .. }));
        let mut counts = Counts::default();
        count(&c.body, 1, &mut counts);
        cores.push(CoreCounts {
            tile: d.coords(c.tile).unwrap_or((u32::MAX, u32::MAX)),
            endless,
            body: counts,
        });
    }
    let mut iterations: Vec<Option<(u64, String)>> = vec![None; cores.len()];
    // A fixed point: each pass can settle one more link or core.
    for _ in 0..=(d.links.len() + cores.len()) {
        for l in &d.links {
            let known = l
                .inputs
                .iter()
                .chain(&l.outputs)
                .find_map(|f| objects.get(f).copied());
            if let Some(n) = known {
                for f in l.inputs.iter().chain(&l.outputs) {
                    objects.entry(*f).or_insert(n);
                }
            }
        }
        for (i, c) in cores.iter().enumerate() {
            if iterations[i].is_none() {
                iterations[i] =
                    c.body
                        .released
                        .iter()
                        .filter(|(_, &per)| per > 0)
                        .find_map(|(f, &per)| {
                            objects.get(f).map(|&n| {
                                (
                                    n / per,
                                    format!(
                                        "{n} objects of {} per run / {per} released per iteration",
                                        d.fifo_label(*f)
                                    ),
                                )
                            })
                        });
            }
            if let Some((it, _)) = &iterations[i] {
                for (f, &per) in &c.body.released {
                    objects.entry(*f).or_insert(it.saturating_mul(per));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (i, c) in cores.iter().enumerate() {
        for (k, &per_it) in &c.body.calls {
            let kernel = d
                .kernels
                .get(*k)
                .map_or_else(|| format!("#{}", k.index()), |k| k.symbol.clone());
            let (per_run, basis) = if !c.endless {
                (
                    Some(per_it),
                    "the core program runs once (no endless loop)".to_string(),
                )
            } else {
                match &iterations[i] {
                    Some((it, why)) => (
                        Some(it.saturating_mul(per_it)),
                        format!("{it} iterations: {why}"),
                    ),
                    None => (
                        None,
                        "unknown: no FIFO of this core has a known object count per run".into(),
                    ),
                }
            };
            out.push(KernelCalls {
                tile: c.tile,
                kernel,
                per_run,
                per_iteration: per_it,
                basis,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dma_time_is_bytes_over_four_bytes_a_cycle_at_one_ghz() {
        // 4 KiB at 4 B/cycle = 1024 cycles = 1.024 µs at 1 GHz.
        assert_eq!(dma_ns(4096), 1024);
        assert_eq!(micros(dma_ns(4096)), "1.02 µs");
        // Partial words take a whole cycle.
        assert_eq!(dma_ns(5), 2);
        assert_eq!(dma_ns(u64::MAX), u64::MAX / 4 + 1);
    }
}

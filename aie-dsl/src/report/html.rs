//! The report page: the picture of the array and the summary tables in one self-contained
//! HTML file (inline SVG and CSS, no scripts, nothing fetched).

use std::fmt::Write;

use super::cost::{estimate, micros};
use super::model::{coord, Model};
use super::xml::{bytes, count, esc};
use crate::ir::{Design, TransferDir};
use crate::lower::physical::Physical;
use crate::target::npu1;

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:20px;color:#222}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ccc}\
p.note{color:#555;font-size:13px;margin:4px 0}\
.picture{overflow:auto;border:1px solid #ddd;padding:4px}.picture svg{max-width:100%;width:auto;height:auto}.picture.fit svg{max-height:92vh}\
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}\
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.t{white-space:nowrap}\
.sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;border-radius:2px}\
.est{background:#fff8e1;border:1px solid #e6c200;padding:6px 10px}";

/// The report page of `design` as lowered into `phys`: the picture ([`super::svg`]) and tables
/// of resources per tile, ObjectFIFOs, runtime transfers with the bytes they move, the size of
/// the instruction stream (`insts_len`: bytes of `insts.bin`) and a rough cost estimate
/// ([`super::cost`]). One self-contained file; all text is escaped.
pub fn html(design: &Design, phys: &Physical, insts_len: usize) -> String {
    html_with_picture(design, phys, insts_len, &super::svg(design, phys))
}

/// [`html`] around a picture already drawn (`picture`: [`super::svg`] of the same design), so a
/// build that writes both files draws it once.
pub fn html_with_picture(
    design: &Design,
    phys: &Physical,
    insts_len: usize,
    picture: &str,
) -> String {
    let d = design;
    let m = Model::new(d, phys);
    let est = estimate(d);
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    let _ = writeln!(
        s,
        "<title>{}</title>",
        esc(&format!("{} on {}: aie-dsl report", d.name, d.device))
    );
    let _ = writeln!(s, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(
        s,
        "<h1>{}</h1>",
        esc(&format!("{} on {}", d.name, d.device))
    );
    let cores = m.tiles.values().filter(|t| t.has_core).count();
    let _ = writeln!(
        s,
        "<p class=\"note\">{}</p>",
        esc(&format!(
            "{}, {}, {}, {}; insts.bin {} ({} words). \
             Hover over tiles, FIFOs and memory blocks in the picture for details.",
            count(m.tiles.len(), "tile"),
            count(m.fifos.len(), "ObjectFIFO"),
            count(cores, "core"),
            count(d.kernels.len(), "kernel"),
            bytes(insts_len as u64),
            insts_len / 4
        ))
    );
    // Several columns: scale the whole array into the window; one column is tall and narrow
    // and would shrink too far, so it keeps its width and scrolls.
    if d.device.columns() > 1 {
        s.push_str("<div class=\"picture fit\">\n");
    } else {
        s.push_str("<div class=\"picture\">\n");
    }
    s.push_str(picture);
    s.push_str("</div>\n");

    // Resources per tile.
    s.push_str("<h2>Resources per tile (after lowering)</h2>\n<table id=\"table-tiles\">\n");
    s.push_str("<tr><th>tile</th><th>role</th><th>data memory</th><th>locks</th><th>BDs</th><th>S2MM</th><th>MM2S</th><th>buffers</th></tr>\n");
    for (&t, info) in &m.tiles {
        let mem = if info.memory_total > 0 {
            format!(
                "{} / {} ({}%)",
                bytes(info.memory_used()),
                bytes(info.memory_total),
                info.memory_used().saturating_mul(100) / info.memory_total
            )
        } else {
            "-".into()
        };
        let bds = if info.kind == crate::target::TileKind::Shim {
            format!("runtime / {}", info.bds.1)
        } else {
            format!("{}/{}", info.bds.0, info.bds.1)
        };
        let bufs: Vec<String> = info
            .buffers
            .iter()
            .map(|b| format!("{} @0x{:x} ({})", b.name, b.address, bytes(b.bytes)))
            .collect();
        let mut bufs = bufs.join(", ");
        if info.stack > 0 {
            bufs = format!("stack @0x0 ({}); {bufs}", bytes(info.stack));
        }
        let _ = writeln!(
            s,
            "<tr><td class=\"t\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}/{}</td><td class=\"n\">{}</td><td class=\"n\">{}/{}</td><td class=\"n\">{}/{}</td><td>{}</td></tr>",
            esc(&format!("{} {}", info.kind, coord(t))),
            esc(&info.role()),
            esc(&mem),
            info.locks.0,
            info.locks.1,
            esc(&bds),
            info.s2mm.len(),
            info.channels,
            info.mm2s.len(),
            info.channels,
            esc(&bufs)
        );
    }
    s.push_str("</table>\n<p class=\"note\">Memory includes the core's stack. Shim tiles have no data memory; their buffer descriptors are written by the runtime sequence for each transfer.</p>\n");

    // FIFOs.
    s.push_str("<h2>ObjectFIFOs</h2>\n<table id=\"table-fifos\">\n");
    s.push_str("<tr><th>FIFO</th><th>producer</th><th>consumers</th><th>depth</th><th>object</th><th>bytes / object</th><th>transport</th><th>link</th><th>objects / run (estimate)</th></tr>\n");
    for f in &m.fifos {
        let cons: Vec<String> = f.consumers.iter().map(|c| coord(*c)).collect();
        let transport = if f.flows.is_empty() {
            "shared memory".to_string()
        } else {
            format!("DMA, {} routed stream(s)", f.flows.len())
        };
        let _ = writeln!(
            s,
            "<tr><td><span class=\"sw\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            f.color,
            esc(&f.name),
            esc(&coord(f.producer)),
            esc(&cons.join(", ")),
            esc(&f.depth_text()),
            esc(&f.elem.to_string()),
            f.elem.bytes(),
            esc(&transport),
            esc(f.link.as_deref().unwrap_or("")),
            esc(&est
                .fifo_objects
                .iter()
                .find(|(n, _, _)| *n == f.name)
                .map_or_else(|| "?".to_string(), |(_, n, b)| format!("{n} ({})", bytes(*b))))
        );
    }
    s.push_str("</table>\n");

    // Runtime transfers.
    s.push_str("<h2>Runtime transfers (one run)</h2>\n");
    if est.transfers.is_empty() {
        s.push_str("<p class=\"note\">The design has no runtime transfers.</p>\n");
    } else {
        s.push_str("<table id=\"table-transfers\">\n<tr><th>#</th><th>direction</th><th>through</th><th>host buffer</th><th>shim channel</th><th>elements</th><th>bytes</th><th>DMA time (estimate)</th></tr>\n");
        for t in &est.transfers {
            let chan = t.channel.map_or_else(
                || "-".to_string(),
                |c| {
                    format!(
                        "{} {} {}",
                        coord((c.col, c.row)),
                        c.dir.keyword(),
                        c.channel
                    )
                },
            );
            let _ = writeln!(
                s,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>arg {}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                t.index,
                match t.dir {
                    TransferDir::ToDevice => "host → array",
                    TransferDir::FromDevice => "array → host",
                },
                esc(&t.target),
                t.arg,
                esc(&chan),
                t.elements,
                t.bytes,
                esc(&micros(t.dma_ns))
            );
        }
        s.push_str("</table>\n");
    }
    let _ = writeln!(
        s,
        "<p class=\"note\">Instruction stream (insts.bin): {} bytes, {} words.</p>",
        insts_len,
        insts_len / 4
    );

    // Estimate.
    s.push_str("<h2>Rough cost estimate</h2>\n<div class=\"est\">\n");
    let _ = writeln!(
        s,
        "<p class=\"note\"><b>An estimate, not a measurement.</b> {}</p>",
        esc(&format!(
            "DMA times assume each shim channel streams {} bytes per cycle at a nominal {} MHz with no stalls; \
             channels run in parallel, so the busiest channel bounds the run from below. Host memory, the NoC \
             and the cores' compute time can make a run slower.",
            npu1::SHIM_DMA_BYTES_PER_CYCLE,
            npu1::ESTIMATE_CLOCK_HZ / 1_000_000
        ))
    );
    let _ = writeln!(
        s,
        "<p>{}</p>",
        esc(&format!(
            "Per run: {} to the array, {} back; busiest shim channel {} (≥ {} of DMA time).",
            bytes(est.bytes_to_device),
            bytes(est.bytes_from_device),
            bytes(est.busiest_channel_bytes),
            micros(est.busiest_channel_ns)
        ))
    );
    if est.calls.is_empty() {
        s.push_str("<p class=\"note\">No core calls a kernel.</p>\n");
    } else {
        s.push_str("<table id=\"table-calls\">\n<tr><th>core</th><th>kernel</th><th>calls per run (estimate)</th><th>calls per loop iteration</th><th>how</th></tr>\n");
        for c in &est.calls {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(&coord(c.tile)),
                esc(&c.kernel),
                c.per_run.map_or_else(|| "?".to_string(), |n| n.to_string()),
                c.per_iteration,
                esc(&c.basis)
            );
        }
        s.push_str("</table>\n");
    }
    s.push_str("</div>\n</body>\n</html>\n");
    s
}

//! The picture (SVG) and the report page (HTML) of every design.
//!
//! What is checked against the design itself rather than against our own output: every tile
//! and ObjectFIFO of the design is in the picture by id; a FIFO that crosses tiles by DMA is
//! drawn along switch connections that reach each of its consumers (one arrowhead per
//! consumer, a broadcast fans out); every circuit connection the router configured is drawn; the
//! cost estimate's byte counts and kernel calls follow from the design's sizes. One SVG is
//! also kept as a snapshot to see changes.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aie_dsl::lower::physical::Physical;
use aie_dsl::prelude::*;

/// Every registered design and the 16-core demo, each with its lowered form; lowered once for
/// all tests (routing the demo takes seconds in a debug build).
fn designs() -> &'static [(String, Validated, Physical)] {
    static ALL: OnceLock<Vec<(String, Validated, Physical)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<(String, Validated)> = designs::all()
            .into_iter()
            .map(|(n, f)| (n.to_string(), f().unwrap_or_else(|e| panic!("{n}: {e}"))))
            .collect();
        v.push((
            "vector_add_4x4".into(),
            designs::report_demo::vector_add_4x4().expect("vector_add_4x4"),
        ));
        v.into_iter()
            .map(|(n, d)| {
                let p = lowered(&d);
                (n, d, p)
            })
            .collect()
    })
}

fn lowered(d: &Validated) -> Physical {
    aie_dsl::lower::objectfifo::lower(d).unwrap_or_else(|e| panic!("{}: {e}", d.name))
}

fn element_by_id<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    id: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    doc.descendants().find(|n| n.attribute("id") == Some(id))
}

#[test]
fn every_design_svg_is_well_formed_and_shows_each_tile_and_fifo() {
    for (name, d, phys) in designs() {
        let svg = aie_dsl::report::svg(d, phys);
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{name}: the SVG is not well-formed XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
        let ids: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "{name}: ids must be unique");
        for (_, t) in d.tiles.iter() {
            let id = format!("tile-{}-{}", t.col, t.row);
            let tile = element_by_id(&doc, &id)
                .unwrap_or_else(|| panic!("{name}: tile ({},{}) is not drawn", t.col, t.row));
            assert!(
                tile.descendants().any(|n| n.has_tag_name("rect")),
                "{name}: {id} has no box"
            );
        }
        for (_, f) in d.fifos.iter() {
            let g = element_by_id(&doc, &format!("fifo-{}", f.name))
                .unwrap_or_else(|| panic!("{name}: FIFO {} is not drawn", f.name));
            let title = g
                .children()
                .find(|n| n.has_tag_name("title"))
                .and_then(|n| n.text())
                .unwrap_or("");
            assert!(
                title.contains(&f.name) && title.contains(&f.elem.to_string()),
                "{name}: FIFO {} has no hover text with its type: {title:?}",
                f.name
            );
            // One arrowhead (a closed filled path) per consumer: every consumer is reached,
            // by a route through the switches or, between tiles sharing memory, directly.
            let heads = g
                .children()
                .filter(|n| n.attribute("d").is_some_and(|d| d.ends_with('Z')))
                .count();
            assert_eq!(
                heads,
                f.consumers.len(),
                "{name}: FIFO {} should point at each of its {} consumers",
                f.name,
                f.consumers.len()
            );
            assert!(
                element_by_id(&doc, &format!("legend-fifo-{}", f.name)).is_some(),
                "{name}: FIFO {} is missing from the legend",
                f.name
            );
        }
        // The example designs place no flows by hand: every circuit connection the router set
        // belongs to some FIFO's route.
        if d.flows.is_empty() {
            assert!(
                element_by_id(&doc, "routes-other").is_none(),
                "{name}: switch connections carrying no FIFO were drawn"
            );
        }
        // Every stream switch of the device is drawn, and those the router configured look used.
        for sw in &phys.routing.switches {
            let id = if sw.mux {
                format!("mux-{}-{}", sw.tile.0, sw.tile.1)
            } else {
                format!("sb-{}-{}", sw.tile.0, sw.tile.1)
            };
            assert!(element_by_id(&doc, &id).is_some(), "{name}: {id} missing");
        }
    }
}

#[test]
fn a_fifo_route_follows_the_switch_connections() {
    // layernorm: of_in goes shim (0,0) DMA MM2S 0 -> mux -> switches (0,0), (0,1), (0,2) ->
    // DMA S2MM 0 of (0,2). Its path must touch the three switch boxes of column 0 and no other.
    let d = designs::layernorm().unwrap();
    let phys = lowered(&d);
    let svg = aie_dsl::report::svg(&d, &phys);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let rect = |id: &str| {
        let n = element_by_id(&doc, id).unwrap();
        let v = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
        (v("x"), v("y"), v("width"), v("height"))
    };
    let route = element_by_id(&doc, "fifo-of_in")
        .unwrap()
        .children()
        .find(|n| n.has_tag_name("path") && !n.attribute("d").unwrap().ends_with('Z'))
        .unwrap()
        .attribute("d")
        .unwrap()
        .to_string();
    let points: Vec<(f64, f64)> = route
        .split(['M', 'L'])
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let mut it = p.split_whitespace().map(|v| v.parse::<f64>().unwrap());
            (it.next().unwrap(), it.next().unwrap())
        })
        .collect();
    let touches = |(x, y, w, h): (f64, f64, f64, f64)| {
        points
            .iter()
            .any(|&(px, py)| px >= x && px <= x + w && py >= y && py <= y + h)
    };
    for r in 0..3 {
        assert!(
            touches(rect(&format!("sb-0-{r}"))),
            "of_in passes switch (0,{r})"
        );
    }
    for r in 3..6 {
        assert!(!touches(rect(&format!("sb-0-{r}"))), "of_in stops at (0,2)");
    }
}

/// A design whose streams cross columns and whose cores share memory: shim (0,0) feeds the
/// core at (2,3), which hands its result to the core above it through shared memory, which
/// sends it to shim (1,0).
fn cross_column() -> Validated {
    let mut d = DesignBuilder::new("cross_column", Device::Npu1_3Col);
    let line = MemRefType::vector(1024, ElemType::I32);
    let copy = d.kernel(Kernel::new(
        "passThroughLine",
        [
            line.clone().into(),
            line.clone().into(),
            ScalarType::I32.into(),
        ],
        "passThrough.cc.o",
    ));
    let shim_in = d.shim_tile(0);
    let shim_out = d.shim_tile(1);
    let a = d.compute_tile(2, 3);
    let b = d.compute_tile(2, 4);
    let inp = d.fifo("in", shim_in, [a], 2, line.clone());
    let mid = d.fifo("mid", a, [b], 2, line.clone());
    let out = d.fifo("out", b, [shim_out], 2, line);
    for (core, from, to) in [(a, inp, mid), (b, mid, out)] {
        d.core(core, |c| {
            c.forever(|c| {
                let o = c.produce(to, 1);
                let i = c.consume(from, 1);
                c.call(copy, [i.get(0), o.get(0), Scalar::I32(1024).into()]);
                c.release(i);
                c.release(o);
            });
        });
    }
    d.runtime(|rt| {
        let host = MemRefType::vector(4096, ElemType::I32);
        let x = rt.arg(host.clone());
        let y = rt.arg(host);
        rt.fill(inp, x, Transfer::linear(4096));
        rt.drain(out, y, Transfer::linear(4096));
        rt.wait(out);
    });
    d.finish().expect("cross_column is valid")
}

#[test]
fn routes_across_columns_and_shared_memory_are_drawn() {
    let d = cross_column();
    let phys = lowered(&d);
    let svg = aie_dsl::report::svg(&d, &phys);
    if let Ok(dir) = std::env::var("AIE_REPORT_DUMP") {
        std::fs::write(PathBuf::from(dir).join("cross_column.svg"), &svg).unwrap();
    }
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let g = |name: &str| element_by_id(&doc, &format!("fifo-{name}")).unwrap();
    let heads = |name: &str| {
        g(name)
            .children()
            .filter(|n| n.attribute("d").is_some_and(|d| d.ends_with('Z')))
            .count()
    };
    // The routed FIFOs reach their consumer across columns (East/West hops followed).
    assert_eq!(heads("in"), 1);
    assert_eq!(heads("out"), 1);
    // `mid` needs no DMA: the cores share memory; it is drawn dashed, still with its arrow.
    assert_eq!(heads("mid"), 1);
    assert!(g("mid")
        .children()
        .any(|n| n.attribute("stroke-dasharray").is_some()));
    assert!(!g("in")
        .children()
        .any(|n| n.attribute("stroke-dasharray").is_some()));
    // The routes used switches outside the FIFOs' own columns or rows: column 1 for `in`.
    assert!(phys
        .routing
        .switches
        .iter()
        .any(|s| s.tile.0 == 1 && !s.mux));
    assert!(element_by_id(&doc, "routes-other").is_none());
    // Unused tiles are drawn, faded.
    assert!(element_by_id(&doc, "free-0-5").is_some_and(|n| n.attribute("opacity").is_some()));
}

#[test]
fn routes_end_where_mlir_aie_routes_them() {
    // Hand-traced from aie-opt's output for vector_add_4core (mlir-aie 5ff2ab97d,
    // `aie-create-pathfinder-flows`): the bias broadcast leaves mem tile (0,1) on DMA 4 ->
    // North 2; (0,2) South 2 -> North 3 and DMA 1; (0,3) South 3 -> North 0 and DMA 1; (0,4)
    // South 0 -> North 3 and DMA 1; (0,5) South 3 -> DMA 1. a1 leaves on DMA 1 -> North 5;
    // (0,2) South 5 -> North 2; (0,3) South 2 -> DMA 0. c_out leaves (0,1) on DMA 5 -> South 2;
    // switchbox (0,0) North 2 -> South 2; shim mux North 2 -> DMA 0.
    let (_, d, phys) = designs()
        .iter()
        .find(|(n, _, _)| n == "vector_add_4core")
        .unwrap();
    let svg = aie_dsl::report::svg(d, phys);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let arrivals = |fifo: &str| -> Vec<String> {
        let mut v: Vec<String> = element_by_id(&doc, &format!("fifo-{fifo}"))
            .unwrap()
            .children()
            .filter(|n| n.has_tag_name("path"))
            .filter_map(|n| n.children().find(|c| c.has_tag_name("title")))
            .filter_map(|t| t.text().map(str::to_string))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        arrivals("bias"),
        [2, 3, 4, 5].map(|r| format!("bias arrives at (0,{r}) DMA S2MM channel 1"))
    );
    assert_eq!(arrivals("a1"), ["a1 arrives at (0,3) DMA S2MM channel 0"]);
    assert_eq!(
        arrivals("c_out"),
        ["c_out arrives at (0,0) DMA S2MM channel 0"]
    );
}

#[test]
fn the_svg_is_deterministic() {
    for (name, d, phys) in designs() {
        let a = aie_dsl::report::svg(d, phys);
        let b = aie_dsl::report::svg(d, &lowered(d));
        assert_eq!(a, b, "{name}: two pictures differ");
        let a = aie_dsl::report::html(d, phys, 100);
        let b = aie_dsl::report::html(d, phys, 100);
        assert_eq!(a, b, "{name}: two pages differ");
    }
}

#[test]
fn svg_of_vector_add_4core_is_the_reviewed_one() {
    let d = designs::vector_add_4core().unwrap();
    let svg = aie_dsl::report::svg(&d, &lowered(&d));
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s.bind(|| insta::assert_snapshot!("vector_add_4core.svg", svg));
}

#[test]
fn the_estimate_follows_the_design_sizes() {
    use designs::vector_add_4core::{CORES, PART, REPEATS};
    let d = designs::vector_add_4core().unwrap();
    let est = aie_dsl::report::cost::estimate(&d);
    let n = u64::from(PART * CORES * REPEATS);
    let bytes: Vec<u64> = est.transfers.iter().map(|t| t.bytes).collect();
    assert_eq!(bytes, [n * 4, u64::from(PART) * 4, n * 4]);
    assert_eq!(est.bytes_to_device, (n + u64::from(PART)) * 4);
    assert_eq!(est.bytes_from_device, n * 4);
    // The busiest shim channel moves n i32: n cycles at 4 bytes a cycle, 1 ns each.
    assert_eq!(est.busiest_channel_ns, n);
    // Objects per run: `a` is REPEATS objects of CORES parts; the bias one object; a split or
    // join moves one object on each side per object of the other.
    let objects = |name: &str| {
        est.fifo_objects
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, o, _)| *o)
    };
    for f in ["a_in", "a0", "a3", "c1", "c_out"] {
        assert_eq!(objects(f), Some(u64::from(REPEATS)), "{f}");
    }
    assert_eq!(objects("bias_in"), Some(1));
    assert_eq!(objects("bias"), Some(1));
    // Each core gets REPEATS objects of its part of `a` per run and adds once per object.
    assert_eq!(est.calls.len(), CORES as usize);
    for c in &est.calls {
        assert_eq!(c.kernel, "vector_add_i32");
        assert_eq!(c.per_run, Some(u64::from(REPEATS)), "{c:?}");
    }
}

#[test]
fn every_design_page_is_well_formed_and_holds_the_picture_and_tables() {
    for (name, d, phys) in designs() {
        let insts = aie_dsl::instructions(d).unwrap();
        let len = aie_dsl::back::insts::to_bytes(&insts).len();
        let html = aie_dsl::report::html(d, phys, len);
        assert!(!html.contains("<script"), "{name}: no scripts");
        let doc = roxmltree::Document::parse_with_options(
            &html,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{name}: the page is not well-formed: {e}"));
        let ids: Vec<&str> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(
            ids.len(),
            unique.len(),
            "{name}: ids must be unique in the page"
        );
        let mut tables = vec!["table-tiles", "table-fifos", "table-transfers"];
        if !aie_dsl::report::cost::estimate(d).calls.is_empty() {
            tables.push("table-calls");
        }
        for id in tables {
            assert!(
                element_by_id(&doc, id).is_some_and(|n| n.has_tag_name("table")),
                "{name}: table {id} missing"
            );
        }
        for (_, f) in d.fifos.iter() {
            assert!(element_by_id(&doc, &format!("fifo-{}", f.name)).is_some());
        }
        assert!(html.contains(&format!("{len} bytes")), "{name}: insts size");
        assert!(
            html.contains("estimate"),
            "{name}: the estimate is labelled"
        );
    }
}

#[test]
fn text_is_escaped_in_the_picture_and_the_page() {
    // A design name with markup characters (names of designs are free text).
    let mut d = cross_column().into_design();
    d.name = "a<b & \"c\" 'd'>".into();
    let d = aie_dsl::valid::validate(d).expect("a design name is free text");
    let phys = lowered(&d);
    let svg = aie_dsl::report::svg(&d, &phys);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed despite the name");
    assert!(doc
        .descendants()
        .any(|n| n.text() == Some("a<b & \"c\" 'd'> on npu1_3col")));
    let html = aie_dsl::report::html(&d, &phys, 8);
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, opts).expect("well-formed page");
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("h1") && n.text() == Some("a<b & \"c\" 'd'> on npu1_3col")));
}

/// Runs `cmd` for at most `limit`, its standard output into `out` (a file: a pipe left unread
/// would block a large output); its exit status, or why not.
fn run_with_timeout(
    cmd: &mut Command,
    out: &std::path::Path,
    limit: Duration,
) -> Result<std::process::ExitStatus, String> {
    let file = std::fs::File::create(out).map_err(|e| e.to_string())?;
    let mut child = cmd
        .stdout(Stdio::from(file))
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) => return Ok(status),
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {limit:?}"));
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

#[test]
fn the_page_opens_in_headless_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }) else {
        println!("SKIPPED the_page_opens_in_headless_chromium: no `chromium` on PATH");
        eprintln!("SKIPPED the_page_opens_in_headless_chromium: no `chromium` on PATH");
        return;
    };
    let (_, d, phys) = designs()
        .iter()
        .find(|(n, _, _)| n == "vector_add_4x4")
        .unwrap();
    let html = aie_dsl::report::html(d, phys, 0);
    let dir: PathBuf = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-dsl-report-{}", std::process::id()));
    let page = dir.join("vector_add_4x4.html");
    aie_dsl::artifact::write_atomic(&page, html.as_bytes()).unwrap();
    let profile = dir.join("profile");
    let dom_file = dir.join("dom.html");
    let status = run_with_timeout(
        Command::new(chromium)
            .arg("--headless")
            .arg("--no-sandbox")
            .arg("--disable-gpu")
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display())),
        &dom_file,
        Duration::from_secs(120),
    )
    .unwrap_or_else(|e| panic!("chromium: {e}"));
    let dom = std::fs::read_to_string(&dom_file).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(status.success(), "chromium failed: {status}");
    // The browser parsed the page and holds the picture's elements in its DOM.
    for id in ["tile-3-5", "fifo-a_in0", "fifo-c_out3", "sb-3-0", "legend"] {
        assert!(
            dom.contains(&format!("id=\"{id}\"")),
            "chromium's DOM lacks {id}"
        );
    }
    assert!(dom.contains("</svg>") && dom.contains("</table>"));
}

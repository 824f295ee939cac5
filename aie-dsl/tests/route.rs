//! The router against aie-opt's `--aie-create-pathfinder-flows` at 5ff2ab97d on designs made
//! of `aie.flow`s only (outputs recorded with a locally built aie-opt; see the README).

use aie_dsl::lower::route::{route, Endpoint, RouteFlow, Routing, SwitchOp, WireEnd};
use aie_dsl::prelude::*;

fn ep(tile: (u32, u32), b: WireBundle, c: u32) -> Endpoint {
    Endpoint { tile, port: (b, c) }
}

fn circuit(a: Endpoint, b: Endpoint) -> RouteFlow {
    RouteFlow::Circuit { source: a, dest: b }
}

fn name(t: (u32, u32)) -> String {
    match t.1 {
        0 => format!("shim_noc_tile_{}_{}", t.0, t.1),
        1 => format!("mem_tile_{}_{}", t.0, t.1),
        _ => format!("tile_{}_{}", t.0, t.1),
    }
}

/// The routing as the MLIR lines aie-opt prints, switches sorted by name (op order inside kept).
fn render(r: &Routing) -> Vec<String> {
    let port = |p: (WireBundle, u32)| format!("{} : {}", p.0.keyword(), p.1);
    let mut switches: Vec<(String, Vec<String>)> = r
        .switches
        .iter()
        .map(|s| {
            let (kind, op) = if s.mux {
                ("shim_mux", "aie.shim_mux")
            } else {
                ("switchbox", "aie.switchbox")
            };
            let head = format!(
                "%{kind}_{}_{} = {op}(%{}) {{",
                s.tile.0,
                s.tile.1,
                name(s.tile)
            );
            let mut lines = vec![head.clone()];
            for o in &s.ops {
                if let SwitchOp::Connect(a, b) = o {
                    lines.push(format!("  aie.connect<{}, {}>", port(*a), port(*b)));
                }
            }
            (head, lines)
        })
        .collect();
    switches.sort();
    let mut out: Vec<String> = switches.into_iter().flat_map(|(_, l)| l).collect();
    for (a, b) in &r.kept_flows {
        out.push(format!(
            "aie.flow(%{}, {}, %{}, {})",
            name(a.tile),
            port(a.port),
            name(b.tile),
            port(b.port)
        ));
    }
    for w in &r.wires {
        let end = |e: ((u32, u32), WireEnd, WireBundle)| {
            let n = match e.1 {
                WireEnd::Tile => name(e.0),
                WireEnd::Switchbox => format!("switchbox_{}_{}", e.0 .0, e.0 .1),
                WireEnd::ShimMux => format!("shim_mux_{}_{}", e.0 .0, e.0 .1),
            };
            format!("%{n} : {}", e.2.keyword())
        };
        out.push(format!("aie.wire({}, {})", end(w.a), end(w.b)));
    }
    out
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.trim_end())
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.strip_prefix("        ").unwrap_or(l).to_string())
        .collect()
}

const COLUMN: [(u32, u32); 6] = [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (0, 5)];

#[test]
fn broadcast_from_a_mem_tile() {
    use WireBundle::Dma;
    let flows = [
        circuit(ep((0, 1), Dma, 0), ep((0, 2), Dma, 0)),
        circuit(ep((0, 1), Dma, 0), ep((0, 3), Dma, 0)),
    ];
    let r = route(Device::Npu1_1Col, &COLUMN[..4], &flows).unwrap();
    let want = lines(
        "
        %switchbox_0_0 = aie.switchbox(%shim_noc_tile_0_0) {
        %switchbox_0_1 = aie.switchbox(%mem_tile_0_1) {
          aie.connect<DMA : 0, North : 1>
        %switchbox_0_2 = aie.switchbox(%tile_0_2) {
          aie.connect<South : 1, DMA : 0>
          aie.connect<South : 1, North : 0>
        %switchbox_0_3 = aie.switchbox(%tile_0_3) {
          aie.connect<South : 0, DMA : 0>
        aie.flow(%mem_tile_0_1, DMA : 0, %tile_0_3, DMA : 0)
        aie.wire(%mem_tile_0_1 : Core, %switchbox_0_1 : Core)
        aie.wire(%mem_tile_0_1 : DMA, %switchbox_0_1 : DMA)
        aie.wire(%switchbox_0_0 : North, %switchbox_0_1 : South)
        aie.wire(%tile_0_2 : Core, %switchbox_0_2 : Core)
        aie.wire(%tile_0_2 : DMA, %switchbox_0_2 : DMA)
        aie.wire(%switchbox_0_1 : North, %switchbox_0_2 : South)
        aie.wire(%tile_0_3 : Core, %switchbox_0_3 : Core)
        aie.wire(%tile_0_3 : DMA, %switchbox_0_3 : DMA)
        aie.wire(%switchbox_0_2 : North, %switchbox_0_3 : South)
        ",
    );
    assert_eq!(render(&r), want);
}

#[test]
fn four_cores_through_a_mem_tile() {
    use WireBundle::Dma;
    let (shim, mem) = ((0, 0), (0, 1));
    let mut flows = vec![circuit(ep(shim, Dma, 0), ep(mem, Dma, 0))];
    for (i, row) in (2..6).enumerate() {
        flows.push(circuit(ep(mem, Dma, i as u32), ep((0, row), Dma, 0)));
    }
    for (i, row) in (2..6).enumerate() {
        flows.push(circuit(ep((0, row), Dma, 0), ep(mem, Dma, 1 + i as u32)));
    }
    flows.push(circuit(ep(mem, Dma, 4), ep(shim, Dma, 0)));
    let r = route(Device::Npu1_1Col, &COLUMN, &flows).unwrap();
    let want = lines(
        "
        %shim_mux_0_0 = aie.shim_mux(%shim_noc_tile_0_0) {
          aie.connect<DMA : 0, North : 3>
          aie.connect<North : 2, DMA : 0>
        %switchbox_0_0 = aie.switchbox(%shim_noc_tile_0_0) {
          aie.connect<South : 3, North : 4>
          aie.connect<North : 2, South : 2>
        %switchbox_0_1 = aie.switchbox(%mem_tile_0_1) {
          aie.connect<South : 4, DMA : 0>
          aie.connect<DMA : 0, North : 1>
          aie.connect<DMA : 1, North : 5>
          aie.connect<DMA : 2, North : 0>
          aie.connect<DMA : 3, North : 3>
          aie.connect<North : 0, DMA : 1>
          aie.connect<North : 1, DMA : 2>
          aie.connect<North : 3, DMA : 3>
          aie.connect<North : 2, DMA : 4>
          aie.connect<DMA : 4, South : 2>
        %switchbox_0_2 = aie.switchbox(%tile_0_2) {
          aie.connect<South : 1, DMA : 0>
          aie.connect<South : 5, North : 2>
          aie.connect<South : 0, North : 1>
          aie.connect<South : 3, North : 0>
          aie.connect<DMA : 0, South : 0>
          aie.connect<North : 0, South : 1>
          aie.connect<North : 3, South : 3>
          aie.connect<North : 1, South : 2>
        %switchbox_0_3 = aie.switchbox(%tile_0_3) {
          aie.connect<South : 2, DMA : 0>
          aie.connect<South : 1, North : 1>
          aie.connect<South : 0, North : 5>
          aie.connect<DMA : 0, South : 0>
          aie.connect<North : 0, South : 3>
          aie.connect<North : 2, South : 1>
        %switchbox_0_4 = aie.switchbox(%tile_0_4) {
          aie.connect<South : 1, DMA : 0>
          aie.connect<South : 5, North : 5>
          aie.connect<DMA : 0, South : 0>
          aie.connect<North : 0, South : 2>
        %switchbox_0_5 = aie.switchbox(%tile_0_5) {
          aie.connect<South : 5, DMA : 0>
          aie.connect<DMA : 0, South : 0>
        aie.wire(%shim_mux_0_0 : North, %switchbox_0_0 : South)
        aie.wire(%shim_noc_tile_0_0 : DMA, %shim_mux_0_0 : DMA)
        aie.wire(%mem_tile_0_1 : Core, %switchbox_0_1 : Core)
        aie.wire(%mem_tile_0_1 : DMA, %switchbox_0_1 : DMA)
        aie.wire(%switchbox_0_0 : North, %switchbox_0_1 : South)
        aie.wire(%tile_0_2 : Core, %switchbox_0_2 : Core)
        aie.wire(%tile_0_2 : DMA, %switchbox_0_2 : DMA)
        aie.wire(%switchbox_0_1 : North, %switchbox_0_2 : South)
        aie.wire(%tile_0_3 : Core, %switchbox_0_3 : Core)
        aie.wire(%tile_0_3 : DMA, %switchbox_0_3 : DMA)
        aie.wire(%switchbox_0_2 : North, %switchbox_0_3 : South)
        aie.wire(%tile_0_4 : Core, %switchbox_0_4 : Core)
        aie.wire(%tile_0_4 : DMA, %switchbox_0_4 : DMA)
        aie.wire(%switchbox_0_3 : North, %switchbox_0_4 : South)
        aie.wire(%tile_0_5 : Core, %switchbox_0_5 : Core)
        aie.wire(%tile_0_5 : DMA, %switchbox_0_5 : DMA)
        aie.wire(%switchbox_0_4 : North, %switchbox_0_5 : South)
        ",
    );
    assert_eq!(render(&r), want);
}

#[test]
fn a_port_that_does_not_exist_is_a_typed_error() {
    // Core tiles have DMA channels 0 and 1 only.
    let flows = [circuit(
        ep((0, 2), WireBundle::Dma, 7),
        ep((0, 3), WireBundle::Dma, 0),
    )];
    let err = route(Device::Npu1_1Col, &COLUMN, &flows).unwrap_err();
    assert!(err.to_string().contains("flow from (0,2) DMA:7"), "{err}");
}

#[test]
fn two_circuits_into_one_port_are_named() {
    use WireBundle::Dma;
    let flows = [
        circuit(ep((0, 2), Dma, 0), ep((0, 5), Dma, 0)),
        circuit(ep((0, 3), Dma, 1), ep((0, 4), Dma, 1)),
        circuit(ep((0, 4), Dma, 0), ep((0, 5), Dma, 0)),
    ];
    let err = route(Device::Npu1_1Col, &COLUMN, &flows).unwrap_err();
    let m = err.to_string();
    assert!(
        m.contains("the flows from (0,2) DMA:0 and from (0,4) DMA:0 both end at (0,5) DMA:0"),
        "{m}"
    );
}

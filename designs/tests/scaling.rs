//! The scaling generator's designs lower, and their routing carries every flow: each flow's
//! stream, followed connect by connect through the switchboxes and shim muxes the router made,
//! arrives at the flow's destination; no master port is driven by two slaves; every switchbox
//! connection is one the target model allows.

use std::collections::{BTreeMap, BTreeSet};

use aie_dsl::lower::physical::PFlow;
use aie_dsl::lower::route::{Routing, SwitchOp};
use aie_dsl::prelude::*;

type Port = (WireBundle, u32);
/// (tile, is shim mux) → connects.
type Connects = BTreeMap<Switch, Vec<(Port, Port)>>;
/// A switchbox (`false`) or shim mux (`true`) of a tile.
type Switch = ((u32, u32), bool);
/// Where a stream goes from a master port: the next switch's slave port, or the tile port
/// it ends at.
type Hop = Result<(Switch, Port), ((u32, u32), Port)>;

fn connects(r: &Routing) -> Connects {
    let mut out: Connects = BTreeMap::new();
    for s in &r.switches {
        let list = out.entry((s.tile, s.mux)).or_default();
        for op in &s.ops {
            if let SwitchOp::Connect(a, b) = op {
                list.push((*a, *b));
            }
        }
    }
    out
}

/// Where a stream leaving `master` of the switch (or mux) `at` goes next: `Ok` the next switch
/// and its slave port, `Err` the tile port it ends at.
fn next(at: Switch, master: Port) -> Hop {
    use WireBundle::*;
    let ((col, row), mux) = at;
    let (b, c) = master;
    match (mux, b) {
        (true, North) => Ok((((col, row), false), (South, c))),
        (true, _) => Err(((col, row), master)),
        (false, South) if row == 0 => Ok((((col, row), true), (North, c))),
        (false, South) => Ok((((col, row - 1), false), (North, c))),
        (false, North) => Ok((((col, row + 1), false), (South, c))),
        (false, West) if col > 0 => Ok((((col - 1, row), false), (East, c))),
        (false, East) => Ok((((col + 1, row), false), (West, c))),
        _ => Err(((col, row), master)),
    }
}

/// Every tile port the stream entering `slave` of `at` reaches.
fn reach(c: &Connects, at: Switch, slave: Port) -> BTreeSet<((u32, u32), Port)> {
    let mut ends = BTreeSet::new();
    let mut work = vec![(at, slave)];
    let mut seen = BTreeSet::new();
    while let Some((at, slave)) = work.pop() {
        if !seen.insert((at, slave)) {
            continue;
        }
        for (s, m) in c.get(&at).into_iter().flatten() {
            if *s != slave {
                continue;
            }
            match next(at, *m) {
                Ok(n) => work.push(n),
                Err(end) => {
                    ends.insert(end);
                }
            }
        }
    }
    ends
}

/// What is wrong with `routing` as the routing of `d`'s lowered flows (empty if nothing).
fn problems(d: &Design, flows: &[PFlow], routing: &Routing) -> Vec<String> {
    let mut out = Vec::new();
    let c = connects(routing);
    for f in flows {
        let (Some(src), Some(dst)) = (d.coords(f.source.0), d.coords(f.dest.0)) else {
            out.push("a flow end is not placed".to_string());
            continue;
        };
        let shim = |t: (u32, u32), b: WireBundle| {
            d.device.kind_of_row(t.1) == Some(TileKind::Shim) && b == WireBundle::Dma
        };
        let ends = reach(&c, (src, shim(src, f.source.1)), (f.source.1, f.source.2));
        if !ends.contains(&(dst, (f.dest.1, f.dest.2))) {
            out.push(format!(
                "flow {src:?} {:?}:{} -> {dst:?} {:?}:{} is not routed; it reaches {ends:?}",
                f.source.1, f.source.2, f.dest.1, f.dest.2
            ));
        }
    }
    for ((tile, mux), list) in &c {
        let mut driven: BTreeMap<Port, Port> = BTreeMap::new();
        for (s, m) in list {
            if let Some(other) = driven.insert(*m, *s) {
                if other != *s {
                    out.push(format!(
                        "{tile:?} master {m:?} driven by {other:?} and {s:?}"
                    ));
                }
            }
            if !mux
                && !d
                    .device
                    .legal_connection(tile.0, tile.1, s.0, s.1, m.0, m.1)
            {
                out.push(format!(
                    "{tile:?} connects {s:?} to {m:?}, which the switch cannot"
                ));
            }
        }
    }
    out
}

fn check_routing(cores: u32, cols: u32) {
    let d = designs::scaling::grid(cores, cols).unwrap_or_else(|e| panic!("{cores}x{cols}: {e}"));
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap_or_else(|e| panic!("{e}"));
    assert!(!phys.flows.is_empty());
    let p = problems(&d, &phys.flows, &phys.routing);
    assert!(p.is_empty(), "{cores}x{cols}: {p:#?}");
}

#[test]
fn the_check_finds_a_broken_route() {
    let d = designs::scaling::grid(4, 4).expect("valid");
    let phys = aie_dsl::lower::objectfifo::lower(&d).expect("lowers");
    // Drop one connect of a switchbox on the way: some flow no longer arrives.
    let mut cut = phys.routing.clone();
    let sw = cut
        .switches
        .iter_mut()
        .find(|s| !s.mux && s.ops.iter().any(|o| matches!(o, SwitchOp::Connect(..))))
        .expect("a switchbox with connects");
    let at = sw
        .ops
        .iter()
        .position(|o| matches!(o, SwitchOp::Connect(..)))
        .expect("a connect");
    sw.ops.remove(at);
    assert!(problems(&d, &phys.flows, &cut)
        .iter()
        .any(|p| p.contains("is not routed")));
    // Drive one master from a second slave: reported as a clash.
    let mut clash = phys.routing.clone();
    let sw = clash
        .switches
        .iter_mut()
        .find(|s| !s.mux && s.ops.iter().any(|o| matches!(o, SwitchOp::Connect(..))))
        .expect("a switchbox with connects");
    if let Some(SwitchOp::Connect(_, m)) = sw
        .ops
        .iter()
        .find(|o| matches!(o, SwitchOp::Connect(..)))
        .cloned()
    {
        sw.ops.push(SwitchOp::Connect((WireBundle::Fifo, 0), m));
    }
    assert!(problems(&d, &phys.flows, &clash)
        .iter()
        .any(|p| p.contains("driven by")));
}

#[test]
fn sixteen_cores_on_the_whole_array_lower_and_route_every_flow() {
    let d = designs::scaling::grid(16, 4).expect("valid");
    assert_eq!(d.fifos.len(), 48);
    check_routing(16, 4);
}

#[test]
fn every_size_of_the_family_routes_every_flow() {
    for (cores, cols) in [(1, 1), (4, 1), (1, 4), (4, 4), (8, 4), (12, 4)] {
        check_routing(cores, cols);
    }
}

#[test]
fn too_many_cores_for_a_column_is_a_validation_error() {
    assert!(designs::scaling::grid(5, 1).is_err());
}

//! Packet routing: the arbiters, master selects, mastersets and packet rules mlir-aie's
//! `AIECreatePathFindFlows.cpp` (5ff2ab97d) gives the switches a packet flow's route passes.
//!
//! Per switch, the (slave, master) hops of each packet id are collected; destinations that
//! share a master get one arbiter/msel (control flows take them from the top), slaves with
//! the same destinations share a packet rule whose mask clears the id bits they differ in, and
//! a shim DMA end moves onto the shim mux.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use super::pathfinder::{Node, Settings};
use super::switchbox::Switches;
use super::{coord, node, packet_flow_labels, Coord, Port, RouteError, RouteFlow, SwitchOp};
use crate::target::{Device, TileKind, WireBundle};

/// Whether the route of `settings` from `cur`'s output `(db, dc)` reaches `(ft, fb, fc)`.
fn reaches(
    settings: &Settings,
    cur: Coord,
    db: WireBundle,
    dc: u32,
    ft: Coord,
    fb: WireBundle,
    fc: u32,
) -> bool {
    use WireBundle::*;
    if cur == ft && db == fb && dc == fc {
        return true;
    }
    let (nb, nt) = match db {
        East => (West, (cur.0 + 1, cur.1)),
        West => (East, (cur.0 - 1, cur.1)),
        North => (South, (cur.0, cur.1 + 1)),
        South => (North, (cur.0, cur.1 - 1)),
        _ => return false,
    };
    if let Some((ins, outs)) = settings.get(&nt) {
        for (s, d) in ins.iter().zip(outs) {
            if s.0 == nb && s.1 == dc && reaches(settings, nt, d.0, d.1, ft, fb, fc) {
                return true;
            }
        }
    }
    false
}

type Key = ((Coord, Port), u8);
/// Per tile, the (slave, master) port pairs each packet id passes.
type PacketHops = BTreeMap<Coord, Vec<((Port, Port), u8)>>;

/// Adds the packet-switching ops of every packet flow's route to `sw`; `processed` are the
/// sources whose circuit connects are already made.
///
/// # Errors
/// [`RouteError::Packet`] when a switch runs out of arbiters or master selects;
/// [`RouteError::FalsePacketMatch`] when a rule would also match a packet id that must not pass.
pub(super) fn packets(
    device: Device,
    flows: &[RouteFlow],
    sol: &FxHashMap<Node, Settings>,
    processed: &FxHashSet<Node>,
    sw: &mut Switches,
) -> Result<(), RouteError> {
    use WireBundle::*;
    let arb_count = device.packet_arbiters();
    let amsel_count = arb_count * device.msels_per_arbiter();
    let id_bits = device.packet_id_bits() as usize;
    let mut switchboxes: PacketHops = BTreeMap::new();
    let mut keep_attr: FxHashMap<Node, Option<bool>> = FxHashMap::default();
    let mut ctrl: FxHashMap<((Coord, Port), u8), bool> = FxHashMap::default();
    for f in flows {
        let RouteFlow::Packet {
            id,
            sources,
            dests,
            keep_pkt_header,
            priority,
        } = f
        else {
            continue;
        };
        let Some(src) = sources.last().map(node) else {
            continue;
        };
        for d in dests {
            let dn = node(d);
            keep_attr.insert(dn, *keep_pkt_header);
            if processed.contains(&src) {
                continue;
            }
            let Some(settings) = sol.get(&src) else {
                continue;
            };
            for (cur, (ins, outs)) in settings {
                for (s, o) in ins.iter().zip(outs) {
                    if !reaches(settings, *cur, o.0, o.1, dn.0, dn.1 .0, dn.1 .1) {
                        continue;
                    }
                    let list = switchboxes.entry(*cur).or_default();
                    if !list.contains(&((*s, *o), *id)) {
                        list.push(((*s, *o), *id));
                    }
                    ctrl.insert(((*cur, *o), *id), *priority);
                }
            }
        }
    }
    let mut packet_flows: BTreeMap<Key, Vec<(Coord, Port)>> = BTreeMap::new();
    let mut ctrl_flows: BTreeMap<Key, Vec<(Coord, Port)>> = BTreeMap::new();
    let mut slave_ports: Vec<Key> = Vec::new();
    for (tid, list) in &switchboxes {
        for ((s, d), fid) in list {
            let key = ((*tid, *s), *fid);
            if ctrl.get(&((*tid, *d), *fid)).copied().unwrap_or(false) {
                ctrl_flows.entry(key).or_default().push((*tid, *d));
            } else {
                packet_flows.entry(key).or_default().push((*tid, *d));
            }
            slave_ports.push(key);
        }
    }
    let sorted: Vec<(Key, Vec<(Coord, Port)>)> = ctrl_flows
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .chain(packet_flows.iter().map(|(k, v)| (*k, v.clone())))
        .collect();
    for (k, v) in &ctrl_flows {
        packet_flows.entry(*k).or_insert_with(|| v.clone());
    }
    let mut master_amsels: BTreeMap<(Coord, u8), Vec<Port>> = BTreeMap::new();
    let mut port_arb: FxHashMap<(Coord, Port), u8> = FxHashMap::default();
    let mut slave_amsels: FxHashMap<Key, u8> = FxHashMap::default();
    let fail = |t: Coord, m: &'static str| RouteError::Packet(coord(t).0, coord(t).1, m);
    for (key, dests) in &sorted {
        let tid = key.0 .0;
        sw.ensure_tile(coord(tid));
        let existing = dests
            .iter()
            .find_map(|(_, p)| port_arb.get(&(tid, *p)).copied());
        let (mut matched, mut partial, mut amsel) = (false, None, 0u8);
        for ((t, a), ex) in &master_amsels {
            if *t != tid {
                continue;
            }
            amsel = *a;
            if existing.is_some_and(|e| e != a % arb_count) {
                continue;
            }
            let ov = dests.iter().any(|(_, p)| ex.contains(p));
            let nov = dests.iter().any(|(_, p)| !ex.contains(p));
            if ov {
                matched = true;
                if nov || ex.len() != dests.len() {
                    partial = Some(a % arb_count);
                }
                break;
            }
        }
        let new_on_arb =
            |arb: u8, m: &BTreeMap<(Coord, u8), Vec<Port>>| -> Result<u8, RouteError> {
                (0..4)
                    .map(|i| arb + arb_count * i)
                    .find(|a| !m.contains_key(&(tid, *a)))
                    .ok_or_else(|| fail(tid, "an arbiter has used up all its msels"))
            };
        let assign = |a: u8,
                      m: &mut BTreeMap<(Coord, u8), Vec<Port>>,
                      pa: &mut FxHashMap<(Coord, Port), u8>| {
            let arb = a % arb_count;
            for (_, p) in dests {
                if pa.get(&(tid, *p)).is_some_and(|x| *x != arb) {
                    continue;
                }
                m.entry((tid, a)).or_default().push(*p);
                pa.insert((tid, *p), arb);
            }
        };
        if !matched {
            amsel = match existing {
                None => {
                    let is_ctrl = dests
                        .iter()
                        .any(|(_, p)| ctrl.get(&((tid, *p), key.1)).copied().unwrap_or(false));
                    let range: Vec<u8> = if is_ctrl {
                        (0..amsel_count).rev().collect()
                    } else {
                        (0..amsel_count).collect()
                    };
                    range
                        .into_iter()
                        .find(|a| !master_amsels.contains_key(&(tid, *a)))
                        .ok_or_else(|| fail(tid, "all arbiter/msel combinations are used"))?
                }
                Some(arb) => new_on_arb(arb, &master_amsels)?,
            };
            assign(amsel, &mut master_amsels, &mut port_arb);
        } else if let Some(arb) = partial {
            amsel = new_on_arb(arb, &master_amsels)?;
            assign(amsel, &mut master_amsels, &mut port_arb);
        } else {
            for (_, p) in dests {
                port_arb.entry((tid, *p)).or_insert(amsel % arb_count);
            }
        }
        slave_amsels.insert(*key, amsel);
    }
    let mut mastersets: BTreeMap<(Coord, Port), Vec<u8>> = BTreeMap::new();
    for ((t, a), ports) in &master_amsels {
        for p in ports {
            mastersets.entry((*t, *p)).or_default().push(*a);
        }
    }
    // Slave ports with the same destinations share a rule; the mask clears differing id bits.
    let mut groups: Vec<Vec<Key>> = Vec::new();
    let mut work = slave_ports.clone();
    while let Some(s1) = work.pop() {
        let d1 = packet_flows.get(&s1).cloned().unwrap_or_default();
        let mut found = false;
        for g in &mut groups {
            let s2 = g[0];
            if s1.0 .1 != s2.0 .1 {
                continue;
            }
            let d2 = packet_flows.get(&s2).cloned().unwrap_or_default();
            if d1.len() == d2.len() && d1.iter().all(|x| d2.contains(x)) {
                g.push(s1);
                found = true;
                break;
            }
        }
        if !found {
            groups.push(vec![s1]);
        }
    }
    let mut masks: FxHashMap<Key, u8> = FxHashMap::default();
    for g in &groups {
        let mut mask = vec![-1i8; id_bits];
        for s in g {
            for (i, m) in mask.iter_mut().enumerate() {
                let bit = ((s.1 >> i) & 1) as i8;
                if *m == -1 {
                    *m = bit;
                } else if *m != bit {
                    *m = 2;
                }
            }
        }
        let mut mv = 0u8;
        for i in (0..id_bits).rev() {
            mv = (mv << 1) + u8::from(mask[i] != 2);
        }
        for s in g {
            masks.insert(*s, mv);
        }
    }
    let mut tiles_sorted: Vec<(u32, u32)> = sw.have_tiles.clone();
    for (t, _) in mastersets.keys() {
        if !tiles_sorted.contains(&coord(*t)) {
            tiles_sorted.push(coord(*t));
        }
    }
    tiles_sorted.sort();
    for t in tiles_sorted {
        let tid = (t.0 as i32, t.1 as i32);
        let needed: BTreeSet<u8> = mastersets
            .iter()
            .filter(|((c, _), _)| *c == tid)
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        // mlir-aie visits every tile here and creates its switchbox if it has none yet.
        let si = sw.switch(t, false);
        let ops = &mut sw.out.switches[si].ops;
        let mut amsel_pos: FxHashMap<u8, usize> = FxHashMap::default();
        let mut count = 0;
        for a in 0..amsel_count {
            if needed.contains(&a) {
                ops.push(SwitchOp::Amsel {
                    arbiter: a % arb_count,
                    msel: a / arb_count,
                });
                amsel_pos.insert(a, count);
                count += 1;
            }
        }
        let mut masters: Vec<Port> = mastersets
            .keys()
            .filter(|(c, _)| *c == tid)
            .map(|(_, p)| *p)
            .collect();
        masters.sort();
        for p in masters {
            let amsels = mastersets[&(tid, p)]
                .iter()
                .filter_map(|a| amsel_pos.get(a).copied())
                .collect();
            ops.push(SwitchOp::Masterset {
                port: p,
                amsels,
                keep_pkt_header: keep_attr.get(&(tid, p)).copied().flatten(),
            });
        }
        let mut rules_at: FxHashMap<Port, usize> = FxHashMap::default();
        // Per (slave port, rule index): the packet ids of the group the rule was made for.
        let mut rule_ids: FxHashMap<(Port, usize), Vec<u8>> = FxHashMap::default();
        for g in &groups {
            let ((gt, slave), gid) = g[0];
            if gt != tid {
                continue;
            }
            let mask = masks[&g[0]];
            let value = gid & mask;
            let amsel = slave_amsels
                .get(&g[0])
                .and_then(|a| amsel_pos.get(a).copied())
                .unwrap_or(0);
            let at = *rules_at.entry(slave).or_insert_with(|| {
                ops.push(SwitchOp::PacketRules {
                    port: slave,
                    rules: Vec::new(),
                });
                ops.len() - 1
            });
            if let SwitchOp::PacketRules { rules, .. } = &mut ops[at] {
                if let Some((i, r)) = rules.iter().enumerate().find(|(_, r)| gid & r.0 == r.1) {
                    // The ids of the group the matching rule was made for.
                    let made_for: Vec<u8> = rule_ids.get(&(slave, i)).cloned().unwrap_or_default();
                    let c = coord(tid);
                    return Err(RouteError::FalsePacketMatch {
                        id: value,
                        col: c.0,
                        row: c.1,
                        port: format!("{}:{}", slave.0.keyword(), slave.1),
                        mask: r.0,
                        value: r.1,
                        rule_flows: packet_flow_labels(flows, &made_for),
                        flow: packet_flow_labels(flows, &g.iter().map(|k| k.1).collect::<Vec<_>>()),
                    });
                }
                rule_ids.insert((slave, rules.len()), g.iter().map(|k| k.1).collect());
                rules.push((mask, value, amsel));
            }
        }
    }
    // Shim DMA ends of packet flows go through the shim mux (mlir-aie tests the port again
    // after the channel-0 remap, which the target's channel maps keep from matching twice).
    let out = &mut sw.out;
    let shim_sbs: Vec<usize> = (0..out.switches.len())
        .filter(|&i| {
            !out.switches[i].mux
                && device.kind_of_row(out.switches[i].tile.1) == Some(TileKind::Shim)
                && !out.switches[i].ops.is_empty()
        })
        .collect();
    for i in shim_sbs {
        let t = sw.out.switches[i].tile;
        let mut mux_ops = Vec::new();
        for op in &mut sw.out.switches[i].ops {
            match op {
                SwitchOp::PacketRules { port, .. } if port.0 == Dma => {
                    let ch = port.1;
                    *port = (South, ch);
                    if ch == 0 {
                        let c = device.shim_mux_to_switch(Dma, 0);
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((Dma, 0), (North, c)));
                    }
                    if port.1 == 1 {
                        let c = device.shim_mux_to_switch(Dma, 1);
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((Dma, 1), (North, c)));
                    }
                }
                SwitchOp::Masterset { port, .. } if port.0 == Dma => {
                    let ch = port.1;
                    *port = (South, ch);
                    if ch == 0 {
                        let c = device.switch_to_shim_mux(Dma, 0);
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((North, c), (Dma, 0)));
                    }
                    if port.1 == 1 {
                        let c = device.switch_to_shim_mux(Dma, 1);
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((North, c), (Dma, 1)));
                    }
                }
                _ => {}
            }
        }
        if !mux_ops.is_empty() {
            let m = sw.switch(t, true);
            for op in mux_ops {
                sw.out.switches[m].ops.insert(0, op);
            }
        }
    }
    Ok(())
}

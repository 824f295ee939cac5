//! A tile with more locks than it has: validation names the lock that gets no id, the one
//! mlir-aie's `aie-assign-lock-ids` reports (lib/Dialect/AIE/Transforms/AIEAssignLockIDs.cpp at
//! 5ff2ab97d, "not allocated a lock"; `tests/lit_assign.rs` has its lit cases) or, when the
//! hand-placed locks fit, the ObjectFIFO lock the transform could not give an id.
//!
//! Reference: the lowering itself on the same design with every lock fitting. Ids are given
//! lowest-free in one order, so adding `k` locks without ids leaves out the lock that came
//! `k` places before the end of that order; the lowering's ids show the order.

use aie_dsl::prelude::*;
use aie_dsl::valid::ValidationError;

/// Mem tile (0,1) with 52 hand-placed locks without ids, two with ids (3 and 60) and ten FIFO
/// locks (plain ends, a split's shared pairs where its input is declared): all 64 locks. `extra`
/// more hand-placed locks without ids are declared last.
fn design(extra: usize) -> Result<Validated, aie_dsl::Error> {
    let mut d = DesignBuilder::new("locks", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let m = d.mem_tile(0);
    let c: Vec<ComputeTile> = (2..6).map(|r| d.compute_tile(0, r)).collect();
    for i in 0..52 {
        d.lock(m, format!("h{i}"), None, 0);
        if i == 10 {
            d.lock(m, "f0", Some(60), 0);
        }
        if i == 30 {
            d.lock(m, "f1", Some(3), 0);
        }
    }
    let words = |n| MemRefType::vector(n, ElemType::I32);
    d.fifo("p0", m, [c[0]], 1, words(8));
    let inp = d.fifo("in", shim, [m], 1, words(16));
    d.fifo("c0", c[0], [m], 2, words(8));
    let o0 = d.fifo("o0", m, [c[1]], 1, words(8));
    let o1 = d.fifo("o1", m, [c[2]], 1, words(8));
    d.fifo("p1", m, [c[3]], 1, words(8));
    d.split(inp, [o0, o1]);
    for i in 0..extra {
        d.lock(m, format!("x{i}"), None, 0);
    }
    d.finish()
}

fn named(extra: usize) -> String {
    let Err(aie_dsl::Error::Invalid(e)) = design(extra) else {
        panic!("{extra} extra locks must not fit")
    };
    let locks: Vec<&ValidationError> = e
        .errors
        .iter()
        .filter(|e| matches!(e, ValidationError::LockOverflow { .. }))
        .collect();
    assert_eq!(locks.len(), 1, "{e}");
    let ValidationError::LockOverflow {
        lock,
        used,
        available,
        ..
    } = locks[0]
    else {
        unreachable!()
    };
    assert_eq!((*used, *available), (64 + extra as u32, 64));
    lock.clone()
}

#[test]
fn the_lock_without_an_id_is_the_one_the_lowering_would_leave_out() {
    let v = design(0).expect("64 locks fit");
    let phys = aie_dsl::lower::lower(&v).expect("lowers").physical;
    let mut on_m: Vec<(u32, String)> = phys
        .locks
        .iter()
        .filter(|l| v.coords(l.tile) == Some((0, 1)))
        .map(|l| (l.id, l.name.clone()))
        .collect();
    on_m.sort();
    assert_eq!(on_m.len(), 64);
    // The order ids were given in: every lock but the two with ids given by hand, by id.
    let order: Vec<&str> = on_m
        .iter()
        .filter(|(_, n)| n != "f0" && n != "f1")
        .map(|(_, n)| n.as_str())
        .collect();
    assert_eq!(order.len(), 62);
    assert!(order[..52].iter().all(|n| n.starts_with('h')), "{order:?}");
    for extra in 1..=10 {
        assert_eq!(named(extra), order[62 - extra], "{extra} extra locks");
    }
    // More than the FIFOs' ten: a hand-placed lock goes without, as in mlir-aie's lit test.
    assert_eq!(named(12), "x10");
}

#[test]
fn the_message_says_which_lock_and_what_to_change() {
    let m = match design(1) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("65 locks"),
    };
    assert!(
        m.contains("lock `p1_cons_lock_0` on mem tile (0,1) is not allocated a lock: the tile has 64 locks and needs 65 (h0, h1, "),
        "{m}"
    );
    assert!(
        m.contains("move FIFO endpoints or hand-placed locks to other tiles"),
        "{m}"
    );
}

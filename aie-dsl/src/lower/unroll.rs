//! Loop unrolling of core programs exactly as mlir-aie's ObjectFIFO transform does it
//! (`unrollForLoops` in `lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp` at
//! 5ff2ab97d, with MLIR's `loopUnrollByFactor` from `mlir/lib/Dialect/SCF/Utils/Utils.cpp`).
//!
//! mlir-aie's algorithm is stateful and order dependent, so this module replays it step by
//! step rather than restating its intent:
//!
//! - Loops are visited in post order (inner loops first). A loop that directly acquires from
//!   FIFOs gets the factor `lcm(depths of those FIFOs)`; a loop without acquires is only
//!   remembered as "done".
//! - For such a loop, passes walk every loop of the block that holds it (post order, nested
//!   loops included), with an iterator that has already moved to the next statement before a
//!   loop is transformed, so an epilogue inserted after a loop is not seen in that pass. Each
//!   walked loop that is not done is unrolled by `min(factor, its trip count)` when its step is
//!   below that or when it is the acquiring loop; passes repeat while the last walked loop left
//!   a remainder of more than one iteration or still needs unrolling. A loop walked right after
//!   one that left such a remainder is skipped unless it acquires itself.
//! - `loopUnrollByFactor`: a loop of `trip` iterations becomes a loop over the whole multiples
//!   with `factor` copies of its body, followed by an epilogue loop (the original body, from
//!   the first left-over iteration) if iterations are left over; a loop (main or epilogue)
//!   left with one iteration is replaced by its body.
//!
//! The consequence users see: leftover iterations are normally peeled one by one (the
//! epilogue is unrolled in the next pass), but when the main loop runs once it is replaced by
//! its body, the epilogue is then skipped, and it stays a loop with one copy of the body
//! (e.g. 7 iterations over depth-4 FIFOs: 4 copies, then `for 4..7` reusing one set of
//! buffers). We reproduce that too.

use std::collections::{BTreeSet, HashMap, HashSet};

/// A statement of a core program during unrolling: a loop or anything else.
#[derive(Clone, Debug)]
pub(crate) enum Kind<L> {
    /// `scf.for lower to upper step step`.
    For {
        /// Lower bound.
        lower: i64,
        /// Upper bound.
        upper: i64,
        /// Step (positive).
        step: i64,
        /// Body.
        body: Vec<Node<L>>,
    },
    /// Any other statement.
    Leaf(L),
}

/// A statement with an identity (an MLIR operation: clones get new identities).
#[derive(Clone, Debug)]
pub(crate) struct Node<L> {
    id: u64,
    /// The statement.
    pub(crate) kind: Kind<L>,
}

/// Why a program could not be unrolled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnrollError {
    /// mlir-aie: "could not be unrolled with unrollFactor = 0, check loop boundaries".
    #[error("a loop that runs 0 times is unrolled by factor 0 (mlir-aie: \"could not be unrolled with unrollFactor = 0, check loop boundaries\"); remove the loop or give it a positive count")]
    ZeroFactor,
    /// The unroll factor or a loop bound does not fit mlir-aie's integer types.
    #[error("the unroll factor (least common multiple of the FIFO depths a loop acquires from) or a loop bound overflows; use FIFO depths with a smaller common multiple")]
    Overflow,
    /// The unrolled program would be unreasonably large.
    #[error("unrolling by the FIFO depths makes the core program more than {limit} statements long; use FIFO depths with a smaller common multiple or fewer nested loops")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
}

/// Largest unrolled program we build (statements, loops included). A compute tile has 16 KiB
/// of program memory, so far fewer statements than this could ever run.
pub const MAX_STATEMENTS: usize = 1 << 16;

/// Number of iterations of `for lower to upper step step` (MLIR's constant trip count).
fn trip_count(lower: i64, upper: i64, step: i64) -> i64 {
    if upper <= lower || step <= 0 {
        return 0;
    }
    let diff = (upper as i128) - (lower as i128);
    let step = step as i128;
    ((diff + step - 1) / step) as i64
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// A visitor of `block[i]` that may rewrite the block.
type Visit<'v, S, L> = dyn FnMut(&mut S, &mut Vec<Node<L>>, usize) -> Result<(), UnrollError> + 'v;

struct State<'a, L> {
    next_id: u64,
    size: usize,
    unrolled: HashSet<u64>,
    found: HashMap<u64, bool>,
    rem: HashMap<u64, i64>,
    depth: &'a dyn Fn(&L) -> Option<u32>,
}

fn count<L>(nodes: &[Node<L>]) -> usize {
    nodes
        .iter()
        .map(|n| match &n.kind {
            Kind::For { body, .. } => 1 + count(body),
            Kind::Leaf(_) => 1,
        })
        .sum()
}

impl<L: Clone> State<'_, L> {
    fn fresh(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn wrap(&mut self, kind: Kind<L>) -> Node<L> {
        Node {
            id: self.fresh(),
            kind,
        }
    }

    /// A copy with new identities throughout (MLIR's `clone`).
    fn clone_fresh(&mut self, n: &Node<L>) -> Node<L> {
        let kind = match &n.kind {
            Kind::For {
                lower,
                upper,
                step,
                body,
            } => Kind::For {
                lower: *lower,
                upper: *upper,
                step: *step,
                body: body.iter().map(|b| self.clone_fresh(b)).collect(),
            },
            Kind::Leaf(l) => Kind::Leaf(l.clone()),
        };
        self.wrap(kind)
    }

    fn grow(&mut self, by: usize) -> Result<(), UnrollError> {
        self.size = self.size.saturating_add(by);
        if self.size > MAX_STATEMENTS {
            return Err(UnrollError::TooLarge {
                limit: MAX_STATEMENTS,
            });
        }
        Ok(())
    }

    fn found(&self, id: u64) -> bool {
        self.found.get(&id).copied().unwrap_or(false)
    }

    fn rem(&self, id: u64) -> i64 {
        self.rem.get(&id).copied().unwrap_or(0)
    }

    /// Iterates `block` like MLIR's early-increment walk: the next statement is fixed before
    /// the current one is visited; `visit(block, i)` may rewrite `block` around index `i`.
    fn each(
        &mut self,
        block: &mut Vec<Node<L>>,
        visit: &mut Visit<'_, Self, L>,
    ) -> Result<(), UnrollError> {
        let mut i = 0;
        while i < block.len() {
            let next = block.get(i + 1).map(|n| n.id);
            visit(self, block, i)?;
            i = match next.and_then(|id| block.iter().position(|n| n.id == id)) {
                Some(p) => p,
                None => break,
            };
        }
        Ok(())
    }

    /// `coreOp.walk` over loops, post order.
    fn outer(&mut self, block: &mut Vec<Node<L>>) -> Result<(), UnrollError> {
        self.each(block, &mut |s, block, i| {
            if let Kind::For { body, .. } = &mut block[i].kind {
                s.outer(body)?;
                s.visit(block, i)?;
            }
            Ok(())
        })
    }

    /// The walk callback for one loop (`block[i]`).
    fn visit(&mut self, block: &mut Vec<Node<L>>, i: usize) -> Result<(), UnrollError> {
        let id = block[i].id;
        let Kind::For { body, .. } = &block[i].kind else {
            return Ok(());
        };
        let sizes: BTreeSet<u32> = body
            .iter()
            .filter_map(|n| match &n.kind {
                Kind::Leaf(l) => (self.depth)(l),
                Kind::For { .. } => None,
            })
            .collect();
        self.found.insert(id, !sizes.is_empty());
        self.rem.insert(id, 0);
        if sizes.is_empty() {
            self.unrolled.insert(id);
            return Ok(());
        }
        // mlir-aie's computeLCM works in `int`.
        let mut factor: i64 = 1;
        for s in sizes {
            let s = i64::from(s);
            let g = gcd(s, factor);
            factor = if g == 0 {
                0
            } else {
                s.checked_mul(factor).ok_or(UnrollError::Overflow)? / g
            };
            if factor > i64::from(i32::MAX) {
                return Err(UnrollError::Overflow);
            }
        }
        let mut prev = id;
        let mut passes = 0u32;
        while self.rem(prev) > 1 || self.found(prev) {
            passes += 1;
            if passes > 10_000 {
                return Err(UnrollError::TooLarge {
                    limit: MAX_STATEMENTS,
                });
            }
            self.pass(block, &mut prev, factor)?;
        }
        Ok(())
    }

    /// One `region->walk` over the loops of `block`.
    fn pass(
        &mut self,
        block: &mut Vec<Node<L>>,
        prev: &mut u64,
        factor: i64,
    ) -> Result<(), UnrollError> {
        self.each(block, &mut |s, block, i| {
            if let Kind::For { body, .. } = &mut block[i].kind {
                s.pass(body, prev, factor)?;
                s.walked(block, i, prev, factor)?;
            }
            Ok(())
        })
    }

    fn walked(
        &mut self,
        block: &mut Vec<Node<L>>,
        i: usize,
        prev: &mut u64,
        base: i64,
    ) -> Result<(), UnrollError> {
        let id = block[i].id;
        let Kind::For {
            lower, upper, step, ..
        } = block[i].kind
        else {
            return Ok(());
        };
        let skip = self.rem(*prev) > 1 && !self.found(id) && *prev != id;
        if !self.unrolled.contains(&id) && !skip {
            let trip = trip_count(lower, upper, step);
            let factor = base.min(trip);
            if factor == 0 {
                return Err(UnrollError::ZeroFactor);
            }
            self.rem.insert(id, trip % factor);
            if step < factor || self.found(id) {
                self.unroll_by(block, i, factor)?;
                self.unrolled.insert(id);
            } else {
                self.rem.insert(id, 0);
            }
        } else {
            self.rem.insert(id, 0);
        }
        self.found.insert(id, false);
        *prev = id;
        Ok(())
    }

    /// Replaces a loop of one iteration by its body (`promoteIfSingleIteration`).
    fn promote_if_single(&mut self, block: &mut Vec<Node<L>>, i: usize) {
        if let Kind::For {
            lower, upper, step, ..
        } = block[i].kind
        {
            if trip_count(lower, upper, step) == 1 {
                if let Kind::For { body, .. } = block.remove(i).kind {
                    self.size = self.size.saturating_sub(1);
                    block.splice(i..i, body);
                }
            }
        }
    }

    /// MLIR's `loopUnrollByFactor` for constant bounds.
    fn unroll_by(
        &mut self,
        block: &mut Vec<Node<L>>,
        i: usize,
        factor: i64,
    ) -> Result<(), UnrollError> {
        let Kind::For {
            lower,
            upper,
            step,
            ref body,
        } = block[i].kind
        else {
            return Ok(());
        };
        if body.is_empty() {
            return Ok(());
        }
        let trip = trip_count(lower, upper, step);
        if factor == 1 {
            if trip == 1 {
                self.promote_if_single(block, i);
            }
            return Ok(());
        }
        let even = trip - trip % factor;
        let upper_unrolled = even
            .checked_mul(step)
            .and_then(|x| x.checked_add(lower))
            .ok_or(UnrollError::Overflow)?;
        let step_unrolled = step.checked_mul(factor).ok_or(UnrollError::Overflow)?;
        let body_size = count(body);
        let copies = usize::try_from(factor - 1).map_err(|_| UnrollError::Overflow)?;
        self.grow(body_size.saturating_mul(copies))?;
        if upper_unrolled < upper {
            self.grow(body_size + 1)?;
            let mut epilogue = self.clone_fresh(&block[i]);
            if let Kind::For { lower, .. } = &mut epilogue.kind {
                *lower = upper_unrolled;
            }
            block.insert(i + 1, epilogue);
            self.promote_if_single(block, i + 1);
        }
        let original = match &block[i].kind {
            Kind::For { body, .. } => body.clone(),
            Kind::Leaf(_) => return Ok(()),
        };
        let mut extra = Vec::with_capacity(original.len().saturating_mul(copies));
        for _ in 0..copies {
            for n in &original {
                let c = self.clone_fresh(n);
                extra.push(c);
            }
        }
        if let Kind::For {
            upper, step, body, ..
        } = &mut block[i].kind
        {
            *upper = upper_unrolled;
            *step = step_unrolled;
            body.extend(extra);
        }
        self.promote_if_single(block, i);
        Ok(())
    }
}

/// Builds the unroller's tree from a program.
pub(crate) fn node<L>(next_id: &mut u64, kind: Kind<L>) -> Node<L> {
    *next_id += 1;
    Node { id: *next_id, kind }
}

/// Unrolls `program` as mlir-aie does. `depth(leaf)` is the depth of the FIFO end a leaf
/// acquires from (the size of the `aie.objectfifo` its `aie.objectfifo.acquire` names at that
/// point of the transform), `None` for leaves that do not acquire.
pub(crate) fn unroll<L: Clone>(
    mut program: Vec<Node<L>>,
    depth: &dyn Fn(&L) -> Option<u32>,
) -> Result<Vec<Node<L>>, UnrollError> {
    let next_id = max_id(&program);
    let mut s = State {
        next_id,
        size: count(&program),
        unrolled: HashSet::new(),
        found: HashMap::new(),
        rem: HashMap::new(),
        depth,
    };
    s.outer(&mut program)?;
    Ok(program)
}

fn max_id<L>(nodes: &[Node<L>]) -> u64 {
    nodes
        .iter()
        .map(|n| match &n.kind {
            Kind::For { body, .. } => n.id.max(max_id(body)),
            Kind::Leaf(_) => n.id,
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Leaves: `Some(d)` acquires from a FIFO of depth `d`, `None` does something else.
    type P = Vec<Node<(char, Option<u32>)>>;

    fn build(spec: &[Spec], id: &mut u64) -> P {
        spec.iter()
            .map(|s| match s {
                Spec::L(c, d) => node(id, Kind::Leaf((*c, *d))),
                Spec::F(n, body) => {
                    let body = build(body, id);
                    node(
                        id,
                        Kind::For {
                            lower: 0,
                            upper: *n,
                            step: 1,
                            body,
                        },
                    )
                }
            })
            .collect()
    }

    enum Spec {
        L(char, Option<u32>),
        F(i64, Vec<Spec>),
    }

    fn show(p: &P, out: &mut String) {
        for n in p {
            match &n.kind {
                Kind::Leaf((c, _)) => out.push(*c),
                Kind::For {
                    lower,
                    upper,
                    step,
                    body,
                } => {
                    out.push_str(&format!("[{lower}..{upper}/{step}:"));
                    show(body, out);
                    out.push(']');
                }
            }
        }
    }

    fn run(spec: Vec<Spec>) -> String {
        let mut id = 0;
        let p = build(&spec, &mut id);
        let p = unroll(p, &|l: &(char, Option<u32>)| l.1).unwrap();
        let mut s = String::new();
        show(&p, &mut s);
        s
    }

    use Spec::{F, L};

    #[test]
    fn remainder_of_two_is_peeled() {
        // loop_unroll_with_remainder.mlir: 10 iterations, depths 2 and 4.
        let s = run(vec![F(10, vec![L('a', Some(2)), L('b', Some(4))])]);
        assert_eq!(s, "[0..8/4:abababab]abab");
    }

    #[test]
    fn single_main_iteration_keeps_the_epilogue_loop() {
        let s = run(vec![F(7, vec![L('a', Some(4))]), L('x', None)]);
        assert_eq!(s, "aaaa[4..7/1:a]x");
    }

    #[test]
    fn a_loop_without_acquires_after_an_acquiring_one_is_unrolled_too() {
        let s = run(vec![F(8, vec![L('a', Some(4))]), F(10, vec![L('x', None)])]);
        assert_eq!(s, "[0..8/4:aaaa][0..8/4:xxxx]xx");
    }

    #[test]
    fn zero_trip_loop_is_an_error() {
        let mut id = 0;
        let p = build(&[F(0, vec![L('a', Some(2))])], &mut id);
        assert_eq!(
            unroll(p, &|l: &(char, Option<u32>)| l.1).unwrap_err(),
            UnrollError::ZeroFactor
        );
    }
}

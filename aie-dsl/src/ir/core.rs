//! The body of a core program.

use super::{BufferId, FifoId, KernelId, LockId};
use crate::types::Scalar;

/// Which side of an ObjectFIFO a core acts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FifoPort {
    /// The core fills objects (it is the producer).
    Produce,
    /// The core reads objects (it is a consumer).
    Consume,
}

impl FifoPort {
    /// The keyword mlir-aie uses.
    pub fn keyword(self) -> &'static str {
        match self {
            FifoPort::Produce => "Produce",
            FifoPort::Consume => "Consume",
        }
    }
}

/// What a `use_lock` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockAction {
    /// Wait until the lock holds at least the value, then subtract it.
    AcquireGreaterEqual,
    /// Add the value.
    Release,
}

impl LockAction {
    /// The keyword mlir-aie uses.
    pub fn keyword(self) -> &'static str {
        match self {
            LockAction::AcquireGreaterEqual => "AcquireGreaterEqual",
            LockAction::Release => "Release",
        }
    }
}

/// Identifies one acquire in a core body; its objects are reached through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AcquireId(pub u32);

/// A kernel call argument.
#[derive(Clone, Debug, PartialEq)]
pub enum CallArg {
    /// Object `index` of an acquire.
    Object {
        /// The acquire.
        acquire: AcquireId,
        /// The FIFO it acquired from.
        fifo: FifoId,
        /// Which of the acquired objects.
        index: u32,
    },
    /// A hand-placed buffer.
    Buffer(BufferId),
    /// A scalar constant.
    Scalar(Scalar),
}

/// One statement of a core body.
#[derive(Clone, Debug, PartialEq)]
pub enum CoreStmt {
    /// `for _ in 0..count { body }`.
    For {
        /// Trip count.
        count: u64,
        /// The body.
        body: Vec<CoreStmt>,
    },
    /// An endless loop (mlir-aie writes it as `scf.for` up to `i64::MAX`).
    Forever {
        /// The body.
        body: Vec<CoreStmt>,
    },
    /// Take `n` objects from a FIFO.
    Acquire {
        /// Its id.
        id: AcquireId,
        /// The FIFO.
        fifo: FifoId,
        /// As producer or consumer.
        port: FifoPort,
        /// How many objects.
        n: u32,
    },
    /// Hand back `n` objects.
    Release {
        /// The FIFO.
        fifo: FifoId,
        /// As producer or consumer.
        port: FifoPort,
        /// How many objects.
        n: u32,
    },
    /// Call an external kernel.
    Call {
        /// The kernel.
        kernel: KernelId,
        /// Its arguments.
        args: Vec<CallArg>,
    },
    /// Acquire or release a hand-placed lock.
    UseLock {
        /// The lock.
        lock: LockId,
        /// What to do.
        action: LockAction,
        /// By how much.
        value: u32,
    },
}

impl CoreStmt {
    /// Calls `f` on this statement and every statement nested in it, in program order.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a CoreStmt)) {
        f(self);
        if let CoreStmt::For { body, .. } | CoreStmt::Forever { body } = self {
            for s in body {
                s.walk(f);
            }
        }
    }
}

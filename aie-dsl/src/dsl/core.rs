//! Building a core's program.

use crate::ir::{
    AcquireId, Arena, BufferId, CallArg, Core, CoreStmt, FifoId, FifoPort, Kernel, KernelId,
    LockAction, LockId, ObjectFifo, TileId,
};
use crate::types::Scalar;

/// Objects taken from a FIFO by [`CoreBuilder::acquire`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acquired {
    id: AcquireId,
    fifo: FifoId,
    port: FifoPort,
    n: u32,
}

impl Acquired {
    /// Object `index` of this acquire, as a kernel argument. An index at or past the number of
    /// acquired objects is reported by validation.
    pub fn get(&self, index: u32) -> CallArg {
        CallArg::Object {
            acquire: self.id,
            fifo: self.fifo,
            index,
        }
    }

    /// The FIFO.
    pub fn fifo(&self) -> FifoId {
        self.fifo
    }

    /// How many objects were acquired.
    pub fn count(&self) -> u32 {
        self.n
    }
}

impl From<Scalar> for CallArg {
    fn from(s: Scalar) -> Self {
        CallArg::Scalar(s)
    }
}

impl From<BufferId> for CallArg {
    fn from(b: BufferId) -> Self {
        CallArg::Buffer(b)
    }
}

impl From<Acquired> for CallArg {
    /// The first acquired object.
    fn from(a: Acquired) -> Self {
        a.get(0)
    }
}

/// Builds the body of one core. Statements are recorded in call order; loops nest through
/// closures.
#[derive(Debug)]
pub struct CoreBuilder<'d> {
    pub(crate) fifos: &'d Arena<ObjectFifo>,
    kernels: &'d mut Arena<Kernel>,
    pub(crate) tile: TileId,
    stack_size: u32,
    link_with: Option<String>,
    blocks: Vec<Vec<CoreStmt>>,
    acquires: u32,
}

impl<'d> CoreBuilder<'d> {
    pub(crate) fn new(
        fifos: &'d Arena<ObjectFifo>,
        kernels: &'d mut Arena<Kernel>,
        tile: TileId,
    ) -> Self {
        CoreBuilder {
            fifos,
            kernels,
            tile,
            stack_size: crate::target::NPU1.default_stack_bytes,
            link_with: None,
            blocks: vec![Vec::new()],
            acquires: 0,
        }
    }

    fn push(&mut self, stmt: CoreStmt) {
        if let Some(block) = self.blocks.last_mut() {
            block.push(stmt);
        }
    }

    fn nested(&mut self, body: impl FnOnce(&mut Self)) -> Vec<CoreStmt> {
        self.blocks.push(Vec::new());
        body(self);
        self.blocks.pop().unwrap_or_default()
    }

    /// Sets the stack size in bytes (default 1024). It counts against the tile's 64 KiB.
    pub fn stack_size(&mut self, bytes: u32) -> &mut Self {
        self.stack_size = bytes;
        self
    }

    /// Names the object file the core links with. Without it, the object of the kernels the
    /// core calls is used.
    pub fn link_with(&mut self, object: impl Into<String>) -> &mut Self {
        self.link_with = Some(object.into());
        self
    }

    /// Takes `n` objects from `fifo` as `port`.
    pub fn acquire(&mut self, fifo: FifoId, port: FifoPort, n: u32) -> Acquired {
        let id = AcquireId(self.acquires);
        self.acquires += 1;
        self.push(CoreStmt::Acquire { id, fifo, port, n });
        Acquired { id, fifo, port, n }
    }

    /// Takes `n` objects to read from `fifo` (the core is a consumer).
    pub fn consume(&mut self, fifo: FifoId, n: u32) -> Acquired {
        self.acquire(fifo, FifoPort::Consume, n)
    }

    /// Takes `n` objects to fill for `fifo` (the core is the producer).
    pub fn produce(&mut self, fifo: FifoId, n: u32) -> Acquired {
        self.acquire(fifo, FifoPort::Produce, n)
    }

    /// Hands back all the objects of an acquire.
    pub fn release(&mut self, acquired: Acquired) {
        self.release_n(acquired.fifo, acquired.port, acquired.n);
    }

    /// Hands back `n` objects of `fifo` as `port`.
    pub fn release_n(&mut self, fifo: FifoId, port: FifoPort, n: u32) {
        self.push(CoreStmt::Release { fifo, port, n });
    }

    /// Calls `kernel` with `args`.
    pub fn call(&mut self, kernel: KernelId, args: impl IntoIterator<Item = CallArg>) {
        self.push(CoreStmt::Call {
            kernel,
            args: args.into_iter().collect(),
        });
    }

    /// The handle of `kernel`, declaring it in the design on first use (kernels are told apart
    /// by symbol; a second declaration of a symbol with another signature is kept, and
    /// validation reports the clash).
    pub fn kernel(&mut self, kernel: Kernel) -> KernelId {
        if let Some((id, _)) = self.kernels.iter().find(|(_, k)| **k == kernel) {
            return id;
        }
        self.kernels.push(kernel)
    }

    /// Runs `body` `count` times.
    pub fn repeat(&mut self, count: u64, body: impl FnOnce(&mut Self)) {
        let body = self.nested(body);
        self.push(CoreStmt::For { count, body });
    }

    /// Runs `body` forever (the usual outer loop of a streaming core).
    pub fn forever(&mut self, body: impl FnOnce(&mut Self)) {
        let body = self.nested(body);
        self.push(CoreStmt::Forever { body });
    }

    /// Acquires (`AcquireGreaterEqual`) or releases a hand-placed lock by `value`.
    pub fn use_lock(&mut self, lock: LockId, action: LockAction, value: u32) {
        self.push(CoreStmt::UseLock {
            lock,
            action,
            value,
        });
    }

    pub(crate) fn finish(mut self) -> Core {
        Core {
            tile: self.tile,
            stack_size: self.stack_size,
            link_with: self.link_with.take(),
            body: self.blocks.pop().unwrap_or_default(),
            acquires: self.acquires,
        }
    }
}

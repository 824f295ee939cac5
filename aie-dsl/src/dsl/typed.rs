//! Typed handles: the element type and shape of FIFOs, acquired objects and host buffers live in
//! Rust types, so that a kernel called with the wrong kind of object does not compile.
//!
//! The procedural macros of `aie-dsl-macros` expand to these; they can be used directly too.
//!
//! ```
//! use aie_dsl::prelude::*;
//! use aie_dsl::dsl::typed::{Fifo, Shape};
//!
//! let mut d = DesignBuilder::new("t", Device::Npu1_1Col);
//! let shim = d.shim_tile(0);
//! let core = d.compute_tile(0, 2);
//! let rows: Fifo<[bf16; 512]> = d.typed_fifo("rows", shim, [core], 2);
//! assert_eq!(<[bf16; 512]>::memref().to_string(), "memref<512xbf16>");
//! # let _ = rows;
//! ```

use std::marker::PhantomData;

use crate::dsl::{Acquired, CoreBuilder, DesignBuilder, FifoSpec, RuntimeBuilder, Transfer};
use crate::ir::{CallArg, Depth, FifoId, FifoPort, HostArg, TileId};
use crate::types::{bf16, ArgType, ElemType, MemRefType, Scalar, ScalarType};

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that is one element of a memref.
pub trait Element: sealed::Sealed + Copy {
    /// The element type.
    const ELEM: ElemType;
}

macro_rules! element {
    ($($t:ty => $e:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const ELEM: ElemType = ElemType::$e;
        }
        impl Dims for $t {
            type Elem = $t;
            fn push_dims(_: &mut Vec<u32>) {}
        }
    )*};
}
element!(i8 => I8, u8 => U8, i16 => I16, i32 => I32, f32 => F32, bf16 => Bf16);

/// A Rust type with a memref shape: an [`Element`] (rank 0) or a nested array of one.
pub trait Dims {
    /// The element type.
    type Elem: Element;
    /// Appends the dimensions, outermost first.
    fn push_dims(dims: &mut Vec<u32>);
}

impl<S: Dims, const N: usize> Dims for [S; N] {
    type Elem = S::Elem;
    fn push_dims(dims: &mut Vec<u32>) {
        dims.push(N as u32);
        S::push_dims(dims);
    }
}

/// The type of FIFO objects, buffers and host buffers: `[T; N]`, `[[T; N]; M]`, ….
pub trait Shape: Dims {
    /// The memref this Rust type stands for.
    fn memref() -> MemRefType {
        let mut dims = Vec::new();
        Self::push_dims(&mut dims);
        MemRefType::new(dims, <Self::Elem as Element>::ELEM)
    }
}

impl<S: Dims, const N: usize> Shape for [S; N] {}

/// An ObjectFIFO whose objects are of type `S`.
pub struct Fifo<S> {
    id: FifoId,
    _shape: PhantomData<fn() -> S>,
}

impl<S> Clone for Fifo<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for Fifo<S> {}

impl<S> Fifo<S> {
    /// The untyped handle.
    pub fn id(&self) -> FifoId {
        self.id
    }
}

impl<S> From<Fifo<S>> for FifoId {
    fn from(f: Fifo<S>) -> FifoId {
        f.id
    }
}

/// One acquired object of type `S`.
pub struct Obj<S> {
    arg: CallArg,
    acquired: Acquired,
    _shape: PhantomData<fn() -> S>,
}

impl<S> Obj<S> {
    /// The object as an untyped kernel argument.
    pub fn arg(&self) -> CallArg {
        self.arg.clone()
    }

    /// The acquire it came from.
    pub fn acquired(&self) -> Acquired {
        self.acquired
    }
}

/// Several objects of type `S` acquired together; index them with `objs[i]`.
pub struct Objs<S> {
    objs: Vec<Obj<S>>,
    acquired: Acquired,
}

impl<S> Objs<S> {
    /// The acquire they came from.
    pub fn acquired(&self) -> Acquired {
        self.acquired
    }
}

/// Objects an acquire hands out by index: the acquired ones, then stand-ins past them that
/// validation reports ("only n object(s) were acquired") instead of a panic in the design
/// function. Lock values cap an acquire far below this.
const INDEXABLE: u32 = 64;

impl<S> std::ops::Index<usize> for Objs<S> {
    type Output = Obj<S>;
    /// Object `i`. An index at or past the acquired count gives an object that validation
    /// rejects, naming the FIFO and the count.
    fn index(&self, i: usize) -> &Obj<S> {
        let last = self.objs.len().saturating_sub(1);
        &self.objs[i.min(last)]
    }
}

impl<S> std::ops::IndexMut<usize> for Objs<S> {
    fn index_mut(&mut self, i: usize) -> &mut Obj<S> {
        let last = self.objs.len().saturating_sub(1);
        &mut self.objs[i.min(last)]
    }
}

/// A host buffer argument of the runtime sequence holding a value of type `S`.
pub struct HostBuf<S> {
    arg: HostArg,
    _shape: PhantomData<fn() -> S>,
}

impl<S> Clone for HostBuf<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for HostBuf<S> {}

impl<S: Shape> HostBuf<S> {
    /// The untyped handle.
    pub fn arg(&self) -> HostArg {
        self.arg
    }

    /// Number of elements.
    pub fn len(&self) -> u32 {
        S::memref().elements() as u32
    }

    /// Whether the buffer has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A Rust scalar that can be passed to a kernel as a constant.
pub trait ScalarArg: Copy {
    /// Its kernel argument type.
    const TYPE: ScalarType;
    /// The constant.
    fn scalar(self) -> Scalar;
}

macro_rules! scalar_arg {
    ($($t:ty => $s:ident),*) => {$(
        impl ScalarArg for $t {
            const TYPE: ScalarType = ScalarType::$s;
            fn scalar(self) -> Scalar {
                Scalar::$s(self)
            }
        }
    )*};
}
scalar_arg!(i8 => I8, i16 => I16, i32 => I32, f32 => F32);

impl ScalarArg for bf16 {
    const TYPE: ScalarType = ScalarType::Bf16;
    fn scalar(self) -> Scalar {
        Scalar::Bf16(self.to_bits())
    }
}

/// The kernel argument type of a parameter type of a kernel signature: `&S`/`&mut S` for a
/// memref, or a scalar. Used by `#[kernel]` expansions.
pub fn param_type<P: Param>() -> ArgType {
    P::arg_type()
}

/// A parameter type of a kernel signature.
pub trait Param {
    /// Its argument type.
    fn arg_type() -> ArgType;
}

impl<S: Shape> Param for &S {
    fn arg_type() -> ArgType {
        ArgType::MemRef(S::memref())
    }
}

impl<S: Shape> Param for &mut S {
    fn arg_type() -> ArgType {
        ArgType::MemRef(S::memref())
    }
}

macro_rules! scalar_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn arg_type() -> ArgType {
                ArgType::Scalar(<$t as ScalarArg>::TYPE)
            }
        }
    )*};
}
scalar_param!(i8, i16, i32, f32, bf16);

impl DesignBuilder {
    /// An ObjectFIFO of objects of type `S`.
    pub fn typed_fifo<S: Shape>(
        &mut self,
        name: impl Into<String>,
        producer: impl Into<TileId>,
        consumers: impl IntoIterator<Item = impl Into<TileId>>,
        depth: impl Into<Depth>,
    ) -> Fifo<S> {
        Fifo {
            id: self.fifo(name, producer, consumers, depth, S::memref()),
            _shape: PhantomData,
        }
    }
}

impl DesignBuilder {
    /// An ObjectFIFO of objects of type `S` with every option of `spec` (its element type is
    /// replaced by `S`'s).
    pub fn typed_fifo_with<S: Shape>(
        &mut self,
        name: impl Into<String>,
        spec: FifoSpec,
    ) -> Fifo<S> {
        Fifo {
            id: self.fifo_with(name, spec.elem(S::memref())),
            _shape: PhantomData,
        }
    }
}

impl CoreBuilder<'_> {
    /// Acquires one object of `fifo`: as its producer if this core is, else as a consumer.
    pub fn acquire_one<S>(&mut self, fifo: &Fifo<S>) -> Obj<S> {
        let port = self.port_of(fifo.id);
        let acquired = self.acquire(fifo.id, port, 1);
        Obj {
            arg: acquired.get(0),
            acquired,
            _shape: PhantomData,
        }
    }

    /// Acquires `n` objects of `fifo` (see [`CoreBuilder::acquire_one`] for the port).
    pub fn acquire_many<S>(&mut self, fifo: &Fifo<S>, n: u32) -> Objs<S> {
        let port = self.port_of(fifo.id);
        let acquired = self.acquire(fifo.id, port, n);
        Objs {
            objs: (0..n.max(INDEXABLE))
                .map(|i| Obj {
                    arg: acquired.get(i),
                    acquired,
                    _shape: PhantomData,
                })
                .collect(),
            acquired,
        }
    }

    /// The port this core uses on `fifo`: `Produce` if it is the producer, else `Consume`.
    pub fn port_of(&self, fifo: FifoId) -> FifoPort {
        if self.fifos.get(fifo).map(|f| f.producer) == Some(self.tile) {
            FifoPort::Produce
        } else {
            FifoPort::Consume
        }
    }
}

impl RuntimeBuilder<'_> {
    /// Declares a host buffer holding an `S`.
    pub fn typed_arg<S: Shape>(&mut self) -> HostBuf<S> {
        HostBuf {
            arg: self.arg(S::memref()),
            _shape: PhantomData,
        }
    }

    /// Sends `buf` into `fifo`; both hold elements of the same type.
    pub fn fill_typed<S: Shape, H: Shape<Elem = S::Elem>>(
        &mut self,
        fifo: &Fifo<S>,
        buf: &HostBuf<H>,
        t: Transfer,
    ) {
        self.fill(fifo.id, buf.arg, t);
    }

    /// Receives `fifo` into `buf`; both hold elements of the same type.
    pub fn drain_typed<S: Shape, H: Shape<Elem = S::Elem>>(
        &mut self,
        fifo: &Fifo<S>,
        buf: &HostBuf<H>,
        t: Transfer,
    ) {
        self.drain(fifo.id, buf.arg, t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_map_to_memrefs() {
        assert_eq!(<[i32; 16]>::memref().to_string(), "memref<16xi32>");
        assert_eq!(<[[bf16; 64]; 8]>::memref().to_string(), "memref<8x64xbf16>");
        assert_eq!(
            <[[[u8; 4]; 3]; 2]>::memref().to_string(),
            "memref<2x3x4xui8>"
        );
        assert_eq!(param_type::<&mut [i16; 4]>().to_string(), "memref<4xi16>");
        assert_eq!(param_type::<f32>().to_string(), "f32");
    }
}

//! Running a built design on a Ryzen AI NPU through XRT, the way the amdxdna driver accepts:
//! the xclbin is registered and run in a hardware context (XRT's C++ API; `load_axlf` and
//! XRT's C API fail on amdxdna with `Operation not supported`).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let design: aie_dsl::valid::Validated = unimplemented!();
//! use aie_dsl::run::{Input, Npu, Output};
//! use aie_dsl::types::bf16;
//!
//! let built = aie_dsl::build(&design, &aie_dsl::BuildOptions::new("build"))?;
//! let input = vec![bf16::from_f32(1.0); 32768];
//! let mut output = vec![bf16::ZERO; 32768];
//! let npu = Npu::open(0)?;
//! let mut loaded = npu.load(&built, &design)?;
//! let timing = loaded.run(&[Input::from(&input)], &mut [Output::from(&mut output)])?;
//! println!("{:?} per run", timing.kernel);
//! # Ok(()) }
//! ```
//!
//! Everything that can be checked without XRT is checked first, by [`plan::Plan`]: the
//! design's runtime sequence gives one buffer per argument (its size and element type), the
//! xclbin gives the kernel's name, its connected buffer arguments and its AIE partition, and the
//! user's buffers must match before any buffer is allocated. XRT itself is reached through a
//! small C++ shim (`src/run/xrt_shim.cpp`), compiled only with the cargo feature `xrt`; without
//! it, [`Npu::open`] returns [`RunError::NoXrt`].

pub mod error;
#[cfg(feature = "xrt")]
mod ffi;
pub mod plan;

use std::path::Path;
use std::time::Duration;

pub use error::{Role, RunError, XrtStep};
pub use plan::{Element, Input, Output, Plan};

use crate::valid::Validated;
use crate::{Artifact, Built};

/// How long [`Loaded::run`] waits for the NPU unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one run took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// From starting the command to its completed wait (host syncs excluded).
    pub kernel: Duration,
    /// The whole [`Loaded::run`]: copies and syncs both ways included.
    pub total: Duration,
}

fn read(path: &Path) -> Result<Vec<u8>, RunError> {
    std::fs::read(path).map_err(|source| RunError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn artifact<'a>(built: &'a Built, design: &Validated, a: Artifact) -> Result<&'a Path, RunError> {
    built.path(a).ok_or_else(|| RunError::MissingArtifact {
        design: design.name.clone(),
        artifact: a,
        why: built
            .missing
            .iter()
            .find(|(m, _)| *m == a)
            .map(|(_, why)| why.clone()),
    })
}

/// Plans the run of `design` from what [`crate::build`] wrote for it: reads `insts.bin` and
/// `final.xclbin` and checks them against the design ([`Plan::new`]). Needs no XRT.
///
/// # Errors
/// [`RunError::MissingArtifact`] if the build did not write one of them (with the build's
/// reason, e.g. Peano not found), [`RunError::Read`], and the errors of [`Plan::new`].
pub fn plan(built: &Built, design: &Validated) -> Result<Plan, RunError> {
    let insts = artifact(built, design, Artifact::Insts)?;
    let xclbin = artifact(built, design, Artifact::Xclbin)?;
    Plan::new(design, insts, &read(insts)?, xclbin, &read(xclbin)?)
}

/// An open NPU (`xrt::device`).
pub struct Npu {
    #[cfg(feature = "xrt")]
    device: ffi::Device,
    #[cfg(not(feature = "xrt"))]
    _none: std::convert::Infallible,
}

impl std::fmt::Debug for Npu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Npu")
    }
}

/// A design loaded on the NPU: its hardware context, kernel, instruction buffer and argument
/// buffers, ready to [`run`](Loaded::run) as often as wanted.
pub struct Loaded<'npu> {
    plan: Plan,
    timeout: Duration,
    #[cfg(feature = "xrt")]
    loaded: ffi::Loaded<'npu>,
    #[cfg(not(feature = "xrt"))]
    _npu: std::marker::PhantomData<&'npu Npu>,
}

impl std::fmt::Debug for Loaded<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("plan", &self.plan)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Npu {
    /// Opens NPU `index` (0 for the only one of a laptop).
    ///
    /// # Errors
    /// [`RunError::NoXrt`] when aie-dsl was built without the `xrt` feature;
    /// [`RunError::Xrt`] (step [`XrtStep::OpenDevice`]) when XRT finds no such device.
    pub fn open(index: u32) -> Result<Npu, RunError> {
        #[cfg(feature = "xrt")]
        {
            Ok(Npu {
                device: ffi::Device::open(index)?,
            })
        }
        #[cfg(not(feature = "xrt"))]
        {
            let _ = index;
            Err(RunError::NoXrt)
        }
    }

    /// Loads what [`crate::build`] wrote for `design`: plans the call ([`plan()`]), then registers
    /// the xclbin, creates the hardware context, opens the kernel and allocates the buffers.
    ///
    /// # Errors
    /// The errors of [`plan()`] (before XRT is touched), then [`RunError::Xrt`] with the failing
    /// step and XRT's message.
    pub fn load(&self, built: &Built, design: &Validated) -> Result<Loaded<'_>, RunError> {
        let plan = plan(built, design)?;
        let xclbin = artifact(built, design, Artifact::Xclbin)?;
        self.load_plan(plan, xclbin)
    }

    /// Loads a checked [`Plan`] with the xclbin at `xclbin` (the file the plan was made from).
    ///
    /// # Errors
    /// [`RunError::BadPath`], [`RunError::Xrt`].
    pub fn load_plan(&self, plan: Plan, xclbin: &Path) -> Result<Loaded<'_>, RunError> {
        #[cfg(feature = "xrt")]
        {
            let loaded = self.device.load(&plan, xclbin)?;
            Ok(Loaded {
                plan,
                timeout: DEFAULT_TIMEOUT,
                loaded,
            })
        }
        #[cfg(not(feature = "xrt"))]
        {
            let _ = (plan, xclbin);
            match self._none {}
        }
    }
}

impl Loaded<'_> {
    /// The checked plan this was loaded with.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Sets how long [`Loaded::run`] waits for the NPU (default [`DEFAULT_TIMEOUT`]).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Runs the design once: `inputs` are the runtime-sequence arguments the array only reads
    /// ([`Role::Input`]), `outputs` those it writes ([`Role::Output`]), each in argument order.
    /// Buffers are checked ([`Plan::check`]) before anything is copied.
    ///
    /// # Errors
    /// [`RunError::BufferCount`], [`RunError::BufferSize`], [`RunError::BufferType`] (nothing
    /// touched), [`RunError::Timeout`], [`RunError::Xrt`].
    pub fn run(
        &mut self,
        inputs: &[Input<'_>],
        outputs: &mut [Output<'_>],
    ) -> Result<Timing, RunError> {
        self.plan.check(inputs, outputs)?;
        #[cfg(feature = "xrt")]
        {
            let start = std::time::Instant::now();
            let kernel = self.loaded.run(&self.plan, inputs, outputs, self.timeout)?;
            Ok(Timing {
                kernel,
                total: start.elapsed(),
            })
        }
        #[cfg(not(feature = "xrt"))]
        {
            Err(RunError::NoXrt)
        }
    }
}

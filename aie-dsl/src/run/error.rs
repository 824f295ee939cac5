//! Why a design cannot be run: a missing build artifact, buffers that do not match the
//! design's runtime sequence, or XRT refusing a step (with what to check).

use std::path::PathBuf;

use thiserror::Error;

use crate::back::xclbin::parse::ParseError;
use crate::types::{ElemType, MemRefType};
use crate::Artifact;

/// Which way a runtime-sequence argument is used, as the user passes it to
/// [`Loaded::run`](super::Loaded::run).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Only read by the array (host → NPU): passed in `inputs`.
    Input,
    /// Written by the array (NPU → host), possibly also read first: passed in `outputs`. Its
    /// contents are copied to the NPU before the run and read back after it.
    Output,
    /// Neither read nor written by the runtime sequence: allocated (zeroed), passed to no one.
    Unused,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Input => "input",
            Role::Output => "output",
            Role::Unused => "unused",
        })
    }
}

/// The step of the XRT sequence that failed (the C++ shim reports it with XRT's message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum XrtStep {
    /// `xrt::device(index)`.
    OpenDevice,
    /// `xrt::xclbin(path)` and `device.register_xclbin`.
    RegisterXclbin,
    /// `xrt::hw_context(device, uuid)`: the driver creates the partition and the firmware
    /// loads the PDI.
    HwContext,
    /// `xrt::kernel(context, name)`.
    Kernel,
    /// `xrt::bo(...)` for the instructions or an argument.
    AllocBuffer,
    /// Writing and syncing buffers to the device.
    SyncToDevice,
    /// Starting the run (`xrt::run::start`).
    Start,
    /// `xrt::run::wait` returned a state other than completed.
    Wait,
    /// Syncing outputs back and reading them.
    SyncFromDevice,
}

/// The shim's success code (`AIE_XRT_OK` in `xrt_shim.h`).
pub const SHIM_OK: i32 = 0;
/// The shim's code for a wait that ran out of time (`AIE_XRT_TIMEOUT` in `xrt_shim.h`).
pub const SHIM_TIMEOUT: i32 = 100;

impl XrtStep {
    /// The step's code in the C shim's error convention (`AIE_XRT_STEP_*` in `xrt_shim.h`).
    pub fn from_code(code: i32) -> Option<XrtStep> {
        Some(match code {
            1 => XrtStep::OpenDevice,
            2 => XrtStep::RegisterXclbin,
            3 => XrtStep::HwContext,
            4 => XrtStep::Kernel,
            5 => XrtStep::AllocBuffer,
            6 => XrtStep::SyncToDevice,
            7 => XrtStep::Start,
            8 => XrtStep::Wait,
            9 => XrtStep::SyncFromDevice,
            _ => return None,
        })
    }

    /// What XRT was doing, in a few words.
    pub fn doing(self) -> &'static str {
        match self {
            XrtStep::OpenDevice => "opening the NPU (xrt::device)",
            XrtStep::RegisterXclbin => "registering the xclbin (xrt::device::register_xclbin)",
            XrtStep::HwContext => "creating the hardware context (xrt::hw_context)",
            XrtStep::Kernel => "opening the kernel (xrt::kernel)",
            XrtStep::AllocBuffer => "allocating a buffer object (xrt::bo)",
            XrtStep::SyncToDevice => "copying buffers to the NPU (xrt::bo::sync)",
            XrtStep::Start => "starting the run (xrt::run::start)",
            XrtStep::Wait => "waiting for the run (xrt::run::wait)",
            XrtStep::SyncFromDevice => "copying buffers back from the NPU (xrt::bo::sync)",
        }
    }

    /// What to check when this step fails.
    pub fn hint(self) -> &'static str {
        match self {
            XrtStep::OpenDevice => {
                "check that the amdxdna driver is loaded (`lsmod | grep amdxdna`), that \
                 /dev/accel/accel0 exists and is readable by you, and that `xrt-smi examine` \
                 lists an NPU"
            }
            XrtStep::RegisterXclbin => {
                "check that XRT is 2.17 or newer (`xrt-smi --version`) and that the xclbin was \
                 written by this build (`aie inspect final.xclbin`)"
            }
            XrtStep::HwContext => {
                "the driver or the NPU firmware refused the partition or its PDI: check \
                 `xrt-smi examine` (firmware version, columns in use by other contexts, at most \
                 6 at once) and that the design's columns fit the device (`aie inspect \
                 final.xclbin` shows the AIE partition's column width and start columns); \
                 `sudo dmesg | grep amdxdna` shows the driver's reason"
            }
            XrtStep::Kernel => {
                "the xclbin's kernel does not match its hardware context: rebuild the xclbin \
                 and check `aie inspect final.xclbin`"
            }
            XrtStep::AllocBuffer => {
                "check that the buffers fit in the NPU's host memory (`xrt-smi examine`) and \
                 that no other process holds it"
            }
            XrtStep::SyncToDevice | XrtStep::SyncFromDevice => {
                "check `sudo dmesg | grep amdxdna` for the driver's reason"
            }
            XrtStep::Start | XrtStep::Wait => {
                "the NPU did not complete the instruction stream: check that insts.bin was \
                 built with this xclbin, that every runtime transfer has a matching core \
                 program (a core that never releases a FIFO stalls the run), and \
                 `sudo dmesg | grep amdxdna`; `xrt-smi examine` shows whether the NPU needs a \
                 reset"
            }
        }
    }
}

/// Why a design cannot be loaded or run.
#[derive(Debug, Error)]
pub enum RunError {
    /// aie-dsl was built without XRT.
    #[error(
        "running on the NPU needs aie-dsl built with the `xrt` cargo feature (`--features xrt`) \
         and XRT 2.17 or newer with the amdxdna driver installed (see docs/running.md)"
    )]
    NoXrt,
    /// The design has no runtime sequence, so there is nothing to run.
    #[error("design `{design}` has no runtime sequence, so there is no instruction stream to run; add one with `runtime!` or `DesignBuilder::runtime`")]
    NoRuntimeSequence {
        /// The design.
        design: String,
    },
    /// The build did not write an artifact the run needs.
    #[error("design `{design}`: the build did not write {artifact}{}; a run needs insts.bin and final.xclbin", why.as_ref().map(|w| format!(": {w}")).unwrap_or_default())]
    MissingArtifact {
        /// The design.
        design: String,
        /// The missing artifact.
        artifact: Artifact,
        /// Why the build could not make it, when it said.
        why: Option<String>,
    },
    /// An artifact could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The instruction stream is not whole 32-bit words, or has no TXN header.
    #[error("{}: {why}; rebuild it with `aie build`", path.display())]
    BadInstructions {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// The xclbin could not be parsed.
    #[error("{} is not a readable xclbin: {source}", path.display())]
    Xclbin {
        /// The file.
        path: PathBuf,
        /// Why.
        source: ParseError,
    },
    /// The xclbin lacks a section XRT needs on the NPU.
    #[error("{} has no {section} section; an xclbin for the NPU needs one ({what}); rebuild it with `aie build`", path.display())]
    MissingSection {
        /// The file.
        path: PathBuf,
        /// Section name.
        section: &'static str,
        /// What the section is for.
        what: &'static str,
    },
    /// The xclbin declares no DPU kernel.
    #[error("{} declares no DPU kernel in IP_LAYOUT (mlir-aie's is `MLIR_AIE`), so XRT has nothing to run; rebuild it with `aie build`", path.display())]
    NoKernel {
        /// The file.
        path: PathBuf,
    },
    /// The xclbin's AIE partition holds no PDI.
    #[error("{}: the AIE partition holds no PDI, so the NPU would not be configured; rebuild it with `aie build`", path.display())]
    NoPdi {
        /// The file.
        path: PathBuf,
    },
    /// The xclbin's partition is narrower than the design.
    #[error("{}: the AIE partition is {width} column(s) wide, but design `{design}` is for {device} with {columns} column(s); build the xclbin from this design", path.display())]
    PartitionColumns {
        /// The file.
        path: PathBuf,
        /// The design.
        design: String,
        /// The design's device.
        device: String,
        /// Columns the design owns.
        columns: u32,
        /// The partition's `column_width`.
        width: u16,
    },
    /// The kernel has fewer buffer arguments than the runtime sequence.
    #[error("design `{design}` has {args} runtime-sequence arguments, but kernel `{kernel}` in the xclbin connects only {slots} buffer arguments (from argument 3 on); use at most {slots} host buffers in the runtime sequence")]
    TooManyArgs {
        /// The design.
        design: String,
        /// The kernel.
        kernel: String,
        /// Runtime-sequence arguments.
        args: usize,
        /// Buffer arguments the xclbin connects.
        slots: usize,
    },
    /// A runtime-sequence argument's size does not fit in host memory.
    #[error("design `{design}`: runtime-sequence argument {index} ({ty}) is too large to allocate; make it smaller")]
    ArgTooLarge {
        /// The design.
        design: String,
        /// Argument index.
        index: usize,
        /// Its type.
        ty: MemRefType,
    },
    /// The wrong number of input or output buffers was passed.
    #[error("design `{design}` takes {expected} {role} buffer(s) (runtime-sequence arguments {args}), but {got} were passed; pass one per argument, in argument order")]
    BufferCount {
        /// The design.
        design: String,
        /// Inputs or outputs.
        role: Role,
        /// How many the design takes.
        expected: usize,
        /// How many were passed.
        got: usize,
        /// The argument indices, e.g. `0, 2`.
        args: String,
    },
    /// A buffer has the wrong size.
    #[error("design `{design}`: {role} buffer for runtime-sequence argument {index} ({ty}) must be {expected} bytes, but has {got}; pass exactly {elements} {elem} elements")]
    BufferSize {
        /// The design.
        design: String,
        /// Input or output.
        role: Role,
        /// Argument index.
        index: usize,
        /// The argument's type.
        ty: MemRefType,
        /// Its byte size.
        expected: u64,
        /// The buffer's byte size.
        got: u64,
        /// Its element count.
        elements: u64,
        /// Its element type.
        elem: ElemType,
    },
    /// A typed buffer has the wrong element type.
    #[error("design `{design}`: {role} buffer for runtime-sequence argument {index} ({ty}) holds {got} elements, but the argument's elements are {expected}; pass a slice of {expected}")]
    BufferType {
        /// The design.
        design: String,
        /// Input or output.
        role: Role,
        /// Argument index.
        index: usize,
        /// The argument's type.
        ty: MemRefType,
        /// Expected element type.
        expected: ElemType,
        /// The buffer's element type.
        got: ElemType,
    },
    /// A path cannot be passed to XRT (it holds a NUL byte or is not UTF-8).
    #[error("{} cannot be passed to XRT (not UTF-8 or holds a NUL byte); build into a plainer folder (`--out DIR`)", path.display())]
    BadPath {
        /// The path.
        path: PathBuf,
    },
    /// XRT refused a step.
    #[error("XRT failed {}: {message}; {}", step.doing(), step.hint())]
    Xrt {
        /// Which step.
        step: XrtStep,
        /// XRT's message (`std::exception::what()`), or the command state.
        message: String,
    },
    /// The run did not finish in time.
    #[error("the NPU run did not complete within {timeout_ms} ms (state: {state}); {}", XrtStep::Wait.hint())]
    Timeout {
        /// The timeout.
        timeout_ms: u32,
        /// XRT's command state when the wait returned.
        state: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `#define NAME value` lines of the C header the shim is compiled with.
    fn header_codes() -> Vec<(String, i32)> {
        include_str!("xrt_shim.h")
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                (w.next() == Some("#define")).then_some(())?;
                let name = w.next()?.to_string();
                let value = w.next()?.parse().ok()?;
                Some((name, value))
            })
            .collect()
    }

    #[test]
    fn step_codes_agree_with_the_c_header() {
        let codes = header_codes();
        let steps: Vec<_> = codes
            .iter()
            .filter(|(n, _)| n.starts_with("AIE_XRT_STEP_"))
            .collect();
        assert_eq!(steps.len(), 9, "{codes:?}");
        for (name, code) in steps {
            let step = XrtStep::from_code(*code).unwrap_or_else(|| panic!("{name} = {code}"));
            // AIE_XRT_STEP_HW_CONTEXT <-> HwContext, and so on.
            let camel: String = name["AIE_XRT_STEP_".len()..]
                .split('_')
                .map(|w| w[..1].to_string() + &w[1..].to_lowercase())
                .collect();
            assert_eq!(format!("{step:?}"), camel, "{name}");
        }
        assert!(codes.contains(&("AIE_XRT_OK".into(), SHIM_OK)));
        assert!(codes.contains(&("AIE_XRT_TIMEOUT".into(), SHIM_TIMEOUT)));
        assert_eq!(XrtStep::from_code(SHIM_OK), None);
        assert_eq!(XrtStep::from_code(SHIM_TIMEOUT), None);
    }

    #[test]
    fn xrt_errors_carry_the_message_and_what_to_check() {
        let e = RunError::Xrt {
            step: XrtStep::OpenDevice,
            message: "No devices found".into(),
        };
        let s = e.to_string();
        assert!(s.contains("opening the NPU"), "{s}");
        assert!(s.contains("No devices found"), "{s}");
        assert!(
            s.contains("amdxdna") && s.contains("xrt-smi examine"),
            "{s}"
        );

        let s = RunError::Xrt {
            step: XrtStep::HwContext,
            message: "DRM_IOCTL_AMDXDNA_CREATE_HWCTX IOCTL failed (err=-22): Invalid argument"
                .into(),
        }
        .to_string();
        assert!(s.contains("Invalid argument"), "{s}");
        assert!(
            s.contains("column width") && s.contains("xrt-smi examine"),
            "{s}"
        );

        let s = RunError::Xrt {
            step: XrtStep::RegisterXclbin,
            message: "load_axlf: Operation not supported".into(),
        }
        .to_string();
        assert!(s.contains("2.17"), "{s}");

        let s = RunError::Timeout {
            timeout_ms: 10_000,
            state: "command state 11 (ERT_CMD_STATE_TIMEOUT)".into(),
        }
        .to_string();
        assert!(
            s.contains("10000 ms") && s.contains("ERT_CMD_STATE_TIMEOUT"),
            "{s}"
        );
    }
}

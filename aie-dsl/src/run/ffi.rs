//! The C interface of the XRT shim (`xrt_shim.h`), with owning Rust handles. Only compiled
//! with the `xrt` feature; build.rs compiles `xrt_shim.cpp` and links XRT's `xrt_coreutil`.

use std::ffi::{c_char, c_int, c_uint, CString};
use std::marker::PhantomData;
use std::path::Path;
use std::ptr::{self, NonNull};
use std::time::Duration;

use super::error::{Role, RunError, XrtStep, SHIM_OK as OK, SHIM_TIMEOUT as TIMEOUT};
use super::plan::{Input, Output, Plan};

#[repr(C)]
struct RawDevice {
    _opaque: [u8; 0],
}

#[repr(C)]
struct RawLoaded {
    _opaque: [u8; 0],
}

/// Bytes of the buffer XRT's message is copied into.
const ERR_LEN: usize = 1024;

extern "C" {
    fn aie_xrt_open(index: c_uint, out: *mut *mut RawDevice, err: *mut c_char, len: usize)
        -> c_int;
    fn aie_xrt_close(dev: *mut RawDevice);
    fn aie_xrt_load(
        dev: *mut RawDevice,
        xclbin_path: *const c_char,
        kernel_name: *const c_char,
        instr: *const u32,
        ninstr: u32,
        arg_bytes: *const usize,
        nargs: usize,
        out: *mut *mut RawLoaded,
        err: *mut c_char,
        len: usize,
    ) -> c_int;
    fn aie_xrt_unload(loaded: *mut RawLoaded);
    fn aie_xrt_run(
        loaded: *mut RawLoaded,
        write: *const *const u8,
        read: *const *mut u8,
        timeout_ms: u32,
        nanos: *mut u64,
        err: *mut c_char,
        len: usize,
    ) -> c_int;
}

/// The message the shim wrote, up to its NUL.
fn message(err: &[u8]) -> String {
    let end = err.iter().position(|&b| b == 0).unwrap_or(err.len());
    String::from_utf8_lossy(&err[..end]).into_owned()
}

/// Maps a shim return code to a typed error.
fn check(rc: c_int, err: &[u8], timeout: Duration) -> Result<(), RunError> {
    match rc {
        OK => Ok(()),
        TIMEOUT => Err(RunError::Timeout {
            timeout_ms: u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX),
            state: message(err),
        }),
        code => Err(RunError::Xrt {
            // An unknown code would be a shim bug; report it where a run fails.
            step: XrtStep::from_code(code).unwrap_or(XrtStep::Start),
            message: message(err),
        }),
    }
}

/// An open `xrt::device`.
pub(super) struct Device(NonNull<RawDevice>);

impl Device {
    pub(super) fn open(index: u32) -> Result<Device, RunError> {
        let mut err = [0u8; ERR_LEN];
        let mut out = ptr::null_mut();
        // SAFETY: `out` and `err` are valid for writes of the stated sizes.
        let rc = unsafe { aie_xrt_open(index, &mut out, err.as_mut_ptr().cast(), ERR_LEN) };
        check(rc, &err, Duration::ZERO)?;
        NonNull::new(out).map(Device).ok_or_else(|| RunError::Xrt {
            step: XrtStep::OpenDevice,
            message: "the shim returned no device".into(),
        })
    }

    pub(super) fn load(&self, plan: &Plan, xclbin: &Path) -> Result<Loaded<'_>, RunError> {
        let bad_path = || RunError::BadPath {
            path: xclbin.to_path_buf(),
        };
        let path = CString::new(xclbin.to_str().ok_or_else(bad_path)?).map_err(|_| bad_path())?;
        // The kernel name comes from the xclbin's fixed-size, NUL-terminated IP name.
        let kernel = CString::new(plan.kernel.as_str()).map_err(|_| bad_path())?;
        let sizes: Vec<usize> = plan.args.iter().map(|a| a.bytes).collect();
        let mut err = [0u8; ERR_LEN];
        let mut out = ptr::null_mut();
        // SAFETY: every pointer is valid for the length passed with it and outlives the call;
        // the shim copies the instructions into its own buffer.
        let rc = unsafe {
            aie_xrt_load(
                self.0.as_ptr(),
                path.as_ptr(),
                kernel.as_ptr(),
                plan.instructions.as_ptr(),
                plan.ninstr(),
                sizes.as_ptr(),
                sizes.len(),
                &mut out,
                err.as_mut_ptr().cast(),
                ERR_LEN,
            )
        };
        check(rc, &err, Duration::ZERO)?;
        NonNull::new(out)
            .map(|p| Loaded(p, PhantomData))
            .ok_or_else(|| RunError::Xrt {
                step: XrtStep::HwContext,
                message: "the shim returned no context".into(),
            })
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: made by aie_xrt_open, dropped once; every Loaded borrows it, so none is left.
        unsafe { aie_xrt_close(self.0.as_ptr()) }
    }
}

/// A hardware context with its kernel and buffers; borrows the device it was made on.
pub(super) struct Loaded<'d>(NonNull<RawLoaded>, PhantomData<&'d Device>);

impl Loaded<'_> {
    /// One run with buffers already checked against `plan` ([`Plan::check`]); returns the time
    /// from start to completed wait.
    pub(super) fn run(
        &mut self,
        plan: &Plan,
        inputs: &[Input<'_>],
        outputs: &mut [Output<'_>],
        timeout: Duration,
    ) -> Result<Duration, RunError> {
        let n = plan.args.len();
        let mut write: Vec<*const u8> = vec![ptr::null(); n];
        let mut read: Vec<*mut u8> = vec![ptr::null_mut(); n];
        let mut ins = inputs.iter();
        let mut outs = outputs.iter_mut();
        for (i, a) in plan.args.iter().enumerate() {
            match a.role {
                Role::Input => {
                    if let Some(b) = ins.next() {
                        write[i] = b.as_bytes().as_ptr();
                    }
                }
                Role::Output => {
                    if let Some(b) = outs.next() {
                        let p = b.as_bytes_mut().as_mut_ptr();
                        write[i] = p;
                        read[i] = p;
                    }
                }
                Role::Unused => {}
            }
        }
        let timeout_ms = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
        let mut nanos = 0u64;
        let mut err = [0u8; ERR_LEN];
        // SAFETY: `plan.check` made every non-null pointer point at exactly `a.bytes` bytes
        // (the size the shim allocated for argument i); outputs are borrowed mutably and
        // inputs shared for the call; the arrays hold `n` entries, the shim's argument count.
        let rc = unsafe {
            aie_xrt_run(
                self.0.as_ptr(),
                write.as_ptr(),
                read.as_ptr(),
                timeout_ms,
                &mut nanos,
                err.as_mut_ptr().cast(),
                ERR_LEN,
            )
        };
        check(rc, &err, timeout)?;
        Ok(Duration::from_nanos(nanos))
    }
}

impl Drop for Loaded<'_> {
    fn drop(&mut self) {
        // SAFETY: made by aie_xrt_load, dropped once, before its device (it borrows it).
        unsafe { aie_xrt_unload(self.0.as_ptr()) }
    }
}

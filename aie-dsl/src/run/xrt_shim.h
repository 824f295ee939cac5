/* The C interface of aie-dsl's XRT shim (xrt_shim.cpp), called from Rust (src/run/ffi.rs).
 *
 * Every function that can fail returns 0 on success, or the AIE_XRT_STEP_* code of the step
 * that failed, with XRT's message (std::exception::what()) copied, NUL-terminated and
 * truncated to fit, into `err` of `err_len` bytes. No C++ exception crosses this interface. */
#ifndef AIE_DSL_XRT_SHIM_H
#define AIE_DSL_XRT_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AIE_XRT_OK 0
#define AIE_XRT_STEP_OPEN_DEVICE 1
#define AIE_XRT_STEP_REGISTER_XCLBIN 2
#define AIE_XRT_STEP_HW_CONTEXT 3
#define AIE_XRT_STEP_KERNEL 4
#define AIE_XRT_STEP_ALLOC_BUFFER 5
#define AIE_XRT_STEP_SYNC_TO_DEVICE 6
#define AIE_XRT_STEP_START 7
#define AIE_XRT_STEP_WAIT 8
#define AIE_XRT_STEP_SYNC_FROM_DEVICE 9
/* The wait ran out of time (err holds the command state). */
#define AIE_XRT_TIMEOUT 100

typedef struct aie_xrt_device aie_xrt_device;
typedef struct aie_xrt_loaded aie_xrt_loaded;

/* Opens device `index` (xrt::device). */
int aie_xrt_open(unsigned int index, aie_xrt_device **out, char *err, size_t err_len);
void aie_xrt_close(aie_xrt_device *dev);

/* Registers the xclbin at `xclbin_path`, creates a hardware context for it, opens
 * `kernel_name`, and allocates the instruction buffer (cacheable, group_id(1), filled with
 * `ninstr` words and synced) and one host-only buffer of `arg_bytes[i]` bytes on
 * group_id(3 + i) per runtime-sequence argument. */
int aie_xrt_load(aie_xrt_device *dev, const char *xclbin_path, const char *kernel_name,
                 const uint32_t *instr, uint32_t ninstr, const size_t *arg_bytes, size_t nargs,
                 aie_xrt_loaded **out, char *err, size_t err_len);
void aie_xrt_unload(aie_xrt_loaded *loaded);

/* One run: for each argument i, copies `write[i]` (NULL: zeros) into its buffer and syncs it
 * to the device, runs kernel(3, instr, ninstr, bo0, ...), waits up to `timeout_ms`, then syncs
 * back and copies into `read[i]` where it is not NULL. Buffers are arg_bytes[i] long.
 * `nanos` receives the time from start to completed wait. */
int aie_xrt_run(aie_xrt_loaded *loaded, const uint8_t *const *write, uint8_t *const *read,
                uint32_t timeout_ms, uint64_t *nanos, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif

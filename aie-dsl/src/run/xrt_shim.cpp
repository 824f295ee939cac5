// aie-dsl's shim over XRT's C++ API, for the amdxdna driver: the xclbin is registered
// (xrt::device::register_xclbin) and run in a hardware context (xrt::hw_context), the only
// path amdxdna implements -- its shim device has no load_axlf, and XRT's C API offers neither
// register_xclbin nor hardware contexts. The call sequence is the one mlir-aie's host harness
// uses (runtime_lib/test_lib/test_utils.cpp at mlir-aie 5ff2ab97d). Compiled by aie-dsl's
// build.rs only with the cargo feature `xrt`; see xrt_shim.h for the C interface.

#include "xrt_shim.h"

#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "xrt/xrt_bo.h"
#include "xrt/xrt_device.h"
#include "xrt/xrt_kernel.h"

struct aie_xrt_device {
  xrt::device device;
};

struct aie_xrt_loaded {
  xrt::device device;
  xrt::hw_context context;
  xrt::kernel kernel;
  xrt::bo instr;
  uint32_t ninstr = 0;
  std::vector<xrt::bo> args;
  std::vector<size_t> arg_bytes;
};

namespace {

// Copies `msg` into the caller's buffer, truncated and NUL-terminated.
void set_error(char *err, size_t err_len, const char *msg) {
  if (err == nullptr || err_len == 0)
    return;
  size_t n = std::strlen(msg);
  if (n >= err_len)
    n = err_len - 1;
  std::memcpy(err, msg, n);
  err[n] = '\0';
}

// Runs `f`; an exception becomes `step` with its message.
template <typename F> int guarded(int step, char *err, size_t err_len, F &&f) {
  try {
    f();
    return AIE_XRT_OK;
  } catch (const std::exception &e) {
    set_error(err, err_len, e.what());
  } catch (...) {
    set_error(err, err_len, "unknown C++ exception");
  }
  return step;
}

} // namespace

extern "C" int aie_xrt_open(unsigned int index, aie_xrt_device **out, char *err,
                            size_t err_len) {
  if (out == nullptr)
    return AIE_XRT_STEP_OPEN_DEVICE;
  *out = nullptr;
  return guarded(AIE_XRT_STEP_OPEN_DEVICE, err, err_len, [&] {
    auto dev = std::make_unique<aie_xrt_device>(aie_xrt_device{xrt::device(index)});
    *out = dev.release();
  });
}

extern "C" void aie_xrt_close(aie_xrt_device *dev) { delete dev; }

extern "C" int aie_xrt_load(aie_xrt_device *dev, const char *xclbin_path,
                            const char *kernel_name, const uint32_t *instr, uint32_t ninstr,
                            const size_t *arg_bytes, size_t nargs, aie_xrt_loaded **out,
                            char *err, size_t err_len) {
  if (out == nullptr || dev == nullptr || xclbin_path == nullptr || kernel_name == nullptr ||
      (ninstr != 0 && instr == nullptr) || (nargs != 0 && arg_bytes == nullptr)) {
    set_error(err, err_len, "aie_xrt_load: null argument");
    return AIE_XRT_STEP_REGISTER_XCLBIN;
  }
  *out = nullptr;
  xrt::uuid uuid;
  int rc = guarded(AIE_XRT_STEP_REGISTER_XCLBIN, err, err_len, [&] {
    xrt::xclbin xclbin{std::string(xclbin_path)};
    dev->device.register_xclbin(xclbin);
    uuid = xclbin.get_uuid();
  });
  if (rc != AIE_XRT_OK)
    return rc;
  xrt::hw_context context;
  rc = guarded(AIE_XRT_STEP_HW_CONTEXT, err, err_len,
               [&] { context = xrt::hw_context(dev->device, uuid); });
  if (rc != AIE_XRT_OK)
    return rc;
  xrt::kernel kernel;
  rc = guarded(AIE_XRT_STEP_KERNEL, err, err_len,
               [&] { kernel = xrt::kernel(context, std::string(kernel_name)); });
  if (rc != AIE_XRT_OK)
    return rc;
  auto loaded = std::make_unique<aie_xrt_loaded>();
  rc = guarded(AIE_XRT_STEP_ALLOC_BUFFER, err, err_len, [&] {
    loaded->instr = xrt::bo(dev->device, size_t{ninstr} * sizeof(uint32_t),
                            xrt::bo::flags::cacheable, kernel.group_id(1));
    for (size_t i = 0; i < nargs; ++i)
      loaded->args.emplace_back(dev->device, arg_bytes[i], xrt::bo::flags::host_only,
                                kernel.group_id(static_cast<int>(3 + i)));
  });
  if (rc != AIE_XRT_OK)
    return rc;
  rc = guarded(AIE_XRT_STEP_SYNC_TO_DEVICE, err, err_len, [&] {
    loaded->instr.write(instr);
    loaded->instr.sync(XCL_BO_SYNC_BO_TO_DEVICE);
  });
  if (rc != AIE_XRT_OK)
    return rc;
  loaded->device = dev->device;
  loaded->context = context;
  loaded->kernel = kernel;
  loaded->ninstr = ninstr;
  loaded->arg_bytes.assign(arg_bytes, arg_bytes + nargs);
  *out = loaded.release();
  return AIE_XRT_OK;
}

extern "C" void aie_xrt_unload(aie_xrt_loaded *loaded) { delete loaded; }

extern "C" int aie_xrt_run(aie_xrt_loaded *loaded, const uint8_t *const *write,
                           uint8_t *const *read, uint32_t timeout_ms, uint64_t *nanos,
                           char *err, size_t err_len) {
  if (loaded == nullptr || (!loaded->args.empty() && (write == nullptr || read == nullptr))) {
    set_error(err, err_len, "aie_xrt_run: null argument");
    return AIE_XRT_STEP_START;
  }
  const size_t nargs = loaded->args.size();
  int rc = guarded(AIE_XRT_STEP_SYNC_TO_DEVICE, err, err_len, [&] {
    for (size_t i = 0; i < nargs; ++i) {
      xrt::bo &bo = loaded->args[i];
      if (write[i] != nullptr) {
        bo.write(write[i], loaded->arg_bytes[i], 0);
      } else {
        std::vector<uint8_t> zeros(loaded->arg_bytes[i], 0);
        bo.write(zeros.data(), zeros.size(), 0);
      }
      bo.sync(XCL_BO_SYNC_BO_TO_DEVICE);
    }
  });
  if (rc != AIE_XRT_OK)
    return rc;
  xrt::run run;
  auto start = std::chrono::steady_clock::now();
  rc = guarded(AIE_XRT_STEP_START, err, err_len, [&] {
    run = xrt::run(loaded->kernel);
    run.set_arg(0, uint64_t{3}); // opcode, as every mlir-aie host passes
    run.set_arg(1, loaded->instr);
    run.set_arg(2, loaded->ninstr); // in 32-bit words
    for (size_t i = 0; i < nargs; ++i)
      run.set_arg(static_cast<int>(3 + i), loaded->args[i]);
    run.start();
  });
  if (rc != AIE_XRT_OK)
    return rc;
  ert_cmd_state state = ERT_CMD_STATE_NEW;
  rc = guarded(AIE_XRT_STEP_WAIT, err, err_len,
               [&] { state = run.wait(std::chrono::milliseconds{timeout_ms}); });
  if (rc != AIE_XRT_OK)
    return rc;
  auto end = std::chrono::steady_clock::now();
  if (state != ERT_CMD_STATE_COMPLETED) {
    std::string msg = "command state " + std::to_string(static_cast<int>(state));
    if (state == ERT_CMD_STATE_TIMEOUT) {
      msg += " (ERT_CMD_STATE_TIMEOUT)";
      set_error(err, err_len, msg.c_str());
      // XRT leaves an unfinished command to the caller; abort it so the context can go.
      try {
        run.abort();
      } catch (...) {
      }
      return AIE_XRT_TIMEOUT;
    }
    if (state == ERT_CMD_STATE_ERROR)
      msg += " (ERT_CMD_STATE_ERROR)";
    else if (state == ERT_CMD_STATE_ABORT)
      msg += " (ERT_CMD_STATE_ABORT)";
    set_error(err, err_len, msg.c_str());
    return AIE_XRT_STEP_WAIT;
  }
  if (nanos != nullptr)
    *nanos = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  return guarded(AIE_XRT_STEP_SYNC_FROM_DEVICE, err, err_len, [&] {
    for (size_t i = 0; i < nargs; ++i) {
      if (read[i] == nullptr)
        continue;
      loaded->args[i].sync(XCL_BO_SYNC_BO_FROM_DEVICE);
      loaded->args[i].read(read[i], loaded->arg_bytes[i], 0);
    }
  });
}

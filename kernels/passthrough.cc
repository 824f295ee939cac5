// Copies one line of int32 values: the kernel of the passthrough_kernel design.
// Plain C++ for AIE2; build with Peano (llvm-aie): clang++ --target=aie2-none-unknown-elf -O2 -c.
#include <stdint.h>

extern "C" void passThroughLine(const int32_t *in, int32_t *out, int32_t len) {
  for (int32_t i = 0; i < len; i++)
    out[i] = in[i];
}

// Residual add of two bf16 vectors, for AIE2:  c[i] = bf16(float(a[i]) + float(b[i])).
//
// Both inputs widen exactly to float; the float sum of two bf16 values is exact unless their
// exponents differ by more than 16, and is then within half a float ulp. It is rounded once
// to bf16, to nearest even, so the result is the correctly rounded bf16 sum in every case
// but that double-rounding corner (off by at most 1 bf16 ulp there).
//
// Build with Peano (llvm-aie):
//   clang++ --target=aie2-none-unknown-elf -O2 -c residual_add.cc -o residual_add.o
#include <stdint.h>

#include "bf16_math.h"

// c[i] = a[i] + b[i] for i < n.
extern "C" void residual_add_bf16(const uint16_t *__restrict a, const uint16_t *__restrict b,
                                  uint16_t *__restrict c, int32_t n) {
  for (int32_t i = 0; i < n; i++)
    c[i] = aie_bf16::from_float(aie_bf16::to_float(a[i]) + aie_bf16::to_float(b[i]));
}

// Softmax over one row of n bf16 scores, for AIE2 without libm:
//
//   m = max_i x_i,   s = sum_i exp(x_i - m),   out_i = exp(x_i - m) / s
//
// Subtracting the maximum keeps every exponent argument <= 0, so exp never overflows and the
// largest term is exactly 1 (s >= 1). exp is bf16_math.h's range-reduced polynomial (a few
// float ulps). The sum is accumulated in float; for n = 1500 its rounding error is at most
// n * 2^-24 ~= 9e-5 relative (much less in practice). Rather than keep n float
// exponentials (6 KB for n = 1500, more than a core's stack), the exponentials are computed a
// second time in the output pass; out_i = e_i * (1/s) is rounded once to bf16. Each output is
// within 1 bf16 ulp of the exact softmax, and the bf16 outputs of a row sum to 1 within 2^-8
// (each is at most 2^-8 relative off after rounding); kernels_whisper.rs asserts both (measured:
// 0.5 ulp, i.e. correctly rounded, and |sum - 1| <= 2.1e-3 on rows of 1500).
// A row with a NaN gives NaNs; a row of -inf gives NaNs (0/0), as the exact formula does.
//
// Build with Peano (llvm-aie):
//   clang++ --target=aie2-none-unknown-elf -O2 -c softmax.cc -o softmax.o
#include <stdint.h>

#include "bf16_math.h"

// Softmax of in[0..n) into out[0..n); n >= 1.
extern "C" void softmax_bf16(const uint16_t *__restrict in, uint16_t *__restrict out,
                             int32_t n) {
  float m = aie_bf16::to_float(in[0]);
  for (int32_t i = 1; i < n; i++) {
    const float x = aie_bf16::to_float(in[i]);
    m = x > m ? x : m;
  }
  float s = 0.0f;
  for (int32_t i = 0; i < n; i++)
    s += aie_bf16::exp_approx(aie_bf16::to_float(in[i]) - m);
  const float inv = 1.0f / s;
  for (int32_t i = 0; i < n; i++)
    out[i] = aie_bf16::from_float(aie_bf16::exp_approx(aie_bf16::to_float(in[i]) - m) * inv);
}

// GELU in its exact erf form over a row of bf16 values, for AIE2 without libm:
//
//   gelu(x) = x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt 2)) = 0.5 * x * erfc(-x / sqrt 2)
//
// (Whisper's MLP uses this form; the tanh approximation is not used.) Inputs and outputs are
// bf16 bit patterns, the arithmetic is float.
//
// erfc by the Chebyshev-fitted formula of Numerical Recipes in C (2nd ed., section 6.2,
// `erfcc`), for z >= 0:
//   t = 1 / (1 + z/2)
//   erfc(z) = t * exp(-z^2 - 1.26551223 + t*(1.00002368 + t*(0.37409196 + t*(0.09678418
//             + t*(-0.18628806 + t*(0.27886807 + t*(-1.13520398 + t*(1.48851587
//             + t*(-0.82215223 + t*0.17087277)))))))))
// with FRACTIONAL error below 1.2e-7 for every z >= 0. The relative (not only absolute)
// bound matters for x < 0, where gelu(x) = 0.5 x erfc(|x|/sqrt 2) is tiny: an erf with an
// absolute bound (e.g. Abramowitz-Stegun 7.1.26, |err| <= 1.5e-7) would be wrong by 25% at
// x = -5. For x >= 0, gelu(x) = x * (1 - erfc(z)/2) with z = x/sqrt 2.
// exp comes from bf16_math.h (range reduction, degree-7 polynomial, a few float ulps).
// Float rounding of the ~25 operations adds a few float ulps; the result, rounded once to
// bf16 (2^-8 relative), is within 1 bf16 ulp of the exact value (kernels_whisper.rs measures
// and asserts it). Below x ~= -13 the result underflows float and is returned as -0.
// NaN -> NaN, +inf -> +inf, -inf -> -0.
//
// Build with Peano (llvm-aie):
//   clang++ --target=aie2-none-unknown-elf -O2 -c gelu.cc -o gelu.o
#include <stdint.h>

#include "bf16_math.h"

namespace {

inline float gelu(float x) {
  const float z = (x < 0.0f ? -x : x) * 0.70710678118654752f;
  const float t = 1.0f / (1.0f + 0.5f * z);
  float q = 0.17087277f;
  q = q * t - 0.82215223f;
  q = q * t + 1.48851587f;
  q = q * t - 1.13520398f;
  q = q * t + 0.27886807f;
  q = q * t - 0.18628806f;
  q = q * t + 0.09678418f;
  q = q * t + 0.37409196f;
  q = q * t + 1.00002368f;
  q = q * t - 1.26551223f;
  const float erfc = t * aie_bf16::exp_approx(q - z * z); // erfc(|x| / sqrt 2)
  const float h = 0.5f * erfc;                             // Phi(-|x|)
  if (x < 0.0f)
    return h == 0.0f ? -0.0f : x * h;
  return x * (1.0f - h);
}

} // namespace

// out[i] = gelu(in[i]) for i < n.
extern "C" void gelu_bf16(const uint16_t *__restrict in, uint16_t *__restrict out,
                          int32_t n) {
  for (int32_t i = 0; i < n; i++)
    out[i] = aie_bf16::from_float(gelu(aie_bf16::to_float(in[i])));
}

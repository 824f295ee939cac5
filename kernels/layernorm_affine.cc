// LayerNorm of one row of n bf16 values with a learned scale (gamma) and shift (beta), as
// Whisper's encoder computes it (statistics in float), for AIE2 without libm:
//
//   mean = (1/n) sum x_i,   var = (1/n) sum (x_i - mean)^2,
//   out_i = (x_i - mean) / sqrt(var + eps) * gamma_i + beta_i,   eps = 1e-5
//
// Arguments: `in` is the row, `gb` holds gamma[0..n) followed by beta[0..n) (one buffer, so a
// design delivers both once, as one object), `out` receives the row; all bf16 bit patterns.
//
// Row lengths: n must be a multiple of kLanes (16) and at most kMaxRow (2048): Whisper's
// d_model is 384 (tiny), 512 (base), 768, 1024 or 1280. Any other n is a caller error; the
// kernel then writes quiet NaNs to out[0..min(n, kMaxRow)) and nothing else, so a wrong call
// cannot pass for a result (the designs reject such n at build time: designs/src/
// whisper_layernorm.rs).
//
// How it is computed (all in float, bf16 rounding once at the end):
// - The reductions keep kLanes partial sums (lane l sums elements l, l + 16, ...), added in a
//   fixed order at the end: a counted loop over contiguous data that the compiler can turn
//   into 16-wide vector operations without reassociating float additions.
// - Pass 1 finds max |x_i|. A row whose largest magnitude is 2^16 or more is scaled by a
//   power of two 2^-e (exact) so that the squares below cannot overflow float; eps is
//   scaled with it (eps * 2^-2e), so the result is the same as unscaled arithmetic would
//   give where that does not overflow. Rows up to bf16's largest value (3.4e38) work.
// - Passes 2 and 3 are the corrected two-pass algorithm (Chan, Golub & LeVeque, "Algorithms
//   for computing the sample variance", 1983): a first mean m0, then the deviations
//   e_i = x_i - m0 with their sum s1 and sum of squares s2; mean = m0 + s1/n and
//   var = (s2 - s1^2/n)/n. The rounding error of m0 (large for rows with a large common
//   offset, x ~ 1000 with a spread of a few units, or a large outlier) is recovered by s1,
//   which is small, so the deviations carry no error of the row's magnitude and there is no
//   cancellation of E[x^2] - mean^2.
// - 1/sqrt(var + eps) by bf16_math.h's bit trick + three Newton steps (a few float ulps).
// - Pass 4: out_i = bf16(d_i * rstd * gamma_i + beta_i).
// Error: before the final rounding the float result is a few float ulps of
// |y_i * gamma_i| + |beta_i| (y_i the normalised value) off the exact value, far below bf16's
// 2^-8; rounding to bf16 adds half an ulp. kernels_whisper.rs asserts, against an f64
// reference on the same bf16 inputs, for rows of 16 to 2048 over magnitudes from 1e-38 to
// 3e38: every output within 0.5 bf16 ulp of the exact value plus 2^-18 (|y_i gamma_i| +
// |beta_i|) (measured: 2^-21.9; nearly every output is correctly rounded, and the second
// term only shows where y_i gamma_i and beta_i cancel).
// A constant row gives out_i = beta_i exactly. A row with a NaN or an infinity gives NaNs, as
// the exact formula does.
//
// Build with Peano (llvm-aie):
//   clang++ --target=aie2-none-unknown-elf -O2 -c layernorm_affine.cc -o layernorm_affine.o
#include <stdint.h>

#include "bf16_math.h"

namespace {

constexpr int32_t kLanes = 16;
constexpr int32_t kMaxRow = 2048;
constexpr float kEps = 1e-5f;
// Rows with max |x| >= 2^kScaleFrom are scaled by 2^-e (e = the exponent of max |x|).
constexpr int32_t kScaleFrom = 16;

inline float lane_sum(const float *v) {
  // A fixed pairwise order over the 16 lanes.
  float a[kLanes / 2];
  for (int32_t l = 0; l < kLanes / 2; l++)
    a[l] = v[l] + v[l + kLanes / 2];
  for (int32_t l = 0; l < kLanes / 4; l++)
    a[l] = a[l] + a[l + kLanes / 4];
  for (int32_t l = 0; l < kLanes / 8; l++)
    a[l] = a[l] + a[l + kLanes / 8];
  return a[0] + a[1];
}

} // namespace

extern "C" void layernorm_affine_bf16(const uint16_t *__restrict in,
                                      const uint16_t *__restrict gb,
                                      uint16_t *__restrict out, int32_t n) {
  if (n < kLanes || n > kMaxRow || n % kLanes != 0) {
    const int32_t m = n < 0 ? 0 : (n > kMaxRow ? kMaxRow : n);
    for (int32_t i = 0; i < m; i++)
      out[i] = 0x7FC0; // quiet NaN
    return;
  }
  const uint16_t *__restrict gamma = gb;
  const uint16_t *__restrict beta = gb + n;

  // Pass 1: max |x_i| (a NaN never wins a comparison; it reaches the output through pass 2).
  float amax[kLanes];
  for (int32_t l = 0; l < kLanes; l++)
    amax[l] = 0.0f;
  for (int32_t i = 0; i < n; i += kLanes)
    for (int32_t l = 0; l < kLanes; l++) {
      const float a = aie_bf16::to_float((uint16_t)(in[i + l] & 0x7FFFu));
      amax[l] = a > amax[l] ? a : amax[l];
    }
  float top = amax[0];
  for (int32_t l = 1; l < kLanes; l++)
    top = amax[l] > top ? amax[l] : top;
  union {
    float f;
    uint32_t u;
  } t, s;
  t.f = top;
  int32_t e = (int32_t)((t.u >> 23) & 0xFFu) - 127;
  s.f = 1.0f;
  if (e >= kScaleFrom) {
    if (e > 126) // +inf (e = 128) or the top binade: 2^-126 keeps the scale a normal float
      e = 126;
    s.u = (uint32_t)(127 - e) << 23;
  }
  const float scale = s.f;

  // Pass 2: a first mean m0 (its rounding error grows with the row's magnitude).
  float acc[kLanes];
  for (int32_t l = 0; l < kLanes; l++)
    acc[l] = 0.0f;
  for (int32_t i = 0; i < n; i += kLanes)
    for (int32_t l = 0; l < kLanes; l++)
      acc[l] += aie_bf16::to_float(in[i + l]) * scale;
  const float inv_n = 1.0f / (float)n;
  const float m0 = lane_sum(acc) * inv_n;

  // Pass 3: the deviations e_i = x_i - m0, their sum (which corrects m0) and their squares.
  float acc2[kLanes];
  for (int32_t l = 0; l < kLanes; l++) {
    acc[l] = 0.0f;
    acc2[l] = 0.0f;
  }
  for (int32_t i = 0; i < n; i += kLanes)
    for (int32_t l = 0; l < kLanes; l++) {
      const float e = aie_bf16::to_float(in[i + l]) * scale - m0;
      acc[l] += e;
      acc2[l] += e * e;
    }
  const float s1 = lane_sum(acc);
  const float s2 = lane_sum(acc2);
  const float correction = s1 * inv_n; // mean = m0 + correction
  const float var = (s2 - s1 * correction) * inv_n;
  const float rstd = aie_bf16::inv_sqrt(var + kEps * scale * scale);

  // Pass 4: normalise, scale and shift.
  for (int32_t i = 0; i < n; i++) {
    const float d = (aie_bf16::to_float(in[i]) * scale - m0) - correction;
    const float y = d * rstd;
    out[i] = aie_bf16::from_float(y * aie_bf16::to_float(gamma[i]) + aie_bf16::to_float(beta[i]));
  }
}

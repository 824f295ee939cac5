// Shared helpers for the bf16 Whisper kernels (gelu.cc, softmax.cc, residual_add.cc,
// layernorm_affine.cc): bf16 <-> float by bit patterns, exp and 1/sqrt without libm.
// Header-only, all `static inline`, so each kernel object stays self-contained. Plain C++: it
// compiles for AIE2 with Peano and for the host with any C++17 compiler (which is how
// kernels_whisper.rs tests it).
#pragma once
#include <stdint.h>

namespace aie_bf16 {

// bf16 is the upper half of an IEEE-754 binary32; widening is exact.
static inline float to_float(uint16_t b) {
  union {
    uint32_t u;
    float f;
  } v;
  v.u = (uint32_t)b << 16;
  return v.f;
}

// Round to nearest, ties to even; a NaN stays a (quiet) NaN, infinities stay infinities,
// finite values that round past the largest bf16 become infinities (as IEEE rounding does).
static inline uint16_t from_float(float f) {
  union {
    float f;
    uint32_t u;
  } v;
  v.f = f;
  if ((v.u & 0x7F800000u) == 0x7F800000u && (v.u & 0x007FFFFFu) != 0)
    return (uint16_t)((v.u >> 16) | 0x40);
  const uint32_t bias = 0x7FFFu + ((v.u >> 16) & 1u);
  return (uint16_t)((v.u + bias) >> 16);
}

// exp(y) for float y without libm, by range reduction:
//   k = nearest integer to y / ln 2,  r = y - k ln 2 (ln 2 split in two parts, Cody-Waite,
//   so r is exact to float rounding),  |r| <= ln(2)/2 ~= 0.3466,
//   exp(y) = 2^k * p(r), p = Taylor polynomial of degree 7 (Horner).
// Truncation error of p: |r|^8/8! * e^|r| <= 0.3466^8/40320 * 1.42 ~= 7.4e-9 relative, below
// float's half-ulp (6e-8); with the rounding of the Horner steps the result is within a few
// float ulps (not measured on its own: kernels_whisper.rs checks the GELU and softmax outputs
// built on it, which come out correctly rounded to bf16). 2^k is built in the exponent field.
// y < -87.3 (result below float's smallest normal) gives +0; y > 88.7 gives +inf; NaN -> NaN.
static inline float exp_approx(float y) {
  if (y != y)
    return y;
  if (y < -87.3f)
    return 0.0f;
  if (y > 88.7f) {
    union {
      uint32_t u;
      float f;
    } inf;
    inf.u = 0x7F800000u;
    return inf.f;
  }
  const float kLog2e = 1.44269504088896341f;
  const float kLn2Hi = 0.693145751953125f;     // 12 significant bits: k * kLn2Hi is exact
  const float kLn2Lo = 1.42860682030941723e-6f; // ln 2 - kLn2Hi
  const float t = y * kLog2e;
  const int32_t k = (int32_t)(t >= 0.0f ? t + 0.5f : t - 0.5f);
  const float kf = (float)k;
  const float r = (y - kf * kLn2Hi) - kf * kLn2Lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // k is in [-126, 128]: 2^k as (k + 127) << 23, split in two factors so k = 128 and
  // k = -126 with p < 1 both stay representable on the way.
  union {
    uint32_t u;
    float f;
  } s1, s2;
  const int32_t k1 = k / 2;
  const int32_t k2 = k - k1;
  s1.u = (uint32_t)(k1 + 127) << 23;
  s2.u = (uint32_t)(k2 + 127) << 23;
  return p * s1.f * s2.f;
}

// 1/sqrt(x) for float x > 0 without libm: the classic bit-trick estimate (exponent halved
// and negated through the integer pattern, constant 0x5F3759DF; relative error <= 3.5e-3)
// refined by three Newton steps y <- y * (1.5 - 0.5 * x * y * y), each of which squares the
// relative error (3.5e-3 -> 1.8e-5 -> 5e-10 -> below float rounding), so the result is within
// a few float ulps for every normal x (as in layernorm_512.cc). x = 0 gives a large finite
// value (callers multiply it by 0); x = +inf or NaN gives NaN.
static inline float inv_sqrt(float x) {
  union {
    float f;
    uint32_t u;
  } v;
  v.f = x;
  v.u = 0x5F3759DFu - (v.u >> 1);
  float y = v.f;
  const float half = 0.5f * x;
  for (int k = 0; k < 3; k++)
    y = y * (1.5f - half * y * y);
  return y;
}

} // namespace aie_bf16

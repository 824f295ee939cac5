// LayerNorm over one row of 512 bf16 values, for AIE2 without libm.
//
//   out[i] = (in[i] - mean) / sqrt(var + eps),  eps = 1e-5
//
// bf16 values travel as their 16-bit patterns (the upper half of an IEEE float), so the
// kernel needs no bf16 type from the compiler. Statistics are kept in float. There is no
// sqrtf on the core: 1/sqrt(x) comes from the classic bit-trick estimate refined by three
// Newton steps (y <- y * (1.5 - 0.5 * x * y * y)), accurate to float rounding for the
// variances a LayerNorm sees. Build with Peano (llvm-aie):
//   clang++ --target=aie2-none-unknown-elf -O2 -c layernorm_512.cc -o layernorm_512.o
#include <stdint.h>

namespace {

constexpr int32_t kRow = 512;
constexpr float kEps = 1e-5f;

inline float bf16_to_float(uint16_t b) {
  union {
    uint32_t u;
    float f;
  } v;
  v.u = (uint32_t)b << 16;
  return v.f;
}

// Round to nearest even; NaN stays NaN.
inline uint16_t float_to_bf16(float f) {
  union {
    float f;
    uint32_t u;
  } v;
  v.f = f;
  if ((v.u & 0x7F800000u) == 0x7F800000u && (v.u & 0x007FFFFFu) != 0)
    return (uint16_t)((v.u >> 16) | 0x40);
  uint32_t bias = 0x7FFFu + ((v.u >> 16) & 1u);
  return (uint16_t)((v.u + bias) >> 16);
}

inline float inv_sqrt(float x) {
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

} // namespace

extern "C" void layernorm_512(const uint16_t *in, uint16_t *out) {
  float sum = 0.0f;
  for (int32_t i = 0; i < kRow; i++)
    sum += bf16_to_float(in[i]);
  const float mean = sum / (float)kRow;
  float sq = 0.0f;
  for (int32_t i = 0; i < kRow; i++) {
    const float d = bf16_to_float(in[i]) - mean;
    sq += d * d;
  }
  const float rstd = inv_sqrt(sq / (float)kRow + kEps);
  for (int32_t i = 0; i < kRow; i++)
    out[i] = float_to_bf16((bf16_to_float(in[i]) - mean) * rstd);
}

// LayerNorm over one row of 512 bf16 values, for AIE2 without libm.
//
//   out[i] = (in[i] - mean) / sqrt(var + eps),  eps = 1e-5
//
// bf16 values travel as their 16-bit patterns (the upper half of an IEEE float), so the
// kernel needs no bf16 type from the compiler. Statistics are kept in float. There is no
// sqrtf on the core: 1/sqrt(x) comes from the classic bit-trick estimate refined by three
// Newton steps (bf16_math.h's inv_sqrt), accurate to float rounding for the variances a
// LayerNorm sees. Build with Peano (llvm-aie):
//   clang++ --target=aie2-none-unknown-elf -O2 -c layernorm_512.cc -o layernorm_512.o
#include <stdint.h>

#include "bf16_math.h"

namespace {

constexpr int32_t kRow = 512;
constexpr float kEps = 1e-5f;

using aie_bf16::inv_sqrt;
inline float bf16_to_float(uint16_t b) { return aie_bf16::to_float(b); }
inline uint16_t float_to_bf16(float f) { return aie_bf16::from_float(f); }

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

// out[i] = in[i] * factor[0] for int16 tiles: the kernel of the vector_scalar_mul design.
#include <stdint.h>

extern "C" void vector_scalar_mul_int16(const int16_t *in, int16_t *out,
                                        const int32_t *factor, int32_t len) {
  const int32_t f = factor[0];
  for (int32_t i = 0; i < len; i++)
    out[i] = (int16_t)(in[i] * f);
}

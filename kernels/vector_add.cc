// c[i] = a[i] + b[i] for int32 tiles: the kernel of the vector_add_4core design.
#include <stdint.h>

extern "C" void vector_add_i32(const int32_t *a, const int32_t *b, int32_t *c,
                               int32_t len) {
  for (int32_t i = 0; i < len; i++)
    c[i] = a[i] + b[i];
}

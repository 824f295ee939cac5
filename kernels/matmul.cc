// Matrix-multiplication tiles for AIE2: bf16 x bf16 with f32 accumulation, for the whole-array
// matmul design (designs/src/matmul.rs).
//
// Layout. The design's mem-tile DMAs (dims_to_stream) hand each core its tiles in blocks of the
// AIE2 bf16 matrix-multiply shape R x S x T = 4 x 8 x 4 (the shape mlir-aie's whole_array
// example uses for bf16 on npu1), blocks row-major and each block row-major:
//   A, M x K:  [M/R][K/S][R][S]
//   B, K x N:  [K/S][N/T][S][T]
//   C, M x N:  [M/R][N/T][R][T]   (the f32 accumulator and the bf16 result alike)
// The mem tile's output DMA of C turns the blocks back into row-major rows.
//
// Numerics. A bf16 has 8 significant bits, so the product of two bf16 values has at most 16
// and is exact in f32 (unless it leaves f32's normal range: below 2^-126 or above 2^128);
// fused or not, each step c += a*b rounds once. Each C element is the sum of its K products
// added one after the other in increasing k onto what C held, so after a zero-fill and
// K/tile-k calls its f32 error is at most gamma(K-1) * sum_k |a_ik b_kj|, gamma(j) =
// j u / (1 - j u), u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, 4.2).
// The bf16 store rounds each f32 once to nearest even. designs/tests/kernels_matmul.rs checks
// both against f64 references.
//
// Entry points, one set per tile shape M x K x N the design offers (32x32x32, 64x64x32,
// 32x64x64):
//   zero_f32_MxN(c)                 c = 0
//   matmul_bf16_f32_MxKxN(a, b, c)  c += a . b (a, b bf16 bit patterns; c f32)
//   store_bf16_MxN(acc, c)          c = bf16(acc), round to nearest even
// Plain C++ with counted loops over contiguous blocks and restrict pointers, so Peano can
// vectorise it; the same source compiles for the host tests.
//
// Build with Peano (llvm-aie):
//   clang++ --target=aie2-none-unknown-elf -O2 -c matmul.cc -o matmul.o
#include <stdint.h>

#include "bf16_math.h"

namespace {

// The AIE2 bf16 matrix-multiply block: R x S times S x T.
constexpr int32_t R = 4;
constexpr int32_t S = 8;
constexpr int32_t T = 4;

template <int32_t M, int32_t N> void zero(float *__restrict c) {
  for (int32_t i = 0; i < M * N; i++)
    c[i] = 0.0f;
}

// c += a . b on one tile, in the blocked layouts above. For each R x T block of C the
// products are summed in increasing k (block after block, then within a block), into a local
// copy of the block that is written back once.
template <int32_t M, int32_t K, int32_t N>
void matmul(const uint16_t *__restrict a, const uint16_t *__restrict b, float *__restrict c) {
  static_assert(M % R == 0 && K % S == 0 && N % T == 0, "tile not a multiple of 4x8x4");
  for (int32_t ib = 0; ib < M / R; ib++) {
    for (int32_t jb = 0; jb < N / T; jb++) {
      float *__restrict cb = c + (ib * (N / T) + jb) * (R * T);
      float acc[R * T];
      for (int32_t x = 0; x < R * T; x++)
        acc[x] = cb[x];
      for (int32_t kb = 0; kb < K / S; kb++) {
        const uint16_t *__restrict ab = a + (ib * (K / S) + kb) * (R * S);
        const uint16_t *__restrict bb = b + (kb * (N / T) + jb) * (S * T);
        for (int32_t l = 0; l < S; l++) {
          for (int32_t i = 0; i < R; i++) {
            const float ail = aie_bf16::to_float(ab[i * S + l]);
            for (int32_t j = 0; j < T; j++)
              acc[i * T + j] += ail * aie_bf16::to_float(bb[l * T + j]);
          }
        }
      }
      for (int32_t x = 0; x < R * T; x++)
        cb[x] = acc[x];
    }
  }
}

template <int32_t M, int32_t N> void store(const float *__restrict acc, uint16_t *__restrict c) {
  for (int32_t i = 0; i < M * N; i++)
    c[i] = aie_bf16::from_float(acc[i]);
}

} // namespace

#define MATMUL_TILE(M, K, N)                                                                     \
  extern "C" void matmul_bf16_f32_##M##x##K##x##N(const uint16_t *__restrict a,                  \
                                                  const uint16_t *__restrict b,                  \
                                                  float *__restrict c) {                         \
    matmul<M, K, N>(a, b, c);                                                                    \
  }

#define MATMUL_OUT(M, N)                                                                         \
  extern "C" void zero_f32_##M##x##N(float *__restrict c) { zero<M, N>(c); }                     \
  extern "C" void store_bf16_##M##x##N(const float *__restrict acc, uint16_t *__restrict c) {    \
    store<M, N>(acc, c);                                                                         \
  }

MATMUL_TILE(32, 32, 32)
MATMUL_TILE(64, 64, 32)
MATMUL_TILE(32, 64, 64)
MATMUL_OUT(32, 32)
MATMUL_OUT(64, 32)
MATMUL_OUT(32, 64)

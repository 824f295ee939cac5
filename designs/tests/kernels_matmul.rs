//! Numerics of the matmul kernels (kernels/matmul.cc), compiled for the host with the system
//! C++ compiler and checked against f64 references written here.
//!
//! The inputs reach the kernel in the layout the design's mem-tile DMAs produce: the test
//! takes row-major tiles and reorders them with the design's own access patterns
//! (`designs::matmul::{a_dims, b_dims}`), and reads C back through `c_dims` (the drain's
//! pattern), so the kernel and the design's layouts are checked together against a plain
//! row-major product.
//!
//! Bounds (u = 2^-24, f32's unit roundoff; gamma(j) = j u / (1 - j u)):
//! - f32 result: each product of two bf16 is exact in f32, and the K products of an element
//!   are added one by one, so |c - exact| <= gamma(K - 1) · sum_k |a_ik b_kj| (Higham 2002,
//!   §4.2). Asserted per element; inputs of small integers must come out exact.
//! - bf16 result: bit-identical to rounding the kernel's own f32 result to nearest even (the
//!   `half` crate's conversion), so |c - exact| <= 0.5 bf16 ulp + gamma(K - 1) · sum |a b|;
//!   for inputs of one sign (sum |a b| = |exact|, and 1 bf16 ulp >= 2^-8 |exact|) that is
//!   at most 0.5 + 256 · gamma(K - 1) bf16 ulps of the exact value, 0.531 ulp for K = 2048.

use std::path::{Path, PathBuf};

use aie_dsl::ir::Dim;
use aie_dsl::types::bf16;
use designs::matmul::{a_dims, b_dims, c_dims, TileShape};

mod host;

const DRIVER: &str = r#"
#include <stdint.h>
#include <stdio.h>
#include <vector>
#define DECL(M, K, N)                                                                              \
  extern "C" void matmul_bf16_f32_##M##x##K##x##N(const uint16_t *, const uint16_t *, float *);
#define DECL_OUT(M, N)                                                                             \
  extern "C" void zero_f32_##M##x##N(float *);                                                     \
  extern "C" void store_bf16_##M##x##N(const float *, uint16_t *);
DECL(32, 32, 32)
DECL(64, 64, 32)
DECL(32, 64, 64)
DECL_OUT(32, 32)
DECL_OUT(64, 32)
DECL_OUT(32, 64)

struct Shape {
  int m, k, n;
  void (*mm)(const uint16_t *, const uint16_t *, float *);
  void (*zero)(float *);
  void (*store)(const float *, uint16_t *);
};
static const Shape shapes[] = {
    {32, 32, 32, matmul_bf16_f32_32x32x32, zero_f32_32x32, store_bf16_32x32},
    {64, 64, 32, matmul_bf16_f32_64x64x32, zero_f32_64x32, store_bf16_64x32},
    {32, 64, 64, matmul_bf16_f32_32x64x64, zero_f32_32x64, store_bf16_32x64},
};

static bool get(void *p, size_t size, size_t n) { return fread(p, size, n, stdin) == n; }

// Requests, until end of input:
//   0, shape, tiles, then per k-tile the A and B tiles  ->  C as f32, then C as bf16
//   1, shape, M*N f32 values                             ->  those values stored as bf16
int main() {
  uint32_t head[3];
  while (get(head, 4, 2)) {
    if (head[1] > 2)
      return 1;
    const Shape &s = shapes[head[1]];
    const size_t mn = (size_t)(s.m * s.n);
    std::vector<float> c(mn, 1.0f);
    std::vector<uint16_t> o(mn, 0xFFFF);
    if (head[0] == 0) {
      if (!get(&head[2], 4, 1) || head[2] < 1 || head[2] > 64)
        return 1;
      std::vector<uint16_t> a((size_t)(s.m * s.k)), b((size_t)(s.k * s.n));
      s.zero(c.data());
      for (uint32_t t = 0; t < head[2]; t++) {
        if (!get(a.data(), 2, a.size()) || !get(b.data(), 2, b.size()))
          return 1;
        s.mm(a.data(), b.data(), c.data());
      }
      s.store(c.data(), o.data());
      fwrite(c.data(), 4, mn, stdout);
      fwrite(o.data(), 2, mn, stdout);
    } else if (head[0] == 1) {
      if (!get(c.data(), 4, mn))
        return 1;
      s.store(c.data(), o.data());
      fwrite(o.data(), 2, mn, stdout);
    } else {
      return 1;
    }
  }
  return 0;
}
"#;

/// The driver, compiled once per test process (the tests run in parallel and would otherwise
/// overwrite the executable while another test runs it).
fn driver() -> PathBuf {
    static EXE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        host::build(
            "matmul",
            "matmul.cc",
            DRIVER,
            "matmul",
            &["-Wextra", "-ffp-contract=off"],
        )
    })
    .clone()
}

/// Index of `tile` in the driver's table (the kernel's entry points).
fn shape_index(tile: TileShape) -> u32 {
    TileShape::AVAILABLE
        .iter()
        .position(|t| *t == tile)
        .expect("a tile the kernel has") as u32
}

/// The elements of `src` in the order a DMA with access pattern `dims` (outermost first,
/// strides in elements) reads them.
fn stream<T: Copy>(dims: &[Dim], src: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    let total: u32 = dims.iter().map(|d| d.size).product();
    for mut i in 0..total {
        let mut at = 0usize;
        for d in dims.iter().rev() {
            at += (i % d.size) as usize * d.stride as usize;
            i /= d.size;
        }
        out.push(src[at]);
    }
    out
}

fn f(b: u16) -> f64 {
    f64::from(bf16::from_bits(b).to_f32())
}

/// One bf16 ulp at the magnitude of `v` (normal range).
fn ulp(v: f64) -> f64 {
    let v = v.abs();
    let e = v.log2().floor() as i32;
    // log2 can land one off next to a power of two; correct it.
    let e = if 2f64.powi(e) > v {
        e - 1
    } else if 2f64.powi(e + 1) <= v {
        e + 1
    } else {
        e
    };
    2f64.powi(e - 7)
}

/// gamma(j) = j u / (1 - j u) with u = 2^-24.
fn gamma(j: usize) -> f64 {
    let ju = j as f64 * 2f64.powi(-24);
    ju / (1.0 - ju)
}

/// A small deterministic generator (xorshift64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A product `A (tile.m × K) · B (K × tile.n)`, row-major, as bf16 bit patterns.
struct Case {
    tile: TileShape,
    tiles: u32,
    a: Vec<u16>,
    b: Vec<u16>,
}

impl Case {
    fn new(tile: TileShape, tiles: u32, mut gen: impl FnMut(bool, usize, usize) -> f32) -> Case {
        let kk = (tile.k * tiles) as usize;
        let (m, n) = (tile.m as usize, tile.n as usize);
        let a = (0..m * kk)
            .map(|x| bf16::from_f32(gen(true, x / kk, x % kk)).to_bits())
            .collect();
        let b = (0..kk * n)
            .map(|x| bf16::from_f32(gen(false, x / n, x % n)).to_bits())
            .collect();
        Case { tile, tiles, a, b }
    }

    fn big_k(&self) -> usize {
        (self.tile.k * self.tiles) as usize
    }

    /// The request: each k-tile of A and B cut out row-major and put in the core's layout.
    fn request(&self) -> Vec<u8> {
        let t = self.tile;
        let (m, k, n, kk) = (t.m as usize, t.k as usize, t.n as usize, self.big_k());
        let mut words: Vec<u32> = vec![0, shape_index(t), self.tiles];
        let mut halves: Vec<u16> = Vec::new();
        for p in 0..self.tiles as usize {
            let a_tile: Vec<u16> = (0..m * k)
                .map(|x| self.a[(x / k) * kk + p * k + x % k])
                .collect();
            let b_tile: Vec<u16> = (0..k * n)
                .map(|x| self.b[(p * k + x / n) * n + x % n])
                .collect();
            halves.extend(stream(&a_dims(t), &a_tile));
            halves.extend(stream(&b_dims(t), &b_tile));
        }
        let mut out: Vec<u8> = words.drain(..).flat_map(u32::to_le_bytes).collect();
        out.extend(halves.iter().flat_map(|h| h.to_le_bytes()));
        out
    }

    /// Exact products and sum |a||b| per element, row-major.
    fn reference(&self) -> (Vec<f64>, Vec<f64>) {
        let (m, n, kk) = (self.tile.m as usize, self.tile.n as usize, self.big_k());
        let mut exact = vec![0.0; m * n];
        let mut abs = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                for l in 0..kk {
                    // Each product of two bf16 is exact in f64, and these sums stay exact far
                    // beyond what the assertions resolve (f64 keeps 29 more bits than f32).
                    let p = f(self.a[i * kk + l]) * f(self.b[l * n + j]);
                    exact[i * n + j] += p;
                    abs[i * n + j] += p.abs();
                }
            }
        }
        (exact, abs)
    }
}

/// What the kernel returned for a case: C as f32 and as bf16, row-major.
struct Got {
    c: Vec<f32>,
    o: Vec<u16>,
}

fn run_cases(exe: &Path, cases: &[Case]) -> Vec<Got> {
    let input: Vec<u8> = cases.iter().flat_map(Case::request).collect();
    let out = host::run(exe, &input);
    let mut at = 0;
    let mut got = Vec::new();
    for case in cases {
        let t = case.tile;
        let mn = (t.m * t.n) as usize;
        let c_blocked: Vec<f32> = out[at..at + 4 * mn]
            .chunks_exact(4)
            .map(|w| f32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        at += 4 * mn;
        let o_blocked: Vec<u16> = out[at..at + 2 * mn]
            .chunks_exact(2)
            .map(|w| u16::from_le_bytes([w[0], w[1]]))
            .collect();
        at += 2 * mn;
        got.push(Got {
            c: stream(&c_dims(t), &c_blocked),
            o: stream(&c_dims(t), &o_blocked),
        });
    }
    assert_eq!(at, out.len(), "the driver wrote more than asked");
    got
}

/// Checks both results of `case` against the bounds in the module doc; returns the largest
/// f32 error in units of u · sum |a b| and the largest bf16 error in ulps of the exact value.
fn check(case: &Case, got: &Got, what: &str) -> (f64, f64) {
    let (exact, abs) = case.reference();
    let g = gamma(case.big_k() - 1);
    let mut worst = (0.0f64, 0.0f64);
    for (x, (&s, &sa)) in exact.iter().zip(&abs).enumerate() {
        let c = f64::from(got.c[x]);
        let err = (c - s).abs();
        assert!(
            err <= g * sa,
            "{what}: element {x}: f32 {c}, exact {s}: error {err} above gamma(K-1) sum|ab| = {}",
            g * sa
        );
        if sa > 0.0 {
            worst.0 = worst.0.max(err / (2f64.powi(-24) * sa));
        }
        assert_eq!(
            got.o[x],
            bf16::from_f32(got.c[x]).to_bits(),
            "{what}: element {x}: bf16 store of {} is {:#06x}",
            got.c[x],
            got.o[x]
        );
        let o = f(got.o[x]);
        if s != 0.0 {
            let bound = 0.5 * ulp(o.max(c.abs()).max(s.abs())) + g * sa;
            assert!(
                (o - s).abs() <= bound,
                "{what}: element {x}: bf16 {o}, exact {s}"
            );
            worst.1 = worst.1.max((o - s).abs() / ulp(s));
        } else {
            assert_eq!(o, 0.0, "{what}: element {x}: exact 0 came out {o}");
        }
    }
    (worst.0, worst.1)
}

/// Small integers: every product and partial sum is an integer below 2^24, so f32 is exact and
/// the result must equal the exact product bit for bit, for every tile shape, with one k-tile
/// and with several (accumulation across calls).
#[test]
fn integer_products_are_exact_on_every_tile_in_the_core_layout() {
    let exe = driver();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = Vec::new();
    for tile in TileShape::AVAILABLE {
        for tiles in [1, 3] {
            cases.push(Case::new(tile, tiles, |_, _, _| {
                (rng.next() % 17) as f32 - 8.0
            }));
        }
        // A one-hot pattern that shows any layout mix-up: a_il = [l == i], so C's row i is B's
        // row i, whose elements are all different: (j + 1) * 2^(i - 32), exact in bf16.
        cases.push(Case::new(tile, 1, |is_a, r, c| {
            if is_a {
                f32::from(u8::from(r == c))
            } else {
                (c + 1) as f32 * 2f32.powi(r as i32 - 32)
            }
        }));
    }
    let got = run_cases(&exe, &cases);
    for (case, got) in cases.iter().zip(&got) {
        let (exact, _) = case.reference();
        for (x, &s) in exact.iter().enumerate() {
            assert_eq!(
                f64::from(got.c[x]),
                s,
                "tile {} × {} k-tiles: element {x} (row {}, column {})",
                case.tile,
                case.tiles,
                x / case.tile.n as usize,
                x % case.tile.n as usize
            );
        }
    }
}

/// Random magnitudes and signs over 2^-30..2^30 (sums with cancellation), large and small
/// magnitudes (products near 2^±100), exact cancellation, and long K: the f32 result within
/// gamma(K-1) · sum |a b| of the exact value, the bf16 result the f32 result rounded.
#[test]
fn f32_accumulation_and_bf16_store_stay_within_the_stated_bounds() {
    let exe = driver();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut scaled = |lo: i32, hi: i32| {
        let sign = if rng.next() & 1 == 0 { 1.0 } else { -1.0 };
        let e = lo + (rng.next() % (hi - lo + 1) as u64) as i32;
        (sign * (1.0 + rng.unit()) * 2f64.powi(e)) as f32
    };
    let mut cases = Vec::new();
    for tile in TileShape::AVAILABLE {
        cases.push(Case::new(tile, 4, |_, _, _| scaled(-30, 30)));
        cases.push(Case::new(tile, 2, |is_a, _, _| {
            if is_a {
                scaled(48, 50)
            } else {
                scaled(-52, -50)
            }
        }));
        cases.push(Case::new(tile, 2, |_, _, _| scaled(45, 50)));
        cases.push(Case::new(tile, 2, |_, _, _| scaled(-50, -45)));
        // a_il = x_i for every l, b_lj = ±y alternating in l: every sum is exactly 0.
        cases.push(Case::new(tile, 2, |is_a, r, c| {
            if is_a {
                1.0 + r as f32 / 64.0
            } else if r % 2 == 0 {
                3.0 + c as f32 / 16.0
            } else {
                -(3.0 + c as f32 / 16.0)
            }
        }));
    }
    // K = 2048, as in Whisper's fc2, with the default tile.
    cases.push(Case::new(TileShape::DEFAULT, 32, |_, _, _| scaled(-4, 4)));
    let got = run_cases(&exe, &cases);
    let mut worst = 0.0f64;
    for (i, (case, got)) in cases.iter().zip(&got).enumerate() {
        let (w, _) = check(case, got, &format!("case {i} (tile {})", case.tile));
        worst = worst.max(w);
    }
    println!("largest f32 error: {worst:.2} u · sum |a b| (bound: gamma(K-1) / u ≈ K - 1)");
}

/// Inputs of one sign (no cancellation): the bf16 result within 0.5 + 256 · gamma(K-1) bf16
/// ulps of the exact value (0.531 for K = 2048), on every tile.
#[test]
fn bf16_output_of_positive_inputs_is_within_0_531_ulp() {
    let exe = driver();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut cases = Vec::new();
    for tile in TileShape::AVAILABLE {
        let tiles = 2048 / tile.k;
        cases.push(Case::new(tile, tiles, |_, _, _| (rng.unit() * 4.0) as f32));
    }
    let got = run_cases(&exe, &cases);
    for (case, got) in cases.iter().zip(&got) {
        let (_, ulps) = check(case, got, &format!("tile {}", case.tile));
        let bound = 0.5 + 256.0 * gamma(case.big_k() - 1);
        assert!(
            ulps <= bound,
            "tile {}: {ulps} bf16 ulp, above {bound}",
            case.tile
        );
        println!(
            "tile {}, K = {}: largest error {ulps:.3} bf16 ulp (bound {bound:.3})",
            case.tile,
            case.big_k()
        );
    }
}

/// The store kernel rounds f32 to bf16 to nearest even exactly as the `half` crate does, on
/// ties, the largest finite values (which round to infinity), subnormals, signed zeros,
/// infinities, and random bit patterns; a NaN stays a NaN.
#[test]
fn bf16_store_rounds_to_nearest_even() {
    let exe = driver();
    let tile = TileShape::DEFAULT;
    let mn = (tile.m * tile.n) as usize;
    let special: [u32; 14] = [
        0x3F80_8000, // 1 + 2^-8: a tie, to even (1.0)
        0x3F81_8000, // a tie, to even (up)
        0x3F80_8001, // just above a tie
        0x7F7F_FFFF, // largest f32: rounds to +inf
        0x7F7F_7FFF, // rounds down to the largest bf16
        0x0000_0001, // smallest subnormal
        0x0040_8000, // a subnormal tie
        0x8000_0000, // -0
        0x0000_0000,
        0x7F80_0000, // +inf
        0xFF80_0000, // -inf
        0x7FC0_0000, // NaN
        0x7F80_0001, // signalling NaN
        0xBF7F_FFFF, // just below -1: rounds to -1
    ];
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let mut values: Vec<u32> = special.to_vec();
    while !values.len().is_multiple_of(mn) || values.len() < 64 * mn {
        values.push(rng.next() as u32);
    }
    let mut input = Vec::new();
    for chunk in values.chunks(mn) {
        input.extend(
            [1u32, shape_index(tile)]
                .iter()
                .flat_map(|w| w.to_le_bytes()),
        );
        input.extend(chunk.iter().flat_map(|w| w.to_le_bytes()));
    }
    let out = host::run(&exe, &input);
    assert_eq!(out.len(), values.len() * 2);
    for (x, (&v, o)) in values.iter().zip(out.chunks_exact(2)).enumerate() {
        let o = u16::from_le_bytes([o[0], o[1]]);
        let v = f32::from_bits(v);
        if v.is_nan() {
            assert!(
                bf16::from_bits(o).is_nan(),
                "value {x}: NaN stored as {o:#06x}"
            );
        } else {
            assert_eq!(
                o,
                bf16::from_f32(v).to_bits(),
                "value {x}: {v:e} ({:#010x}) stored as {o:#06x}",
                v.to_bits()
            );
        }
    }
    assert_eq!(&out[0..2], &0x3F80u16.to_le_bytes(), "tie to even");
    assert_eq!(&out[6..8], &0x7F80u16.to_le_bytes(), "largest f32 to +inf");
}

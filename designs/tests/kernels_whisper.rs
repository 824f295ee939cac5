//! Numerics of the Whisper encoder's kernels (kernels/gelu.cc, softmax.cc, residual_add.cc,
//! layernorm_affine.cc), compiled for the host with the system C++ compiler and checked against
//! f64 references written here, independently of the kernels' approximations.
//!
//! Units: errors are stated in bf16 ulps of the exact (f64) result. bf16 has 8 significant
//! bits, so 1 ulp at value v is 2^(floor(log2 |v|) - 7), between 2^-8 and 2^-7 of |v|; a
//! correctly rounded result is within 0.5 ulp.

use std::path::PathBuf;

use aie_dsl::types::bf16;

mod host;

/// Compiles `kernel` with a driver `main` into an executable; returns its path.
fn build(kernel: &str, driver: &str, name: &str) -> PathBuf {
    host::build(
        "whisper",
        kernel,
        driver,
        name,
        &["-Wextra", "-ffp-contract=off"],
    )
}

fn run(exe: &std::path::Path, input: &[u8]) -> Vec<u8> {
    host::run(exe, input)
}

fn f(b: u16) -> f64 {
    f64::from(bf16::from_bits(b).to_f32())
}

fn bits(x: f32) -> u16 {
    bf16::from_f32(x).to_bits()
}

fn le_bytes(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_le(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect()
}

/// One bf16 ulp at the magnitude of `v` (subnormals: 2^-133).
fn ulp(v: f64) -> f64 {
    let v = v.abs();
    if v == 0.0 || v < 2f64.powi(-126) {
        return 2f64.powi(-133);
    }
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

/// A small deterministic generator (xorshift64), uniform in [0, 1).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// erfc in f64, for the reference: the Maclaurin series of erf for |z| < 2.5 (terms up to
/// ~1e2, so ~1e-14 absolute; erfc(2.5) = 4e-4 keeps ~1e-10 relative), the continued fraction
/// erfc(z) = exp(-z^2)/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))) for z >= 2.5
/// (evaluated backwards from 300 terms), and erfc(-z) = 2 - erfc(z).
fn erfc(z: f64) -> f64 {
    if z < 0.0 {
        return 2.0 - erfc(-z);
    }
    if z < 2.5 {
        let mut term = z;
        let mut sum = z;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -z * z / n;
            let t = term / (2.0 * n + 1.0);
            sum += t;
            if t.abs() <= 1e-17 * sum.abs() || n > 200.0 {
                break;
            }
        }
        return 1.0 - sum * 2.0 / std::f64::consts::PI.sqrt();
    }
    let mut frac = z;
    for k in (1..=300).rev() {
        frac = z + (k as f64 / 2.0) / frac;
    }
    (-z * z).exp() / std::f64::consts::PI.sqrt() / frac
}

fn gelu_ref(x: f64) -> f64 {
    0.5 * x * erfc(-x / std::f64::consts::SQRT_2)
}

#[test]
fn the_erfc_reference_matches_tabulated_values() {
    // Values from tables of the error function (e.g. Abramowitz & Stegun, table 7.1; DLMF 7).
    for (z, want) in [
        (0.0, 1.0),
        (0.5, 0.479_500_122_186_953_5),
        (1.0, 0.157_299_207_050_285_13),
        (2.0, 4.677_734_981_047_266e-3),
        (3.0, 2.209_049_699_858_544e-5),
        (5.0, 1.537_459_794_428_035e-12),
        (10.0, 2.088_487_583_762_545e-45),
        (-1.0, 1.842_700_792_949_715),
    ] {
        let got = erfc(z);
        assert!(
            ((got - want) / want).abs() < 1e-12,
            "erfc({z}) = {got}, want {want}"
        );
    }
}

const GELU_DRIVER: &str = r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void gelu_bf16(const uint16_t *in, uint16_t *out, int32_t n);
static uint16_t in[65536], out[65536];
int main() {
  size_t n = fread(in, 2, 65536, stdin);
  gelu_bf16(in, out, (int32_t)n);
  fwrite(out, 2, n, stdout);
  return 0;
}
"#;

/// Every one of the 65536 bf16 inputs, against 0.5 x erfc(-x/sqrt 2) in f64.
/// Asserted: |got - exact| <= 1 bf16 ulp of the exact value, for every finite input whose
/// exact GELU is a normal float (|gelu| >= 2^-126, i.e. x > -13.1 or x positive); below that
/// the kernel underflows to -0 and the error is < 2^-126 absolute. NaN -> NaN, +inf -> +inf,
/// -inf -> -0, +-0 -> +-0 exactly.
#[test]
fn gelu_is_within_one_bf16_ulp_of_the_exact_erf_form_on_every_bf16_input() {
    let exe = build("gelu.cc", GELU_DRIVER, "gelu");
    let all: Vec<u16> = (0..=u16::MAX).collect();
    let out = from_le(&run(&exe, &le_bytes(&all)));
    assert_eq!(out.len(), all.len());

    let mut worst = (0.0f64, 0u16);
    let mut exact = 0usize;
    let mut checked = 0usize;
    for (&x, &y) in all.iter().zip(&out) {
        let xv = f(x);
        if xv.is_nan() {
            assert!(f(y).is_nan(), "gelu(NaN {x:#06x}) = {y:#06x}");
            continue;
        }
        if xv.is_infinite() {
            let want = if xv > 0.0 { 0x7F80 } else { 0x8000 };
            assert_eq!(y, want, "gelu({xv})");
            continue;
        }
        let want = gelu_ref(xv);
        let got = f(y);
        if want.abs() < 2f64.powi(-126) {
            assert!(
                (got - want).abs() < 2f64.powi(-126),
                "gelu({xv}) = {got}, want {want}"
            );
            continue;
        }
        checked += 1;
        let err = (got - want).abs() / ulp(want);
        if y == bits(want as f32) {
            exact += 1;
        }
        if err > worst.0 {
            worst = (err, x);
        }
        assert!(
            err <= 1.0,
            "gelu({xv}) = {got}, want {want}: {err} bf16 ulp"
        );
    }
    // Signed zeros come through.
    assert_eq!(out[0x0000], 0x0000);
    assert_eq!(out[0x8000], 0x8000);
    // Named points a reader can check by hand.
    for (x, want) in [
        (3.0f64, 2.995_950_393_447_293),
        (-3.0, -4.049_606_552_707_e-3),
        (10.0, 10.0),
        (-10.0, -7.619_853_024_160_527e-23),
        (1.0, 0.841_344_746_068_542_9),
    ] {
        let got = f(out[usize::from(bits(x as f32))]);
        assert!(
            (got - want).abs() <= ulp(want),
            "gelu({x}) = {got}, want {want}"
        );
    }
    println!(
        "gelu: {checked} finite inputs; worst {:.3} bf16 ulp at x = {}; {:.2}% correctly rounded",
        worst.0,
        f(worst.1),
        100.0 * exact as f64 / checked as f64
    );
}

const SOFTMAX_DRIVER: &str = r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void softmax_bf16(const uint16_t *in, uint16_t *out, int32_t n);
static uint16_t in[4096], out[4096];
int main() {
  int32_t n;
  while (fread(&n, 4, 1, stdin) == 1) {
    if (n < 1 || n > 4096 || fread(in, 2, (size_t)n, stdin) != (size_t)n)
      return 1;
    softmax_bf16(in, out, n);
    fwrite(out, 2, (size_t)n, stdout);
  }
  return 0;
}
"#;

/// Rows of 1500 scores (and a few short ones), against softmax in f64 from the same bf16
/// inputs. Asserted: every output within 1 bf16 ulp of the exact value (outputs below 2^-126:
/// within 2^-126 absolute), and every row's bf16 outputs summing to 1 within 2^-8 (each
/// output is at most 2^-8 relative off after its rounding, so the sum is at most 2^-8 off).
#[test]
fn softmax_rows_are_within_one_bf16_ulp_and_sum_to_one() {
    let exe = build("softmax.cc", SOFTMAX_DRIVER, "softmax");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let n = 1500;
    let mut rows: Vec<(String, Vec<u16>)> = Vec::new();
    for scale in [1.0, 8.0, 0.01, 60.0] {
        let row = (0..n)
            .map(|_| bits(((rng.next() - 0.5) * 2.0 * scale) as f32))
            .collect();
        rows.push((format!("uniform +-{scale}"), row));
    }
    rows.push(("constant 0".into(), vec![bits(0.0); n]));
    rows.push(("constant -0".into(), vec![bits(-0.0); n]));
    rows.push(("constant 7.5".into(), vec![bits(7.5); n]));
    rows.push(("constant -3e4".into(), vec![bits(-3e4); n]));
    let mut dominant = vec![bits(0.0); n];
    dominant[731] = bits(20.0);
    rows.push(("one score of 20 among zeros".into(), dominant));
    let mut huge = vec![bits(-1e30); n];
    huge[3] = bits(1e30);
    rows.push(("one score of 1e30 among -1e30".into(), huge));
    let mut masked: Vec<u16> = (0..n).map(|_| bits((rng.next() * 4.0) as f32)).collect();
    for v in masked.iter_mut().skip(1000) {
        *v = 0xFF80; // -inf, as an attention mask writes it
    }
    rows.push(("1000 scores then 500 -inf".into(), masked));
    let mut ties = vec![bits(1.0); n];
    ties[0] = bits(2.0);
    ties[n - 1] = bits(2.0);
    rows.push(("two maxima at the ends".into(), ties));
    rows.push(("n = 1".into(), vec![bits(-5.0)]));
    rows.push((
        "n = 7".into(),
        [0.5f32, -1.0, 3.0, 3.0, -100.0, 0.0, 1e-3]
            .iter()
            .map(|&v| bits(v))
            .collect(),
    ));

    let mut input = Vec::new();
    for (_, row) in &rows {
        input.extend_from_slice(&(row.len() as i32).to_le_bytes());
        input.extend(le_bytes(row));
    }
    let out = from_le(&run(&exe, &input));
    assert_eq!(out.len(), rows.iter().map(|(_, r)| r.len()).sum::<usize>());

    let mut at = 0;
    let mut worst_ulp = 0.0f64;
    let mut worst_sum = 0.0f64;
    for (name, row) in &rows {
        let got = &out[at..at + row.len()];
        at += row.len();
        let x: Vec<f64> = row.iter().map(|&b| f(b)).collect();
        let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = x.iter().map(|v| (v - m).exp()).collect();
        let s: f64 = e.iter().sum();
        let mut sum = 0.0;
        for (i, (&g, ei)) in got.iter().zip(&e).enumerate() {
            let want = ei / s;
            let g = f(g);
            sum += g;
            assert!(g >= 0.0, "{name}: element {i} = {g}");
            if want < 2f64.powi(-126) {
                assert!(
                    (g - want).abs() < 2f64.powi(-126),
                    "{name}: element {i} = {g}, want {want}"
                );
                continue;
            }
            let err = (g - want).abs() / ulp(want);
            worst_ulp = worst_ulp.max(err);
            assert!(
                err <= 1.0,
                "{name}: element {i} = {g}, want {want} ({err} bf16 ulp)"
            );
        }
        worst_sum = worst_sum.max((sum - 1.0).abs());
        assert!(
            (sum - 1.0).abs() <= 2f64.powi(-8),
            "{name}: the row sums to {sum}"
        );
    }
    println!("softmax: worst {worst_ulp:.3} bf16 ulp; worst |row sum - 1| = {worst_sum:.2e}");
}

const ADD_DRIVER: &str = r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void residual_add_bf16(const uint16_t *a, const uint16_t *b, uint16_t *c, int32_t n);
static uint16_t ab[2 * 65536], c[65536];
int main() {
  size_t m = fread(ab, 2, 2 * 65536, stdin) / 2;
  residual_add_bf16(ab, ab + m, c, (int32_t)m);
  fwrite(c, 2, m, stdout);
  return 0;
}
"#;

/// Random pairs over many magnitudes and the special cases, against the f64 sum rounded once
/// to bf16 (to nearest even). Asserted: bit-exact wherever the float sum is exact (operands'
/// exponents within 15 of each other, which covers a residual stream); otherwise (double
/// rounding through float) within 1 bf16 ulp.
#[test]
fn residual_add_is_the_correctly_rounded_bf16_sum() {
    let exe = build("residual_add.cc", ADD_DRIVER, "residual_add");
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut a: Vec<u16> = Vec::new();
    let mut b: Vec<u16> = Vec::new();
    // Random bit patterns (every magnitude, both signs), then pairs of nearby magnitudes.
    for _ in 0..40000 {
        a.push((rng.next() * 65536.0) as u16);
        b.push((rng.next() * 65536.0) as u16);
    }
    for _ in 0..20000 {
        let e = (rng.next() * 40.0 - 20.0) as i32;
        let x = (rng.next() - 0.5) * 2f64.powi(e);
        let y = (rng.next() - 0.5) * 2f64.powi(e + (rng.next() * 6.0) as i32 - 3);
        a.push(bits(x as f32));
        b.push(bits(y as f32));
    }
    // Ties: 1 + 2^-8 lies halfway between bf16 1 and 1 + 2^-7 (rounds to even: 1).
    let specials: [(f32, f32); 9] = [
        (0.0, -0.0),
        (-0.0, -0.0),
        (1.0, 1.0 / 256.0),
        (1.0 + 1.0 / 128.0, 1.0 / 256.0),
        (3e38, 3e38),
        (f32::INFINITY, 1.0),
        (f32::INFINITY, f32::NEG_INFINITY),
        (1e-38, -1e-38),
        (-2.5, 2.5),
    ];
    for (x, y) in specials {
        a.push(bits(x));
        b.push(bits(y));
    }
    let mut input = le_bytes(&a);
    input.extend(le_bytes(&b));
    let c = from_le(&run(&exe, &input));
    assert_eq!(c.len(), a.len());

    let mut inexact_in_float = 0;
    for i in 0..a.len() {
        let (x, y) = (f(a[i]), f(b[i]));
        let sum = x + y;
        let got = c[i];
        if sum.is_nan() {
            assert!(f(got).is_nan(), "{x} + {y} = {}", f(got));
            continue;
        }
        let want = bf16::from_f64(sum).to_bits();
        if sum == f64::from(sum as f32) || bf16::from_bits(want).to_f32().is_infinite() {
            assert_eq!(got, want, "{x} + {y}: got {}, want {}", f(got), f(want));
        } else {
            inexact_in_float += 1;
            assert!((f(got) - sum).abs() <= ulp(sum), "{x} + {y} = {}", f(got));
        }
    }
    let n = a.len();
    // The special cases, by bit pattern.
    assert_eq!(c[n - 9], 0x0000, "0 + -0 = +0");
    assert_eq!(c[n - 8], 0x8000, "-0 + -0 = -0");
    assert_eq!(c[n - 7], bits(1.0), "a tie rounds to even (down)");
    assert_eq!(
        c[n - 6],
        bits(1.0 + 2.0 / 128.0),
        "a tie rounds to even (up)"
    );
    assert_eq!(c[n - 5], 0x7F80, "overflow is +inf");
    assert_eq!(c[n - 4], 0x7F80, "inf + 1 = inf");
    assert_eq!(c[n - 1], 0x0000, "-2.5 + 2.5 = +0");
    println!("residual_add: {n} pairs, {inexact_in_float} with an inexact float sum");
}

const LAYERNORM_DRIVER: &str = r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void layernorm_affine_bf16(const uint16_t *in, const uint16_t *gb, uint16_t *out,
                                      int32_t n);
static uint16_t in[4096], gb[8192], out[4096];
int main() {
  int32_t n;
  while (fread(&n, 4, 1, stdin) == 1) {
    if (n < 1 || n > 4096 || fread(in, 2, (size_t)n, stdin) != (size_t)n ||
        fread(gb, 2, 2 * (size_t)n, stdin) != 2 * (size_t)n)
      return 1;
    for (int32_t i = 0; i < n; i++)
      out[i] = 0x1234; // a sentinel: what the kernel did not write
    layernorm_affine_bf16(in, gb, out, n);
    fwrite(out, 2, (size_t)n, stdout);
  }
  return 0;
}
"#;

/// One LayerNorm case: a row, γ and β (bf16 bit patterns).
struct LnCase {
    name: String,
    x: Vec<u16>,
    gamma: Vec<u16>,
    beta: Vec<u16>,
}

/// Runs the kernel on every case (one process); returns each case's output row.
fn run_layernorm(exe: &std::path::Path, cases: &[LnCase]) -> Vec<Vec<u16>> {
    let mut input = Vec::new();
    for c in cases {
        input.extend_from_slice(&(c.x.len() as i32).to_le_bytes());
        input.extend(le_bytes(&c.x));
        input.extend(le_bytes(&c.gamma));
        input.extend(le_bytes(&c.beta));
    }
    let out = from_le(&run(exe, &input));
    assert_eq!(out.len(), cases.iter().map(|c| c.x.len()).sum::<usize>());
    let mut at = 0;
    cases
        .iter()
        .map(|c| {
            let row = out[at..at + c.x.len()].to_vec();
            at += c.x.len();
            row
        })
        .collect()
}

/// LayerNorm in f64 from the same bf16 inputs: (the normalised values y_i, y_i γ_i + β_i).
fn layernorm_ref(c: &LnCase) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = c.x.iter().map(|&b| f(b)).collect();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let rstd = 1.0 / (var + 1e-5).sqrt();
    let y: Vec<f64> = x.iter().map(|v| (v - mean) * rstd).collect();
    let out = y
        .iter()
        .zip(c.gamma.iter().zip(&c.beta))
        .map(|(y, (&g, &b))| y * f(g) + f(b))
        .collect();
    (y, out)
}

/// The cases a LayerNorm meets and the ones that break a careless one: Whisper's rows of 512
/// and 384, the longest (2048) and shortest (16) rows the kernel takes, magnitudes from 1e-38
/// to 3e38, a large common offset (the mean must not lose the spread), constant rows, an
/// outlier as the first element (the kernel's shift), random γ and β.
fn layernorm_cases() -> Vec<LnCase> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut cases = Vec::new();
    let random_affine = |rng: &mut Rng, n: usize| -> (Vec<u16>, Vec<u16>) {
        let g = (0..n)
            .map(|_| bits(((rng.next() - 0.5) * 4.0) as f32))
            .collect();
        let b = (0..n)
            .map(|_| bits(((rng.next() - 0.5) * 2.0) as f32))
            .collect();
        (g, b)
    };
    for n in [512usize, 384, 2048, 16] {
        for (what, scale, offset) in [
            ("uniform +-1", 1.0, 0.0),
            ("uniform +-1e4", 1e4, 0.0),
            ("uniform +-3e-3 (variance ~ eps)", 3e-3, 0.0),
            ("uniform +-1e-20 (variance << eps)", 1e-20, 0.0),
            ("uniform +-1e-38 (subnormal bf16 values)", 1e-38, 0.0),
            ("uniform +-1e20 (scaled path)", 1e20, 0.0),
            ("uniform +-3e38 (near bf16's largest)", 3e38, 0.0),
            ("1000 +- 4 (large offset)", 4.0, 1000.0),
            ("-3e4 +- 300 (large offset)", 300.0, -3e4),
        ] {
            let x = (0..n)
                .map(|_| bits((offset + (rng.next() - 0.5) * 2.0 * scale) as f32))
                .collect();
            let (gamma, beta) = random_affine(&mut rng, n);
            cases.push(LnCase {
                name: format!("n = {n}, {what}"),
                x,
                gamma,
                beta,
            });
        }
        // Normally distributed-ish rows (sum of 4 uniforms), γ = 1, β = 0: plain LayerNorm.
        let x = (0..n)
            .map(|_| bits(((0..4).map(|_| rng.next()).sum::<f64>() - 2.0) as f32))
            .collect();
        cases.push(LnCase {
            name: format!("n = {n}, bell-shaped, gamma 1, beta 0"),
            x,
            gamma: vec![bits(1.0); n],
            beta: vec![bits(0.0); n],
        });
        // An outlier in element 0 (the kernel's shift) among small values.
        let mut x: Vec<u16> = (0..n)
            .map(|_| bits(((rng.next() - 0.5) * 0.1) as f32))
            .collect();
        x[0] = bits(500.0);
        let (gamma, beta) = random_affine(&mut rng, n);
        cases.push(LnCase {
            name: format!("n = {n}, outlier 500 first among +-0.05"),
            x,
            gamma,
            beta,
        });
        for v in [0.0f32, 7.5, -3e4, 1e30, -2e38] {
            let (gamma, beta) = random_affine(&mut rng, n);
            cases.push(LnCase {
                name: format!("n = {n}, constant {v}"),
                x: vec![bits(v); n],
                gamma,
                beta,
            });
        }
    }
    cases
}

/// LayerNorm with γ and β (kernels/layernorm_affine.cc) against LayerNorm in f64 on the same
/// bf16 inputs (eps 1e-5). Asserted, for every output of every case:
///   |got − exact| ≤ 0.5 bf16 ulp(exact) + 2^-18 (|y γ| + |β|)
/// where y is the exact normalised value: the correctly rounded result up to the float
/// arithmetic's error, bounded relative to the two terms (so it is a fraction of a bf16 ulp
/// of the result unless y γ and β cancel). Measured: at most 2^-21.9 of the terms, 1.49 ulp
/// of the result in the worst cancellation, and every output but a handful correctly
/// rounded. Constant rows give β exactly.
#[test]
fn layernorm_affine_is_correctly_rounded_up_to_float_error() {
    let exe = build("layernorm_affine.cc", LAYERNORM_DRIVER, "layernorm_affine");
    let cases = layernorm_cases();
    let outs = run_layernorm(&exe, &cases);
    let mut worst_ulp = (0.0f64, String::new());
    let mut worst_abs = 0.0f64;
    let mut worst_float = 0.0f64;
    let mut rounded = (0usize, 0usize);
    for (c, got) in cases.iter().zip(&outs) {
        let (y, want) = layernorm_ref(c);
        let constant = c.x.iter().all(|&v| f(v) == f(c.x[0]));
        for i in 0..got.len() {
            let (g, w) = (f(got[i]), want[i]);
            assert!(g.is_finite(), "{}: element {i} = {g}, want {w}", c.name);
            if constant {
                assert_eq!(g, f(c.beta[i]), "{}: element {i} is not beta", c.name);
            }
            let terms = (y[i] * f(c.gamma[i])).abs() + f(c.beta[i]).abs();
            let err = (g - w).abs();
            assert!(
                err <= 0.5 * ulp(w) + terms * 2f64.powi(-18),
                "{}: element {i} = {g}, want {w} ({} bf16 ulp; terms {terms})",
                c.name,
                err / ulp(w)
            );
            // The error beyond the final rounding, relative to the terms.
            if terms > 0.0 {
                worst_float = worst_float.max((err - 0.5 * ulp(w)).max(0.0) / terms);
            }
            rounded.1 += 1;
            if got[i] == bits(w as f32) {
                rounded.0 += 1;
            }
            if err / ulp(w) > worst_ulp.0 {
                worst_ulp = (err / ulp(w), c.name.clone());
            }
            worst_abs = worst_abs.max(err);
        }
    }
    println!(
        "layernorm_affine: {} cases; worst {:.3} bf16 ulp ({}); max abs error {worst_abs:.3e}; \
         error beyond the bf16 rounding at most 2^{:.1} of |y gamma| + |beta|; {:.3}% \
         correctly rounded",
        cases.len(),
        worst_ulp.0,
        worst_ulp.1,
        worst_float.log2(),
        100.0 * rounded.0 as f64 / rounded.1 as f64
    );
}

/// A row with a NaN or an infinity gives NaNs (the exact formula does too); row lengths the
/// kernel does not take (not a multiple of 16, above 2048) give NaNs in the first
/// min(n, 2048) elements and leave the rest alone, never a plausible number.
#[test]
fn layernorm_affine_marks_bad_rows_and_lengths_with_nans() {
    let exe = build(
        "layernorm_affine.cc",
        LAYERNORM_DRIVER,
        "layernorm_affine_bad",
    );
    let row = |n: usize, special: Option<u16>| {
        let mut x: Vec<u16> = (0..n).map(|i| bits(i as f32 * 0.25)).collect();
        if let Some(s) = special {
            x[n / 2] = s;
        }
        LnCase {
            name: format!("n = {n}, special {special:?}"),
            x,
            gamma: vec![bits(1.0); n],
            beta: vec![bits(0.5); n],
        }
    };
    let cases = vec![
        row(512, Some(0x7FC0)), // NaN
        row(512, Some(0x7F80)), // +inf
        row(384, Some(0xFF80)), // -inf
        row(8, None),
        row(520, None),
        row(2064, None),
        row(4096, None),
    ];
    let outs = run_layernorm(&exe, &cases);
    for (c, got) in cases.iter().zip(&outs) {
        let n = c.x.len();
        let written = n.min(2048);
        for (i, &g) in got.iter().enumerate() {
            if i < written {
                assert!(f(g).is_nan(), "{}: element {i} = {}", c.name, f(g));
            } else {
                assert_eq!(g, 0x1234, "{}: element {i} was written", c.name);
            }
        }
    }
}

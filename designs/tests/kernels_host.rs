//! The C++ kernels are plain C++ for AIE2; on the host they compile with the system C++
//! compiler, which lets us check what they compute. (On the NPU they are built with Peano.)

use std::path::PathBuf;

mod host;

/// Compiles `kernel` with a driver `main` into an executable; returns its path.
fn build(kernel: &str, driver: &str, name: &str) -> PathBuf {
    host::build("kernels", kernel, driver, name, &[])
}

fn run(exe: &std::path::Path, input: &[u8]) -> Vec<u8> {
    host::run(exe, input)
}

fn bf16_to_f32(b: u16) -> f32 {
    aie_dsl::types::bf16::from_bits(b).to_f32()
}

fn f32_to_bf16(f: f32) -> u16 {
    aie_dsl::types::bf16::from_f32(f).to_bits()
}

const LAYERNORM_DRIVER: &str = r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void layernorm_512(const uint16_t *in, uint16_t *out);
int main() {
  uint16_t in[512], out[512];
  while (fread(in, sizeof in, 1, stdin) == 1) {
    layernorm_512(in, out);
    fwrite(out, sizeof out, 1, stdout);
  }
  return 0;
}
"#;

#[test]
fn layernorm_512_normalises_each_row_like_an_f64_reference() {
    let exe = build("layernorm_512.cc", LAYERNORM_DRIVER, "layernorm");
    // Rows with different means and scales, from a small deterministic generator.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rows: Vec<Vec<u16>> = Vec::new();
    for (mean, scale) in [(0.0f32, 1.0f32), (3.5, 0.01), (-120.0, 40.0), (0.25, 1e-3)] {
        let row = (0..512)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let u = (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                f32_to_bf16(mean + scale * u * 3.0)
            })
            .collect();
        rows.push(row);
    }
    let input: Vec<u8> = rows
        .iter()
        .flatten()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let output = run(&exe, &input);
    assert_eq!(output.len(), input.len());
    for (r, row) in rows.iter().enumerate() {
        let x: Vec<f64> = row.iter().map(|&b| f64::from(bf16_to_f32(b))).collect();
        let mean = x.iter().sum::<f64>() / 512.0;
        let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 512.0;
        let rstd = 1.0 / (var + 1e-5).sqrt();
        for (i, xi) in x.iter().enumerate() {
            let k = 2 * (r * 512 + i);
            let got = f64::from(bf16_to_f32(u16::from_le_bytes([output[k], output[k + 1]])));
            let want = (xi - mean) * rstd;
            // bf16 keeps 8 significant bits: allow one unit in the last place plus a little.
            let tol = want.abs() * 2f64.powi(-7) + 1e-2;
            assert!(
                (got - want).abs() <= tol,
                "row {r} element {i}: got {got}, want {want}"
            );
        }
    }
}

#[test]
fn the_other_kernels_compute_what_their_designs_say() {
    let add = build(
        "vector_add.cc",
        r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void vector_add_i32(const int32_t*, const int32_t*, int32_t*, int32_t);
extern "C" int main() {
  int32_t a[4] = {1, -2, 3, 2147483000}, b[4] = {10, 20, -30, 600}, c[4];
  vector_add_i32(a, b, c, 4);
  printf("%d %d %d %d", c[0], c[1], c[2], c[3]);
}
"#,
        "add",
    );
    assert_eq!(
        String::from_utf8(run(&add, b"")).unwrap(),
        "11 18 -27 2147483600"
    );
    let scale = build(
        "scale.cc",
        r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void vector_scalar_mul_int16(const int16_t*, int16_t*, const int32_t*, int32_t);
extern "C" int main() {
  int16_t a[3] = {1, -7, 1000}, c[3];
  int32_t f = 3;
  vector_scalar_mul_int16(a, c, &f, 3);
  printf("%d %d %d", c[0], c[1], c[2]);
}
"#,
        "scale",
    );
    assert_eq!(String::from_utf8(run(&scale, b"")).unwrap(), "3 -21 3000");
    let copy = build(
        "passthrough.cc",
        r#"
#include <stdint.h>
#include <stdio.h>
extern "C" void passThroughLine(const int32_t*, int32_t*, int32_t);
extern "C" int main() {
  int32_t a[3] = {5, -6, 7}, c[3] = {0, 0, 0};
  passThroughLine(a, c, 3);
  printf("%d %d %d", c[0], c[1], c[2]);
}
"#,
        "copy",
    );
    assert_eq!(String::from_utf8(run(&copy, b"")).unwrap(), "5 -6 7");
}

//! `--run` for the examples: runs a built design on the NPU through [`aie_dsl::run`], times it,
//! and compares its output with the same C++ kernel compiled for the host where the design has
//! one (LayerNorm).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use aie_dsl::run::{Input, Npu, Output, Role, RunError, XrtStep};
use aie_dsl::types::{bf16, ElemType};
use aie_dsl::valid::Validated;
use aie_dsl::Built;

/// Runs timed after one warm-up run.
const RUNS: u32 = 10;
/// LayerNorm's row length (the kernel `layernorm_512`).
const LAYERNORM_ROW: usize = 512;

/// What `--run` did.
#[derive(Debug)]
pub enum Outcome {
    /// The design ran; the report says how long it took and how its output compares.
    Ran {
        /// Lines to print.
        report: String,
        /// Whether every compared output was within tolerance (true when nothing was compared).
        ok: bool,
    },
    /// The design could not run here (no `xrt` feature, no device, no xclbin); one sentence.
    NotRun(String),
}

/// Why `--run` failed on a machine that could run it.
#[derive(Debug, thiserror::Error)]
pub enum NpuRunError {
    /// The run itself failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The host reference kernel could not be built or run.
    #[error("host reference kernel: {0}")]
    Host(String),
}

/// Runs `design`, built as `built`, on NPU 0.
///
/// # Errors
/// [`NpuRunError::Run`] when loading or running fails (the design's buffers are checked
/// first), [`NpuRunError::Host`] when the host reference cannot be made.
pub fn run_on_npu(design: &Validated, built: &Built) -> Result<Outcome, NpuRunError> {
    // Plan first: it needs no XRT, so a missing xclbin is reported before the device.
    match aie_dsl::run::plan(built, design) {
        Ok(_) => {}
        Err(e @ RunError::MissingArtifact { .. }) => {
            return Ok(Outcome::NotRun(format!("not run on the NPU: {e}")))
        }
        Err(e) => return Err(e.into()),
    }
    let npu = match Npu::open(0) {
        Ok(n) => n,
        Err(
            e @ (RunError::NoXrt
            | RunError::Xrt {
                step: XrtStep::OpenDevice,
                ..
            }),
        ) => return Ok(Outcome::NotRun(format!("not run on the NPU: {e}"))),
        Err(e) => return Err(e.into()),
    };
    let mut loaded = npu.load(built, design)?;
    let plan = loaded.plan().clone();

    let inputs: Vec<Vec<u8>> = plan
        .with_role(Role::Input)
        .enumerate()
        .map(|(i, a)| test_data(a.ty.elem(), a.bytes, i as u64))
        .collect();
    let mut outputs: Vec<Vec<u8>> = plan
        .with_role(Role::Output)
        .map(|a| vec![0u8; a.bytes])
        .collect();

    let mut times = Vec::new();
    for i in 0..=RUNS {
        let ins: Vec<Input<'_>> = inputs.iter().map(|b| Input::bytes(b)).collect();
        let mut outs: Vec<Output<'_>> = outputs.iter_mut().map(|b| Output::bytes(b)).collect();
        let t = loaded.run(&ins, &mut outs)?;
        if i > 0 {
            times.push(t.kernel);
        }
    }
    let mean = times.iter().sum::<Duration>() / RUNS;
    let min = times.iter().min().copied().unwrap_or_default();
    let mut report = format!(
        "ran `{}` on the NPU {RUNS} times after a warm-up: {:.1} µs per run (mean; fastest {:.1} µs)\n",
        design.name,
        mean.as_secs_f64() * 1e6,
        min.as_secs_f64() * 1e6
    );
    let ok = match design.name.as_str() {
        "layernorm" => {
            let (Some(input), Some(output)) = (inputs.first(), outputs.first()) else {
                return Err(NpuRunError::Host(
                    "layernorm has no input or no output argument to compare".into(),
                ));
            };
            match compare_layernorm(input, output) {
                Ok((line, ok)) => {
                    report.push_str(&line);
                    ok
                }
                // Keep the timing; say why the outputs were not compared.
                Err(e) => {
                    report.push_str(&format!("outputs not compared: {e}\n"));
                    false
                }
            }
        }
        _ => {
            report.push_str(&format!(
                "no host reference for `{}`: outputs not compared\n",
                design.name
            ));
            true
        }
    };
    Ok(Outcome::Ran { report, ok })
}

/// Deterministic input data for an argument of `elem` elements: values in [-4, 4) for floats,
/// small integers otherwise, from a xorshift generator seeded by the argument's position.
fn test_data(elem: ElemType, bytes: usize, seed: u64) -> Vec<u8> {
    let mut s = 0x2545_F491_4F6C_DD1Du64 ^ (seed.wrapping_add(1)).wrapping_mul(0x9E37_79B9);
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let n = bytes / elem.bytes() as usize;
    let mut out = Vec::with_capacity(bytes);
    for i in 0..n {
        let r = next();
        let f = ((r >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 8.0;
        // Give each LayerNorm-sized row its own mean and scale, so normalising does something.
        let row = (i / LAYERNORM_ROW) as f32;
        let f = f * (1.0 + row % 7.0) + (row % 5.0 - 2.0) * 10.0;
        match elem {
            ElemType::I8 | ElemType::U8 => out.push(r as u8 & 0x3F),
            ElemType::I16 => out.extend_from_slice(&((r as i16) >> 4).to_le_bytes()),
            ElemType::I32 => out.extend_from_slice(&((r as i32) >> 8).to_le_bytes()),
            ElemType::Bf16 => out.extend_from_slice(&bf16::from_f32(f).to_bits().to_le_bytes()),
            ElemType::F32 => out.extend_from_slice(&f.to_le_bytes()),
        }
    }
    out
}

/// Compiles the LayerNorm kernel for the host (as designs/tests/kernels_host.rs does), runs it
/// on every row of `input`, and compares with the NPU's `output`: the largest absolute error
/// and whether every element is within a bf16 tolerance of the host's.
fn compare_layernorm(input: &[u8], output: &[u8]) -> Result<(String, bool), NpuRunError> {
    let host = host_layernorm(input)?;
    if host.len() != output.len() {
        return Err(NpuRunError::Host(format!(
            "the host kernel wrote {} bytes for {} input bytes",
            host.len(),
            input.len()
        )));
    }
    let val = |b: &[u8], k: usize| bf16::from_bits(u16::from_le_bytes([b[k], b[k + 1]])).to_f32();
    let mut worst = 0f32;
    let mut worst_at = 0;
    let mut bad = 0usize;
    for k in (0..output.len()).step_by(2) {
        let (got, want) = (val(output, k), val(&host, k));
        let err = (got - want).abs();
        // bf16 has 8 significant bits: one unit in the last place of the host value, plus a
        // little for different rounding inside the kernel.
        if err.is_nan() || err > want.abs() * 2f32.powi(-7) + 1e-2 {
            bad += 1;
        }
        if err > worst || err.is_nan() {
            worst = err;
            worst_at = k / 2;
        }
    }
    let rows = output.len() / 2 / LAYERNORM_ROW;
    let line = format!(
        "compared {rows} rows with the host-compiled layernorm_512: largest error {worst:e} \
         (row {}, element {}); {bad} element(s) outside bf16 tolerance\n",
        worst_at / LAYERNORM_ROW,
        worst_at % LAYERNORM_ROW
    );
    Ok((line, bad == 0))
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

fn host_layernorm(input: &[u8]) -> Result<Vec<u8>, NpuRunError> {
    let dir = std::env::temp_dir().join(format!("aie-dsl-host-{}", std::process::id()));
    let exe = build_host(&dir, "layernorm_512.cc", LAYERNORM_DRIVER, "layernorm")?;
    let out = run_host(&exe, input);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn build_host(dir: &Path, kernel: &str, driver: &str, name: &str) -> Result<PathBuf, NpuRunError> {
    let fail = |e: String| NpuRunError::Host(e);
    std::fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let main = dir.join(format!("{name}_main.cc"));
    std::fs::write(&main, driver).map_err(|e| fail(format!("{}: {e}", main.display())))?;
    let exe = dir.join(name);
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    let out = Command::new(&cxx)
        .args(["-std=c++17", "-O2", "-fno-fast-math", "-o"])
        .arg(&exe)
        .arg(crate::kernels_dir().join(kernel))
        .arg(&main)
        .output()
        .map_err(|e| fail(format!("cannot run `{cxx}` ({e}); install g++ or set CXX")))?;
    if !out.status.success() {
        return Err(fail(format!(
            "{kernel} does not compile for the host:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(exe)
}

fn run_host(exe: &Path, input: &[u8]) -> Result<Vec<u8>, NpuRunError> {
    let fail = |e: std::io::Error| NpuRunError::Host(format!("{}: {e}", exe.display()));
    let mut child = Command::new(exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(fail)?;
    // Write from a thread so a full stdout pipe cannot block the write.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().map_err(fail)?;
    writer
        .join()
        .map_err(|_| NpuRunError::Host("the writer thread panicked".into()))?
        .map_err(fail)?;
    if !out.status.success() {
        return Err(NpuRunError::Host(format!(
            "{} exited with {}",
            exe.display(),
            out.status
        )));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_reference_normalises_each_row() {
        // Inputs as --run makes them: each row has its own mean and scale.
        let input = test_data(ElemType::Bf16, 4 * LAYERNORM_ROW * 2, 0);
        let host = host_layernorm(&input).unwrap();
        assert_eq!(host.len(), input.len());
        // Comparing the host kernel with itself: zero error, nothing out of tolerance.
        let (line, ok) = compare_layernorm(&input, &host).unwrap();
        assert!(ok, "{line}");
        assert!(line.contains("largest error 0e0"), "{line}");
        // Each output row has mean ~0 (an f64 check of what normalising means).
        for row in host.chunks_exact(LAYERNORM_ROW * 2) {
            let v: Vec<f64> = row
                .chunks_exact(2)
                .map(|c| f64::from(bf16::from_bits(u16::from_le_bytes([c[0], c[1]])).to_f32()))
                .collect();
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            assert!(mean.abs() < 0.05, "row mean {mean}");
        }
        // A wrong NPU output is caught.
        let mut wrong = host.clone();
        wrong[10] ^= 0x40;
        let (_, ok) = compare_layernorm(&input, &wrong).unwrap();
        assert!(!ok);
    }
}

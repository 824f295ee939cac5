//! The plan of one Whisper encoder block as a sequence of this crate's designs (issue 12):
//! for each step its design, the shapes, how many times the design runs, the bytes moved
//! between host and NPU, and what the host does around it.
//!
//! The block (openai/whisper `model.py`, `ResidualAttentionBlock`):
//!
//! ```text
//! x = x + out(attention(q(ln1(x)), k(ln1(x)), v(ln1(x))))     K without bias
//! x = x + fc2(gelu(fc1(ln2(x))))
//! ```
//!
//! Assumptions, each stated where it applies: activations and weights travel as bf16
//! (2 bytes) and matmul results come back as bf16 (the `matmul` design may also return f32,
//! 4 bytes: [`Elem::F32`]); bytes are counted for the unpadded shapes (a matmul that pads 1500
//! rows to its tile multiple moves a little more); the attention scale 1/√d_head is folded
//! into W_q and b_q offline (for d_head 64 it is 1/8, a power of two, so the bf16 weights stay
//! exact), so no step applies it.

use crate::whisper::{D_MODEL, FRAMES, MLP};

/// The shapes of a Whisper encoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// Audio frames after the convolutional front end (rows of every activation).
    pub frames: u64,
    /// Model width.
    pub d_model: u64,
    /// Attention heads.
    pub heads: u64,
    /// MLP width.
    pub mlp: u64,
}

/// Whisper-base: 1500 frames, d_model 512, 8 heads of 64, MLP 2048.
pub const WHISPER_BASE: Model = Model {
    frames: FRAMES as u64,
    d_model: D_MODEL as u64,
    heads: 8,
    mlp: MLP as u64,
};

/// Whisper-tiny: 1500 frames, d_model 384, 6 heads of 64, MLP 1536.
pub const WHISPER_TINY: Model = Model {
    frames: FRAMES as u64,
    d_model: 384,
    heads: 6,
    mlp: 1536,
};

/// An element type on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    /// bfloat16, 2 bytes.
    Bf16,
    /// f32, 4 bytes.
    F32,
}

impl Elem {
    /// Bytes per element.
    pub fn bytes(self) -> u64 {
        match self {
            Elem::Bf16 => 2,
            Elem::F32 => 4,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Elem::Bf16 => "bf16",
            Elem::F32 => "f32",
        }
    }
}

/// A matrix moved between host and NPU in one run of a design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    /// What it is (`x`, `W_q`, `scores`…).
    pub name: String,
    /// Rows.
    pub rows: u64,
    /// Columns.
    pub cols: u64,
    /// Element type.
    pub elem: Elem,
}

impl Operand {
    fn new(name: impl Into<String>, rows: u64, cols: u64, elem: Elem) -> Self {
        Operand {
            name: name.into(),
            rows,
            cols,
            elem,
        }
    }

    /// Its size in bytes, or `None` on overflow.
    pub fn bytes(&self) -> Option<u64> {
        self.rows
            .checked_mul(self.cols)?
            .checked_mul(self.elem.bytes())
    }
}

/// One step of the block: a design run `runs` times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The operation (`ln1`, `q_proj`, `scores`…).
    pub op: &'static str,
    /// The design that runs it.
    pub design: &'static str,
    /// Whether a design of that name is registered in this build (`false`: design pending).
    /// The name only: the registered `gelu`, `softmax` and `residual_add` have Whisper-base's
    /// shapes; `layernorm_affine` builds other widths through
    /// [`crate::whisper_layernorm::layernorm_affine_with`].
    pub registered: bool,
    /// How many times it runs (once per head for the attention steps).
    pub runs: u64,
    /// What the host sends, per run.
    pub inputs: Vec<Operand>,
    /// What the host receives, per run.
    pub outputs: Vec<Operand>,
    /// What the host does before or after the design (empty: nothing).
    pub host: Vec<String>,
}

impl Step {
    /// Bytes moved host ↔ NPU by one run (inputs and outputs), or `None` on overflow.
    pub fn bytes_per_run(&self) -> Option<u64> {
        self.inputs
            .iter()
            .chain(&self.outputs)
            .try_fold(0u64, |acc, o| acc.checked_add(o.bytes()?))
    }

    /// Bytes moved host ↔ NPU by every run of the step, or `None` on overflow.
    pub fn bytes(&self) -> Option<u64> {
        self.bytes_per_run()?.checked_mul(self.runs)
    }
}

/// A model the plan cannot be made for.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    /// A shape parameter is zero.
    #[error("encoder plan: `{0}` is 0; every shape parameter must be at least 1")]
    Zero(&'static str),
    /// The heads do not divide the model width.
    #[error("encoder plan: `heads` = {heads} does not divide `d_model` = {d_model}; choose heads among its divisors")]
    Heads {
        /// Heads.
        heads: u64,
        /// Model width.
        d_model: u64,
    },
    /// A byte count does not fit 64 bits.
    #[error("encoder plan: the bytes of step `{0}` overflow 64 bits; the shapes are too large")]
    Overflow(&'static str),
}

/// The registered matmul designs by shape (rows, k, n) (`crate::matmul`).
const MATMUL_DESIGNS: [((u64, u64, u64), &str); 3] = [
    ((1500, 512, 512), "matmul_1500x512x512"),
    ((1500, 512, 2048), "matmul_1500x512x2048"),
    ((1500, 2048, 512), "matmul_1500x2048x512"),
];

/// The plans of [`MATMUL_DESIGNS`], in the same order.
const MATMUL_PLANS: [crate::matmul::Plan; 3] = [
    crate::matmul::WHISPER_PROJ,
    crate::matmul::WHISPER_FC1,
    crate::matmul::WHISPER_FC2,
];

/// The steps of one encoder block of `m`, with matmul results as `matmul_out` (bf16 or f32),
/// marking as registered the designs in `registered` (names).
///
/// # Errors
/// [`PlanError`] for a zero shape, heads that do not divide d_model, or byte counts past 64
/// bits.
pub fn encoder_block_with(
    m: &Model,
    matmul_out: Elem,
    registered: &[&str],
) -> Result<Vec<Step>, PlanError> {
    for (name, v) in [
        ("frames", m.frames),
        ("d_model", m.d_model),
        ("heads", m.heads),
        ("mlp", m.mlp),
    ] {
        if v == 0 {
            return Err(PlanError::Zero(name));
        }
    }
    if !m.d_model.is_multiple_of(m.heads) {
        return Err(PlanError::Heads {
            heads: m.heads,
            d_model: m.d_model,
        });
    }
    let (t, d, h, f) = (m.frames, m.d_model, m.heads, m.mlp);
    // The registered matmul design of a shape, or the generic name when none has it.
    let matmul = |rows: u64, k: u64, n: u64| -> &'static str {
        MATMUL_DESIGNS
            .iter()
            .find(|(shape, _)| *shape == (rows, k, n))
            .map_or("matmul", |(_, name)| name)
    };
    let dh = d / h;
    let bf = Elem::Bf16;
    let is_reg = |name: &str| registered.contains(&name);
    let step = |op, design: &'static str, runs, inputs, outputs, host: &[String]| Step {
        op,
        design,
        registered: is_reg(design),
        runs,
        inputs,
        outputs,
        host: host.to_vec(),
    };
    let layernorm = |op: &'static str, x: &str, y: &str| {
        step(
            op,
            "layernorm_affine",
            1,
            vec![
                Operand::new(x, t, d, bf),
                Operand::new(format!("gamma,beta of {op}"), 2, d, bf),
            ],
            vec![Operand::new(y, t, d, bf)],
            &[],
        )
    };
    let bias = |what: &str, rows: u64, cols: u64| {
        format!(
            "add the bias b_{what} to the {rows}×{cols} result (unless the matmul design \
             takes a bias)"
        )
    };
    let proj = |op, x: &str, w: &str, y: &str, host: &[String]| {
        step(
            op,
            matmul(t, d, d),
            1,
            vec![
                Operand::new(x, t, d, bf),
                Operand::new(format!("W_{w}"), d, d, bf),
            ],
            vec![Operand::new(y, t, d, matmul_out)],
            host,
        )
    };
    let heads_split = format!("split into {h} heads of {t}×{dh}");
    let residual = |op, x: &str, branch: &str, out: &str, kept: &str| {
        step(
            op,
            "residual_add",
            1,
            vec![Operand::new(x, t, d, bf), Operand::new(branch, t, d, bf)],
            vec![Operand::new(out, t, d, bf)],
            &[format!("keeps {x}, the input of {kept}, for this add")],
        )
    };
    let steps = vec![
        layernorm("ln1", "x", "h1"),
        proj(
            "q_proj",
            "h1",
            "q",
            "q",
            &[
                format!("W_q and b_q pre-scaled by 1/√{dh} offline (the attention scale)"),
                bias("q", t, d),
                heads_split.clone(),
            ],
        ),
        proj(
            "k_proj",
            "h1",
            "k",
            "k",
            &[format!("{heads_split}, each transposed to {dh}×{t}")],
        ),
        proj(
            "v_proj",
            "h1",
            "v",
            "v",
            &[bias("v", t, d), heads_split.clone()],
        ),
        step(
            "scores",
            matmul(t, dh, t),
            h,
            vec![
                Operand::new("q_h", t, dh, bf),
                Operand::new("k_hᵀ", dh, t, bf),
            ],
            vec![Operand::new("s_h", t, t, matmul_out)],
            &[],
        ),
        step(
            "softmax",
            "softmax",
            h,
            vec![Operand::new("s_h", t, t, bf)],
            vec![Operand::new("p_h", t, t, bf)],
            &[],
        ),
        step(
            "attn_v",
            matmul(t, t, dh),
            h,
            vec![
                Operand::new("p_h", t, t, bf),
                Operand::new("v_h", t, dh, bf),
            ],
            vec![Operand::new("o_h", t, dh, matmul_out)],
            &[format!("concatenate the {h} heads into o, {t}×{d}")],
        ),
        proj("out_proj", "o", "o", "a", &[bias("o", t, d)]),
        residual("residual1", "x", "a", "x1", "ln1"),
        layernorm("ln2", "x1", "h2"),
        step(
            "fc1",
            matmul(t, d, f),
            1,
            vec![
                Operand::new("h2", t, d, bf),
                Operand::new("W_fc1", d, f, bf),
            ],
            vec![Operand::new("f", t, f, matmul_out)],
            &[bias("fc1", t, f)],
        ),
        step(
            "gelu",
            "gelu",
            1,
            vec![Operand::new("f", t, f, bf)],
            vec![Operand::new("g", t, f, bf)],
            &[],
        ),
        step(
            "fc2",
            matmul(t, f, d),
            1,
            vec![Operand::new("g", t, f, bf), Operand::new("W_fc2", f, d, bf)],
            vec![Operand::new("m", t, d, matmul_out)],
            &[bias("fc2", t, d)],
        ),
        residual("residual2", "x1", "m", "x2", "ln2"),
    ];
    let mut steps = steps;
    for s in &mut steps {
        s.bytes().ok_or(PlanError::Overflow(s.op))?;
        if let Some(plan) = MATMUL_PLANS
            .iter()
            .zip(MATMUL_DESIGNS)
            .find(|(_, (_, name))| *name == s.design)
            .map(|(p, _)| p)
        {
            let tr = plan.traffic();
            s.host.push(format!(
                "pads the {t} rows to {} with zeros and drops the extra result rows; the \
                 design moves {} bytes (A once per 128-column block of C, B once per 256 rows)",
                plan.padded_m(),
                tr.a + tr.b + tr.c
            ));
        }
        if s.design.starts_with("matmul") && matmul_out == Elem::F32 {
            s.host
                .push("round the f32 result to bf16 for the next design".to_string());
        }
    }
    Ok(steps)
}

/// The steps of one encoder block of `m` with bf16 matmul results, marking the designs
/// registered in this build.
///
/// # Errors
/// See [`encoder_block_with`].
pub fn encoder_block(m: &Model) -> Result<Vec<Step>, PlanError> {
    let names: Vec<&str> = crate::all().iter().map(|(n, _)| *n).collect();
    encoder_block_with(m, Elem::Bf16, &names)
}

/// Bytes moved by every step, or `None` on overflow.
pub fn total_bytes(steps: &[Step]) -> Option<u64> {
    steps
        .iter()
        .try_fold(0u64, |acc, s| acc.checked_add(s.bytes()?))
}

fn shape_list(ops: &[Operand]) -> String {
    ops.iter()
        .map(|o| format!("{} {}×{} {}", o.name, o.rows, o.cols, o.elem.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plan as text: a line per step (design, runs, shapes, bytes), the host's work under
/// it, and the total.
pub fn render(m: &Model, steps: &[Step]) -> String {
    let mut s = format!(
        "Whisper encoder block: {} frames, d_model {}, {} heads of {}, MLP {}\n\n",
        m.frames,
        m.d_model,
        m.heads,
        m.d_model / m.heads.max(1),
        m.mlp
    );
    for (i, st) in steps.iter().enumerate() {
        let status = if st.registered {
            ""
        } else {
            " (design pending)"
        };
        let runs = if st.runs > 1 {
            format!(" × {} runs", st.runs)
        } else {
            String::new()
        };
        let mm = if st.design.starts_with("matmul") {
            match (st.inputs.first(), st.inputs.get(1)) {
                (Some(a), Some(b)) => format!(" {}×{}·{}×{}", a.rows, a.cols, b.rows, b.cols),
                _ => String::new(),
            }
        } else {
            String::new()
        };
        s.push_str(&format!(
            "{:>2}. {:<10} {}{mm}{status}{runs}\n",
            i + 1,
            st.op,
            st.design
        ));
        s.push_str(&format!("      in:  {}\n", shape_list(&st.inputs)));
        s.push_str(&format!("      out: {}\n", shape_list(&st.outputs)));
        match (st.bytes_per_run(), st.bytes()) {
            (Some(per), Some(all)) if st.runs > 1 => s.push_str(&format!(
                "      host↔NPU: {per} bytes per run, {all} bytes in all\n"
            )),
            (_, Some(all)) => s.push_str(&format!("      host↔NPU: {all} bytes\n")),
            _ => s.push_str("      host↔NPU: overflows 64 bits\n"),
        }
        for h in &st.host {
            s.push_str(&format!("      host: {h}\n"));
        }
    }
    match total_bytes(steps) {
        Some(t) => s.push_str(&format!(
            "\ntotal host↔NPU: {t} bytes ({:.1} MiB) per block\n",
            t as f64 / (1024.0 * 1024.0)
        )),
        None => s.push_str("\ntotal host↔NPU: overflows 64 bits\n"),
    }
    let pending: Vec<&str> = {
        let mut p: Vec<&str> = steps
            .iter()
            .filter(|s| !s.registered)
            .map(|s| s.design)
            .collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    if !pending.is_empty() {
        s.push_str(&format!("designs pending: {}\n", pending.join(", ")));
    }
    s
}

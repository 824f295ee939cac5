//! The encoder-block plan's numbers, against byte counts written out here from Whisper's
//! shapes (openai/whisper `model.py`: base d_model 512, 8 heads of 64, MLP 2048; tiny 384,
//! 6 heads, MLP 1536; 1500 frames), independently of the plan's own arithmetic.

use designs::encoder_plan::{
    encoder_block, encoder_block_with, render, total_bytes, Elem, Model, PlanError, WHISPER_BASE,
    WHISPER_TINY,
};

const ALL: &[&str] = &[
    "layernorm_affine",
    "matmul",
    "matmul_1500x512x512",
    "matmul_1500x512x2048",
    "matmul_1500x2048x512",
    "softmax",
    "gelu",
    "residual_add",
];

#[test]
fn whisper_base_block_moves_the_bytes_its_shapes_imply() {
    let steps = encoder_block_with(&WHISPER_BASE, Elem::Bf16, ALL).unwrap();
    // (op, design, runs, bytes over all runs), bf16 = 2 bytes everywhere.
    let want: [(&str, &str, u64, u64); 14] = [
        (
            "ln1",
            "layernorm_affine",
            1,
            (1500 * 512 + 2 * 512 + 1500 * 512) * 2,
        ),
        (
            "q_proj",
            "matmul_1500x512x512",
            1,
            (1500 * 512 + 512 * 512 + 1500 * 512) * 2,
        ),
        (
            "k_proj",
            "matmul_1500x512x512",
            1,
            (1500 * 512 + 512 * 512 + 1500 * 512) * 2,
        ),
        (
            "v_proj",
            "matmul_1500x512x512",
            1,
            (1500 * 512 + 512 * 512 + 1500 * 512) * 2,
        ),
        (
            "scores",
            "matmul",
            8,
            8 * (1500 * 64 + 64 * 1500 + 1500 * 1500) * 2,
        ),
        ("softmax", "softmax", 8, 8 * (1500 * 1500 * 2) * 2),
        (
            "attn_v",
            "matmul",
            8,
            8 * (1500 * 1500 + 1500 * 64 + 1500 * 64) * 2,
        ),
        (
            "out_proj",
            "matmul_1500x512x512",
            1,
            (1500 * 512 + 512 * 512 + 1500 * 512) * 2,
        ),
        ("residual1", "residual_add", 1, 3 * 1500 * 512 * 2),
        (
            "ln2",
            "layernorm_affine",
            1,
            (1500 * 512 + 2 * 512 + 1500 * 512) * 2,
        ),
        (
            "fc1",
            "matmul_1500x512x2048",
            1,
            1500 * 512 * 2 + 512 * 2048 * 2 + 1500 * 2048 * 2,
        ),
        ("gelu", "gelu", 1, 2 * 1500 * 2048 * 2),
        (
            "fc2",
            "matmul_1500x2048x512",
            1,
            1500 * 2048 * 2 + 2048 * 512 * 2 + 1500 * 512 * 2,
        ),
        ("residual2", "residual_add", 1, 3 * 1500 * 512 * 2),
    ];
    assert_eq!(steps.len(), want.len());
    for (s, (op, design, runs, bytes)) in steps.iter().zip(want) {
        assert_eq!((s.op, s.design, s.runs), (op, design, runs));
        assert_eq!(s.bytes(), Some(bytes), "{op}");
        assert!(s.registered, "{op}: every name was given as registered");
    }
    // Worked by hand: fc1 moves 9 777 152 bytes; softmax 72 000 000 over its 8 runs.
    assert_eq!(steps[10].bytes(), Some(9_777_152));
    assert_eq!(steps[5].bytes(), Some(72_000_000));
    assert_eq!(steps[5].bytes_per_run(), Some(9_000_000));
    let sum: u64 = want.iter().map(|w| w.3).sum();
    assert_eq!(total_bytes(&steps), Some(sum));
    // K has no bias; Q, V, out, fc1 and fc2 add theirs on the host.
    let biased: Vec<&str> = steps
        .iter()
        .filter(|s| s.host.iter().any(|h| h.contains("bias")))
        .map(|s| s.op)
        .collect();
    assert_eq!(biased, ["q_proj", "v_proj", "out_proj", "fc1", "fc2"]);
    // What the whole-array matmul design really moves for a projection: A padded to 1536 rows
    // and sent once per 128 columns of C (4 times), B once per 256 rows (6 times), C once.
    let moved = 1536 * 512 * 2 * 4 + 512 * 512 * 2 * 6 + 1536 * 512 * 2;
    assert!(
        steps[1]
            .host
            .iter()
            .any(|h| h.contains("to 1536") && h.contains(&format!("moves {moved} bytes"))),
        "{:?}",
        steps[1].host
    );
    assert!(steps[2]
        .host
        .iter()
        .any(|h| h.contains("8 heads of 1500×64")));
}

#[test]
fn f32_matmul_results_count_four_bytes() {
    let steps = encoder_block_with(&WHISPER_BASE, Elem::F32, ALL).unwrap();
    let fc1 = steps.iter().find(|s| s.op == "fc1").unwrap();
    assert_eq!(
        fc1.bytes(),
        Some(1500 * 512 * 2 + 512 * 2048 * 2 + 1500 * 2048 * 4)
    );
    assert!(fc1.host.iter().any(|h| h.contains("round the f32")));
    let gelu = steps.iter().find(|s| s.op == "gelu").unwrap();
    assert_eq!(gelu.bytes(), Some(2 * 1500 * 2048 * 2));
}

#[test]
fn whisper_tiny_block_has_six_heads_of_64() {
    let steps = encoder_block_with(&WHISPER_TINY, Elem::Bf16, ALL).unwrap();
    let by = |op: &str| steps.iter().find(|s| s.op == op).unwrap().bytes().unwrap();
    assert_eq!(by("scores"), 6 * (1500 * 64 * 2 + 1500 * 1500) * 2);
    assert_eq!(by("fc2"), (1500 * 1536 + 1536 * 384 + 1500 * 384) * 2);
    assert_eq!(by("ln1"), (2 * 1500 * 384 + 2 * 384) * 2);
}

#[test]
fn designs_not_in_the_registry_are_marked_pending() {
    let steps = encoder_block_with(&WHISPER_BASE, Elem::Bf16, &["softmax"]).unwrap();
    for s in &steps {
        assert_eq!(s.registered, s.design == "softmax", "{}", s.op);
    }
    let text = render(&WHISPER_BASE, &steps);
    assert!(
        text.contains("fc1        matmul_1500x512x2048 1500×512·512×2048 (design pending)"),
        "{text}"
    );
    assert!(text.contains(
        "designs pending: gelu, layernorm_affine, matmul, matmul_1500x2048x512, \
         matmul_1500x512x2048, matmul_1500x512x512, residual_add"
    ));
    // With this build's registry: the designs of this crate are found.
    let registry: Vec<&str> = designs::all().iter().map(|(n, _)| *n).collect();
    for s in encoder_block(&WHISPER_BASE).unwrap() {
        assert_eq!(s.registered, registry.contains(&s.design), "{}", s.op);
        if s.design != "matmul" {
            assert!(s.registered, "{}: {} is registered", s.op, s.design);
        }
    }
}

#[test]
fn impossible_models_are_rejected() {
    let m = |frames, d_model, heads, mlp| Model {
        frames,
        d_model,
        heads,
        mlp,
    };
    assert_eq!(
        encoder_block_with(&m(1500, 512, 7, 2048), Elem::Bf16, ALL),
        Err(PlanError::Heads {
            heads: 7,
            d_model: 512
        })
    );
    assert_eq!(
        encoder_block_with(&m(1500, 512, 8, 0), Elem::Bf16, ALL),
        Err(PlanError::Zero("mlp"))
    );
    assert_eq!(
        encoder_block_with(&m(u64::MAX / 4, 512, 8, 2048), Elem::Bf16, ALL),
        Err(PlanError::Overflow("ln1"))
    );
}

//! Shape parameters of `gelu`, `softmax` and `residual_add`: Whisper-base's shapes give the
//! registered designs, Whisper-tiny's build, and shapes the cores or the mem tile cannot hold
//! are rejected naming the parameter.

use designs::shape::ShapeError;
use designs::whisper_shapes::{
    gelu_with, residual_add_max_cores, residual_add_max_row, residual_add_with,
    rows_on_cores_max_row, softmax_with,
};

type With = fn(u32, u32) -> Result<aie_dsl::valid::Validated, ShapeError>;

#[test]
fn whisper_base_shapes_give_the_registered_designs() {
    let cases: [(&str, designs::DesignFn, With, u32, u32); 3] = [
        ("gelu", designs::whisper::gelu, gelu_with, 2048, 4),
        ("softmax", designs::whisper::softmax, softmax_with, 1500, 4),
        (
            "residual_add",
            designs::whisper::residual_add,
            residual_add_with,
            512,
            2,
        ),
    ];
    for (name, registered, with, row, cores) in cases {
        let a = aie_dsl::emit::emit_checked(&registered().unwrap(), aie_dsl::emit::Check::Skip)
            .unwrap();
        let b = aie_dsl::emit::emit_checked(&with(row, cores).unwrap(), aie_dsl::emit::Check::Skip)
            .unwrap();
        assert_eq!(a.mlir, b.mlir, "{name}");
    }
}

/// Whisper-tiny's widths (MLP 1536, d_model 384) and every core count validate and lower.
#[test]
fn whisper_tiny_shapes_and_every_core_count_lower() {
    for cores in 1..=4 {
        for (name, d) in [
            ("gelu 1536", gelu_with(1536, cores)),
            ("softmax 1500", softmax_with(1500, cores)),
        ] {
            let d = d.unwrap_or_else(|e| panic!("{name}, {cores} cores: {e}"));
            aie_dsl::lower::lower(&d).unwrap_or_else(|e| panic!("{name}, {cores} cores: {e}"));
        }
    }
    for cores in 1..=2 {
        let d = residual_add_with(384, cores).unwrap();
        aie_dsl::lower::lower(&d).unwrap_or_else(|e| panic!("residual_add 384, {cores}: {e}"));
    }
    // The longest rows the checks let through still lower (their buffers fit).
    for d in [
        gelu_with(rows_on_cores_max_row(), 4).unwrap(),
        residual_add_with(residual_add_max_row(), 2).unwrap(),
    ] {
        aie_dsl::lower::lower(&d).unwrap_or_else(|e| panic!("{}: {e}", d.name));
    }
}

fn rejects(r: Result<aie_dsl::valid::Validated, ShapeError>, design: &str, param: &str) {
    match r {
        Err(e @ ShapeError::OutOfRange { .. }) => {
            let m = e.to_string();
            assert!(m.contains(&format!("design `{design}`")), "{m}");
            assert!(m.contains(&format!("parameter `{param}`")), "{m}");
        }
        Err(e) => panic!("{design} {param}: wrong error {e}"),
        Ok(_) => panic!("{design} {param}: accepted"),
    }
}

#[test]
fn shapes_the_cores_cannot_hold_are_rejected_naming_the_parameter() {
    // 64 KiB of data memory, 1 KiB of stack: two depth-2 FIFOs of bf16 rows hold 8064 values.
    assert_eq!(rows_on_cores_max_row(), (65536 - 1024) / 8);
    assert_eq!(residual_add_max_row(), (65536 - 1024) / 36);
    assert_eq!(residual_add_max_cores(), 2);
    rejects(gelu_with(0, 4), "gelu", "row");
    rejects(gelu_with(rows_on_cores_max_row() + 1, 4), "gelu", "row");
    rejects(gelu_with(2048, 0), "gelu", "cores");
    rejects(gelu_with(2048, 5), "gelu", "cores");
    rejects(softmax_with(20000, 4), "softmax", "row");
    rejects(softmax_with(1500, 6), "softmax", "cores");
    rejects(residual_add_with(0, 2), "residual_add", "d");
    rejects(
        residual_add_with(residual_add_max_row() + 1, 2),
        "residual_add",
        "d",
    );
    rejects(residual_add_with(512, 3), "residual_add", "cores");
    rejects(residual_add_with(512, 0), "residual_add", "cores");
}

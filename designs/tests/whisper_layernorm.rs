//! The `layernorm_affine` design: Whisper-base and Whisper-tiny build through the whole
//! pipeline, γβ is delivered once per run, and shapes the kernel or the data movement cannot
//! handle are rejected with an error naming the parameter.

use aie_dsl::Artifact;
use designs::shape::ShapeError;
use designs::whisper_layernorm::{
    layernorm_affine, layernorm_affine_shape, layernorm_affine_with, LayerNormShape, KERNEL_LANES,
    KERNEL_MAX_ROW, MAX_CORES, WHISPER_BASE,
};

/// The registered design is Whisper-base's shape on four cores, and the same as the one the
/// parameterised function builds for it.
#[test]
fn the_registered_design_is_whisper_base_on_four_cores() {
    assert_eq!(LayerNormShape::new(1500, 512, 4).unwrap(), WHISPER_BASE);
    assert!(designs::all().iter().any(|(n, _)| *n == "layernorm_affine"));
    let registered =
        aie_dsl::emit::emit_checked(&layernorm_affine().unwrap(), aie_dsl::emit::Check::Skip)
            .unwrap();
    let with = aie_dsl::emit::emit_checked(
        &layernorm_affine_with(512, 4).unwrap(),
        aie_dsl::emit::Check::Skip,
    )
    .unwrap();
    assert_eq!(registered.mlir, with.mlir);
}

/// The Rust-side limits are the kernel's own constants (read from its source).
#[test]
fn the_shape_limits_are_the_kernels_constants() {
    let src = std::fs::read_to_string(designs::kernels_dir().join("layernorm_affine.cc")).unwrap();
    assert!(
        src.contains(&format!("constexpr int32_t kMaxRow = {KERNEL_MAX_ROW};")),
        "kMaxRow in layernorm_affine.cc differs from KERNEL_MAX_ROW"
    );
    assert!(
        src.contains(&format!("constexpr int32_t kLanes = {KERNEL_LANES};")),
        "kLanes in layernorm_affine.cc differs from KERNEL_LANES"
    );
    assert!(src.contains("extern \"C\" void layernorm_affine_bf16("));
}

/// Whisper-base (d 512) and Whisper-tiny (d 384) build every artifact that does not need
/// Peano through `aie_dsl::build`; the kernel calls pass the signature check (validation),
/// and what is missing is only what needs Peano's core ELFs.
#[test]
fn whisper_base_and_tiny_build_every_artifact_but_the_peano_ones() {
    for (d, cores) in [(512, 4), (384, 4), (384, 3)] {
        let name = format!("d{d}_c{cores}");
        let design = layernorm_affine_with(d, cores).unwrap_or_else(|e| panic!("{name}: {e}"));
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "aie-dsl-layernorm-affine-{name}-{}",
            std::process::id()
        ));
        let built = aie_dsl::build(&design, &designs::build_options(&out))
            .unwrap_or_else(|e| panic!("{name}: build: {e}"));
        for a in [
            Artifact::Mlir,
            Artifact::Generic,
            Artifact::Physical,
            Artifact::Insts,
            Artifact::Svg,
            Artifact::Html,
            Artifact::LdScript,
            Artifact::CoreLlvm,
        ] {
            assert!(
                built.path(a).is_some(),
                "{name}: {a} not written:\n{}",
                designs::describe(&built)
            );
        }
        for (a, why) in &built.missing {
            assert!(
                matches!(
                    a,
                    Artifact::Elf | Artifact::Cdo | Artifact::Pdi | Artifact::Xclbin
                ),
                "{name}: {a} missing: {why}"
            );
        }
        let per_core = |a: Artifact| built.files.iter().filter(|(f, _)| *f == a).count();
        assert_eq!(
            per_core(Artifact::CoreLlvm),
            cores as usize,
            "{name}: .ll per core"
        );
        assert_eq!(
            per_core(Artifact::LdScript),
            cores as usize,
            "{name}: ldscript per core"
        );
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// Every core count on both widths validates and lowers; in the design's MLIR, γβ is one
/// FIFO of 2·d bf16 from the shim to all cores, acquired once per core (outside the loop over
/// its rows/cores rows) and moved once by the runtime sequence; each core's loop runs
/// rows/cores times and calls the kernel with n = d.
#[test]
fn gamma_and_beta_are_delivered_once_per_run() {
    for d in [512u32, 384] {
        for cores in 1..=4u32 {
            let name = format!("d {d}, {cores} cores");
            let design = layernorm_affine_with(d, cores).unwrap_or_else(|e| panic!("{name}: {e}"));
            aie_dsl::lower::lower(&design).unwrap_or_else(|e| panic!("{name}: lower: {e}"));
            let mlir = aie_dsl::emit::emit_checked(&design, aie_dsl::emit::Check::Skip)
                .unwrap()
                .mlir;
            let gb_type = format!("memref<{}xbf16>", 2 * d);
            let gb_decl: Vec<&str> = mlir
                .lines()
                .filter(|l| l.contains("aie.objectfifo @gb("))
                .collect();
            assert_eq!(gb_decl.len(), 1, "{name}: {mlir}");
            assert!(gb_decl[0].contains(&gb_type), "{name}: {}", gb_decl[0]);
            assert_eq!(
                mlir.matches("aie.objectfifo.acquire @gb(").count(),
                cores as usize,
                "{name}: one acquire of gb per core"
            );
            assert_eq!(
                mlir.matches("aie.objectfifo.release @gb(").count(),
                cores as usize,
                "{name}: one release of gb per core"
            );
            // In each core: gb acquired, then the row loop, then gb released.
            for core in mlir.split("aie.core(").skip(1) {
                let acq = core.find("acquire @gb(").expect("acquire");
                let rows = acq + core[acq..].find("scf.for").expect("row loop");
                let rel = core.find("release @gb(").expect("release");
                assert!(rows < rel, "{name}: order in {core}");
                let row_loop = &core[rows..rel];
                assert!(
                    row_loop.contains("acquire @x") && row_loop.contains("acquire @y"),
                    "{name}: the rows are acquired inside the loop: {row_loop}"
                );
            }
            let rows_per_core = format!("{}", 1500 / cores);
            assert!(
                mlir.contains(&format!("arith.constant {rows_per_core} : index")),
                "{name}: no loop bound {rows_per_core}"
            );
            let moves = mlir
                .lines()
                .filter(|l| l.contains("dma_memcpy_nd") && l.contains("@gb"))
                .count();
            assert_eq!(moves, 1, "{name}: γβ moved once by the runtime sequence");
        }
    }
}

fn message(e: &ShapeError) -> String {
    e.to_string()
}

/// Each parameter the kernel or the data movement cannot handle gives its typed error, and
/// the message names the design and the parameter.
#[test]
fn bad_shapes_are_rejected_naming_the_parameter() {
    let out_of_range = |r: Result<aie_dsl::valid::Validated, ShapeError>, param: &str| match r {
        Err(e @ ShapeError::OutOfRange { .. }) => {
            let m = message(&e);
            assert!(m.contains(&format!("`{param}`")), "{m}");
            assert!(m.contains("`layernorm_affine`"), "{m}");
            if let ShapeError::OutOfRange { param: p, .. } = e {
                assert_eq!(p, param);
            }
        }
        Err(e) => panic!("{param}: wrong error {e}"),
        Ok(_) => panic!("{param}: accepted"),
    };
    // Rows longer than the kernel's buffer, or shorter than one vector.
    out_of_range(layernorm_affine_with(4096, 4), "d");
    out_of_range(layernorm_affine_with(KERNEL_MAX_ROW + 16, 4), "d");
    out_of_range(layernorm_affine_with(0, 4), "d");
    out_of_range(layernorm_affine_with(8, 4), "d");
    // Cores outside column 0's four compute tiles.
    out_of_range(layernorm_affine_with(512, 0), "cores");
    out_of_range(layernorm_affine_with(512, 5), "cores");
    // No rows, or more than a transfer can say.
    let shape = |rows, d, cores| LayerNormShape::new(rows, d, cores).map(|_| ());
    match shape(0, 512, 1) {
        Err(ShapeError::OutOfRange { param: "rows", .. }) => {}
        other => panic!("rows 0: {other:?}"),
    }
    match shape(u32::MAX / 512 + 1, 512, 1) {
        Err(ShapeError::OutOfRange { param: "rows", .. }) => {}
        other => panic!("too many rows: {other:?}"),
    }
    // d not a multiple of the vector width.
    match layernorm_affine_with(520, 4) {
        Err(e @ ShapeError::NotMultiple { .. }) => {
            let m = message(&e);
            assert!(m.contains("`d` = 520"), "{m}");
            assert!(m.contains("multiple of 16"), "{m}");
            assert!(m.contains("512 or 528"), "{m}");
            assert!(m.contains("layernorm_affine_bf16"), "{m}");
        }
        Err(e) => panic!("520: wrong error {e}"),
        Ok(_) => panic!("520 accepted"),
    }
    // Rows that the cores do not divide.
    match LayerNormShape::new(1501, 512, 4) {
        Err(e @ ShapeError::NotDivisor { .. }) => {
            let m = message(&e);
            assert!(
                m.contains("`cores` = 4 does not divide `rows` = 1501"),
                "{m}"
            );
        }
        other => panic!("1501 rows: {other:?}"),
    }
    // The limits themselves are accepted.
    for (rows, d, cores) in [(1500, 16, 1), (1500, KERNEL_MAX_ROW, 4), (3, 384, 3)] {
        let s = LayerNormShape::new(rows, d, cores).unwrap();
        assert_eq!((s.rows(), s.d(), s.cores()), (rows, d, cores));
    }
    // The longest row on every core fits the cores' memory and lowers.
    let longest =
        layernorm_affine_shape(LayerNormShape::new(1500, KERNEL_MAX_ROW, 4).unwrap()).unwrap();
    aie_dsl::lower::lower(&longest).unwrap();
}

/// Column 0's compute tiles, from the target model, are the cores the design may use.
#[test]
fn the_core_limit_is_column_zeros_compute_tiles() {
    let m = aie_dsl::target::Device::Npu1_1Col.model();
    assert_eq!(MAX_CORES, m.rows - m.first_compute_row);
}

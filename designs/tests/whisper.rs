//! The Whisper operator designs validate, lower and build every artifact our pipeline can make
//! here (kernel objects and ELFs need Peano; when it is missing the build says so).

#[test]
fn the_whisper_designs_validate_lower_and_build() {
    let designs: [(&str, designs::DesignFn); 3] = [
        ("gelu", designs::whisper::gelu),
        ("softmax", designs::whisper::softmax),
        ("residual_add", designs::whisper::residual_add),
    ];
    for (name, design) in designs {
        let d = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        aie_dsl::lower::lower(&d).unwrap_or_else(|e| panic!("{name}: lower: {e}"));
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("aie-dsl-whisper-{name}-{}", std::process::id()));
        let built = aie_dsl::build(&d, &designs::build_options(&out))
            .unwrap_or_else(|e| panic!("{name}: build: {e}"));
        assert!(
            built.path(aie_dsl::Artifact::Insts).is_some(),
            "{name}: no instruction stream:\n{}",
            designs::describe(&built)
        );
        println!("{name}:\n{}{}", designs::describe(&built), built.summary);
    }
}

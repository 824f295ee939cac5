//! Designs written with the macros emit exactly what their builder-API twins emit, and
//! `#[design]` registers every design.

use designs::{layernorm, vector_scalar_mul};

fn mlir(design: designs::DesignFn) -> aie_dsl::emit::Emitted {
    let d = design().unwrap_or_else(|e| panic!("{e}"));
    aie_dsl::compile(&d).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn layernorm_macro_form_equals_builder_form() {
    assert_eq!(
        mlir(layernorm::layernorm),
        mlir(layernorm::layernorm_builder)
    );
}

#[test]
fn vector_scalar_mul_macro_form_equals_builder_form() {
    assert_eq!(
        mlir(vector_scalar_mul::vector_scalar_mul),
        mlir(vector_scalar_mul::vector_scalar_mul_builder)
    );
}

#[test]
fn the_design_attribute_registers_every_design() {
    let names: Vec<&str> = designs::all().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "layernorm",
            "passthrough_dmas",
            "passthrough_kernel",
            "vector_add_4core",
            "vector_scalar_mul"
        ]
    );
    let entry = aie_dsl::registry::find("layernorm").expect("registered");
    assert_eq!((entry.build)().unwrap().name, "layernorm");
}

#[test]
fn kernel_attribute_takes_types_from_the_rust_signature() {
    let k = designs::kernels::vector_scalar_mul_int16::kernel();
    assert_eq!(k.symbol, "vector_scalar_mul_int16");
    assert_eq!(k.object, "scale.o");
    assert_eq!(k.source.as_deref(), Some("scale.cc"));
    let args: Vec<String> = k.args.iter().map(|a| a.to_string()).collect();
    assert_eq!(
        args,
        [
            "memref<1024xi16>",
            "memref<1024xi16>",
            "memref<1xi32>",
            "i32"
        ]
    );
    // `object` defaults to `<symbol>.o`.
    assert_eq!(
        designs::kernels::layernorm_512::kernel().object,
        "layernorm_512.o"
    );
}

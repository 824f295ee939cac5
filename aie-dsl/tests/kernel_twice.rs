//! One kernel declared twice: identical declarations are merged into one handle (the design
//! declares the function once); differing ones are rejected by validation saying what differs,
//! instead of "`k` is used by both kernel `k` and kernel `k`".

use aie_dsl::dsl::DesignBuilder;
use aie_dsl::prelude::*;
use aie_dsl::valid::ValidationError;

fn line(elem: ElemType) -> MemRefType {
    MemRefType::vector(512, elem)
}

fn norm(elem: ElemType, object: &str) -> Kernel {
    Kernel::new(
        "layernorm_512",
        [line(elem).into(), line(elem).into()],
        object,
    )
}

/// Two cores calling the kernel, each declaring it.
fn two_cores(second: Kernel) -> DesignBuilder {
    let mut d = DesignBuilder::new("twice", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let ty = line(ElemType::Bf16);
    for (i, row) in [2u32, 3].into_iter().enumerate() {
        let core = d.compute_tile(0, row);
        let k = if i == 0 {
            d.kernel(norm(ElemType::Bf16, "layernorm.o"))
        } else {
            d.kernel(second.clone())
        };
        let inp = d.fifo(format!("in{i}"), shim, [core], 2, ty.clone());
        let out = d.fifo(format!("out{i}"), core, [shim], 2, ty.clone());
        d.core(core, |c| {
            c.forever(|c| {
                let o = c.produce(out, 1);
                let x = c.consume(inp, 1);
                c.call(k, [x.get(0), o.get(0)]);
                c.release(x);
                c.release(o);
            })
        });
    }
    d
}

fn errors(d: DesignBuilder) -> Vec<ValidationError> {
    match d.finish() {
        Err(aie_dsl::Error::Invalid(e)) => e.errors,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

#[test]
fn identical_declarations_are_one_kernel() {
    let mut d = DesignBuilder::new("same", Device::Npu1_1Col);
    let a = d.kernel(norm(ElemType::Bf16, "layernorm.o"));
    let b = d.kernel(norm(ElemType::Bf16, "layernorm.o"));
    assert_eq!(a, b);
    let v = two_cores(norm(ElemType::Bf16, "layernorm.o"))
        .finish()
        .unwrap();
    assert_eq!(v.design().kernels.len(), 1);
    // The design lowers, and its MLIR declares the function once.
    assert!(aie_dsl::lower::lower(&v).is_ok());
    let mlir = aie_dsl::emit::emit(&v).unwrap().mlir;
    assert_eq!(
        mlir.matches("func.func private @layernorm_512").count(),
        1,
        "{mlir}"
    );
}

#[test]
fn different_argument_types_are_named() {
    // (The second core then also calls it with objects of another type, reported apart.)
    let e = errors(two_cores(norm(ElemType::I16, "layernorm.o")));
    assert!(
        matches!(e[0], ValidationError::KernelRedeclared { .. }),
        "{e:#?}"
    );
    assert!(
        e.iter().all(|x| !x.to_string().contains("is used by both")),
        "{e:#?}"
    );
    let m = e[0].to_string();
    assert!(
        m.contains("kernel `layernorm_512` is declared twice with different argument types: (memref<512xbf16>, memref<512xbf16>) and (memref<512xi16>, memref<512xi16>)"),
        "{m}"
    );
    assert!(!m.contains("is used by both"), "{m}");
}

#[test]
fn different_object_files_are_named() {
    let e = errors(two_cores(norm(ElemType::Bf16, "other.o")));
    assert_eq!(e.len(), 1, "{e:#?}");
    let m = e[0].to_string();
    assert!(
        m.contains("different object files: `layernorm.o` and `other.o`"),
        "{m}"
    );
}

#[test]
fn a_fifo_named_like_a_kernel_is_still_a_name_clash() {
    let mut d = DesignBuilder::new("clash", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    d.kernel(norm(ElemType::Bf16, "layernorm.o"));
    d.fifo("layernorm_512", shim, [core], 2, line(ElemType::Bf16));
    let e = errors(d);
    assert!(
        e.iter().any(|x| x.to_string().contains(
            "the name `layernorm_512` is used by both ObjectFIFO `layernorm_512` and kernel `layernorm_512`"
        )),
        "{e:#?}"
    );
}

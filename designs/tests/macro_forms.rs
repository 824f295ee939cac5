//! Designs written with the macros emit exactly what their builder-API twins emit, and
//! `#[design]` registers every design.

use designs::{layernorm, vector_scalar_mul};

fn mlir(design: designs::DesignFn) -> aie_dsl::emit::Emitted {
    let d = design().unwrap_or_else(|e| panic!("{e}"));
    aie_dsl::emit::emit_checked(&d, aie_dsl::emit::Check::Skip).unwrap_or_else(|e| panic!("{e}"))
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
    // The registry holds every design linked into the program: the designs crate's twelve, and
    // the two this test file declares (`expansion`, `out_of_range`).
    let names: Vec<&str> = designs::all().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "every_form",
            "gelu",
            "layernorm",
            "layernorm_affine",
            "matmul_1500x2048x512",
            "matmul_1500x512x2048",
            "matmul_1500x512x512",
            "out_of_range",
            "passthrough_dmas",
            "passthrough_kernel",
            "residual_add",
            "softmax",
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

mod expansion {
    //! A macro design using every statement form, compared as IR with the builder calls each
    //! form stands for.

    use aie_dsl::design;
    use aie_dsl::prelude::*;

    #[aie_dsl::kernel(source = "pair.cc", object = "pair.o")]
    pub extern "C" fn pair(a: &[i32; 64], b: &[i32; 64], out: &mut [i32; 64], scale: i32);

    #[design(device = npu1_1col, name = "every_form")]
    pub fn every_form_macro() {
        let shim = tile!(shim 0);
        let mem = tile!(mem 0);
        let c2 = tile!(compute 0, 2);
        let c3 = tile!(compute 0, 3);
        fifo!(whole: shim -> mem, depth 2, [i32; 128]);
        fifo!(half_a: mem -> c2, depth [2, 3], [i32; 64], repeat 2);
        fifo!(half_b: mem -> c3, depth 2, [i32; 64], repeat 2);
        link!(whole -> [half_a, half_b]);
        fifo!(res_a: c2 -> mem, depth 2, [i32; 64], via_dma);
        fifo!(res_b: c3 -> mem, depth 2, [i32; 64]);
        fifo!(joined: mem -> shim, depth 2, [i32; 128]);
        link!([res_a, res_b] -> joined);
        core!(c2, stack 2048, {
            for _ in 0..8 {
                let xs = half_a.acquire_n(2);
                let r = res_a.acquire();
                pair(&xs[0], &xs[1], &mut r, -3);
            }
        });
        core!(c3, link_with "pair.o", {
            loop {
                let x = half_b.acquire();
                let r = res_b.acquire();
                pair(&x, &x, &mut r, 1);
                release(r);
                x.release();
            }
        });
        runtime! {
            let input: [i32; 1024];
            let output: [i32; 1024];
            dma into whole from input[0..512];
            dma into whole from input[512..1024] bd 7;
            dma out of joined into output[..];
            wait joined;
        }
    }

    fn every_form_builder() -> Result<Validated, Error> {
        let mut d = DesignBuilder::new("every_form", Device::Npu1_1Col);
        let (shim, mem) = (d.shim_tile(0), d.mem_tile(0));
        let (c2, c3) = (d.compute_tile(0, 2), d.compute_tile(0, 3));
        let t64 = MemRefType::vector(64, ElemType::I32);
        let t128 = MemRefType::vector(128, ElemType::I32);
        let whole = d.fifo("whole", shim, [mem], 2, t128.clone());
        let half_a = d.fifo_with(
            "half_a",
            FifoSpec::new(mem, [c2], 2, t64.clone())
                .depths([2, 3])
                .repeat_count(2),
        );
        let half_b = d.fifo_with(
            "half_b",
            FifoSpec::new(mem, [c3], 2, t64.clone()).repeat_count(2),
        );
        d.split(whole, [half_a, half_b]);
        let res_a = d.fifo_with("res_a", FifoSpec::new(c2, [mem], 2, t64.clone()).via_dma());
        let res_b = d.fifo("res_b", c3, [mem], 2, t64.clone());
        let joined = d.fifo("joined", mem, [shim], 2, t128);
        d.join([res_a, res_b], joined);
        let k = pair::kernel();
        d.core(c2, |c| {
            c.stack_size(2048);
            c.repeat(8, |c| {
                let xs = c.consume(half_a, 2);
                let r = c.produce(res_a, 1);
                let k = c.kernel(k.clone());
                c.call(k, [xs.get(0), xs.get(1), r.get(0), Scalar::I32(-3).into()]);
                c.release(r);
                c.release(xs);
            });
        });
        d.core(c3, |c| {
            c.link_with("pair.o");
            c.forever(|c| {
                let x = c.consume(half_b, 1);
                let r = c.produce(res_b, 1);
                let k = c.kernel(k.clone());
                c.call(k, [x.get(0), x.get(0), r.get(0), Scalar::I32(1).into()]);
                c.release(r);
                c.release(x);
            });
        });
        d.runtime(|rt| {
            let input = rt.arg(MemRefType::vector(1024, ElemType::I32));
            let output = rt.arg(MemRefType::vector(1024, ElemType::I32));
            rt.fill(whole, input, Transfer::slice(0, 512));
            rt.fill(whole, input, Transfer::slice(512, 512).bd_id(7));
            rt.drain(joined, output, Transfer::linear(1024));
            rt.wait(joined);
        });
        d.finish()
    }

    #[test]
    fn every_statement_form_expands_to_its_builder_calls() {
        let from_macros = every_form_macro().unwrap_or_else(|e| panic!("{e}"));
        let from_builder = every_form_builder().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_macros, from_builder);
        assert_eq!(
            aie_dsl::emit::emit_checked(&from_macros, aie_dsl::emit::Check::Skip).unwrap(),
            aie_dsl::emit::emit_checked(&from_builder, aie_dsl::emit::Check::Skip).unwrap()
        );
    }
}

mod out_of_range {
    use aie_dsl::design;

    #[aie_dsl::kernel]
    pub extern "C" fn one(a: &[i32; 16]);

    #[design(device = npu1_1col, name = "out_of_range")]
    pub fn out_of_range_index() {
        let shim = tile!(shim 0);
        let core = tile!(compute 0, 2);
        fifo!(data: shim -> core, depth 3, [i32; 16]);
        core!(core, {
            let xs = data.acquire_n(2);
            one(&xs[5]);
        });
    }

    #[test]
    fn an_index_past_the_acquire_is_a_validation_error_not_a_panic() {
        let err = out_of_range_index().unwrap_err().to_string();
        assert!(err.contains("with object 5 of ObjectFIFO `data` as argument 0, but only 2 object(s) were acquired"), "{err}");
    }
}

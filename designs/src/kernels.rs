//! The C++ kernels under `kernels/`, declared by their signatures.

use aie_dsl::kernel;
use aie_dsl::prelude::bf16;

#[kernel(source = "passthrough.cc", object = "passThrough.cc.o")]
pub extern "C" fn passThroughLine(input: &[i32; 1024], output: &mut [i32; 1024], len: i32);

#[kernel(source = "scale.cc", object = "scale.o")]
pub extern "C" fn vector_scalar_mul_int16(
    input: &[i16; 1024],
    output: &mut [i16; 1024],
    factor: &[i32; 1],
    len: i32,
);

#[kernel(source = "layernorm_512.cc")]
pub extern "C" fn layernorm_512(input: &[bf16; 512], output: &mut [bf16; 512]);

#[kernel(source = "vector_add.cc")]
pub extern "C" fn vector_add_i32(a: &[i32; 1024], b: &[i32; 1024], c: &mut [i32; 1024], len: i32);

#[kernel(source = "gelu.cc")]
pub extern "C" fn gelu_bf16(input: &[bf16; 2048], output: &mut [bf16; 2048], n: i32);

#[kernel(source = "softmax.cc")]
pub extern "C" fn softmax_bf16(input: &[bf16; 1500], output: &mut [bf16; 1500], n: i32);

#[kernel(source = "residual_add.cc")]
pub extern "C" fn residual_add_bf16(
    a: &[bf16; 1536],
    b: &[bf16; 1536],
    c: &mut [bf16; 1536],
    n: i32,
);

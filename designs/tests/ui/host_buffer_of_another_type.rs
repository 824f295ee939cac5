#![allow(unused_imports)]
use aie_dsl::prelude::bf16;
use aie_dsl::design;

#[design(device = npu1_1col)]
fn d() {
    let shim = tile!(shim 0);
    let mem = tile!(mem 0);
    fifo!(of_in: shim -> mem, depth 2, [bf16; 512]);
    runtime! {
        let input: [i32; 1024];
        dma into of_in from input[..];
    }
}

fn main() {}

#![allow(unused_imports)]
use aie_dsl::prelude::bf16;
use aie_dsl::design;

#[design(device = npu1_1col)]
fn d() {
    let shim = tile!(shim 0, 0);
    let core = tile!(compute 0);
    fifo!(of_in: shim -> core, 2, [bf16; 512]);
}

fn main() {}

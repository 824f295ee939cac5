#![allow(unused_imports)]
use aie_dsl::prelude::bf16;
use aie_dsl::design;

#[design(device = npu1_1col)]
fn d() {
    let shim = tile!(shim 0);
    let core = tile!(compute 0, 2);
    fifo!(of_in: shim -> core, depth 2, [bf16; 512]);
    core!(core, {
        loop {
            let x = of_in.acquire();
            if true {
                release(x);
            }
        }
    });
}

fn main() {}

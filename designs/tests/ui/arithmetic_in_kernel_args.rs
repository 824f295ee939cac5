#![allow(unused_imports)]
use aie_dsl::design;

#[aie_dsl::kernel]
pub extern "C" fn scaled(x: &[i32; 16], n: i32);

#[design(device = npu1_1col)]
fn d() {
    let shim = tile!(shim 0);
    let core = tile!(compute 0, 2);
    fifo!(of_in: shim -> core, depth 2, [i32; 16]);
    let n = 16;
    core!(core, {
        loop {
            let x = of_in.acquire();
            scaled(&x, n * 2);
        }
    });
}

fn main() {}

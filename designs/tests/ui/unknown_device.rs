#![allow(unused_imports)]
use aie_dsl::design;

#[design(device = npu2)]
fn d() {
    let shim = tile!(shim 0);
}

fn main() {}

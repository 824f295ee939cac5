#![allow(unused_imports)]
#[aie_dsl::kernel(source = "k.cc")]
pub extern "C" fn k(x: &[i32; 16]) {
    let _ = x;
}

fn main() {}

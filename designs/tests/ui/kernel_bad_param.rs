#![allow(unused_imports)]
#[aie_dsl::kernel]
pub extern "C" fn k(x: Vec<i32>);

fn main() {}

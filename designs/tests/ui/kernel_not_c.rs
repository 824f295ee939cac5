#![allow(unused_imports)]
#[aie_dsl::kernel]
pub fn k(x: &[i32; 16]);

fn main() {}

//! Binary writers.

pub mod insts;
pub mod pdi;
pub mod xclbin;

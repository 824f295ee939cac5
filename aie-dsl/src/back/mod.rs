//! Binary writers.

pub mod insts;
pub mod pdi;

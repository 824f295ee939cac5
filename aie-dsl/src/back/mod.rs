//! Binary writers.

pub mod insts;

//! Binary writers.

pub mod cdo;
pub mod insts;

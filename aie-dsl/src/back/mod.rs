//! Binary writers.

pub mod insts;
pub mod ldscript;
pub mod peano;

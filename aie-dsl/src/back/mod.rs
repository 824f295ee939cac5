//! Binary writers.

pub mod cdo;
pub mod insts;
pub mod ldscript;
pub mod pdi;
pub mod peano;
pub mod xclbin;

//! Stamps: a hash of a step's inputs written next to its output, so that an unchanged step is
//! not run again.

use std::path::Path;

use super::build::write;
use super::PeanoError;

/// A 64-bit FNV-1a hash of a step's inputs, stable across runs and Rust versions.
pub(super) struct Stamp(u64);

impl Stamp {
    pub(super) fn new() -> Self {
        Stamp(0xcbf2_9ce4_8422_2325)
    }

    pub(super) fn add(&mut self, bytes: &[u8]) {
        // Length first, so that inputs cannot run into each other.
        for b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(super) fn text(&self) -> String {
        format!("{:016x}\n", self.0)
    }

    pub(super) fn matches(&self, stamp: &Path) -> bool {
        std::fs::read_to_string(stamp).is_ok_and(|s| s == self.text())
    }

    pub(super) fn write(&self, stamp: &Path) -> Result<(), PeanoError> {
        write(stamp, self.text().as_bytes())
    }
}

//! Validation: checks a design against the target model and mlir-aie's rules before anything is
//! emitted, and reports every problem at once.
//!
//! [`validate`] takes a [`Design`] and returns a [`Validated`] design: the proof that every later
//! stage ([`crate::lower`], [`crate::emit`], [`crate::build`]) requires, so none of them needs to
//! check again or can be handed a design that was never checked. Validation reads the ObjectFIFO
//! rules from [`crate::ir::fifo_rules`], the same place the lowering reads them; it never runs the
//! lowering. What only the exact lowering can see (e.g. a mem tile's BDs per channel parity) is
//! reported by the lowering as a [`crate::lower::LowerError`].

mod error;
mod fifos;
mod init;
mod kernels;
mod links;
mod lock_ids;
mod locks;
mod names;
mod placed;
mod program;
pub mod resources;
mod runtime;
mod tiles;
mod transfer;

pub use error::{ValidationError, ValidationErrors};

use crate::ir::{Design, FifoId, TileId};
use crate::target::TileKind;

/// A design that passed validation. Later stages take it as their input; it reads as the
/// [`Design`] it holds (`Deref`), and cannot be changed without validating again.
#[derive(Clone, Debug, PartialEq)]
pub struct Validated {
    design: Design,
}

impl Validated {
    /// The design.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Gives the design back, e.g. to change it and validate it again.
    pub fn into_design(self) -> Design {
        self.design
    }
}

impl std::ops::Deref for Validated {
    type Target = Design;

    fn deref(&self) -> &Design {
        &self.design
    }
}

/// Checks `design` and returns it as [`Validated`] when nothing is wrong.
///
/// # Errors
/// Every problem found, in the order of the design's objects.
pub fn validate(design: Design) -> Result<Validated, ValidationErrors> {
    check(&design)?;
    Ok(Validated { design })
}

/// Checks `design` without taking it; `Ok(())` when nothing is wrong.
///
/// # Errors
/// Every problem found, in the order of the design's objects.
pub fn check(design: &Design) -> Result<(), ValidationErrors> {
    let mut v = Validator {
        d: design,
        errors: Vec::new(),
    };
    v.tiles();
    v.names();
    v.kernels();
    v.fifos();
    v.links();
    links::check(&mut v);
    v.placed();
    program::check(&mut v);
    locks::check(&mut v);
    runtime::check(&mut v);
    // Resource figures are only meaningful once the objects themselves are sound.
    if v.errors.is_empty() {
        v.resources();
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors {
            design: design.name.clone(),
            errors: v.errors,
        })
    }
}

/// Collects the problems of one design. [`check`] runs the checks, one file of this module per
/// concern (tiles, names, kernels, FIFOs, links, hand-placed objects, core programs, lock values,
/// the runtime sequence, resources), in that order.
pub(crate) struct Validator<'d> {
    pub(crate) d: &'d Design,
    pub(crate) errors: Vec<ValidationError>,
}

impl<'d> Validator<'d> {
    pub(crate) fn push(&mut self, e: ValidationError) {
        self.errors.push(e);
    }

    /// The tile behind a handle, or an error naming where the handle was used.
    pub(crate) fn tile(
        &mut self,
        t: TileId,
        what: impl FnOnce() -> String,
    ) -> Option<(u32, u32, TileKind)> {
        match self.d.tiles.get(t) {
            Some(tile) => Some((tile.col, tile.row, tile.kind)),
            None => {
                self.push(ValidationError::ForeignHandle {
                    what: what(),
                    object: format!("tile handle {t:?}"),
                    design: self.d.name.clone(),
                });
                None
            }
        }
    }

    pub(crate) fn fifo_ok(&mut self, f: FifoId, what: impl FnOnce() -> String) -> bool {
        if self.d.fifos.get(f).is_some() {
            return true;
        }
        self.push(ValidationError::ForeignHandle {
            what: what(),
            object: format!("FIFO handle {f:?}"),
            design: self.d.name.clone(),
        });
        false
    }
}

//! Designs registered with `#[aie_dsl::design]`, found without a hand-kept list.

use crate::valid::Validated;
use crate::Error;

/// One registered design.
#[derive(Debug)]
pub struct DesignEntry {
    /// Its name (also the output folder's).
    pub name: &'static str,
    /// The function that builds and validates it.
    pub build: fn() -> Result<Validated, Error>,
}

inventory::collect!(DesignEntry);

/// Every design linked into this program, sorted by name.
pub fn designs() -> Vec<&'static DesignEntry> {
    let mut all: Vec<_> = inventory::iter::<DesignEntry>.into_iter().collect();
    all.sort_by_key(|e| e.name);
    all
}

/// The registered design called `name`.
pub fn find(name: &str) -> Option<&'static DesignEntry> {
    inventory::iter::<DesignEntry>
        .into_iter()
        .find(|e| e.name == name)
}

//! The configuration stage: the CDO files from the lowered design and the core ELFs, the PDI
//! that wraps them, and the xclbin that carries the PDI — as aiecc, bootgen and xclbinutil make
//! them.

use crate::back::cdo::{CdoOptions, CoreElf};
use crate::back::pdi::CdoSet;
use crate::back::xclbin::XclbinInput;
use crate::lower::physical::Physical;
use crate::valid::Validated;
use crate::Error;

use super::{Artifact, BuildOptions, Out};

/// The prefix aiecc gives the CDO, PDI and JSON files of a device without a symbol name.
pub const DEVICE_PREFIX: &str = "main";

/// Writes the CDO, PDI and xclbin asked for. Without the core ELFs (`elfs` is `None`) none of
/// them is written — a configuration without its core programs would be wrong — and each asked
/// for is listed in `missing`.
pub(super) fn build(
    design: &Validated,
    phys: &Physical,
    elfs: Option<Vec<CoreElf>>,
    options: &BuildOptions,
    out: &mut Out,
    missing: &mut Vec<(Artifact, String)>,
) -> Result<(), Error> {
    let wanted: Vec<Artifact> = [Artifact::Cdo, Artifact::Pdi, Artifact::Xclbin]
        .into_iter()
        .filter(|a| options.wants(*a))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let Some(elfs) = elfs else {
        for a in wanted {
            missing.push((
                a,
                "it needs every core's ELF, which needs Peano (see the core ELF line)".to_string(),
            ));
        }
        return Ok(());
    };
    let cdo = crate::back::cdo::write(design, phys, &CdoOptions { elfs })?;
    if options.wants(Artifact::Cdo) {
        for (name, bytes) in cdo.named(DEVICE_PREFIX) {
            out.write_named(Artifact::Cdo, &name, bytes)?;
        }
    }
    if !(options.wants(Artifact::Pdi) || options.wants(Artifact::Xclbin)) {
        return Ok(());
    }
    let set = CdoSet::aiecc(DEVICE_PREFIX, cdo.elfs, cdo.init, cdo.enable);
    let pdi = crate::back::pdi::write(&set)?;
    if options.wants(Artifact::Pdi) {
        out.write_named(Artifact::Pdi, &Artifact::Pdi.file_name(&design.name), &pdi)?;
    }
    if options.wants(Artifact::Xclbin) {
        let xclbin = crate::back::xclbin::write(&XclbinInput::from_design(design, pdi))?;
        out.write_named(
            Artifact::Xclbin,
            &Artifact::Xclbin.file_name(&design.name),
            &xclbin,
        )?;
    }
    Ok(())
}

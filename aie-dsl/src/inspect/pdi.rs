//! Reading a PDI: image header table, image headers, partition headers (with their
//! checksums checked) and the partitions' data.

use std::fmt::Write as _;

use super::{cdo, indent, InspectError};
use crate::back::cdo::stream::checksum;
use crate::back::pdi::format::{self as f, ih, iht, ph};

/// One partition of a PDI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdiPartition {
    /// Byte offset of its header.
    pub header_offset: usize,
    /// Attributes word.
    pub attributes: u32,
    /// Partition type (attribute bits 26:24; 2 = CDO).
    pub partition_type: u32,
    /// Load address.
    pub load_address: u64,
    /// Byte offset of its data.
    pub data_offset: usize,
    /// The data (unencrypted length).
    pub data: Vec<u8>,
    /// Total length in bytes (with padding).
    pub total_bytes: usize,
    /// Whether the header checksum is right.
    pub checksum_ok: bool,
}

/// One image of a PDI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdiImage {
    /// Name.
    pub name: String,
    /// Image id.
    pub id: u32,
    /// Word offset of its first partition header.
    pub first_partition_word: u32,
    /// Its partition count.
    pub partitions: u32,
    /// Whether the header checksum is right.
    pub checksum_ok: bool,
}

/// A parsed PDI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdiRead {
    /// Image header table version.
    pub version: u32,
    /// JTAG id code.
    pub id_code: u32,
    /// Extended id code.
    pub extended_id_code: u32,
    /// Whether the image header table checksum is right.
    pub checksum_ok: bool,
    /// Images.
    pub images: Vec<PdiImage>,
    /// All partitions, in header order.
    pub partitions: Vec<PdiPartition>,
}

fn words(bytes: &[u8], at: usize, n: usize, what: &str) -> Result<Vec<u32>, String> {
    let end = n
        .checked_mul(4)
        .and_then(|l| at.checked_add(l))
        .filter(|e| *e <= bytes.len())
        .ok_or_else(|| {
            format!(
                "{what} at byte {at:#x} ({} bytes) runs past the end ({} bytes)",
                n * 4,
                bytes.len()
            )
        })?;
    Ok(bytes[at..end]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// Reads a PDI that opens with the SMAP header (as bootgen writes one without a boot loader).
///
/// # Errors
/// [`InspectError::Pdi`] naming `name` and the structure that lies outside the file.
pub fn read_pdi(name: &str, bytes: &[u8]) -> Result<PdiRead, InspectError> {
    let fail = |what: String| InspectError::Pdi {
        name: name.into(),
        what,
    };
    let smap = words(bytes, 0, f::SMAP_WORDS.len(), "SMAP header").map_err(fail)?;
    if smap != f::SMAP_WORDS {
        return Err(fail("it does not open with the SMAP header".into()));
    }
    let t = words(bytes, f::IHT_OFFSET, f::IHT_BYTES / 4, "image header table").map_err(fail)?;
    let mut images = Vec::new();
    for i in 0..t[iht::IMAGE_COUNT] as usize {
        let at = (t[iht::FIRST_IH] as usize)
            .saturating_mul(4)
            .saturating_add(i.saturating_mul(f::IH_BYTES));
        let h = words(bytes, at, f::IH_BYTES / 4, "image header").map_err(fail)?;
        let name_bytes: Vec<u8> = h[ih::NAME..ih::NAME + 4]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect();
        let end = name_bytes.iter().position(|b| *b == 0).unwrap_or(16);
        images.push(PdiImage {
            name: String::from_utf8_lossy(&name_bytes[..end]).into_owned(),
            id: h[ih::IMAGE_ID],
            first_partition_word: h[ih::FIRST_PH],
            partitions: h[ih::PARTITION_COUNT],
            checksum_ok: h[ih::CHECKSUM] == checksum(&h[..ih::CHECKSUM]),
        });
    }
    let mut partitions = Vec::new();
    for i in 0..t[iht::PARTITION_COUNT] as usize {
        let at = (t[iht::FIRST_PH] as usize)
            .saturating_mul(4)
            .saturating_add(i.saturating_mul(f::PH_BYTES));
        let p = words(bytes, at, f::PH_BYTES / 4, "partition header").map_err(fail)?;
        let data_offset = (p[ph::DATA_OFFSET] as usize).saturating_mul(4);
        let len = (p[ph::UNENCRYPTED_WORDS] as usize).saturating_mul(4);
        let data = words(bytes, data_offset, len / 4, "partition data").map_err(fail)?;
        partitions.push(PdiPartition {
            header_offset: at,
            attributes: p[ph::ATTRIBUTES],
            partition_type: (p[ph::ATTRIBUTES] >> f::PARTITION_TYPE_SHIFT) & 7,
            load_address: (u64::from(p[ph::LOAD_ADDRESS[1]]) << 32)
                | u64::from(p[ph::LOAD_ADDRESS[0]]),
            data_offset,
            data: data.iter().flat_map(|w| w.to_le_bytes()).collect(),
            total_bytes: (p[ph::TOTAL_WORDS] as usize).saturating_mul(4),
            checksum_ok: p[ph::CHECKSUM] == checksum(&p[..ph::CHECKSUM]),
        });
    }
    Ok(PdiRead {
        version: t[iht::VERSION],
        id_code: t[iht::ID_CODE],
        extended_id_code: t[iht::EXTENDED_ID_CODE],
        checksum_ok: t[iht::CHECKSUM] == checksum(&t[..iht::CHECKSUM]),
        images,
        partitions,
    })
}

fn ok(b: bool) -> &'static str {
    if b {
        "checksum ok"
    } else {
        "CHECKSUM WRONG"
    }
}

fn partition_type_name(t: u32) -> String {
    match t {
        1 => "ELF".into(),
        2 => "CDO".into(),
        3 => "CFI".into(),
        4 => "raw".into(),
        5 => "raw ELF".into(),
        t => format!("type {t}"),
    }
}

/// Describes a PDI: its headers, then every CDO partition's commands.
///
/// # Errors
/// [`InspectError::Pdi`] naming `name` when a header lies outside the file (a malformed CDO
/// partition is reported in the text instead).
pub fn describe_pdi(name: &str, bytes: &[u8]) -> Result<String, InspectError> {
    let pdi = read_pdi(name, bytes)?;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "PDI {name}: {} bytes, id code {:#010x}, extended id code {:#x}, header table version {:#010x}, {}",
        bytes.len(),
        pdi.id_code,
        pdi.extended_id_code,
        pdi.version,
        ok(pdi.checksum_ok)
    );
    for (i, im) in pdi.images.iter().enumerate() {
        let _ = writeln!(
            s,
            "  image {i} `{}`: id {:#010x}, {} partition(s) from word {:#x}, {}",
            im.name,
            im.id,
            im.partitions,
            im.first_partition_word,
            ok(im.checksum_ok)
        );
    }
    for (i, p) in pdi.partitions.iter().enumerate() {
        let _ = writeln!(
            s,
            "  partition {i} (header at {:#x}): {}, {} bytes at {:#x} ({} with padding), load address {:#x}, attributes {:#010x}, {}",
            p.header_offset,
            partition_type_name(p.partition_type),
            p.data.len(),
            p.data_offset,
            p.total_bytes,
            p.load_address,
            p.attributes,
            ok(p.checksum_ok)
        );
        if p.partition_type == f::PARTITION_TYPE_CDO {
            // A damaged CDO is reported in place; the other partitions still show.
            match cdo::describe_cdo(&format!("{name} partition {i}"), &p.data) {
                Ok(text) => s.push_str(&indent(&text, 4)),
                Err(e) => {
                    let _ = writeln!(s, "    cannot read this CDO: {e}");
                }
            }
        }
    }
    Ok(s)
}

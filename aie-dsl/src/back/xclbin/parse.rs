//! Reading an xclbin back: the container, its sections, and the AIE_PARTITION, MEM_TOPOLOGY,
//! IP_LAYOUT and CONNECTIVITY payloads. Every read is bounds-checked: malformed input gives a
//! [`ParseError`], never a panic.

use thiserror::Error;

use super::format::{self as f, header as hd};

/// Why an xclbin (or one of its sections) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// Not an xclbin.
    #[error("not an xclbin: the file does not start with \"xclbin2\"")]
    BadMagic,
    /// The header's length disagrees with the file (a truncated or padded file).
    #[error("the header says the xclbin is {declared} bytes, the file has {actual}")]
    LengthMismatch {
        /// `m_length`.
        declared: u64,
        /// File size.
        actual: u64,
    },
    /// A structure runs past the end of the file or section.
    #[error("{what} at byte {offset:#x} ({len} bytes) runs past the end ({size} bytes)")]
    OutOfBounds {
        /// What was being read.
        what: &'static str,
        /// Where.
        offset: u64,
        /// How many bytes.
        len: u64,
        /// Size of what holds it.
        size: u64,
    },
}

fn slice<'a>(b: &'a [u8], what: &'static str, at: u64, len: u64) -> Result<&'a [u8], ParseError> {
    let err = ParseError::OutOfBounds {
        what,
        offset: at,
        len,
        size: b.len() as u64,
    };
    let end = at.checked_add(len).ok_or(err.clone())?;
    if end > b.len() as u64 {
        return Err(err);
    }
    Ok(&b[at as usize..end as usize])
}

fn u16_at(b: &[u8], what: &'static str, at: u64) -> Result<u16, ParseError> {
    let s = slice(b, what, at, 2)?;
    Ok(u16::from_le_bytes([s[0], s[1]]))
}
fn u32_at(b: &[u8], what: &'static str, at: u64) -> Result<u32, ParseError> {
    let s = slice(b, what, at, 4)?;
    Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
fn u64_at(b: &[u8], what: &'static str, at: u64) -> Result<u64, ParseError> {
    let s = slice(b, what, at, 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Ok(u64::from_le_bytes(a))
}
fn cstr(b: &[u8]) -> String {
    let end = b.iter().position(|c| *c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}
fn cstr_at(b: &[u8], what: &'static str, at: u64) -> Result<String, ParseError> {
    let rest = slice(b, what, at, (b.len() as u64).saturating_sub(at))?;
    if !rest.contains(&0) {
        return Err(ParseError::OutOfBounds {
            what,
            offset: at,
            len: rest.len() as u64 + 1,
            size: b.len() as u64,
        });
    }
    Ok(cstr(rest))
}

/// One section of an xclbin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `axlf_section_kind`.
    pub kind: u32,
    /// The name in the section header.
    pub name: String,
    /// Payload offset in the file.
    pub offset: u64,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Section {
    /// XRT's name for the kind, or `kind N`.
    pub fn kind_name(&self) -> String {
        f::kind::name(self.kind)
            .map(str::to_string)
            .unwrap_or_else(|| format!("kind {}", self.kind))
    }
}

/// A parsed xclbin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xclbin {
    /// `m_length`.
    pub length: u64,
    /// `m_timeStamp`.
    pub time_stamp: u64,
    /// `m_uniqueId`.
    pub unique_id: u64,
    /// XRT version (major, minor, patch).
    pub version: (u8, u8, u16),
    /// `m_mode`.
    pub mode: u16,
    /// The xclbin UUID.
    pub uuid: [u8; 16],
    /// The platform VBNV string.
    pub platform_vbnv: String,
    /// Sections in header order.
    pub sections: Vec<Section>,
    /// The mirror data JSON (between the markers), when present.
    pub mirror: Option<String>,
}

impl Xclbin {
    /// The first section of `kind`.
    pub fn section(&self, kind: u32) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }
}

/// Parses an xclbin.
///
/// # Errors
/// [`ParseError`] if it is not an xclbin or a header or section lies outside the file.
pub fn parse(bytes: &[u8]) -> Result<Xclbin, ParseError> {
    if bytes.len() < 8 || &bytes[..8] != f::MAGIC {
        return Err(ParseError::BadMagic);
    }
    let h = f::HEADER_OFFSET as u64;
    let length = u64_at(bytes, "length", h + hd::LENGTH as u64)?;
    if length != bytes.len() as u64 {
        return Err(ParseError::LengthMismatch {
            declared: length,
            actual: bytes.len() as u64,
        });
    }
    let n = u32_at(bytes, "section count", h + hd::NUM_SECTIONS as u64)?;
    let mut uuid = [0u8; 16];
    uuid.copy_from_slice(slice(bytes, "header uuid", h + hd::UUID as u64, 16)?);
    let mut sections = Vec::new();
    for i in 0..u64::from(n) {
        let sh = f::SECTION_HEADERS_OFFSET as u64 + i * f::SECTION_HEADER_BYTES as u64;
        let head = slice(bytes, "section header", sh, f::SECTION_HEADER_BYTES as u64)?;
        let kind = u32_at(head, "section kind", 0)?;
        let name =
            cstr(&head[f::SECTION_NAME_OFFSET..f::SECTION_NAME_OFFSET + f::SECTION_NAME_BYTES]);
        let offset = u64_at(head, "section offset", f::SECTION_OFFSET_OFFSET as u64)?;
        let size = u64_at(head, "section size", f::SECTION_SIZE_OFFSET as u64)?;
        let payload = slice(bytes, "section payload", offset, size)?.to_vec();
        sections.push(Section {
            kind,
            name,
            offset,
            payload,
        });
    }
    let mirror = find(bytes, f::MIRROR_START.as_bytes()).and_then(|s| {
        let from = s + f::MIRROR_START.len();
        find(&bytes[from..], f::MIRROR_END.as_bytes())
            .map(|e| String::from_utf8_lossy(&bytes[from..from + e]).into_owned())
    });
    Ok(Xclbin {
        length,
        time_stamp: u64_at(bytes, "time stamp", h + hd::TIME_STAMP as u64)?,
        unique_id: u64_at(bytes, "unique id", f::UNIQUE_ID_OFFSET as u64)?,
        version: (
            *slice(bytes, "version", h + hd::VERSION_MAJOR as u64, 1)?
                .first()
                .unwrap_or(&0),
            *slice(bytes, "version", h + hd::VERSION_MINOR as u64, 1)?
                .first()
                .unwrap_or(&0),
            u16_at(bytes, "version", h + hd::VERSION_PATCH as u64)?,
        ),
        mode: u16_at(bytes, "mode", h + hd::MODE as u64)?,
        uuid,
        platform_vbnv: cstr(slice(
            bytes,
            "platform VBNV",
            h + hd::PLATFORM_VBNV as u64,
            64,
        )?),
        sections,
        mirror,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A memory bank of MEM_TOPOLOGY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemData {
    /// `m_type`.
    pub ty: u8,
    /// `m_used`.
    pub used: u8,
    /// Size in KiB.
    pub size_kb: u64,
    /// Base address.
    pub base: u64,
    /// Tag.
    pub tag: String,
}

/// Reads a MEM_TOPOLOGY or GROUP_TOPOLOGY payload.
///
/// # Errors
/// [`ParseError::OutOfBounds`] when truncated.
pub fn mem_topology(p: &[u8]) -> Result<Vec<MemData>, ParseError> {
    let n = u32_at(p, "m_count", 0)?;
    (0..u64::from(n))
        .map(|i| {
            let d = slice(
                p,
                "mem_data",
                8 + i * f::MEM_DATA_BYTES as u64,
                f::MEM_DATA_BYTES as u64,
            )?;
            Ok(MemData {
                ty: d[0],
                used: d[1],
                size_kb: u64_at(d, "m_size", 8)?,
                base: u64_at(d, "m_base_address", 16)?,
                tag: cstr(&d[24..24 + f::MEM_TAG_BYTES]),
            })
        })
        .collect()
}

/// Reads a CONNECTIVITY or GROUP_CONNECTIVITY payload: (arg index, IP index, memory index).
///
/// # Errors
/// [`ParseError::OutOfBounds`] when truncated.
pub fn connectivity(p: &[u8]) -> Result<Vec<(i32, i32, i32)>, ParseError> {
    let n = u32_at(p, "m_count", 0)?;
    (0..u64::from(n))
        .map(|i| {
            let at = 4 + i * f::CONNECTION_BYTES as u64;
            Ok((
                u32_at(p, "connection", at)? as i32,
                u32_at(p, "connection", at + 4)? as i32,
                u32_at(p, "connection", at + 8)? as i32,
            ))
        })
        .collect()
}

/// One IP of IP_LAYOUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpData {
    /// `m_type`.
    pub ty: u32,
    /// `properties` (for a PS kernel: subtype, functional, kernel id).
    pub properties: u32,
    /// Base address.
    pub base: u64,
    /// Name.
    pub name: String,
}

/// Reads an IP_LAYOUT payload.
///
/// # Errors
/// [`ParseError::OutOfBounds`] when truncated.
pub fn ip_layout(p: &[u8]) -> Result<Vec<IpData>, ParseError> {
    let n = u32_at(p, "m_count", 0)?;
    (0..u64::from(n))
        .map(|i| {
            let d = slice(
                p,
                "ip_data",
                8 + i * f::IP_DATA_BYTES as u64,
                f::IP_DATA_BYTES as u64,
            )?;
            Ok(IpData {
                ty: u32_at(d, "m_type", 0)?,
                properties: u32_at(d, "properties", 4)?,
                base: u64_at(d, "m_base_address", 8)?,
                name: cstr(&d[16..16 + f::IP_NAME_BYTES]),
            })
        })
        .collect()
}

/// A CDO group of an AIE_PARTITION PDI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdoGroup {
    /// Name.
    pub name: String,
    /// `cdo_type` (1 = primary).
    pub cdo_type: u8,
    /// `pdi_id`.
    pub pdi_id: u64,
    /// DPU kernel ids.
    pub dpu_kernel_ids: Vec<u64>,
    /// Pre-CDO group ids.
    pub pre_cdo_groups: Vec<u64>,
}

/// A PDI of an AIE_PARTITION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiePdi {
    /// UUID.
    pub uuid: [u8; 16],
    /// The PDI image.
    pub image: Vec<u8>,
    /// Its CDO groups.
    pub cdo_groups: Vec<CdoGroup>,
}

/// An AIE_PARTITION payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiePartition {
    /// Section index name.
    pub name: String,
    /// Operations per cycle.
    pub operations_per_cycle: u32,
    /// Inference fingerprint.
    pub inference_fingerprint: u64,
    /// Pre/post fingerprint.
    pub pre_post_fingerprint: u64,
    /// Partition width in columns.
    pub column_width: u16,
    /// Possible start columns.
    pub start_columns: Vec<u16>,
    /// Kernel commit id.
    pub kernel_commit_id: String,
    /// PDIs.
    pub pdis: Vec<AiePdi>,
}

fn array(p: &[u8], what: &'static str, at: u64) -> Result<(u64, u64), ParseError> {
    Ok((
        u64::from(u32_at(p, what, at)?),
        u64::from(u32_at(p, what, at + 4)?),
    ))
}

fn u64s(p: &[u8], what: &'static str, (n, at): (u64, u64)) -> Result<Vec<u64>, ParseError> {
    let bytes = n.saturating_mul(8);
    let s = slice(p, what, at, bytes)?;
    Ok(s.chunks_exact(8)
        .map(|c| {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            u64::from_le_bytes(a)
        })
        .collect())
}

/// Reads an AIE_PARTITION payload.
///
/// # Errors
/// [`ParseError::OutOfBounds`] when an offset or array lies outside the section.
pub fn aie_partition(p: &[u8]) -> Result<AiePartition, ParseError> {
    use f::aie_partition as ap;
    slice(p, "aie_partition", 0, f::AIE_PARTITION_BYTES as u64)?;
    let (ncols, cols_at) = array(p, "start_columns", ap::START_COLUMNS as u64)?;
    let cols = slice(p, "start_columns", cols_at, ncols.saturating_mul(2))?;
    let (npdi, pdi_at) = array(p, "aie_pdi", ap::AIE_PDI as u64)?;
    let mut pdis = Vec::new();
    for i in 0..npdi {
        let d = slice(
            p,
            "aie_pdi",
            pdi_at.saturating_add(i.saturating_mul(f::AIE_PDI_BYTES as u64)),
            f::AIE_PDI_BYTES as u64,
        )?;
        let mut uuid = [0u8; 16];
        uuid.copy_from_slice(&d[..16]);
        let (len, at) = array(d, "pdi_image", f::aie_pdi::IMAGE as u64)?;
        let image = slice(p, "pdi_image", at, len)?.to_vec();
        let (ng, gat) = array(d, "cdo_groups", f::aie_pdi::CDO_GROUPS as u64)?;
        let mut cdo_groups = Vec::new();
        for g in 0..ng {
            let c = slice(
                p,
                "cdo_group",
                gat.saturating_add(g.saturating_mul(f::CDO_GROUP_BYTES as u64)),
                f::CDO_GROUP_BYTES as u64,
            )?;
            cdo_groups.push(CdoGroup {
                name: cstr_at(p, "cdo_group name", u64::from(u32_at(c, "mpo_name", 0)?))?,
                cdo_type: c[f::cdo_group::TYPE],
                pdi_id: u64_at(c, "pdi_id", f::cdo_group::PDI_ID as u64)?,
                dpu_kernel_ids: u64s(
                    p,
                    "dpu_kernel_ids",
                    array(c, "dpu_kernel_ids", f::cdo_group::DPU_KERNEL_IDS as u64)?,
                )?,
                pre_cdo_groups: u64s(
                    p,
                    "pre_cdo_groups",
                    array(c, "pre_cdo_groups", f::cdo_group::PRE_CDO_GROUPS as u64)?,
                )?,
            });
        }
        pdis.push(AiePdi {
            uuid,
            image,
            cdo_groups,
        });
    }
    Ok(AiePartition {
        name: cstr_at(
            p,
            "name",
            u64::from(u32_at(p, "mpo_name", ap::NAME as u64)?),
        )?,
        operations_per_cycle: u32_at(p, "operations_per_cycle", ap::OPERATIONS_PER_CYCLE as u64)?,
        inference_fingerprint: u64_at(p, "fingerprint", ap::INFERENCE_FINGERPRINT as u64)?,
        pre_post_fingerprint: u64_at(p, "fingerprint", ap::PRE_POST_FINGERPRINT as u64)?,
        column_width: u16_at(p, "column_width", ap::COLUMN_WIDTH as u64)?,
        start_columns: cols
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect(),
        kernel_commit_id: cstr_at(
            p,
            "kernel_commit_id",
            u64::from(u32_at(p, "kernel_commit_id", ap::KERNEL_COMMIT_ID as u64)?),
        )?,
        pdis,
    })
}

//! Section payloads, each as xclbinutil lays it out.

use super::format as f;
use super::{ArgKind, KernelArg, PdiUuid, XclbinError, XclbinInput};

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// `name` into a NUL-terminated fixed field of `max + 1` bytes.
pub(super) fn fixed_name(
    what: &'static str,
    name: &str,
    field: usize,
) -> Result<Vec<u8>, XclbinError> {
    if name.len() >= field {
        return Err(XclbinError::NameTooLong {
            what,
            name: name.into(),
            max: field - 1,
        });
    }
    let mut v = name.as_bytes().to_vec();
    v.resize(field, 0);
    Ok(v)
}

/// MEM_TOPOLOGY (and GROUP_TOPOLOGY, which holds one group per bank): `m_count`, then one
/// `mem_data` per bank.
pub(super) fn mem_topology(input: &XclbinInput) -> Result<Vec<u8>, XclbinError> {
    let mut b = vec![0u8; 8 + f::MEM_DATA_BYTES * input.mem_banks.len()];
    put_u32(&mut b, 0, input.mem_banks.len() as u32);
    for (i, m) in input.mem_banks.iter().enumerate() {
        let at = 8 + i * f::MEM_DATA_BYTES;
        b[at] = f::MEM_DRAM;
        b[at + 1] = 1; // m_used
        put_u64(&mut b, at + 8, m.size_kb);
        put_u64(&mut b, at + 16, m.base);
        let tag = fixed_name("memory tag", &m.tag, f::MEM_TAG_BYTES)?;
        b[at + 24..at + 24 + f::MEM_TAG_BYTES].copy_from_slice(&tag);
    }
    Ok(b)
}

/// Size of an argument's C type in xclbinutil's table (`KernelUtilities.cxx getTypeSize`,
/// fixed PS kernel: pointers are 8 bytes; "int" is 8 there).
pub(super) fn arg_size(kernel: &str, arg: &KernelArg) -> Result<u32, XclbinError> {
    let t: String = arg.ty.chars().filter(|c| *c != ' ').collect();
    Ok(match t.as_str() {
        t if t.ends_with('*') => 8,
        "char" | "unsignedchar" | "int8_t" | "uint8_t" => 1,
        "int16_t" | "uint16_t" => 2,
        "float" | "int32_t" | "uint32_t" => 4,
        "int64_t" | "uint64_t" | "int" | "unsignedint" => 8,
        _ => {
            return Err(XclbinError::UnknownArgType {
                kernel: kernel.into(),
                arg: arg.name.clone(),
                ty: arg.ty.clone(),
            })
        }
    })
}

/// The argument → memory bank pairs (`arg_index`, bank index) of the arguments with a memory
/// connection.
pub(super) fn connections(input: &XclbinInput) -> Result<Vec<(u32, u32)>, XclbinError> {
    let k = &input.kernel;
    let mut out = Vec::new();
    for (i, a) in k.args.iter().enumerate() {
        if let ArgKind::Global(tag) = a.kind {
            let bank = input
                .mem_banks
                .iter()
                .position(|m| m.tag == tag)
                .ok_or_else(|| XclbinError::UnknownMemory {
                    kernel: k.name.clone(),
                    arg: a.name.clone(),
                    tag: tag.into(),
                })?;
            out.push((i as u32, bank as u32));
        }
    }
    Ok(out)
}

/// CONNECTIVITY from the pairs (`copies` = 1). GROUP_CONNECTIVITY (`copies` = 2): xclbinutil's
/// `createMemoryBankGrouping` first writes the grouped connections, then appends the
/// original ones; an argument connected to a single bank (always the case here, each
/// argument names one bank) is its own group with the bank's index, so the list appears twice
/// and GROUP_TOPOLOGY equals MEM_TOPOLOGY.
pub(super) fn connectivity(pairs: &[(u32, u32)], copies: usize) -> Vec<u8> {
    let n = pairs.len() * copies;
    let mut b = vec![0u8; 4 + f::CONNECTION_BYTES * n];
    put_u32(&mut b, 0, n as u32);
    for (i, (arg, bank)) in pairs.iter().cycle().take(n).enumerate() {
        let at = 4 + i * f::CONNECTION_BYTES;
        put_u32(&mut b, at, *arg);
        put_u32(&mut b, at + 4, 0); // the one IP
        put_u32(&mut b, at + 8, *bank);
    }
    b
}

/// The IP name xclbinutil gives a PS kernel instance: `kernel:instance`.
pub(super) fn ip_name(input: &XclbinInput) -> String {
    format!("{}:{}", input.kernel.name, input.kernel.instance)
}

/// IP_LAYOUT: one PS kernel IP.
pub(super) fn ip_layout(input: &XclbinInput) -> Result<Vec<u8>, XclbinError> {
    let k = &input.kernel;
    if k.kernel_id > f::PS_KERNEL_ID_MAX {
        return Err(XclbinError::KernelIdTooLarge(k.kernel_id));
    }
    let mut b = vec![0u8; 8 + f::IP_DATA_BYTES];
    put_u32(&mut b, 0, 1);
    put_u32(&mut b, 8, f::IP_PS_KERNEL);
    let props = f::PS_SUBTYPE_DPU
        | (u32::from(k.functional & 3) << f::PS_FUNCTIONAL_SHIFT)
        | (u32::from(k.kernel_id) << f::PS_KERNEL_ID_SHIFT);
    put_u32(&mut b, 12, props);
    put_u64(&mut b, 16, f::IP_BASE_NOT_USED);
    let name = fixed_name("IP name", &ip_name(input), f::IP_NAME_BYTES)?;
    b[24..24 + f::IP_NAME_BYTES].copy_from_slice(&name);
    Ok(b)
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c => o.push(c),
        }
    }
    o
}

fn empty_element(indent: usize, tag: &str, attrs: &[(&str, String)]) -> String {
    let mut s = " ".repeat(indent);
    s.push('<');
    s.push_str(tag);
    for (k, v) in attrs {
        s.push_str(&format!(" {k}=\"{}\"", xml_escape(v)));
    }
    s.push_str("/>\n");
    s
}

/// EMBEDDED_METADATA: the XML xclbinutil's `--add-kernel` writes for a DPU kernel (boost
/// property-tree XML, two-space indent).
pub(super) fn embedded_metadata(input: &XclbinInput) -> Result<Vec<u8>, XclbinError> {
    let k = &input.kernel;
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<project>\n");
    x.push_str("  <platform>\n    <device>\n      <core>\n");
    x.push_str(&format!(
        "        <kernel name=\"{}\" language=\"c\" type=\"dpu\">\n",
        xml_escape(&k.name)
    ));
    x.push_str(&empty_element(
        10,
        "extended-data",
        &[
            ("subtype", f::PS_SUBTYPE_DPU.to_string()),
            ("functional", k.functional.to_string()),
            ("dpu_kernel_id", format!("{:#x}", k.kernel_id)),
        ],
    ));
    for (i, a) in k.args.iter().enumerate() {
        let size = format!("{:#x}", arg_size(&k.name, a)?);
        let qualifier = match a.kind {
            ArgKind::Scalar => "0",
            ArgKind::Global(_) => "1",
        };
        x.push_str(&empty_element(
            10,
            "arg",
            &[
                ("name", a.name.clone()),
                ("addressQualifier", qualifier.into()),
                ("id", i.to_string()),
                ("size", size.clone()),
                ("offset", a.offset.clone()),
                ("hostOffset", "0x0".into()),
                ("hostSize", size),
                ("type", a.ty.clone()),
            ],
        ));
    }
    x.push_str(&empty_element(
        10,
        "instance",
        &[("name", k.instance.clone())],
    ));
    x.push_str("        </kernel>\n      </core>\n    </device>\n  </platform>\n</project>\n");
    Ok(x.into_bytes())
}

/// The bytes of an 8-byte aligned heap that follows a fixed header (xclbinutil
/// `SectionHeap`); offsets are from the start of the section.
struct Heap {
    base: usize,
    bytes: Vec<u8>,
}

impl Heap {
    fn offset(&self) -> Result<u32, XclbinError> {
        u32::try_from(self.base + self.bytes.len()).map_err(|_| XclbinError::TooLarge)
    }
    fn align(&mut self) {
        let n = self.bytes.len().next_multiple_of(f::SECTION_ALIGN);
        self.bytes.resize(n, 0);
    }
    /// Writes `data` and aligns; returns its offset.
    fn put(&mut self, data: &[u8]) -> Result<u32, XclbinError> {
        let at = self.offset()?;
        self.bytes.extend_from_slice(data);
        self.align();
        Ok(at)
    }
    fn put_string(&mut self, s: &str) -> Result<u32, XclbinError> {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.put(&v)
    }
}

/// The PDI's UUID per the input's choice.
pub(super) fn pdi_uuid(input: &XclbinInput) -> [u8; 16] {
    match input.pdi_uuid {
        PdiUuid::Zero => [0; 16],
        PdiUuid::Fixed(u) => u,
        PdiUuid::FromContent => {
            use sha2::{Digest, Sha256};
            let h = Sha256::digest(&input.pdi);
            let mut u = [0u8; 16];
            u.copy_from_slice(&h[..16]);
            u
        }
    }
}

/// AIE_PARTITION: the `aie_partition` header, then the heap xclbinutil's
/// `createAIEPartitionImage` fills: section index name (empty), kernel commit id (empty),
/// start columns, the PDI image, the CDO group's name, kernel ids and pre-groups, the
/// `cdo_group` array, the `aie_pdi` array.
pub(super) fn aie_partition(input: &XclbinInput) -> Result<Vec<u8>, XclbinError> {
    if input.column_width == 0 || input.start_columns.is_empty() {
        return Err(XclbinError::EmptyPartition);
    }
    if input.pdi.is_empty() {
        return Err(XclbinError::EmptyPdi);
    }
    let mut h = vec![0u8; f::AIE_PARTITION_BYTES];
    let mut heap = Heap {
        base: f::AIE_PARTITION_BYTES,
        bytes: Vec::new(),
    };
    let name = heap.put_string("")?;
    put_u32(&mut h, f::aie_partition::NAME, name);
    put_u32(
        &mut h,
        f::aie_partition::OPERATIONS_PER_CYCLE,
        input.operations_per_cycle,
    );
    put_u64(
        &mut h,
        f::aie_partition::INFERENCE_FINGERPRINT,
        input.inference_fingerprint,
    );
    put_u64(
        &mut h,
        f::aie_partition::PRE_POST_FINGERPRINT,
        input.pre_post_fingerprint,
    );
    let commit = heap.put_string("")?;
    put_u32(&mut h, f::aie_partition::KERNEL_COMMIT_ID, commit);
    put_u16(&mut h, f::aie_partition::COLUMN_WIDTH, input.column_width);
    let cols: Vec<u8> = input
        .start_columns
        .iter()
        .flat_map(|c| c.to_le_bytes())
        .collect();
    let at = heap.put(&cols)?;
    put_u32(
        &mut h,
        f::aie_partition::START_COLUMNS,
        input.start_columns.len() as u32,
    );
    put_u32(&mut h, f::aie_partition::START_COLUMNS + 4, at);

    // The one PDI and its one CDO group.
    let image = heap.put(&input.pdi)?;
    let image_len = u32::try_from(input.pdi.len()).map_err(|_| XclbinError::TooLarge)?;
    let group_name = heap.put_string(&input.cdo_group_name)?;
    let ids = heap.put(&u64::from(input.kernel.kernel_id).to_le_bytes())?;
    let pre: Vec<u8> = input
        .pre_cdo_groups
        .iter()
        .flat_map(|g| g.to_le_bytes())
        .collect();
    let pre_at = if pre.is_empty() { 0 } else { heap.put(&pre)? };
    let mut group = vec![0u8; f::CDO_GROUP_BYTES];
    put_u32(&mut group, f::cdo_group::NAME, group_name);
    group[f::cdo_group::TYPE] = f::CDO_TYPE_PRIMARY;
    put_u64(&mut group, f::cdo_group::PDI_ID, input.pdi_id);
    put_u32(&mut group, f::cdo_group::DPU_KERNEL_IDS, 1);
    put_u32(&mut group, f::cdo_group::DPU_KERNEL_IDS + 4, ids);
    put_u32(
        &mut group,
        f::cdo_group::PRE_CDO_GROUPS,
        input.pre_cdo_groups.len() as u32,
    );
    put_u32(&mut group, f::cdo_group::PRE_CDO_GROUPS + 4, pre_at);
    let groups = heap.put(&group)?;

    let mut pdi = vec![0u8; f::AIE_PDI_BYTES];
    pdi[f::aie_pdi::UUID..f::aie_pdi::UUID + 16].copy_from_slice(&pdi_uuid(input));
    put_u32(&mut pdi, f::aie_pdi::IMAGE, image_len);
    put_u32(&mut pdi, f::aie_pdi::IMAGE + 4, image);
    put_u32(&mut pdi, f::aie_pdi::CDO_GROUPS, 1);
    put_u32(&mut pdi, f::aie_pdi::CDO_GROUPS + 4, groups);
    let pdis = heap.put(&pdi)?;
    put_u32(&mut h, f::aie_partition::AIE_PDI, 1);
    put_u32(&mut h, f::aie_partition::AIE_PDI + 4, pdis);

    h.extend_from_slice(&heap.bytes);
    Ok(h)
}

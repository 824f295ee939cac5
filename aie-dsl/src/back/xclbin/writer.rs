//! The AXLF container around the sections, and its mirror data.

use sha2::{Digest, Sha256};

use super::format::{self as f, header as hd, kind};
use super::sections;
use super::{XclbinError, XclbinInput};

/// One section ready to be placed.
struct Out {
    kind: u32,
    name: String,
    payload: Vec<u8>,
    /// The JSON xclbinutil mirrors for it, if any.
    mirror: Option<String>,
}

/// A JSON string as boost's property-tree writer escapes it (control characters as
/// `\u00XX` with upper-case hex, `/` escaped too).
fn js(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '/' => o.push_str("\\/"),
            '\u{8}' => o.push_str("\\b"),
            '\u{c}' => o.push_str("\\f"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// `{"k":"v",…}` with every value a string, in order.
fn obj(pairs: &[(&str, String)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{}", js(k), js(v)))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn mem_json(input: &XclbinInput, root: &str) -> String {
    let banks: Vec<String> = input
        .mem_banks
        .iter()
        .map(|m| {
            obj(&[
                ("m_type", "MEM_DRAM".into()),
                ("m_used", "1".into()),
                ("m_sizeKB", format!("{:#x}", m.size_kb)),
                ("m_tag", m.tag.clone()),
                ("m_base_address", format!("{:#x}", m.base)),
            ])
        })
        .collect();
    format!(
        "{{{}:{{\"m_count\":{},\"m_mem_data\":[{}]}}}}",
        js(root),
        js(&input.mem_banks.len().to_string()),
        banks.join(",")
    )
}

fn connectivity_json(pairs: &[(u32, u32)], copies: usize, root: &str) -> String {
    let n = pairs.len() * copies;
    let items: Vec<String> = pairs
        .iter()
        .cycle()
        .take(n)
        .map(|(a, b)| {
            obj(&[
                ("arg_index", a.to_string()),
                ("m_ip_layout_index", "0".into()),
                ("mem_data_index", b.to_string()),
            ])
        })
        .collect();
    format!(
        "{{{}:{{\"m_count\":{},\"m_connection\":[{}]}}}}",
        js(root),
        js(&n.to_string()),
        items.join(",")
    )
}

fn ip_layout_json(input: &XclbinInput) -> String {
    let ip = obj(&[
        ("m_type", "IP_PS_KERNEL".into()),
        ("m_subtype", "DPU".into()),
        (
            "m_functional",
            if input.kernel.functional == 0 {
                "DPU"
            } else {
                "PREPOST"
            }
            .into(),
        ),
        ("m_kernel_id", format!("{:#x}", input.kernel.kernel_id)),
        ("m_base_address", "not_used".into()),
        ("m_name", sections::ip_name(input)),
    ]);
    format!("{{\"ip_layout\":{{\"m_count\":\"1\",\"m_ip_data\":[{ip}]}}}}")
}

/// A section name as stored: cut to 15 bytes (at a character boundary).
fn section_name(s: &str) -> String {
    let mut end = s.len().min(f::SECTION_NAME_BYTES - 1);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the xclbin for `input`.
///
/// # Errors
/// [`XclbinError`] naming the kernel argument, memory bank or field that cannot be written.
pub fn write(input: &XclbinInput) -> Result<Vec<u8>, XclbinError> {
    let pairs = sections::connections(input)?;
    let mem = sections::mem_topology(input)?;
    let secs = vec![
        Out {
            kind: kind::MEM_TOPOLOGY,
            name: section_name(&format!("{}_mem_topology", input.file_prefix)),
            payload: mem.clone(),
            mirror: Some(mem_json(input, "mem_topology")),
        },
        Out {
            kind: kind::AIE_PARTITION,
            name: section_name(&format!("{}_aie_partition", input.file_prefix)),
            payload: sections::aie_partition(input)?,
            mirror: None,
        },
        Out {
            kind: kind::EMBEDDED_METADATA,
            name: String::new(),
            payload: sections::embedded_metadata(input)?,
            mirror: None,
        },
        Out {
            kind: kind::IP_LAYOUT,
            name: String::new(),
            payload: sections::ip_layout(input)?,
            mirror: Some(ip_layout_json(input)),
        },
        Out {
            kind: kind::CONNECTIVITY,
            name: String::new(),
            payload: sections::connectivity(&pairs, 1),
            mirror: Some(connectivity_json(&pairs, 1, "connectivity")),
        },
        Out {
            kind: kind::GROUP_CONNECTIVITY,
            name: String::new(),
            payload: sections::connectivity(&pairs, 2),
            mirror: Some(connectivity_json(&pairs, 2, "group_connectivity")),
        },
        Out {
            kind: kind::GROUP_TOPOLOGY,
            name: String::new(),
            payload: mem,
            mirror: Some(mem_json(input, "group_topology")),
        },
    ];

    // The UUID: a hash of what the sections hold.
    let mut h = Sha256::new();
    for s in &secs {
        h.update(s.kind.to_le_bytes());
        h.update(s.name.as_bytes());
        h.update((s.payload.len() as u64).to_le_bytes());
        h.update(&s.payload);
    }
    let digest = h.finalize();
    let mut uuid = [0u8; 16];
    uuid.copy_from_slice(&digest[..16]);

    let mut out = vec![0u8; f::SECTION_HEADERS_OFFSET + f::SECTION_HEADER_BYTES * secs.len()];
    out[..8].copy_from_slice(f::MAGIC);
    out[f::SIGNATURE_LENGTH_OFFSET..f::SIGNATURE_LENGTH_OFFSET + 4]
        .copy_from_slice(&(-1i32).to_le_bytes());
    out[f::RESERVED.0..f::RESERVED.0 + f::RESERVED.1].fill(0xFF);
    out[f::KEY_BLOCK.0..f::KEY_BLOCK.0 + f::KEY_BLOCK.1].fill(0xFF);
    // m_uniqueId, m_timeStamp and m_featureRomTimeStamp stay 0 (no clock in the output).
    let hdr = f::HEADER_OFFSET;
    let (major, minor, patch) = f::XRT_VERSION;
    out[hdr + hd::VERSION_PATCH..hdr + hd::VERSION_PATCH + 2].copy_from_slice(&patch.to_le_bytes());
    out[hdr + hd::VERSION_MAJOR] = major;
    out[hdr + hd::VERSION_MINOR] = minor;
    out[hdr + hd::MODE..hdr + hd::MODE + 2].copy_from_slice(&f::MODE_FLAT.to_le_bytes());
    out[hdr + hd::UUID..hdr + hd::UUID + 16].copy_from_slice(&uuid);
    out[hdr + hd::NUM_SECTIONS..hdr + hd::NUM_SECTIONS + 4]
        .copy_from_slice(&(secs.len() as u32).to_le_bytes());

    let mut mirror_sections = Vec::new();
    for (i, s) in secs.iter().enumerate() {
        out.resize(out.len().next_multiple_of(f::SECTION_ALIGN), 0);
        let offset = out.len();
        let sh = f::SECTION_HEADERS_OFFSET + i * f::SECTION_HEADER_BYTES;
        out[sh..sh + 4].copy_from_slice(&s.kind.to_le_bytes());
        let name = sections::fixed_name("section name", &s.name, f::SECTION_NAME_BYTES)?;
        out[sh + f::SECTION_NAME_OFFSET..sh + f::SECTION_NAME_OFFSET + f::SECTION_NAME_BYTES]
            .copy_from_slice(&name);
        out[sh + f::SECTION_OFFSET_OFFSET..sh + f::SECTION_OFFSET_OFFSET + 8]
            .copy_from_slice(&(offset as u64).to_le_bytes());
        out[sh + f::SECTION_SIZE_OFFSET..sh + f::SECTION_SIZE_OFFSET + 8]
            .copy_from_slice(&(s.payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&s.payload);
        let mut entry = format!(
            "{{\"Kind\":{},\"Name\":{},\"Offset\":{},\"Size\":{}",
            js(&s.kind.to_string()),
            js(&s.name),
            js(&format!("{offset:#x}")),
            js(&format!("{:#x}", s.payload.len()))
        );
        if let Some(m) = &s.mirror {
            entry.push_str(",\"payload\":");
            entry.push_str(m);
        }
        entry.push('}');
        mirror_sections.push(format!("\"section_header\":{entry}"));
    }

    let version = format!("{}.{}.{}", char::from(major), char::from(minor), patch);
    let header_json = obj(&[
        ("Magic", "xclbin2".into()),
        ("SignatureLength", "ffffffff".into()),
        ("KeyBlock", "ff".repeat(f::KEY_BLOCK.1)),
        ("UniqueID", hex(&0u64.to_le_bytes())),
        ("TimeStamp", "0".into()),
        ("FeatureRomTimeStamp", "0".into()),
        ("Version", version),
        ("Mode", f::MODE_FLAT.to_string()),
        ("InterfaceUUID", hex(&[0; 16])),
        ("PlatformVBNV", String::new()),
        ("XclBinUUID", hex(&uuid)),
        ("DebugBin", String::new()),
    ]);
    let mirror = format!(
        "{}{{\"schema_version\":{{\"major\":\"1\",\"minor\":\"0\",\"patch\":\"0\"}},\"header\":{header_json},{}}}\n{}",
        f::MIRROR_START,
        mirror_sections.join(","),
        f::MIRROR_END
    );
    out.extend_from_slice(mirror.as_bytes());
    let len = out.len() as u64;
    out[hdr + hd::LENGTH..hdr + hd::LENGTH + 8].copy_from_slice(&len.to_le_bytes());
    Ok(out)
}

//! Describing an xclbin: header, sections, kernels and arguments, memory, the AIE partition
//! and the PDIs inside it.

use std::fmt::Write as _;

use super::{indent, pdi, uuid_string, InspectError};
use crate::back::xclbin::format::{self as f, kind};
use crate::back::xclbin::parse;

/// The attributes of every `<tag …>` element in `xml`, in order (a small scanner for the
/// EMBEDDED_METADATA xclbinutil writes; it never fails, it finds less in odd input).
fn elements(xml: &str, tag: &str) -> Vec<Vec<(String, String)>> {
    let open = format!("<{tag} ");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find('>').unwrap_or(rest.len());
        let mut attrs = Vec::new();
        let mut a = &rest[..end];
        while let Some(eq) = a.find("=\"") {
            let key = a[..eq].trim().to_string();
            let after = &a[eq + 2..];
            let Some(close) = after.find('"') else { break };
            attrs.push((key, after[..close].to_string()));
            a = &after[close + 1..];
        }
        out.push(attrs);
        rest = &rest[end..];
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("?")
}

/// Describes an xclbin.
///
/// # Errors
/// [`InspectError::Xclbin`] naming `name` when the container or a section is malformed (a
/// malformed embedded PDI is reported in the text instead).
pub fn describe_xclbin(name: &str, bytes: &[u8]) -> Result<String, InspectError> {
    let fail = |source| InspectError::Xclbin {
        name: name.into(),
        source,
    };
    let x = parse::parse(bytes).map_err(fail)?;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "xclbin {name}: {} bytes, XRT {}.{}.{}, UUID {}, time stamp {}, {} section(s)",
        x.length,
        x.version.0,
        x.version.1,
        x.version.2,
        uuid_string(&x.uuid),
        x.time_stamp,
        x.sections.len()
    );
    if !x.platform_vbnv.is_empty() {
        let _ = writeln!(s, "  platform {}", x.platform_vbnv);
    }
    let banks = x
        .section(kind::MEM_TOPOLOGY)
        .map(|m| parse::mem_topology(&m.payload))
        .transpose()
        .map_err(fail)?
        .unwrap_or_default();
    for (i, sec) in x.sections.iter().enumerate() {
        let _ = writeln!(
            s,
            "  section {i}: {} `{}` at {:#x}, {} bytes",
            sec.kind_name(),
            sec.name,
            sec.offset,
            sec.payload.len()
        );
        let p = &sec.payload;
        let mut body = String::new();
        match sec.kind {
            kind::MEM_TOPOLOGY | kind::GROUP_TOPOLOGY => {
                for (b, m) in parse::mem_topology(p).map_err(fail)?.iter().enumerate() {
                    let _ = writeln!(
                        body,
                        "bank {b} `{}`: type {}{}, base {:#x}, {} KiB",
                        m.tag,
                        if m.ty == f::MEM_DRAM {
                            "MEM_DRAM"
                        } else {
                            "other"
                        },
                        if m.used == 1 { ", used" } else { ", unused" },
                        m.base,
                        m.size_kb
                    );
                }
            }
            kind::CONNECTIVITY | kind::GROUP_CONNECTIVITY => {
                for (arg, ip, mem) in parse::connectivity(p).map_err(fail)? {
                    let tag = usize::try_from(mem)
                        .ok()
                        .and_then(|m| banks.get(m))
                        .map(|b| b.tag.as_str())
                        .unwrap_or("?");
                    let _ = writeln!(body, "argument {arg} of IP {ip} -> memory {mem} `{tag}`");
                }
            }
            kind::IP_LAYOUT => {
                for ip in parse::ip_layout(p).map_err(fail)? {
                    if ip.ty == f::IP_PS_KERNEL {
                        let _ = writeln!(
                            body,
                            "IP `{}`: PS kernel, subtype {}, functional {}, kernel id {:#x}",
                            ip.name,
                            if ip.properties & 3 == f::PS_SUBTYPE_DPU {
                                "DPU"
                            } else {
                                "PS"
                            },
                            (ip.properties >> f::PS_FUNCTIONAL_SHIFT) & 3,
                            (ip.properties >> f::PS_KERNEL_ID_SHIFT)
                                & u32::from(f::PS_KERNEL_ID_MAX)
                        );
                    } else {
                        let _ = writeln!(
                            body,
                            "IP `{}`: type {}, base {:#x}",
                            ip.name, ip.ty, ip.base
                        );
                    }
                }
            }
            kind::EMBEDDED_METADATA => {
                let xml = String::from_utf8_lossy(p);
                for k in elements(&xml, "kernel") {
                    let _ = writeln!(
                        body,
                        "kernel `{}` (type {}, language {})",
                        attr(&k, "name"),
                        attr(&k, "type"),
                        attr(&k, "language")
                    );
                }
                for e in elements(&xml, "extended-data") {
                    let _ = writeln!(
                        body,
                        "  subtype {}, functional {}, DPU kernel id {}",
                        attr(&e, "subtype"),
                        attr(&e, "functional"),
                        attr(&e, "dpu_kernel_id")
                    );
                }
                for a in elements(&xml, "arg") {
                    let q = match attr(&a, "addressQualifier") {
                        "0" => "scalar",
                        "1" => "global",
                        other => other,
                    };
                    let _ = writeln!(
                        body,
                        "  argument {} `{}`: {} {}, offset {}, size {}",
                        attr(&a, "id"),
                        attr(&a, "name"),
                        q,
                        attr(&a, "type"),
                        attr(&a, "offset"),
                        attr(&a, "size")
                    );
                }
                for i in elements(&xml, "instance") {
                    let _ = writeln!(body, "  instance `{}`", attr(&i, "name"));
                }
            }
            kind::AIE_PARTITION => {
                let part = parse::aie_partition(p).map_err(fail)?;
                let _ = writeln!(
                    body,
                    "partition: {} column(s) wide, may start at columns {:?}; {} operations/cycle, fingerprints {} / {}",
                    part.column_width,
                    part.start_columns,
                    part.operations_per_cycle,
                    part.inference_fingerprint,
                    part.pre_post_fingerprint
                );
                for (n, d) in part.pdis.iter().enumerate() {
                    let _ = writeln!(
                        body,
                        "PDI {n}: UUID {}, {} bytes",
                        uuid_string(&d.uuid),
                        d.image.len()
                    );
                    for g in &d.cdo_groups {
                        let ids: Vec<String> =
                            g.dpu_kernel_ids.iter().map(|i| format!("{i:#x}")).collect();
                        let pre: Vec<String> =
                            g.pre_cdo_groups.iter().map(|i| format!("{i:#x}")).collect();
                        let _ =
                            writeln!(
                            body,
                            "  CDO group `{}`: {}, PDI id {:#x}, DPU kernels [{}], pre-groups [{}]",
                            g.name,
                            if g.cdo_type == f::CDO_TYPE_PRIMARY { "primary" } else { "other" },
                            g.pdi_id,
                            ids.join(", "),
                            pre.join(", ")
                        );
                    }
                    // A damaged PDI is reported in place; the rest of the xclbin still shows.
                    match pdi::describe_pdi(&format!("{name} PDI {n}"), &d.image) {
                        Ok(text) => body.push_str(&indent(&text, 2)),
                        Err(e) => {
                            let _ = writeln!(body, "  cannot read this PDI: {e}");
                        }
                    }
                }
            }
            _ => {}
        }
        s.push_str(&indent(&body, 4));
    }
    let problems = checks(&x);
    if problems.is_empty() {
        let _ = writeln!(s, "  checks: no problem found");
    } else {
        let _ = writeln!(s, "  checks: {} problem(s)", problems.len());
        for p in problems {
            let _ = writeln!(s, "    - {p}");
        }
    }
    Ok(s)
}

/// What XRT and the amdxdna driver rely on, checked on a parsed xclbin: the sections an NPU
/// xclbin needs, every DPU kernel id served by a PDI's CDO group (xclbinutil's own DRC; the
/// driver picks the PDI by it), connections within the declared arguments and banks, a
/// partition that fits the array, PDIs whose header checksums hold.
pub fn checks(x: &parse::Xclbin) -> Vec<String> {
    let mut out = Vec::new();
    for (k, what) in [
        (kind::AIE_PARTITION, "the AIE partition and its PDI"),
        (kind::IP_LAYOUT, "the kernel's IP"),
        (kind::MEM_TOPOLOGY, "the memory banks"),
        (kind::EMBEDDED_METADATA, "the kernel's arguments"),
    ] {
        if x.section(k).is_none() {
            out.push(format!(
                "no {} section: XRT needs {what}",
                f::kind::name(k).unwrap_or("?")
            ));
        }
    }
    let partition = x
        .section(kind::AIE_PARTITION)
        .and_then(|s| parse::aie_partition(&s.payload).ok());
    let banks = x
        .section(kind::MEM_TOPOLOGY)
        .and_then(|s| parse::mem_topology(&s.payload).ok())
        .unwrap_or_default();
    let ips = x
        .section(kind::IP_LAYOUT)
        .and_then(|s| parse::ip_layout(&s.payload).ok())
        .unwrap_or_default();
    let args = x
        .section(kind::EMBEDDED_METADATA)
        .map(|s| elements(&String::from_utf8_lossy(&s.payload), "arg").len())
        .unwrap_or(0);
    if let Some(p) = &partition {
        if p.column_width == 0 {
            out.push("the AIE partition has column width 0".into());
        }
        if p.start_columns.is_empty() {
            out.push("the AIE partition lists no start column".into());
        }
        let physical = crate::target::npu1_partition::PHYSICAL_COLUMNS;
        for c in &p.start_columns {
            if u32::from(*c) + u32::from(p.column_width) > physical {
                out.push(format!(
                    "start column {c} with width {} runs past the {physical} columns of an npu1 array",
                    p.column_width
                ));
            }
        }
        if p.pdis.is_empty() {
            out.push("the AIE partition holds no PDI".into());
        }
        for (n, d) in p.pdis.iter().enumerate() {
            match pdi::read_pdi("", &d.image) {
                Ok(r) => {
                    let bad = !r.checksum_ok
                        || r.images.iter().any(|i| !i.checksum_ok)
                        || r.partitions.iter().any(|q| !q.checksum_ok);
                    if bad {
                        out.push(format!("PDI {n} has a header whose checksum is wrong"));
                    }
                }
                Err(e) => out.push(format!("PDI {n} cannot be read: {e}")),
            }
        }
    }
    for ip in ips.iter().filter(|ip| ip.ty == f::IP_PS_KERNEL) {
        let id =
            u64::from((ip.properties >> f::PS_KERNEL_ID_SHIFT) & u32::from(f::PS_KERNEL_ID_MAX));
        let served = partition.as_ref().is_some_and(|p| {
            p.pdis
                .iter()
                .flat_map(|d| &d.cdo_groups)
                .any(|g| g.dpu_kernel_ids.contains(&id))
        });
        if !served {
            out.push(format!(
                "kernel `{}` has DPU kernel id {id:#x}, which no CDO group of the AIE partition lists",
                ip.name
            ));
        }
    }
    if let Some(c) = x.section(kind::CONNECTIVITY) {
        match parse::connectivity(&c.payload) {
            Ok(conns) => {
                for (arg, ip, mem) in conns {
                    if usize::try_from(mem).map_or(true, |m| m >= banks.len()) {
                        out.push(format!("argument {arg} is connected to memory {mem}, but MEM_TOPOLOGY has {} bank(s)", banks.len()));
                    }
                    if usize::try_from(ip).map_or(true, |i| i >= ips.len()) {
                        out.push(format!(
                            "a connection names IP {ip}, but IP_LAYOUT has {}",
                            ips.len()
                        ));
                    }
                    if args > 0 && usize::try_from(arg).map_or(true, |a| a >= args) {
                        out.push(format!(
                            "a connection names argument {arg}, but the kernel has {args}"
                        ));
                    }
                }
            }
            Err(e) => out.push(format!("CONNECTIVITY cannot be read: {e}")),
        }
    }
    out
}

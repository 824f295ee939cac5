//! Reading files back: the oracle's xclbins, PDIs and CDOs (made by xclbinutil, bootgen and
//! aie-translate; tests/data/toolchain/PROVENANCE.md) are described, their checksums found
//! right, their commands decoded to tiles and registers; bad files give typed errors.

use std::path::{Path, PathBuf};

use aie_dsl::inspect::{self, FileKind, InspectError};

const DESIGNS: [&str; 6] = [
    "layernorm",
    "layernorm_elf",
    "passthrough_dmas",
    "passthrough_kernel",
    "vector_add_4core",
    "vector_scalar_mul",
];

fn data(design: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/toolchain")
        .join(design)
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn oracle_files_are_described() {
    for d in DESIGNS {
        let dir = data(d);
        let x = inspect::inspect_file(&dir.join("final.xclbin")).unwrap();
        for needle in [
            "7 section(s)",
            "MEM_TOPOLOGY `main_mem_topolo`",
            "AIE_PARTITION `main_aie_partit`",
            "kernel `MLIR_AIE` (type dpu",
            "DPU kernel id 0x901",
            "argument 7 `bo4`: global void*, offset 0x34, size 0x8",
            "may start at columns [1, 2, 3, 4]",
            "CDO group `DPU`: primary, PDI id 0x1, DPU kernels [0x901], pre-groups [0xc1]",
            "image 0 `aie_image`: id 0x1c000000",
            "argument 1 of IP 0 -> memory 1 `SRAM`",
            "IP `MLIR_AIE:MLIRAIE`: PS kernel, subtype DPU",
        ] {
            assert!(x.contains(needle), "{d}: `{needle}` missing from\n{x}");
        }
        // bootgen computed these checksums; we must find them right.
        assert!(!x.contains("CHECKSUM WRONG"), "{d}");
        assert_eq!(x.matches("checksum ok").count(), 3, "{d}");
        let p = inspect::inspect_file(&dir.join("main.pdi")).unwrap();
        assert!(p.contains("partition 0 (header at 0xd0): CDO"), "{d}");
        // The cores are enabled last: a masked write of bit 0 of each core's control register.
        assert!(
            p.trim_end()
                .ends_with("mask 0x00000001 value 0x00000001  compute tile (0,5) core control")
                || p.trim_end()
                    .ends_with("mask 0x00000001 value 0x00000001  compute tile (0,2) core control")
                || d == "passthrough_dmas",
            "{d}: {}",
            p.lines().last().unwrap()
        );
        for part in ["elfs", "init", "enable"] {
            let f = dir.join(format!("main_aie_cdo_{part}.bin"));
            let c = inspect::inspect_file(&f).unwrap();
            assert!(c.starts_with("CDO "), "{d} {part}");
        }
    }
}

#[test]
fn every_write_of_the_cdos_is_in_the_pdi_listing() {
    // The PDI (made by bootgen) re-encodes the CDOs (made by aie-translate); both listings
    // must show the same addresses.
    for d in DESIGNS {
        let dir = data(d);
        let pdi = inspect::inspect_file(&dir.join("main.pdi")).unwrap();
        let pdi = pdi.split_whitespace().collect::<Vec<_>>().join(" ");
        for part in ["elfs", "init", "enable"] {
            let c = inspect::inspect_file(&dir.join(format!("main_aie_cdo_{part}.bin"))).unwrap();
            for line in c.lines().skip(1).filter(|l| !l.contains("NOP")) {
                let tail = line
                    .split_whitespace()
                    .skip(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(
                    pdi.contains(&tail),
                    "{d} {part}: `{tail}` not in the PDI listing"
                );
            }
        }
    }
}

#[test]
fn decoding_names_tiles_and_registers() {
    let c = inspect::inspect_file(&data("vector_add_4core").join("main_aie_cdo_init.bin")).unwrap();
    for needle in [
        "compute tile (0,5) lock 0 value",
        "mem tile (0,1) DMA BD 0 word 0",
        "mem tile (0,1) lock 0 value",
        "shim tile (0,0) shim mux config",
        "S2MM 0 start queue",
        "compute tile (0,3) core control",
    ] {
        assert!(c.contains(needle), "`{needle}` missing from\n{c}");
    }
}

#[test]
fn kinds_and_unknown_files() {
    let dir = data("layernorm");
    assert_eq!(
        inspect::file_kind(&read(&dir.join("final.xclbin"))),
        Some(FileKind::Xclbin)
    );
    assert_eq!(
        inspect::file_kind(&read(&dir.join("main.pdi"))),
        Some(FileKind::Pdi)
    );
    assert_eq!(
        inspect::file_kind(&read(&dir.join("main_aie_cdo_init.bin"))),
        Some(FileKind::Cdo)
    );
    let bif = dir.join("main_design.bif");
    match inspect::inspect_file(&bif) {
        Err(e @ InspectError::Unknown { .. }) => {
            assert!(e.to_string().contains("main_design.bif"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    match inspect::inspect_file(&dir.join("no_such_file")) {
        Err(e @ InspectError::Read { .. }) => assert!(e.to_string().contains("no_such_file")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn corrupted_checksums_are_reported() {
    let mut pdi = read(&data("layernorm").join("main.pdi"));
    pdi[0xA0] ^= 0x20; // a letter of the image name: the image header checksum no longer fits
    let text = inspect::inspect_bytes("x.pdi", &pdi).unwrap();
    assert!(text.contains("CHECKSUM WRONG"), "{text}");
}

#[test]
fn a_damaged_pdi_inside_an_xclbin_is_reported_in_place() {
    let mut x = read(&data("layernorm").join("final.xclbin"));
    // The embedded PDI starts at 0x338 + 0xd0; its CDO partition data at +0x150. Break the
    // CDO header's checksum.
    x[0x338 + 0xd0 + 0x150 + 16] ^= 1;
    let text = inspect::inspect_bytes("x.xclbin", &x).unwrap();
    assert!(text.contains("cannot read this CDO"), "{text}");
    assert!(text.contains("section 6: GROUP_TOPOLOGY"), "{text}");
}

#[test]
fn truncated_and_mangled_files_never_panic() {
    let dir = data("passthrough_dmas");
    for f in [
        "final.xclbin",
        "main.pdi",
        "main_aie_cdo_init.bin",
        "insts.bin",
    ] {
        let bytes = read(&dir.join(f));
        for len in 0..bytes.len() {
            let r = inspect::inspect_bytes(f, &bytes[..len]);
            if f != "main.pdi" {
                assert!(r.is_err(), "{f} cut to {len} bytes was accepted");
            }
            if let Err(e) = r {
                assert!(e.to_string().contains(f), "{e}");
            }
        }
        // Single-byte changes all over the file.
        let mut seed = 12345u64;
        for _ in 0..1000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let mut m = bytes.clone();
            let at = (seed >> 33) as usize % m.len();
            m[at] = (seed >> 20) as u8;
            let _ = inspect::inspect_bytes(f, &m);
        }
    }
}

/// `(col, row, source bundle, source channel, dest bundle, dest channel)` of every
/// `aie.connect` inside an `aie.switchbox` of mlir-aie's physical MLIR.
fn switchbox_connections(mlir: &str) -> Vec<(u32, u32, String, u32, String, u32)> {
    let mut out = Vec::new();
    let mut tile = None;
    for line in mlir.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("%switchbox_") {
            let mut it = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            let col = it.next().unwrap().parse().unwrap();
            let row = it.next().unwrap().parse().unwrap();
            tile = Some((col, row));
        } else if l.starts_with('}') {
            tile = None;
        } else if let (Some((c, r)), Some(inner)) = (tile, l.strip_prefix("aie.connect<")) {
            let inner = inner.trim_end_matches('>');
            let parts: Vec<&str> = inner.split([',', ':']).map(str::trim).collect();
            out.push((
                c,
                r,
                parts[0].to_string(),
                parts[1].parse().unwrap(),
                parts[2].to_string(),
                parts[3].parse().unwrap(),
            ));
        }
    }
    out
}

#[test]
fn stream_switch_ports_match_the_routed_mlir() {
    // Each routed connection of mlir-aie's physical MLIR is a master and a slave configuration
    // write in the CDO; the listing must name both ports as the MLIR does.
    for d in DESIGNS {
        let dir = data(d);
        let mlir = std::fs::read_to_string(dir.join("physical.mlir")).unwrap();
        let conns = switchbox_connections(&mlir);
        assert!(!conns.is_empty(), "{d}");
        let c = inspect::inspect_file(&dir.join("main_aie_cdo_init.bin")).unwrap();
        for (col, row, sb, sc, db, dc) in conns {
            for needle in [
                format!("({col},{row}) stream switch master config {db} {dc}"),
                format!("({col},{row}) stream switch slave config {sb} {sc}"),
            ] {
                assert!(c.contains(&needle), "{d}: `{needle}` missing");
            }
        }
    }
}

#[test]
fn instruction_streams_list_the_npu_ops() {
    // Each aiex.npu op of mlir-aie's lowered MLIR is one listed op at the same address.
    for d in DESIGNS.iter().filter(|d| **d != "layernorm_elf") {
        let dir = data(d);
        let text = inspect::inspect_file(&dir.join("insts.bin")).unwrap();
        let mlir = std::fs::read_to_string(dir.join("npu_lowered.mlir")).unwrap();
        let ops: Vec<&str> = mlir
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("aiex.npu.") && !l.starts_with("aiex.npu.dma"))
            .collect();
        let listed: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(ops.len(), listed.len(), "{d}:\n{text}");
        for (op, line) in ops.iter().zip(&listed) {
            let kind = op["aiex.npu.".len()..]
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap();
            let want = match kind {
                "blockwrite" => "BLOCKWRITE",
                "address_patch" => "DDR_PATCH",
                "write32" => "WRITE",
                "maskwrite32" => "MASKWRITE",
                "sync" => "SYNC",
                other => panic!("{d}: unexpected op {other}"),
            };
            assert!(line.contains(want), "{d}: `{op}` vs `{line}`");
            let addr = op
                .split(['{', ',', '}'])
                .map(str::trim)
                .find_map(|kv| kv.strip_prefix("address = ").or(kv.strip_prefix("addr = ")))
                .and_then(|v| v.split(' ').next())
                .map(|v| v.parse::<u32>().unwrap());
            if let Some(a) = addr {
                assert!(
                    line.contains(&format!("{a:#010x}")),
                    "{d}: `{op}` vs `{line}`"
                );
            }
        }
        assert!(text.contains("shim tile (0,0) DMA BD"), "{d}");
    }
}

#[test]
fn xclbin_checks_find_what_xrt_would_refuse() {
    use aie_dsl::back::xclbin::{self, parse, XclbinInput};
    use aie_dsl::target::Device;
    for d in DESIGNS {
        let x = parse::parse(&read(&data(d).join("final.xclbin"))).unwrap();
        assert!(inspect::xclbin_checks(&x).is_empty(), "{d}");
        let text = inspect::inspect_file(&data(d).join("final.xclbin")).unwrap();
        assert!(text.contains("checks: no problem found"), "{d}");
    }
    // A kernel id no PDI serves, a partition that does not fit, a damaged PDI.
    let pdi = read(&data("layernorm").join("main.pdi"));
    let mut input = XclbinInput::for_device(Device::Npu1_1Col, pdi.clone());
    input.kernel.kernel_id = 0x902;
    let mut bytes = xclbin::write(&input).unwrap();
    // Make the CDO group list 0x901 again while the IP says 0x902: patch the group's id.
    let x = parse::parse(&bytes).unwrap();
    let sec = x.section(xclbin::format::kind::AIE_PARTITION).unwrap();
    let part = parse::aie_partition(&sec.payload).unwrap();
    assert_eq!(part.pdis[0].cdo_groups[0].dpu_kernel_ids, [0x902]);
    let at = sec.offset as usize
        + sec
            .payload
            .windows(8)
            .position(|w| w == 0x902u64.to_le_bytes())
            .unwrap();
    bytes[at] = 0x01;
    let problems = inspect::xclbin_checks(&parse::parse(&bytes).unwrap());
    assert!(problems.iter().any(|p| p.contains("0x902")), "{problems:?}");

    let mut input = XclbinInput::for_device(Device::Npu1_1Col, pdi.clone());
    input.column_width = 2;
    input.start_columns = vec![4];
    let mut bad_pdi = pdi;
    bad_pdi[0xA0] ^= 1;
    input.pdi = bad_pdi;
    let problems = inspect::xclbin_checks(&parse::parse(&xclbin::write(&input).unwrap()).unwrap());
    assert!(
        problems.iter().any(|p| p.contains("start column 4")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("checksum")),
        "{problems:?}"
    );
}

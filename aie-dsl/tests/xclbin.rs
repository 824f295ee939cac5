//! The xclbin writer against xclbinutil's output (tests/data/toolchain/*/final.xclbin, see
//! its PROVENANCE.md): every section equal, header and mirror data equal except the fields
//! xclbinutil fills from the clock and a random generator.

use std::path::{Path, PathBuf};

use aie_dsl::back::xclbin::{self, format::kind, parse, PdiUuid, XclbinInput};
use aie_dsl::target::Device;

mod common;

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

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The input aiecc.cpp gave xclbinutil for the oracle: its PDI, a zero PDI UUID, npu1_1col.
fn oracle_input(design: &str) -> XclbinInput {
    let mut input =
        XclbinInput::for_device(Device::Npu1_1Col, read(&data(design).join("main.pdi")));
    input.pdi_uuid = PdiUuid::Zero;
    input
}

/// The file with the clock- and random-derived fields blanked: `m_uniqueId`, `m_timeStamp`,
/// the UUID and the length in the header, and their copies in the mirror JSON.
fn normalized(bytes: &[u8]) -> (Vec<u8>, String) {
    let x = parse::parse(bytes).unwrap();
    let start = bytes
        .windows(24)
        .position(|w| w == b"XCLBIN_MIRROR_DATA_START")
        .expect("mirror data");
    let mut head = bytes[..start].to_vec();
    head[0x128..0x130].fill(0); // m_uniqueId
    head[0x130..0x140].fill(0); // m_length, m_timeStamp
    head[0x1A0..0x1B0].fill(0); // uuid
    let mut mirror = x.mirror.unwrap();
    for key in ["UniqueID", "TimeStamp", "XclBinUUID"] {
        let pat = format!("\"{key}\":\"");
        let at = mirror.find(&pat).expect(key) + pat.len();
        let end = at + mirror[at..].find('"').unwrap();
        mirror.replace_range(at..end, "");
    }
    (head, mirror)
}

#[test]
fn sections_equal_xclbinutils() {
    for design in DESIGNS {
        let ours = xclbin::write(&oracle_input(design)).expect(design);
        let theirs = read(&data(design).join("final.xclbin"));
        let (a, b) = (parse::parse(&ours).unwrap(), parse::parse(&theirs).unwrap());
        assert_eq!(a.sections.len(), 7, "{design}");
        assert_eq!(a.sections.len(), b.sections.len(), "{design}");
        for (s, t) in a.sections.iter().zip(&b.sections) {
            assert_eq!(
                (s.kind, &s.name, s.offset),
                (t.kind, &t.name, t.offset),
                "{design}"
            );
            assert!(
                s.payload == t.payload,
                "{design}: section {} differs",
                s.kind_name()
            );
        }
        assert_eq!((a.version, a.mode), (b.version, b.mode), "{design}");
        assert_eq!(a.length as usize, ours.len());
        // Everything else, header and mirror data, equal once clock and random fields are blanked.
        let (ha, ma) = normalized(&ours);
        let (hb, mb) = normalized(&theirs);
        assert!(ha == hb, "{design}: header or section bytes differ");
        assert_eq!(ma, mb, "{design}: mirror data differs");
        // The PDI inside is the oracle's.
        let part = parse::aie_partition(&a.section(kind::AIE_PARTITION).unwrap().payload).unwrap();
        assert_eq!(part.pdis[0].image, read(&data(design).join("main.pdi")));
        assert_eq!(part.column_width, 1);
        assert_eq!(part.start_columns, [1, 2, 3, 4]);
    }
}

#[test]
fn same_input_same_bytes_and_uuid_follows_content() {
    let input =
        XclbinInput::for_device(Device::Npu1_1Col, read(&data("layernorm").join("main.pdi")));
    let one = xclbin::write(&input).unwrap();
    let two = xclbin::write(&input.clone()).unwrap();
    assert!(one == two);
    let other = XclbinInput::for_device(
        Device::Npu1_1Col,
        read(&data("vector_add_4core").join("main.pdi")),
    );
    let three = xclbin::write(&other).unwrap();
    let (a, c) = (parse::parse(&one).unwrap(), parse::parse(&three).unwrap());
    assert_ne!(
        a.uuid, c.uuid,
        "different designs need different xclbin UUIDs"
    );
    assert_ne!(a.uuid, [0; 16]);
    let pa = parse::aie_partition(&a.section(kind::AIE_PARTITION).unwrap().payload).unwrap();
    let pc = parse::aie_partition(&c.section(kind::AIE_PARTITION).unwrap().payload).unwrap();
    assert_ne!(pa.pdis[0].uuid, pc.pdis[0].uuid);
    assert_ne!(pa.pdis[0].uuid, [0; 16]);
}

#[test]
fn partition_columns_follow_pythons_aiecc() {
    // mlir-aie python/compiler/aiecc/main.py emit_partition: [0] for npu1, else range(1, 6 - W).
    let cases = [
        (Device::Npu1, 4, vec![0]),
        (Device::Npu1_1Col, 1, vec![1, 2, 3, 4]),
        (Device::Npu1_2Col, 2, vec![1, 2, 3]),
        (Device::Npu1_3Col, 3, vec![1, 2]),
    ];
    for (device, width, starts) in cases {
        let input = XclbinInput::for_device(device, vec![1, 2, 3, 4]);
        let x = parse::parse(&xclbin::write(&input).unwrap()).unwrap();
        let p = parse::aie_partition(&x.section(kind::AIE_PARTITION).unwrap().payload).unwrap();
        assert_eq!(
            (p.column_width, p.start_columns),
            (width, starts),
            "{device}"
        );
        let problems = aie_dsl::inspect::xclbin_checks(&x);
        // The only finding allowed: the 4-byte stand-in PDI is not a PDI.
        assert!(
            problems.len() == 1 && problems[0].contains("PDI 0 cannot be read"),
            "{device}: {problems:?}"
        );
    }
    let design = common::passthrough_kernel(true);
    assert_eq!(
        XclbinInput::from_design(&design, vec![1]),
        XclbinInput::for_device(Device::Npu1_1Col, vec![1])
    );
}

#[test]
fn truncated_xclbins_are_errors_not_panics() {
    let bytes = read(&data("passthrough_dmas").join("final.xclbin"));
    for len in 0..bytes.len() {
        let cut = &bytes[..len];
        assert!(parse::parse(cut).is_err(), "length {len} parsed");
    }
    // Every payload parser on every prefix of its section.
    let x = parse::parse(&bytes).unwrap();
    for s in &x.sections {
        for len in 0..s.payload.len() {
            let p = &s.payload[..len];
            let _ = parse::aie_partition(p);
            let _ = parse::mem_topology(p);
            let _ = parse::ip_layout(p);
            let _ = parse::connectivity(p);
        }
    }
}

#[test]
fn bad_inputs_are_named() {
    let mut input = XclbinInput::for_device(Device::Npu1_1Col, vec![1]);
    input.kernel.args[3].ty = "struct foo".into();
    let e = xclbin::write(&input).unwrap_err().to_string();
    assert!(e.contains("bo0") && e.contains("struct foo"), "{e}");
    let mut input = XclbinInput::for_device(Device::Npu1_1Col, vec![1]);
    input.mem_banks.pop();
    let e = xclbin::write(&input).unwrap_err().to_string();
    assert!(e.contains("instr") && e.contains("SRAM"), "{e}");
    let input = XclbinInput::for_device(Device::Npu1_1Col, vec![]);
    assert!(xclbin::write(&input).is_err());
}

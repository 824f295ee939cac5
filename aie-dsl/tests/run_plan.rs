//! Planning an XRT run (aie_dsl::run::plan) against files mlir-aie's toolchain made for the
//! passthrough_kernel design (tests/data/toolchain/passthrough_kernel, see its PROVENANCE.md):
//! `insts.bin` from aie-translate, `final.xclbin` from xclbinutil, and the JSON aiecc gave
//! xclbinutil. No XRT is needed: these are the checks made before XRT is touched.

use std::path::{Path, PathBuf};

use aie_dsl::prelude::*;
use aie_dsl::run::plan::{self, FIRST_BUFFER_ARG, OPCODE};
use aie_dsl::run::{Input, Output, Plan, Role, RunError};

mod common;

fn data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/toolchain/passthrough_kernel")
        .join(file)
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(data(file)).unwrap()
}

fn plan_for(design: &Validated) -> Result<Plan, RunError> {
    Plan::new(
        design,
        &data("insts.bin"),
        &read("insts.bin"),
        &data("final.xclbin"),
        &read("final.xclbin"),
    )
}

/// The value of `"key": <number>` in aiecc's JSON (the first occurrence).
fn json_number(json: &str, key: &str) -> u64 {
    let at = json.find(&format!("\"{key}\"")).unwrap();
    let rest = &json[at..];
    let colon = rest.find(':').unwrap();
    rest[colon + 1..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn plan_follows_the_toolchain_files() {
    let design = common::passthrough_kernel(true);
    let p = plan_for(&design).unwrap();

    // The kernel aiecc declared (main_kernels.json) is the one XRT must open.
    let kernels = String::from_utf8(read("main_kernels.json")).unwrap();
    assert!(kernels.contains(&format!("\"name\": \"{}\"", p.kernel)));
    assert_eq!(p.kernel, "MLIR_AIE");

    // ninstr counts the words aie-translate wrote; the header's byte size agrees.
    let insts = read("insts.bin");
    assert_eq!(p.ninstr() as usize * 4, insts.len());
    assert_eq!(
        p.instructions.first().copied(),
        Some(u32::from_le_bytes(insts[..4].try_into().unwrap()))
    );
    assert_eq!(p.instructions.last().copied(), {
        let n = insts.len();
        Some(u32::from_le_bytes(insts[n - 4..].try_into().unwrap()))
    });

    // The partition aiecc described for xclbinutil.
    let part = String::from_utf8(read("main_aie_partition.json")).unwrap();
    assert_eq!(
        u64::from(p.column_width),
        json_number(&part, "column_width")
    );

    // One buffer per runtime argument: 4096 × i32 each, kernel arguments 3 and 4; `in` is read
    // by the array, `out` written.
    assert_eq!(p.args.len(), 2);
    for (i, a) in p.args.iter().enumerate() {
        assert_eq!(a.index, i);
        assert_eq!(a.kernel_arg, FIRST_BUFFER_ARG + i as u32);
        assert_eq!(a.bytes, 4096 * 4);
    }
    assert_eq!(p.args[0].role, Role::Input);
    assert_eq!(p.args[1].role, Role::Output);
    assert_eq!(OPCODE, 3);
}

#[test]
fn matching_buffers_pass_the_check() {
    let p = plan_for(&common::passthrough_kernel(true)).unwrap();
    let input = vec![7i32; 4096];
    let mut output = vec![0i32; 4096];
    p.check(&[Input::from(&input)], &[Output::from(&mut output)])
        .unwrap();
    // Raw bytes of the right size are accepted too (only the size is known).
    let raw_in = vec![0u8; 4096 * 4];
    let mut raw_out = vec![0u8; 4096 * 4];
    p.check(&[Input::bytes(&raw_in)], &[Output::bytes(&mut raw_out)])
        .unwrap();
}

#[test]
fn a_wrong_buffer_count_is_refused_naming_the_arguments() {
    let p = plan_for(&common::passthrough_kernel(true)).unwrap();
    let a = vec![0i32; 4096];
    let b = vec![0i32; 4096];
    let mut out = vec![0i32; 4096];
    let e = p
        .check(
            &[Input::from(&a), Input::from(&b)],
            &[Output::from(&mut out)],
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            RunError::BufferCount {
                role: Role::Input,
                expected: 1,
                got: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("arguments 0"), "{e}");
    let e = p.check(&[Input::from(&a)], &[]).unwrap_err();
    assert!(
        matches!(
            e,
            RunError::BufferCount {
                role: Role::Output,
                expected: 1,
                got: 0,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_wrong_size_is_refused_naming_the_argument_and_the_size() {
    let p = plan_for(&common::passthrough_kernel(true)).unwrap();
    let short = vec![0i32; 4095];
    let mut out = vec![0i32; 4096];
    let e = p
        .check(&[Input::from(&short)], &[Output::from(&mut out)])
        .unwrap_err();
    match &e {
        RunError::BufferSize {
            index,
            expected,
            got,
            role,
            ..
        } => {
            assert_eq!(
                (*index, *expected, *got, *role),
                (0, 16384, 16380, Role::Input)
            );
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains("argument 0 (memref<4096xi32>)"), "{msg}");
    assert!(msg.contains("pass exactly 4096 i32 elements"), "{msg}");

    let input = vec![0i32; 4096];
    let mut long = vec![0u8; 4096 * 4 + 1];
    let e = p
        .check(&[Input::from(&input)], &[Output::bytes(&mut long)])
        .unwrap_err();
    assert!(
        matches!(
            e,
            RunError::BufferSize {
                index: 1,
                role: Role::Output,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_wrong_element_type_is_refused_even_at_the_right_size() {
    let p = plan_for(&common::passthrough_kernel(true)).unwrap();
    let floats = vec![0f32; 4096]; // 16384 bytes, as the argument, but f32
    let mut out = vec![0i32; 4096];
    let e = p
        .check(&[Input::from(&floats)], &[Output::from(&mut out)])
        .unwrap_err();
    assert!(
        matches!(
            e,
            RunError::BufferType {
                index: 0,
                expected: ElemType::I32,
                got: ElemType::F32,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("pass a slice of i32"), "{e}");
}

#[test]
fn damaged_instructions_are_refused() {
    let design = common::passthrough_kernel(true);
    let xclbin = read("final.xclbin");
    let mut insts = read("insts.bin");
    insts.pop();
    let e = Plan::new(
        &design,
        &data("insts.bin"),
        &insts,
        &data("final.xclbin"),
        &xclbin,
    )
    .unwrap_err();
    assert!(matches!(e, RunError::BadInstructions { .. }), "{e:?}");
    assert!(
        e.to_string().contains("whole number of 32-bit words"),
        "{e}"
    );

    // Dropping a word keeps whole words but contradicts the TXN header's byte size.
    let mut insts = read("insts.bin");
    insts.truncate(insts.len() - 4);
    let e = Plan::new(
        &design,
        &data("insts.bin"),
        &insts,
        &data("final.xclbin"),
        &xclbin,
    )
    .unwrap_err();
    assert!(e.to_string().contains("TXN header says"), "{e}");

    let e = plan::instruction_words(Path::new("x.bin"), &[0; 8]).unwrap_err();
    assert!(
        e.to_string().contains("shorter than the 4-word TXN header"),
        "{e}"
    );
}

#[test]
fn a_damaged_xclbin_is_refused() {
    let design = common::passthrough_kernel(true);
    let e = Plan::new(
        &design,
        &data("insts.bin"),
        &read("insts.bin"),
        &data("final.xclbin"),
        b"not an xclbin at all",
    )
    .unwrap_err();
    assert!(matches!(e, RunError::Xclbin { .. }), "{e:?}");
}

#[test]
fn more_runtime_arguments_than_the_kernel_has_buffers_are_refused() {
    // aiecc's kernel has buffer arguments bo0…bo4 (main_kernels.json).
    let kernels = String::from_utf8(read("main_kernels.json")).unwrap();
    let slots = kernels.matches("\"name\": \"bo").count();
    assert_eq!(slots, 5);

    let mut d = DesignBuilder::new("many_args", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let line = common::i32s(1024);
    let inp = d.fifo("in", shim, [core], 2, line.clone());
    let out = d.fifo("out", core, [shim], 2, line);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.release(i);
            c.release(o);
        })
    });
    d.runtime(|rt| {
        let args: Vec<_> = (0..=slots).map(|_| rt.arg(common::i32s(1024))).collect();
        rt.fill(inp, args[0], Transfer::linear(1024));
        rt.drain(out, args[1], Transfer::linear(1024).issue_token());
        rt.wait(out);
    });
    let design = d.finish().unwrap();
    let e = plan_for(&design).unwrap_err();
    match &e {
        RunError::TooManyArgs {
            args,
            slots: s,
            kernel,
            ..
        } => assert_eq!((*args, *s, kernel.as_str()), (slots + 1, slots, "MLIR_AIE")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_partition_narrower_than_the_device_is_refused() {
    // The same design for the whole 4-column array against a 1-column xclbin.
    let mut d = DesignBuilder::new("wide", Device::Npu1);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let line = common::i32s(1024);
    let inp = d.fifo("in", shim, [core], 2, line.clone());
    let out = d.fifo("out", core, [shim], 2, line);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.release(i);
            c.release(o);
        })
    });
    common::reference_runtime(&mut d, inp, out);
    let design = d.finish().unwrap();
    let e = plan_for(&design).unwrap_err();
    assert!(
        matches!(
            e,
            RunError::PartitionColumns {
                columns: 4,
                width: 1,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_design_without_runtime_sequence_has_nothing_to_run() {
    let e = plan_for(&common::passthrough_kernel(false)).unwrap_err();
    assert!(matches!(e, RunError::NoRuntimeSequence { .. }), "{e:?}");
}

#[test]
fn unused_arguments_get_a_buffer_but_take_no_user_buffer() {
    let mut d = DesignBuilder::new("unused", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let line = common::i32s(1024);
    let inp = d.fifo("in", shim, [core], 2, line.clone());
    let out = d.fifo("out", core, [shim], 2, line);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.release(i);
            c.release(o);
        })
    });
    d.runtime(|rt| {
        let a = rt.arg(common::i32s(4096));
        let _spare = rt.arg(MemRefType::vector(8, ElemType::U8));
        let b = rt.arg(common::i32s(4096));
        rt.fill(inp, a, Transfer::linear(4096));
        rt.drain(out, b, Transfer::linear(4096).issue_token());
        rt.wait(out);
    });
    let design = d.finish().unwrap();
    assert_eq!(
        plan::roles(&design),
        [Role::Input, Role::Unused, Role::Output]
    );
    let p = plan_for(&design).unwrap();
    assert_eq!(p.args[1].bytes, 8);
    assert_eq!(p.args[2].kernel_arg, 5);
    let input = vec![0i32; 4096];
    let mut output = vec![0i32; 4096];
    p.check(&[Input::from(&input)], &[Output::from(&mut output)])
        .unwrap();
}

#[cfg(not(feature = "xrt"))]
#[test]
fn without_the_feature_opening_the_npu_says_what_is_needed() {
    let e = aie_dsl::run::Npu::open(0).unwrap_err();
    assert!(matches!(e, RunError::NoXrt));
    let msg = e.to_string();
    assert!(msg.contains("`xrt` cargo feature"), "{msg}");
    assert!(msg.contains("XRT 2.17 or newer"), "{msg}");
}

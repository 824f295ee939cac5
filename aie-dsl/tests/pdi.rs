//! The PDI writer against bootgen: the oracle PDIs made by bootgen from aie-translate's CDOs
//! (tests/data/toolchain, see its PROVENANCE.md), and, when `bootgen` is on the PATH, bootgen
//! run live on those CDOs and on CDOs built here (odd sizes, long commands, 64-bit and NPI
//! addresses, every alignment).

use std::path::{Path, PathBuf};

use aie_dsl::back::pdi::{self, CdoFile, CdoSet, PdiError, PdiOptions};

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

fn oracle_set(design: &str) -> CdoSet {
    let dir = data(design);
    CdoSet::aiecc(
        "main",
        read(&dir.join("main_aie_cdo_elfs.bin")),
        read(&dir.join("main_aie_cdo_init.bin")),
        read(&dir.join("main_aie_cdo_enable.bin")),
    )
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("first difference at byte {i:#x}"),
        None => format!("lengths {} and {}", a.len(), b.len()),
    }
}

#[test]
fn oracle_pdis_are_reproduced_byte_for_byte() {
    for design in DESIGNS {
        let ours = pdi::write(&oracle_set(design)).expect(design);
        let theirs = read(&data(design).join("main.pdi"));
        assert!(
            ours == theirs,
            "{design}: our PDI differs from bootgen's ({})",
            first_difference(&ours, &theirs)
        );
    }
}

#[test]
fn the_bif_is_aieccs() {
    for design in DESIGNS {
        let ours = pdi::bif(&oracle_set(design), "<dir>", &PdiOptions::default());
        let theirs = String::from_utf8(read(&data(design).join("main_design.bif"))).unwrap();
        assert_eq!(ours, theirs, "{design}");
    }
}

// ---------------------------------------------------------------------------------------------
// CDOs built here, in the encoding aie-rt's CDO back end (bootgen's cdo_driver.c) uses.

struct CdoBuilder {
    words: Vec<u32>,
}

impl CdoBuilder {
    fn new() -> Self {
        // Every aie-rt CDO starts with a one-word NOP.
        CdoBuilder { words: vec![0x111] }
    }
    fn cmd(&mut self, id: u32, payload: &[u32], long: bool) {
        if payload.len() < 255 && !long {
            self.words.push(((payload.len() as u32) << 16) | id);
        } else {
            self.words.push((255 << 16) | id);
            self.words.push(payload.len() as u32);
        }
        self.words.extend_from_slice(payload);
    }
    fn write64(&mut self, addr: u64, v: u32) {
        self.cmd(0x108, &[(addr >> 32) as u32, addr as u32, v], false);
    }
    fn mask_write64(&mut self, addr: u64, m: u32, v: u32) {
        self.cmd(0x107, &[(addr >> 32) as u32, addr as u32, m, v], false);
    }
    fn mask_poll64(&mut self, addr: u64, m: u32, v: u32, extra: &[u32]) {
        let mut p = vec![(addr >> 32) as u32, addr as u32, m, v];
        p.extend_from_slice(extra);
        self.cmd(0x106, &p, false);
    }
    /// A block write as cdo_driver.c writes it: a NOP first so that the payload starts on a
    /// 16-byte boundary of the file.
    fn block(&mut self, addr: u64, data: &[u32]) {
        let long = data.len() + 2 >= 255;
        let before = 5 + self.words.len() + if long { 4 } else { 3 };
        let pad = (4 - before % 4) % 4;
        if pad > 0 {
            self.cmd(0x111, &vec![0; pad - 1], false);
        }
        let mut p = vec![(addr >> 32) as u32, addr as u32];
        p.extend_from_slice(data);
        self.cmd(0x105, &p, false);
    }
    fn bytes(&self) -> Vec<u8> {
        let mut w = vec![4, 0x004F_4443, 0x200, self.words.len() as u32, 0];
        w[4] = !w[..4].iter().fold(0u32, |a, x| a.wrapping_add(*x));
        w.extend_from_slice(&self.words);
        w.iter().flat_map(|x| x.to_le_bytes()).collect()
    }
}

/// A tiny deterministic generator (the tests must not depend on a random seed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

fn data_words(g: &mut Lcg, n: usize) -> Vec<u32> {
    (0..n).map(|_| g.next()).collect()
}

/// Hand-picked edge cases: block sizes around the long-form limit, every destination alignment,
/// 64-bit and NPI addresses, long-form encodings of short commands, polls with flags.
fn edge_set() -> CdoSet {
    let mut g = Lcg(7);
    let mut a = CdoBuilder::new();
    for (i, n) in [0usize, 1, 2, 3, 4, 5, 7, 252, 253, 254, 255, 256, 300, 1000]
        .into_iter()
        .enumerate()
    {
        let addr = 0x0021_D000 + 4 * i as u64;
        let d = data_words(&mut g, n);
        a.block(addr, &d);
        a.write64(addr + 0x40, g.next());
    }
    let mut b = CdoBuilder::new();
    b.mask_write64(0x0023_2000, 3, 2);
    b.mask_poll64(0x0023_2004, 1, 1, &[10]);
    b.mask_poll64(0x0023_2004, 1, 1, &[10, 5]);
    // (The 7-word form with an error code is v2023.2's; Debian's 2022.2 rejects it.)
    b.mask_poll64(0x1_0023_2004, 1, 1, &[10]);
    b.write64(0x2_0000_0010, 5);
    b.mask_write64(0x2_0000_0010, 5, 6);
    b.block(0x3_0000_0008, &data_words(&mut g, 9));
    b.cmd(0x111, &[1, 2, 3], true);
    b.cmd(0x108, &[0, 0x0010_0000, 7], true);
    b.cmd(0x104, &[100], false);
    b.cmd(0x10C, &[0, 0x0022_0000, 16, 0xAB], false);
    for off in 0..6u64 {
        b.block(
            0xF600_0000 + 4 * off,
            &data_words(&mut g, 3 + off as usize * 3),
        );
    }
    b.block(0xF7FF_FFF0, &data_words(&mut g, 2));
    let mut c = CdoBuilder::new();
    c.mask_write64(0x0023_2000, 1, 1);
    CdoSet::aiecc("edge", a.bytes(), b.bytes(), c.bytes())
}

/// A pseudo-random CDO set with `files` files of up to `cmds` commands each.
fn random_set(seed: u64, files: usize, cmds: u32) -> CdoSet {
    let mut g = Lcg(seed);
    let mut set = CdoSet::default();
    for f in 0..files {
        let mut b = CdoBuilder::new();
        for _ in 0..=g.below(cmds) {
            let col = u64::from(g.below(4));
            let row = u64::from(g.below(6));
            let addr = (col << 25) | (row << 20) | u64::from(g.below(0x40000) & !3);
            match g.below(6) {
                0 => b.write64(addr, g.next()),
                1 => b.mask_write64(addr, g.next(), g.next()),
                2 => b.mask_poll64(addr, g.next(), g.next(), &[g.below(1000)]),
                3 => {
                    let n = g.below(20) as usize;
                    b.cmd(0x111, &vec![0; n], false);
                }
                _ => {
                    let n = match g.below(4) {
                        0 => g.below(600),
                        _ => g.below(12),
                    } as usize;
                    let d = data_words(&mut g, n);
                    b.block(addr, &d);
                }
            }
        }
        set.files.push(CdoFile {
            name: format!("rand{seed}_{f}.bin"),
            bytes: b.bytes(),
        });
    }
    set
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-dsl-pdi-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run_bootgen(bootgen: &Path, set: &CdoSet, tag: &str) -> Vec<u8> {
    let dir = temp_dir(tag);
    let pdi = pdi::bootgen::run(bootgen, set, &PdiOptions::default(), &dir)
        .unwrap_or_else(|e| panic!("{tag}: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    pdi
}

#[test]
fn live_bootgen_agrees() {
    let Some(bootgen) = pdi::bootgen::find() else {
        // Written to the process's stderr directly, past the test harness's capture, so the
        // skip shows in a normal `cargo test` run.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED live_bootgen_agrees: `bootgen` is not on the PATH (install Debian's \
             `xilinx-bootgen`, as scripts/setup.sh does); only the stored oracle PDIs were compared"
        );
        return;
    };
    let mut cases: Vec<(String, CdoSet)> = DESIGNS
        .iter()
        .map(|d| (d.to_string(), oracle_set(d)))
        .collect();
    cases.push(("edge".into(), edge_set()));
    for seed in 0..12u64 {
        let files = 1 + (seed % 4) as usize;
        cases.push((format!("random{seed}"), random_set(seed, files, 60)));
    }
    cases.push(("random_big".into(), random_set(99, 3, 3000)));
    for (tag, set) in &cases {
        let theirs = run_bootgen(&bootgen, set, tag);
        let ours = pdi::write(set).unwrap_or_else(|e| panic!("{tag}: {e}"));
        assert!(
            ours == theirs,
            "{tag}: our PDI ({} bytes) differs from bootgen's ({} bytes): {}",
            ours.len(),
            theirs.len(),
            first_difference(&ours, &theirs)
        );
    }
}

#[test]
fn truncated_cdos_are_typed_errors() {
    let set = oracle_set("layernorm");
    let init = &set.files[1].bytes;
    for len in 0..init.len() {
        let mut s = set.clone();
        s.files[1].bytes.truncate(len);
        match pdi::write(&s) {
            Err(PdiError::Cdo { file, .. }) => assert_eq!(file, "main_aie_cdo_init.bin"),
            other => panic!("length {len}: expected a CDO error, got {other:?}"),
        }
    }
}

#[test]
fn malformed_input_is_rejected_not_misencoded() {
    // An empty set, a CDO without commands, a corrupted checksum, an unsupported command.
    assert!(matches!(
        pdi::write(&CdoSet::default()),
        Err(PdiError::NoCdo)
    ));
    let empty = CdoBuilder { words: vec![] }.bytes();
    let set = CdoSet::aiecc(
        "x",
        empty,
        CdoBuilder::new().bytes(),
        CdoBuilder::new().bytes(),
    );
    assert!(
        matches!(pdi::write(&set), Err(PdiError::EmptyCdo { file }) if file == "x_aie_cdo_elfs.bin")
    );
    let mut bad = CdoBuilder::new().bytes();
    bad[16] ^= 1;
    let set = CdoSet::aiecc(
        "x",
        bad,
        CdoBuilder::new().bytes(),
        CdoBuilder::new().bytes(),
    );
    assert!(matches!(pdi::write(&set), Err(PdiError::Cdo { .. })));
    let mut b = CdoBuilder::new();
    b.cmd(0x11A, &[1], false); // PROC: not an AIE CDO command
    let set = CdoSet::aiecc(
        "x",
        b.bytes(),
        CdoBuilder::new().bytes(),
        CdoBuilder::new().bytes(),
    );
    let err = pdi::write(&set).unwrap_err().to_string();
    assert!(
        err.contains("x_aie_cdo_elfs.bin") && err.contains("0x011a"),
        "{err}"
    );
    let opts = PdiOptions {
        image_name: "a_name_longer_than_16".into(),
        ..PdiOptions::default()
    };
    assert!(matches!(
        pdi::write_with(&oracle_set("layernorm"), &opts),
        Err(PdiError::ImageNameTooLong { .. })
    ));
}

#[test]
fn mangled_cdos_never_panic() {
    // Single-word changes anywhere in each input file: a typed error or a PDI, never a panic.
    let set = oracle_set("vector_scalar_mul");
    let mut g = Lcg(3);
    for _ in 0..2000 {
        let mut s = set.clone();
        let f = g.below(3) as usize;
        let words = s.files[f].bytes.len() / 4;
        let at = 4 * g.below(words as u32) as usize;
        let v = match g.below(3) {
            0 => g.next(),
            1 => g.next() & 0x00FF_FFFF,
            _ => 0x00FF_0000 | (g.next() & 0xFFFF),
        };
        s.files[f].bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
        if let Err(e) = pdi::write(&s) {
            assert!(e.to_string().contains(&s.files[f].name), "{e}");
        }
    }
}

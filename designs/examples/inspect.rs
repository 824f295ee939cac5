//! `cargo run --example inspect -- FILE…`: describes xclbin, PDI and CDO files — sections,
//! kernels and arguments, the AIE partition, the PDIs inside and every CDO command with the
//! tile and register it writes. (What `aie inspect FILE` will print.)

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: cargo run --example inspect -- FILE… (an xclbin, a PDI or a CDO file)");
        return ExitCode::from(2);
    }
    let mut status = ExitCode::SUCCESS;
    for f in files {
        match aie_dsl::inspect::inspect_file(f.as_ref()) {
            Ok(text) => print!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}

//! Prints the plan of one Whisper-base encoder block as a sequence of this crate's designs:
//! for each step its design (marked "design pending" when none of that name is registered),
//! the shapes, the bytes moved between host and NPU, and what stays on the host.
//!
//! `cargo run --example encoder_plan` (`-- tiny` for Whisper-tiny's shapes).

use designs::encoder_plan::{encoder_block, render, WHISPER_BASE, WHISPER_TINY};

fn main() {
    let model = match std::env::args().nth(1).as_deref() {
        None | Some("base") => WHISPER_BASE,
        Some("tiny") => WHISPER_TINY,
        Some(other) => {
            eprintln!("unknown model `{other}`; use `base` or `tiny`");
            std::process::exit(2);
        }
    };
    match encoder_block(&model) {
        Ok(steps) => print!("{}", render(&model, &steps)),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

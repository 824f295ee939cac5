//! Writes the picture and the report page of a design: `build/<name>/<name>.svg` and
//! `build/<name>/<name>.html`, and says where.
//!
//! `cargo run --example report -- <name>`: `<name>` is a registered design
//! (`layernorm`, `vector_add_4core`, …) or `vector_add_4x4`, the 16-core demo design.

use std::process::ExitCode;

use aie_dsl::prelude::*;

fn find(name: &str) -> Option<designs::DesignFn> {
    if name == "vector_add_4x4" {
        return Some(designs::report_demo::vector_add_4x4);
    }
    designs::all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f)
}

fn run(design: &Design) -> Result<(), Error> {
    let phys = aie_dsl::lower::objectfifo::lower(design)?;
    let insts = aie_dsl::instructions(design)?;
    let insts_len = aie_dsl::back::insts::to_bytes(&insts).len();
    let dir = designs::default_out_dir().join(&design.name);
    let svg = dir.join(format!("{}.svg", design.name));
    let html = dir.join(format!("{}.html", design.name));
    aie_dsl::artifact::write_atomic(&svg, aie_dsl::report::svg(design, &phys).as_bytes())?;
    aie_dsl::artifact::write_atomic(
        &html,
        aie_dsl::report::html(design, &phys, insts_len).as_bytes(),
    )?;
    println!("wrote {}", svg.display());
    println!("wrote {}", html.display());
    println!(
        "open file://{}",
        html.canonicalize().unwrap_or(html).display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let names: Vec<&str> = designs::all().into_iter().map(|(n, _)| n).collect();
    let Some(name) = std::env::args().nth(1) else {
        eprintln!(
            "usage: cargo run --example report -- <design>\ndesigns: {}, vector_add_4x4",
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    let Some(f) = find(&name) else {
        eprintln!(
            "error: no design `{name}`; designs: {}, vector_add_4x4",
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    match f().and_then(|d| run(&d)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

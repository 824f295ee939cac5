//! `aie`: the command line over the designs registered with `#[aie_dsl::design]`.
//!
//! ```text
//! aie list                         the registered designs
//! aie build NAME [--out DIR]       every artifact into DIR/NAME/ (default build/)
//! aie report NAME [--out DIR]      the picture and report page, and the resources per tile
//! aie inspect FILE...              what an xclbin, PDI, CDO or insts.bin holds
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Build and look into aie-dsl designs.
#[derive(Parser)]
#[command(name = "aie", version, about = "Build and look into aie-dsl designs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the registered designs.
    List,
    /// Build a design: MLIR, physical MLIR and insts.bin into DIR/NAME/.
    Build {
        /// The design's name (see `aie list`).
        name: String,
        /// The output folder.
        #[arg(long, default_value = "build")]
        out: PathBuf,
        /// Also have MLIR's verifier check the design's and the physical MLIR before they are
        /// written (the tests do this for every design; a build leaves it out for speed). Needs
        /// MLIR in the process: `cargo run --features mlir --bin aie -- build … --verify-mlir`.
        #[arg(long)]
        verify_mlir: bool,
    },
    /// Write a design's picture (SVG) and report page (HTML); print its resources per tile.
    Report {
        /// The design's name (see `aie list`).
        name: String,
        /// The output folder.
        #[arg(long, default_value = "build")]
        out: PathBuf,
    },
    /// Describe xclbin, PDI, CDO or insts.bin files: sections, kernels, partitions, and every
    /// configuration write named by tile and register.
    Inspect {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(text) => {
            // A closed pipe (`aie list | head`) is not an error worth a panic.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `command`; returns what to print.
fn run(command: Command) -> Result<String, String> {
    use std::fmt::Write;
    let mut out = String::new();
    match command {
        Command::List => {
            for entry in aie_dsl::registry::designs() {
                let _ = writeln!(out, "{}", entry.name);
            }
            Ok(out)
        }
        Command::Build {
            name,
            out: dir,
            verify_mlir,
        } => {
            let design = load(&name)?;
            let options = designs::build_options(dir).verify_mlir(verify_mlir);
            let built = aie_dsl::build(&design, &options).map_err(|e| e.to_string())?;
            out.push_str(&designs::describe(&built));
            Ok(out)
        }
        Command::Report { name, out: dir } => {
            let design = load(&name)?;
            let options =
                designs::build_options(dir).only([aie_dsl::Artifact::Svg, aie_dsl::Artifact::Html]);
            let built = aie_dsl::build(&design, &options).map_err(|e| e.to_string())?;
            out.push_str(&built.summary);
            out.push_str(&designs::describe(&built));
            if let Some(page) = built.path(aie_dsl::Artifact::Html) {
                let _ = writeln!(out, "open {} in a browser", page.display());
            }
            Ok(out)
        }
        Command::Inspect { files } => {
            for f in files {
                out.push_str(&aie_dsl::inspect::inspect_file(&f).map_err(|e| e.to_string())?);
            }
            Ok(out)
        }
    }
}

/// The registered design `name`, built and validated.
fn load(name: &str) -> Result<aie_dsl::valid::Validated, String> {
    // Referencing the crate links its registered designs into this binary.
    let _ = designs::all;
    let entry = aie_dsl::registry::find(name).ok_or_else(|| {
        let known: Vec<_> = aie_dsl::registry::designs()
            .iter()
            .map(|e| e.name)
            .collect();
        format!(
            "no design called `{name}`; the registered designs are: {}",
            known.join(", ")
        )
    })?;
    (entry.build)().map_err(|e| e.to_string())
}

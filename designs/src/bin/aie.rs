//! `aie`: the command line over the designs registered with `#[aie_dsl::design]`.
//!
//! ```text
//! aie list                         the registered designs
//! aie build NAME [--out DIR]       every artifact into DIR/NAME/ (default build/)
//! aie report NAME                  the design's resources per tile, before and after lowering
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
    },
    /// Print a design's resources per tile, before and after lowering.
    Report {
        /// The design's name (see `aie list`).
        name: String,
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
        Command::Build { name, out: dir } => {
            let design = load(&name)?;
            let built = aie_dsl::build(&design, &aie_dsl::BuildOptions::new(dir))
                .map_err(|e| e.to_string())?;
            for (artifact, path) in &built.files {
                let _ = writeln!(out, "wrote {} ({artifact})", path.display());
            }
            Ok(out)
        }
        Command::Report { name } => {
            let design = load(&name)?;
            let lowered = aie_dsl::lower::lower(&design).map_err(|e| e.to_string())?;
            out.push_str(&aie_dsl::report::summary(&design));
            out.push_str(&aie_dsl::report::lowered_summary(
                &design,
                &lowered.physical,
            ));
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

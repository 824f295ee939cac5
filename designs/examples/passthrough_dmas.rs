//! Builds the `passthrough_dmas` design: writes its MLIR under `build/passthrough_dmas/` and prints a summary.

fn main() {
    std::process::exit(designs::run_example(designs::passthrough_dmas));
}

//! Builds the `passthrough_kernel` design: writes its MLIR under `build/passthrough_kernel/` and prints a summary.

fn main() {
    std::process::exit(designs::run_example(designs::passthrough_kernel));
}

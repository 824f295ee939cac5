//! Builds the `layernorm` design: writes its MLIR under `build/layernorm/` and prints a summary.

fn main() {
    std::process::exit(designs::run_example(designs::layernorm));
}

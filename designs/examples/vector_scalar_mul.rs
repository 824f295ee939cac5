//! Builds the `vector_scalar_mul` design: writes its MLIR under `build/vector_scalar_mul/` and prints a summary.

fn main() {
    std::process::exit(designs::run_example(designs::vector_scalar_mul));
}

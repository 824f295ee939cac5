//! Builds the `vector_add_4core` design: writes its MLIR under `build/vector_add_4core/` and prints a summary.

fn main() {
    std::process::exit(designs::run_example(designs::vector_add_4core));
}

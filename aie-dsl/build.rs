//! Compiles the XRT shim (src/run/xrt_shim.cpp) when the cargo feature `xrt` is on, against the
//! XRT at `XILINX_XRT` (default /opt/xilinx/xrt), and links XRT's `xrt_coreutil`. Without the
//! feature it does nothing: aie-dsl builds and tests with no XRT installed.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "xrt")]
    xrt::build();
}

#[cfg(feature = "xrt")]
mod xrt {
    use std::path::PathBuf;

    /// The oldest XRT whose C++ API has `register_xclbin` and `hw_context` as amdxdna needs.
    const MIN_VERSION: &str = "2.17";

    pub fn build() {
        println!("cargo:rerun-if-env-changed=XILINX_XRT");
        println!("cargo:rerun-if-changed=src/run/xrt_shim.cpp");
        println!("cargo:rerun-if-changed=src/run/xrt_shim.h");
        let root = PathBuf::from(
            std::env::var_os("XILINX_XRT").unwrap_or_else(|| "/opt/xilinx/xrt".into()),
        );
        let include = root.join("include");
        let header = include.join("xrt").join("xrt_kernel.h");
        if !header.is_file() {
            eprintln!(
                "error: the `xrt` feature needs XRT {MIN_VERSION} or newer, but {} does not \
                 exist; install XRT (see docs/running.md) and set XILINX_XRT to its folder \
                 (e.g. `source /opt/xilinx/xrt/setup.sh`), or build without `--features xrt`",
                header.display()
            );
            std::process::exit(1);
        }
        let lib = ["lib", "lib64"]
            .iter()
            .map(|d| root.join(d))
            .find(|d| {
                d.join("libxrt_coreutil.so").exists() || d.join("libxrt_coreutil.so.2").exists()
            })
            .unwrap_or_else(|| {
                eprintln!(
                    "error: the `xrt` feature needs XRT's libxrt_coreutil.so, but XILINX_XRT={} \
                     has none in lib/ or lib64/; install XRT {MIN_VERSION} or newer (see \
                     docs/running.md) or point XILINX_XRT at it",
                    root.display()
                );
                std::process::exit(1);
            });
        cc::Build::new()
            .cpp(true)
            .std("c++17")
            .file("src/run/xrt_shim.cpp")
            .include("src/run")
            .include(&include)
            .warnings(true)
            .compile("aie_dsl_xrt_shim");
        println!("cargo:rustc-link-search=native={}", lib.display());
        println!("cargo:rustc-link-lib=dylib=xrt_coreutil");
    }
}

//! `cargo run --example grid -- CORES COLUMNS`: builds the scaling family's design
//! ([`designs::scaling::grid`], e.g. `16 4` for the whole array with 48 ObjectFIFOs) as the
//! other examples build theirs, into `build/grid_<cores>c_<cols>col/`, to time the whole
//! process on designs of every size.

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map_while(|a| a.parse().ok())
        .collect();
    let (cores, cols) = match args.as_slice() {
        [c, k, ..] => (*c, *k),
        [c] => (*c, 1),
        [] => (16, 4),
    };
    let out = designs::default_out_dir();
    match designs::scaling::grid(cores, cols).and_then(|d| designs::build(&d, &out)) {
        Ok(b) => {
            println!("wrote {}", b.mlir.display());
            println!("wrote {}", b.generic.display());
            println!("wrote {}", b.physical.display());
            println!("wrote {}", b.insts.display());
            print!("{}", b.summary);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

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
    let options = designs::build_options(designs::default_out_dir());
    match designs::scaling::grid(cores, cols).and_then(|d| aie_dsl::build(&d, &options)) {
        Ok(b) => {
            print!("{}", designs::describe(&b));
            print!("{}", b.summary);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

//! Procedural macros for aie-dsl.
//!
//! They own syntax only: every expansion is a call into aie-dsl's public builder API, so a
//! design written with macros emits exactly the MLIR of the same design written with the
//! builder.
//!
//! - [`kernel`]: an external C++ kernel declared by its Rust signature.
//! - [`design`]: a design function with `tile!`, `fifo!`, `link!`, `core!` and `runtime!`
//!   statements, registered so that every design can be found without a hand-kept list.

mod design;
mod kernel;
mod program;
mod runtime;

use proc_macro::TokenStream;

/// Declares an external kernel from its C signature written in Rust:
///
/// ```ignore
/// #[kernel(source = "layernorm_512.cc", object = "layernorm_512.o")]
/// extern "C" fn layernorm_512(input: &[bf16; 512], output: &mut [bf16; 512]);
/// ```
///
/// Parameters are `&[T; N]` (read), `&mut [T; N]` (written), nested arrays for more
/// dimensions, with `T` among `i8 u8 i16 i32 f32 bf16`, or scalars `i8 i16 i32 f32 bf16`.
/// `object` defaults to `<name>.o`. In a core program the kernel is called as
/// `layernorm_512(&x, &mut y)`; objects of another type or shape do not compile.
#[proc_macro_attribute]
pub fn kernel(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(args as kernel::KernelArgs);
    let decl = syn::parse_macro_input!(item as kernel::KernelDecl);
    kernel::expand(args, decl)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

/// Marks a function as a design for `device` and registers it:
///
/// ```ignore
/// #[design(device = npu1_1col)]
/// pub fn layernorm() {
///     let shim = tile!(shim 0);
///     let core = tile!(compute 0, 2);
///     fifo!(of_in: shim -> core, depth 2, [bf16; 512]);
///     fifo!(of_out: core -> shim, depth 2, [bf16; 512]);
///     core!(core, {
///         loop {
///             let y = of_out.acquire();
///             let x = of_in.acquire();
///             layernorm_512(&x, &mut y);
///         }
///     });
///     runtime! {
///         let input: [bf16; 32768];
///         let output: [bf16; 32768];
///         dma into of_in from input[..];
///         dma out of of_out into output[..];
///         wait of_out;
///     }
/// }
/// ```
///
/// The function becomes `fn layernorm() -> Result<Validated, Error>`, and
/// `aie_dsl::registry::designs()` lists it.
#[proc_macro_attribute]
pub fn design(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(args as design::DesignArgs);
    let func = syn::parse_macro_input!(item as syn::ItemFn);
    design::expand(args, func)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

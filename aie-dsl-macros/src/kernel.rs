//! `#[kernel]`: an external C++ kernel declared by its Rust signature.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{FnArg, LitStr, Pat, Token, Type};

/// `source = "x.cc", object = "x.o"`, both optional.
pub struct KernelArgs {
    source: Option<LitStr>,
    object: Option<LitStr>,
}

impl Parse for KernelArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = KernelArgs {
            source: None,
            object: None,
        };
        let pairs = Punctuated::<syn::MetaNameValue, Token![,]>::parse_terminated(input)?;
        for p in pairs {
            let value = match &p.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => s.clone(),
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "expected a string, e.g. `source = \"layernorm_512.cc\"`",
                    ))
                }
            };
            if p.path.is_ident("source") {
                args.source = Some(value);
            } else if p.path.is_ident("object") {
                args.object = Some(value);
            } else {
                return Err(syn::Error::new_spanned(
                    &p.path,
                    "unknown kernel option; use `source = \"file.cc\"` (under kernels/) and `object = \"file.o\"`",
                ));
            }
        }
        Ok(args)
    }
}

/// `pub extern "C" fn name(a: &[T; N], b: &mut [T; N], n: i32);`
pub struct KernelDecl {
    vis: syn::Visibility,
    sig: syn::Signature,
}

impl Parse for KernelDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let _attrs = input.call(syn::Attribute::parse_outer)?;
        let vis: syn::Visibility = input.parse()?;
        let sig: syn::Signature = input.parse()?;
        if input.peek(syn::token::Brace) {
            return Err(input.error(
                "a kernel is written in C++ under kernels/: declare only its signature, ending with `;`",
            ));
        }
        input.parse::<Token![;]>()?;
        Ok(KernelDecl { vis, sig })
    }
}

fn check_param(ty: &Type) -> syn::Result<()> {
    let scalar = |t: &Type| match t {
        Type::Path(p) => ["i8", "i16", "i32", "f32", "bf16"]
            .iter()
            .any(|s| p.path.is_ident(s) || p.path.segments.last().is_some_and(|l| l.ident == s)),
        _ => false,
    };
    match ty {
        Type::Reference(r) => match &*r.elem {
            Type::Array(_) => Ok(()),
            other => Err(syn::Error::new_spanned(
                other,
                "a kernel takes arrays by reference (`&[T; N]`, `&mut [[T; N]; M]`) or scalars (i8, i16, i32, f32, bf16)",
            )),
        },
        t if scalar(t) => Ok(()),
        other => Err(syn::Error::new_spanned(
            other,
            "unsupported kernel parameter type; use `&[T; N]` / `&mut [T; N]` (T: i8, u8, i16, i32, f32, bf16; nested arrays for 2-D) or a scalar i8, i16, i32, f32, bf16",
        )),
    }
}

pub fn expand(args: KernelArgs, decl: KernelDecl) -> syn::Result<TokenStream> {
    let KernelDecl { vis, sig } = decl;
    match &sig.abi {
        Some(abi) if abi.name.as_ref().is_some_and(|n| n.value() == "C") => {}
        _ => {
            return Err(syn::Error::new_spanned(
                sig.fn_token,
                "a kernel is a C function: write `extern \"C\" fn name(…);`",
            ))
        }
    }
    if !matches!(sig.output, syn::ReturnType::Default) {
        return Err(syn::Error::new_spanned(
            &sig.output,
            "kernels return nothing: results go to a `&mut` array parameter",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            "kernels cannot be generic",
        ));
    }
    let name = &sig.ident;
    let symbol = name.to_string();
    let object = args
        .object
        .map(|o| o.value())
        .unwrap_or_else(|| format!("{symbol}.o"));
    let source = args.source.map(|s| {
        let s = s.value();
        quote!(.with_source(#s))
    });
    let mut param_types = Vec::new();
    let mut params = Vec::new();
    let mut call_args = Vec::new();
    for (i, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(pt) = input else {
            return Err(syn::Error::new_spanned(input, "kernels take no `self`"));
        };
        check_param(&pt.ty)?;
        let ident = match &*pt.pat {
            Pat::Ident(p) => p.ident.clone(),
            _ => format_ident!("arg{}", i),
        };
        let ty = &pt.ty;
        param_types.push(quote!(::aie_dsl::dsl::typed::param_type::<#ty>()));
        match &**ty {
            Type::Reference(r) => {
                let elem = &r.elem;
                let m = r.mutability;
                params.push(quote!(#ident: &#m ::aie_dsl::dsl::typed::Obj<#elem>));
                call_args.push(quote!(#ident.arg()));
            }
            other => {
                params.push(quote!(#ident: #other));
                call_args.push(quote!(::aie_dsl::ir::CallArg::Scalar(
                    ::aie_dsl::dsl::typed::ScalarArg::scalar(#ident)
                )));
            }
        }
    }
    let doc = format!(
        "The external kernel `{symbol}` (object `{object}`). Call it in a core program as `{symbol}(…)`."
    );
    Ok(quote! {
        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug)]
        #vis struct #name;

        impl #name {
            /// The kernel's declaration.
            #vis fn kernel() -> ::aie_dsl::ir::Kernel {
                ::aie_dsl::ir::Kernel::new(#symbol, [#(#param_types),*], #object) #source
            }

            /// Calls the kernel from a core program; the objects' types must match the
            /// signature.
            #[allow(clippy::too_many_arguments)]
            #vis fn call(core: &mut ::aie_dsl::dsl::CoreBuilder<'_>, #(#params),*) {
                let kernel = core.kernel(Self::kernel());
                core.call(kernel, [#(#call_args),*]);
            }
        }
    })
}

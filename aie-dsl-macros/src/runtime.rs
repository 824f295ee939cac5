//! `runtime! { … }`: the host's DMA sequence.
//!
//! ```text
//! runtime! {
//!     let input: [bf16; 32768];            // host buffer arguments, in XRT order
//!     let output: [bf16; 32768];
//!     dma into of_in from input[..];       // the whole buffer
//!     dma into of_in from input[0..512];   // a slice, in elements
//!     dma out of of_out into output[..] bd 3;  // an explicit shim BD id
//!     wait of_out;
//! }
//! ```

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, Token, Type};

enum Range {
    Whole,
    Slice(Option<Box<Expr>>, Box<Expr>),
}

enum Op {
    Arg(Ident, Type),
    Into {
        fifo: Expr,
        buf: Ident,
        range: Range,
        bd: Option<Expr>,
    },
    OutOf {
        fifo: Expr,
        buf: Ident,
        range: Range,
        bd: Option<Expr>,
    },
    Wait(Expr),
}

pub struct Runtime {
    ops: Vec<Op>,
}

fn expect(input: ParseStream, word: &str, hint: &str) -> syn::Result<()> {
    let id: Ident = input.parse().map_err(|e| syn::Error::new(e.span(), hint))?;
    if id == word {
        Ok(())
    } else {
        Err(syn::Error::new_spanned(id, hint))
    }
}

fn buffer_range(input: ParseStream) -> syn::Result<(Ident, Range, Option<Expr>)> {
    let buf: Ident = input.parse()?;
    let content;
    syn::bracketed!(content in input);
    let whole = {
        let fork = content.fork();
        fork.parse::<Token![..]>().is_ok() && fork.is_empty()
    };
    let range = if whole {
        content.parse::<Token![..]>()?;
        Range::Whole
    } else {
        let r: syn::ExprRange = content.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "use `buf[..]` for the whole buffer or `buf[a..b]` for elements a to b",
            )
        })?;
        match (r.start, r.end, r.limits) {
            (start, Some(end), syn::RangeLimits::HalfOpen(_)) => Range::Slice(start, end),
            _ => {
                return Err(content.error(
                    "use `buf[..]` for the whole buffer or `buf[a..b]` for elements a to b",
                ))
            }
        }
    };
    let bd = if input.fork().parse::<Ident>().is_ok_and(|i| i == "bd") {
        input.parse::<Ident>()?;
        Some(input.parse()?)
    } else {
        None
    };
    Ok((buf, range, bd))
}

const HINT: &str = "runtime statements are `let buf: [T; N];`, `dma into FIFO from buf[..];`, `dma out of FIFO into buf[..];` and `wait FIFO;`";

impl Parse for Runtime {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut ops = Vec::new();
        while !input.is_empty() {
            if input.peek(Token![let]) {
                input.parse::<Token![let]>()?;
                let name: Ident = input.parse()?;
                input.parse::<Token![:]>()?;
                let ty: Type = input.parse()?;
                ops.push(Op::Arg(name, ty));
            } else {
                let word: Ident = input.parse().map_err(|e| syn::Error::new(e.span(), HINT))?;
                match word.to_string().as_str() {
                    "dma" => {
                        let dir: Ident = input.parse()?;
                        if dir == "into" {
                            let fifo = Expr::parse_without_eager_brace(input)?;
                            expect(input, "from", "write `dma into FIFO from buf[..]`")?;
                            let (buf, range, bd) = buffer_range(input)?;
                            ops.push(Op::Into {
                                fifo,
                                buf,
                                range,
                                bd,
                            });
                        } else if dir == "out" {
                            expect(input, "of", "write `dma out of FIFO into buf[..]`")?;
                            let fifo = Expr::parse_without_eager_brace(input)?;
                            expect(input, "into", "write `dma out of FIFO into buf[..]`")?;
                            let (buf, range, bd) = buffer_range(input)?;
                            ops.push(Op::OutOf {
                                fifo,
                                buf,
                                range,
                                bd,
                            });
                        } else {
                            return Err(syn::Error::new_spanned(dir, "write `dma into FIFO from buf[..]` or `dma out of FIFO into buf[..]`"));
                        }
                    }
                    "wait" => ops.push(Op::Wait(Expr::parse_without_eager_brace(input)?)),
                    _ => return Err(syn::Error::new_spanned(word, HINT)),
                }
            }
            input.parse::<Token![;]>()?;
        }
        Ok(Runtime { ops })
    }
}

fn transfer(buf: &Ident, range: &Range, bd: &Option<Expr>) -> TokenStream {
    let t = match range {
        Range::Whole => quote!(::aie_dsl::dsl::Transfer::linear(#buf.len())),
        Range::Slice(start, end) => {
            let start = start
                .as_ref()
                .map_or_else(|| quote!(0u32), |s| quote!((#s) as u32));
            quote!(::aie_dsl::dsl::Transfer::slice(#start, ((#end) as u32) - #start))
        }
    };
    match bd {
        Some(b) => quote!(#t.bd_id(#b)),
        None => t,
    }
}

impl Runtime {
    pub fn expand(&self, d: &syn::Ident) -> TokenStream {
        let rt = quote!(__aie_rt);
        let mut args = Vec::new();
        let mut body = Vec::new();
        for op in &self.ops {
            match op {
                Op::Arg(name, ty) => {
                    args.push(quote!(let #name = #rt.typed_arg::<#ty>();));
                }
                Op::Into {
                    fifo,
                    buf,
                    range,
                    bd,
                } => {
                    let t = transfer(buf, range, bd);
                    body.push(quote_spanned!(buf.span()=> #rt.fill_typed(&#fifo, &#buf, #t);));
                }
                Op::OutOf {
                    fifo,
                    buf,
                    range,
                    bd,
                } => {
                    let t = transfer(buf, range, bd);
                    body.push(quote_spanned!(buf.span()=> #rt.drain_typed(&#fifo, &#buf, #t);));
                }
                Op::Wait(fifo) => body.push(quote!(#rt.wait(::aie_dsl::ir::FifoId::from(#fifo));)),
            }
        }
        quote! {
            #d.runtime(|#rt: &mut ::aie_dsl::dsl::RuntimeBuilder<'_>| {
                #(#args)*
                #(#body)*
            })
        }
    }
}

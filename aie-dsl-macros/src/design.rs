//! `#[design]`: a function whose body declares a design with short statements.
//!
//! ```text
//! #[design(device = npu1_1col)]
//! pub fn layernorm() {
//!     let shim = tile!(shim 0);
//!     let core = tile!(compute 0, 2);
//!     fifo!(of_in: shim -> core, depth 2, [bf16; 512]);
//!     core!(core, { loop { let x = of_in.acquire(); … } });
//!     runtime! { let input: [bf16; 32768]; dma into of_in from input[..]; … }
//! }
//! ```
//!
//! Every statement macro becomes builder calls; anything else in the body is ordinary Rust and
//! stays as written (loops over columns, constants…). With a parameter `d: &mut DesignBuilder`
//! the body may also call the builder directly.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, LitStr, Token, Type};

use crate::program;
use crate::runtime;

const DEVICES: &[(&str, &str)] = &[
    ("npu1", "Npu1"),
    ("npu1_1col", "Npu1_1Col"),
    ("npu1_2col", "Npu1_2Col"),
    ("npu1_3col", "Npu1_3Col"),
];

/// `device = npu1_1col, name = "…"`.
pub struct DesignArgs {
    device: Ident,
    name: Option<LitStr>,
}

impl Parse for DesignArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut device = None;
        let mut name = None;
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            if key == "device" {
                device = Some(input.parse::<Ident>()?);
            } else if key == "name" {
                name = Some(input.parse::<LitStr>()?);
            } else {
                return Err(syn::Error::new_spanned(
                    key,
                    "unknown design option; use `device = npu1_1col` and optionally `name = \"…\"`",
                ));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        let device = device.ok_or_else(|| {
            input.error("say which device: `#[design(device = npu1_1col)]` (npu1, npu1_1col, npu1_2col, npu1_3col)")
        })?;
        Ok(DesignArgs { device, name })
    }
}

pub fn expand(args: DesignArgs, func: syn::ItemFn) -> syn::Result<TokenStream> {
    let variant = DEVICES
        .iter()
        .find(|(k, _)| args.device == k)
        .map(|(_, v)| format_ident!("{}", v))
        .ok_or_else(|| {
            syn::Error::new_spanned(
                &args.device,
                "unknown device; use npu1, npu1_1col, npu1_2col or npu1_3col",
            )
        })?;
    let sig = &func.sig;
    if !matches!(sig.output, syn::ReturnType::Default) {
        return Err(syn::Error::new_spanned(
            &sig.output,
            "a design function declares no return type: #[design] makes it return `Result<Validated, Error>`",
        ));
    }
    if !sig.generics.params.is_empty() || sig.asyncness.is_some() {
        return Err(syn::Error::new_spanned(
            sig,
            "a design function is a plain, non-generic fn",
        ));
    }
    let builder = match sig.inputs.len() {
        0 => Ident::new("__aie_design", Span::call_site()),
        1 => match sig.inputs.first() {
            Some(syn::FnArg::Typed(pt)) => match &*pt.pat {
                syn::Pat::Ident(p) => p.ident.clone(),
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "name the builder parameter, e.g. `d: &mut DesignBuilder`",
                    ))
                }
            },
            Some(other) => {
                return Err(syn::Error::new_spanned(
                    other,
                    "a design function takes no `self`",
                ))
            }
            None => unreachable!(),
        },
        _ => {
            return Err(syn::Error::new_spanned(
                &sig.inputs,
                "a design function takes nothing, or one `d: &mut DesignBuilder`",
            ))
        }
    };
    let name = &sig.ident;
    let name_str = args
        .name
        .map(|n| n.value())
        .unwrap_or_else(|| name.to_string());
    let mut body = (*func.block).clone();
    let mut rewriter = Rewriter {
        d: builder.clone(),
        error: None,
    };
    rewriter.visit_block_mut(&mut body);
    if let Some(e) = rewriter.error {
        return Err(e);
    }
    let stmts = &body.stmts;
    let vis = &func.vis;
    let attrs = &func.attrs;
    Ok(quote! {
        #(#attrs)*
        #vis fn #name() -> ::core::result::Result<::aie_dsl::valid::Validated, ::aie_dsl::Error> {
            let mut __aie_builder =
                ::aie_dsl::dsl::DesignBuilder::new(#name_str, ::aie_dsl::target::Device::#variant);
            {
                #[allow(unused_variables)]
                let #builder: &mut ::aie_dsl::dsl::DesignBuilder = &mut __aie_builder;
                #(#stmts)*
            }
            __aie_builder.finish()
        }

        ::aie_dsl::__private::inventory::submit! {
            ::aie_dsl::registry::DesignEntry { name: #name_str, build: #name }
        }
    })
}

/// Rewrites the statement macros of a design body into builder calls.
struct Rewriter {
    d: Ident,
    error: Option<syn::Error>,
}

impl Rewriter {
    fn fail(&mut self, e: syn::Error) {
        match &mut self.error {
            Some(first) => first.combine(e),
            None => self.error = Some(e),
        }
    }

    fn expand(&mut self, mac: &syn::Macro) -> Option<syn::Result<TokenStream>> {
        let name = mac.path.get_ident()?.to_string();
        let d = &self.d;
        Some(match name.as_str() {
            "tile" => mac.parse_body::<TileSpec>().map(|t| t.expand(d)),
            "fifo" => mac.parse_body::<FifoDecl>().map(|f| f.expand(d)),
            "link" => mac.parse_body::<LinkSpec>().map(|l| l.expand(d)),
            "core" => mac.parse_body::<CoreDecl>().and_then(|c| c.expand(d)),
            "runtime" => mac.parse_body::<runtime::Runtime>().map(|r| r.expand(d)),
            _ => return None,
        })
    }
}

impl VisitMut for Rewriter {
    fn visit_stmt_mut(&mut self, stmt: &mut syn::Stmt) {
        if let syn::Stmt::Macro(m) = stmt {
            match self.expand(&m.mac) {
                Some(Ok(tokens)) => {
                    // `fifo!` expands to a `let` whose binding later statements use; the others
                    // are expressions.
                    let code = if m.mac.path.is_ident("fifo") {
                        tokens
                    } else {
                        quote!(#tokens;)
                    };
                    *stmt = syn::Stmt::Expr(syn::Expr::Verbatim(code), None);
                    return;
                }
                Some(Err(e)) => {
                    self.fail(e);
                    return;
                }
                None => {}
            }
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Macro(m) = expr {
            match self.expand(&m.mac) {
                Some(Ok(tokens)) => {
                    *expr = Expr::Verbatim(quote!({ #tokens }));
                    return;
                }
                Some(Err(e)) => {
                    self.fail(e);
                    return;
                }
                None => {}
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// `tile!(shim COL)`, `tile!(mem COL)`, `tile!(compute COL, ROW)`.
struct TileSpec {
    kind: Ident,
    col: Expr,
    row: Option<Expr>,
}

impl Parse for TileSpec {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let kind: Ident = input.parse()?;
        let col: Expr = input.parse()?;
        let row = if input.parse::<Option<Token![,]>>()?.is_some() {
            Some(input.parse()?)
        } else {
            None
        };
        match (kind.to_string().as_str(), &row) {
            ("shim" | "mem", None) | ("compute", Some(_)) => Ok(TileSpec { kind, col, row }),
            ("shim" | "mem", Some(r)) => Err(syn::Error::new_spanned(
                r,
                "shim and mem tiles have a fixed row: write `tile!(shim COL)` / `tile!(mem COL)`",
            )),
            ("compute", None) => Err(syn::Error::new(
                col.span(),
                "a compute tile needs a row: `tile!(compute COL, ROW)`",
            )),
            _ => Err(syn::Error::new_spanned(
                kind,
                "tile kinds are `shim`, `mem` and `compute`",
            )),
        }
    }
}

impl TileSpec {
    fn expand(&self, d: &Ident) -> TokenStream {
        let col = &self.col;
        match (self.kind.to_string().as_str(), &self.row) {
            ("shim", _) => quote!(#d.shim_tile(#col)),
            ("mem", _) => quote!(#d.mem_tile(#col)),
            (_, row) => quote!(#d.compute_tile(#col, #row)),
        }
    }
}

/// `fifo!(NAME: PRODUCER -> C1, C2, depth D, TYPE [, via_dma] [, repeat N])`; D is a number or
/// `[producer, consumer…]`.
struct FifoDecl {
    name: Ident,
    producer: Expr,
    consumers: Vec<Expr>,
    depth: Expr,
    ty: Type,
    via_dma: bool,
    repeat: Option<Expr>,
}

/// Parses the tokens before `->` as an expression (syn would read `-` as a subtraction).
fn expr_before_arrow(input: ParseStream) -> syn::Result<Expr> {
    let mut tokens = TokenStream::new();
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if let proc_macro2::TokenTree::Punct(p) = &tt {
                if p.as_char() == '-' && p.spacing() == proc_macro2::Spacing::Joint {
                    if let Some((proc_macro2::TokenTree::Punct(q), _)) = next.token_tree() {
                        if q.as_char() == '>' {
                            return Ok(((), rest));
                        }
                    }
                }
            }
            tokens.extend(std::iter::once(tt));
            rest = next;
        }
        Ok(((), rest))
    })?;
    if tokens.is_empty() {
        return Err(input.error("expected a tile or FIFO before `->`"));
    }
    syn::parse2(tokens)
}

fn peek_keyword(input: ParseStream, word: &str) -> bool {
    input.fork().parse::<Ident>().is_ok_and(|i| i == word)
}

impl Parse for FifoDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let producer = expr_before_arrow(input)?;
        input.parse::<Token![->]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "write the FIFO as `fifo!(name: producer -> consumer, depth 2, [T; N])`",
            )
        })?;
        let mut consumers = vec![Expr::parse_without_eager_brace(input)?];
        loop {
            if input.is_empty() {
                return Err(syn::Error::new_spanned(
                    &name,
                    "missing `depth N`: write `fifo!(name: producer -> consumer, depth 2, [T; N])`",
                ));
            }
            input.parse::<Token![,]>()?;
            if peek_keyword(input, "depth") {
                break;
            }
            consumers.push(Expr::parse_without_eager_brace(input)?);
        }
        let _depth_kw: Ident = input.parse()?;
        let depth: Expr = input.parse()?;
        input.parse::<Token![,]>()?;
        let ty: Type = input.parse()?;
        let mut via_dma = false;
        let mut repeat = None;
        while input.parse::<Option<Token![,]>>()?.is_some() {
            let opt: Ident = input.parse()?;
            match opt.to_string().as_str() {
                "via_dma" => via_dma = true,
                "repeat" => repeat = Some(input.parse()?),
                _ => {
                    return Err(syn::Error::new_spanned(
                        opt,
                        "FIFO options are `via_dma` and `repeat N`",
                    ))
                }
            }
        }
        Ok(FifoDecl {
            name,
            producer,
            consumers,
            depth,
            ty,
            via_dma,
            repeat,
        })
    }
}

impl FifoDecl {
    fn expand(&self, d: &Ident) -> TokenStream {
        let FifoDecl {
            name,
            producer,
            consumers,
            depth,
            ty,
            via_dma,
            repeat,
        } = self;
        let name_str = name.to_string();
        let depth = match depth {
            Expr::Array(a) => {
                let items = &a.elems;
                quote!(::aie_dsl::ir::Depth::PerEndpoint(vec![#items]))
            }
            other => quote!(::aie_dsl::ir::Depth::Uniform(#other)),
        };
        let via = via_dma.then(|| quote!(.via_dma()));
        let rep = repeat.as_ref().map(|r| quote!(.repeat_count(#r)));
        quote_spanned! {name.span()=>
            let #name: ::aie_dsl::dsl::typed::Fifo<#ty> = #d.typed_fifo_with::<#ty>(
                #name_str,
                ::aie_dsl::dsl::FifoSpec::new(
                    #producer,
                    [#(::aie_dsl::ir::TileId::from(#consumers)),*],
                    #depth,
                    <#ty as ::aie_dsl::dsl::typed::Shape>::memref(),
                ) #via #rep,
            );
        }
    }
}

/// `link!(a -> b)`, `link!(a -> [b, c])` (split), `link!([a, b] -> c)` (join).
struct LinkSpec {
    inputs: Vec<Expr>,
    outputs: Vec<Expr>,
}

fn fifo_list(input: ParseStream, before_arrow: bool) -> syn::Result<Vec<Expr>> {
    if input.peek(syn::token::Bracket) {
        let content;
        syn::bracketed!(content in input);
        Ok(Punctuated::<Expr, Token![,]>::parse_terminated(&content)?
            .into_iter()
            .collect())
    } else if before_arrow {
        Ok(vec![expr_before_arrow(input)?])
    } else {
        Ok(vec![Expr::parse_without_eager_brace(input)?])
    }
}

impl Parse for LinkSpec {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let inputs = fifo_list(input, true)?;
        input.parse::<Token![->]>()?;
        let outputs = fifo_list(input, false)?;
        if inputs.len() > 1 && outputs.len() > 1 {
            return Err(input.error("a link joins or splits, not both"));
        }
        Ok(LinkSpec { inputs, outputs })
    }
}

impl LinkSpec {
    fn expand(&self, d: &Ident) -> TokenStream {
        let ins = &self.inputs;
        let outs = &self.outputs;
        let ids = |v: &[Expr]| quote!(vec![#(::aie_dsl::ir::FifoId::from(#v)),*]);
        let (ins_ids, outs_ids) = (ids(ins), ids(outs));
        if ins.len() > 1 {
            let out = &outs[0];
            quote!(#d.join(#ins_ids, ::aie_dsl::ir::FifoId::from(#out)))
        } else if outs.len() > 1 {
            let i = &ins[0];
            quote!(#d.split(::aie_dsl::ir::FifoId::from(#i), #outs_ids))
        } else {
            let (i, o) = (&ins[0], &outs[0]);
            quote!(#d.forward(::aie_dsl::ir::FifoId::from(#i), ::aie_dsl::ir::FifoId::from(#o)))
        }
    }
}

/// `core!(TILE, { … })`, `core!(TILE, stack 2048, { … })`, `core!(TILE, link_with "x.o", { … })`.
struct CoreDecl {
    tile: Expr,
    options: Vec<(Ident, Expr)>,
    body: syn::Block,
}

impl Parse for CoreDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let tile = Expr::parse_without_eager_brace(input)?;
        input.parse::<Token![,]>()?;
        let mut options = Vec::new();
        while !input.peek(syn::token::Brace) {
            let key: Ident = input.parse()?;
            if key != "stack" && key != "link_with" {
                return Err(syn::Error::new_spanned(key, "core options are `stack BYTES` and `link_with \"file.o\"`, then the program in `{ … }`"));
            }
            let value = Expr::parse_without_eager_brace(input)?;
            input.parse::<Token![,]>()?;
            options.push((key, value));
        }
        let body: syn::Block = input.parse()?;
        Ok(CoreDecl {
            tile,
            options,
            body,
        })
    }
}

impl CoreDecl {
    fn expand(&self, d: &Ident) -> syn::Result<TokenStream> {
        let tile = &self.tile;
        let closure = program::core_closure(&self.body)?;
        let opts = self.options.iter().map(|(k, v)| {
            if k == "stack" {
                quote!(__aie_core.stack_size(#v);)
            } else {
                quote!(__aie_core.link_with(#v);)
            }
        });
        Ok(quote! {
            #d.core(#tile, |__aie_core: &mut ::aie_dsl::dsl::CoreBuilder<'_>| {
                #(#opts)*
                (#closure)(__aie_core);
            })
        })
    }
}

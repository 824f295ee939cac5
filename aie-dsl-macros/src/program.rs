//! Core programs in Rust syntax, compiled to calls on a `CoreBuilder`.
//!
//! Supported: `loop { … }`, `for _ in 0..N { … }`, `let x = fifo.acquire();`,
//! `let xs = fifo.acquire_n(K);`, kernel calls `kernel(&x, &mut y, &xs[1], 512)`, and
//! `release(x);` / `x.release();`. Objects not released explicitly are released at the end of
//! the block that acquired them, in reverse order of acquisition (as Rust drops values).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Block, Expr, Ident, Stmt};

const SUPPORTED: &str = "a core program supports `loop { … }`, `for _ in 0..N { … }`, `let x = fifo.acquire();`, `let xs = fifo.acquire_n(K);`, kernel calls `kernel(&x, &mut y, 512)` and `release(x);`";

fn unsupported(span: &impl quote::ToTokens, what: &str) -> syn::Error {
    syn::Error::new_spanned(span, format!("{what}; {SUPPORTED}"))
}

struct Acquired {
    name: Ident,
    released: bool,
}

/// Compiles a core body; `c` names the `&mut CoreBuilder`.
pub struct Compiler {
    c: Ident,
    /// Acquisitions per open block, innermost last.
    scopes: Vec<Vec<Acquired>>,
}

impl Compiler {
    pub fn new(c: Ident) -> Self {
        Compiler {
            c,
            scopes: Vec::new(),
        }
    }

    pub fn block(&mut self, block: &Block) -> syn::Result<TokenStream> {
        self.scopes.push(Vec::new());
        let mut out = TokenStream::new();
        for stmt in &block.stmts {
            out.extend(self.stmt(stmt)?);
        }
        let c = &self.c;
        let scope = self.scopes.pop().unwrap_or_default();
        for a in scope.iter().rev().filter(|a| !a.released) {
            let name = &a.name;
            out.extend(quote!(#c.release(#name.acquired());));
        }
        Ok(out)
    }

    fn find(&mut self, name: &Ident) -> Option<(usize, &mut Acquired)> {
        let depth = self.scopes.len();
        self.scopes.iter_mut().enumerate().rev().find_map(|(i, s)| {
            s.iter_mut()
                .find(|a| a.name == *name)
                .map(|a| (depth - 1 - i, a))
        })
    }

    fn stmt(&mut self, stmt: &Stmt) -> syn::Result<TokenStream> {
        match stmt {
            Stmt::Local(local) => self.local(local),
            Stmt::Expr(e, semi) => {
                let block_like = matches!(
                    e,
                    Expr::Loop(_)
                        | Expr::ForLoop(_)
                        | Expr::While(_)
                        | Expr::If(_)
                        | Expr::Match(_)
                );
                if semi.is_none() && !block_like {
                    return Err(unsupported(e, "a core program's statements end with `;`"));
                }
                self.expr_stmt(e)
            }
            Stmt::Macro(m) => Err(unsupported(
                &m.mac.path,
                "macros are not supported inside a core program",
            )),
            Stmt::Item(i) => Err(unsupported(
                i,
                "items (fn, struct, use…) are not supported inside a core program",
            )),
        }
    }

    fn local(&mut self, local: &syn::Local) -> syn::Result<TokenStream> {
        let syn::Pat::Ident(pat) = &local.pat else {
            return Err(unsupported(
                &local.pat,
                "bind acquired objects to a plain name",
            ));
        };
        let name = pat.ident.clone();
        let Some(init) = &local.init else {
            return Err(unsupported(
                local,
                "a `let` in a core program must acquire: `let x = fifo.acquire();`",
            ));
        };
        let Expr::MethodCall(mc) = &*init.expr else {
            return Err(unsupported(
                &init.expr,
                "a `let` in a core program must acquire: `let x = fifo.acquire();`",
            ));
        };
        let fifo = &mc.receiver;
        let c = &self.c;
        let code = match (mc.method.to_string().as_str(), mc.args.len()) {
            ("acquire", 0) => {
                quote_spanned!(mc.method.span()=> #[allow(unused_mut)] let mut #name = #c.acquire_one(&#fifo);)
            }
            ("acquire_n", 1) => {
                let n = &mc.args[0];
                quote_spanned!(mc.method.span()=> #[allow(unused_mut)] let mut #name = #c.acquire_many(&#fifo, #n);)
            }
            ("acquire", _) => {
                return Err(unsupported(
                    &mc.args,
                    "`acquire()` takes no arguments; use `acquire_n(K)` for K objects",
                ))
            }
            _ => {
                return Err(unsupported(
                    &mc.method,
                    "only `fifo.acquire()` and `fifo.acquire_n(K)` bind objects",
                ))
            }
        };
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Acquired {
                name,
                released: false,
            });
        }
        Ok(code)
    }

    fn expr_stmt(&mut self, e: &Expr) -> syn::Result<TokenStream> {
        let c = self.c.clone();
        match e {
            Expr::Loop(l) => {
                let body = self.block(&l.body)?;
                Ok(quote!(#c.forever(|#c| { #body });))
            }
            Expr::ForLoop(f) => {
                match &*f.pat {
                    syn::Pat::Wild(_) => {}
                    syn::Pat::Ident(p) if p.ident.to_string().starts_with('_') => {}
                    other => {
                        return Err(unsupported(other, "the loop counter is not available on the core; write `for _ in 0..N`"))
                    }
                }
                let count = match &*f.expr {
                    Expr::Range(r) => {
                        let zero = matches!(r.start.as_deref(), Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })) if i.base10_digits() == "0");
                        match (&r.end, zero, &r.limits) {
                            (Some(end), true, syn::RangeLimits::HalfOpen(_)) => end.clone(),
                            _ => return Err(unsupported(&f.expr, "loops count from zero: write `for _ in 0..N`")),
                        }
                    }
                    other => return Err(unsupported(other, "loops count from zero: write `for _ in 0..N`")),
                };
                let body = self.block(&f.body)?;
                Ok(quote!(#c.repeat((#count) as u64, |#c| { #body });))
            }
            Expr::While(w) => Err(unsupported(&w.while_token, "`while` loops are not supported: the core program has no runtime conditions, use `loop` or `for _ in 0..N`")),
            Expr::If(i) => Err(unsupported(&i.if_token, "`if` is not supported: the core program has no runtime conditions")),
            Expr::Match(m) => Err(unsupported(&m.match_token, "`match` is not supported: the core program has no runtime conditions")),
            Expr::Call(call) => self.call(call),
            Expr::MethodCall(mc) if mc.method == "release" && mc.args.is_empty() => {
                let Expr::Path(p) = &*mc.receiver else {
                    return Err(unsupported(&mc.receiver, "release a name bound by `acquire`"));
                };
                let name = p.path.get_ident().cloned().ok_or_else(|| unsupported(p, "release a name bound by `acquire`"))?;
                self.release(&name)
            }
            other => Err(unsupported(other, "this expression is not supported in a core program")),
        }
    }

    fn release(&mut self, name: &Ident) -> syn::Result<TokenStream> {
        let c = self.c.clone();
        match self.find(name) {
            None => Err(syn::Error::new_spanned(name, format!("`{name}` was not acquired in this core program; release names bound by `let {name} = fifo.acquire();`"))),
            Some((0, a)) if !a.released => {
                a.released = true;
                Ok(quote_spanned!(name.span()=> #c.release(#name.acquired());))
            }
            Some((0, _)) => Err(syn::Error::new_spanned(name, format!("`{name}` is already released"))),
            Some(_) => Err(syn::Error::new_spanned(name, format!("`{name}` was acquired in an enclosing block; release it in that block (a release in a loop would run once per iteration)"))),
        }
    }

    fn call(&mut self, call: &syn::ExprCall) -> syn::Result<TokenStream> {
        let Expr::Path(func) = &*call.func else {
            return Err(unsupported(&call.func, "call a kernel by its name"));
        };
        if func.path.is_ident("release") {
            if call.args.len() != 1 {
                return Err(unsupported(&call.args, "`release` takes one acquired name"));
            }
            let Some(Expr::Path(p)) = call.args.first() else {
                return Err(unsupported(&call.args, "`release` takes one acquired name"));
            };
            let name = p
                .path
                .get_ident()
                .cloned()
                .ok_or_else(|| unsupported(p, "release a name bound by `acquire`"))?;
            return self.release(&name);
        }
        let mut args = Vec::new();
        for a in &call.args {
            args.push(self.kernel_arg(a)?);
        }
        let c = &self.c;
        let path = &func.path;
        Ok(quote_spanned!(call.span()=> #path::call(#c, #(#args),*);))
    }

    /// A kernel argument: `&x`, `&mut x`, `&xs[i]`, a literal, a named constant, or
    /// `bf16::from_f32(lit)`.
    fn kernel_arg(&mut self, a: &Expr) -> syn::Result<TokenStream> {
        match a {
            Expr::Reference(r) => {
                let name = match &*r.expr {
                    Expr::Path(p) => p.path.get_ident().cloned(),
                    Expr::Index(ix) => match &*ix.expr {
                        Expr::Path(p) => p.path.get_ident().cloned(),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(name) = name else {
                    return Err(unsupported(&r.expr, "pass acquired objects as `&x`, `&mut x` or `&xs[i]`"));
                };
                match self.find(&name) {
                    Some((_, a)) if a.released => Err(syn::Error::new_spanned(&name, format!("`{name}` is used after it was released"))),
                    Some(_) => Ok(quote!(#a)),
                    None => Ok(quote!(#a)), // a placed buffer or a typed handle of the design function
                }
            }
            Expr::Lit(_) => Ok(quote!(#a)),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) && matches!(&*u.expr, Expr::Lit(_)) => Ok(quote!(#a)),
            Expr::Path(p) if p.path.get_ident().is_some_and(|i| self_is_acquired(&self.scopes, i)) => {
                Err(unsupported(p, "pass acquired objects by reference: `&x` to read, `&mut x` to write"))
            }
            Expr::Path(_) => Ok(quote!(#a)),
            Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from_f32" || s.ident == "from_bits")) => Ok(quote!(#a)),
            other => Err(syn::Error::new_spanned(
                other,
                "kernel arguments are acquired objects (`&x`, `&mut x`, `&xs[1]`), literals, named constants or `bf16::from_f32(…)`; arithmetic on them is not supported inside a core program: compute the value in the design function",
            )),
        }
    }
}

fn self_is_acquired(scopes: &[Vec<Acquired>], name: &Ident) -> bool {
    scopes.iter().any(|s| s.iter().any(|a| a.name == *name))
}

/// The closure handed to `DesignBuilder::core`.
pub fn core_closure(body: &Block) -> syn::Result<TokenStream> {
    let c = Ident::new("__aie_core", Span::call_site());
    let mut compiler = Compiler::new(c.clone());
    let code = compiler.block(body)?;
    Ok(quote!(|#c: &mut ::aie_dsl::dsl::CoreBuilder<'_>| { #code }))
}

//! Emission: a validated design becomes MLIR text, written directly (`direct`) or through an
//! MLIR module built with melior and verified by MLIR (with the `mlir` feature, the default).
//!
//! Two texts come out of one module:
//! - the custom assembly mlir-aie's own examples and tests use ([`Emitted::mlir`]), printed by
//!   [`print`](mod@print) from the operations of the module;
//! - MLIR's generic form ([`Emitted::generic`]), printed by MLIR itself.
//!
//! A build's physical MLIR is written directly as text from the lowering instead (`direct`, the
//! same bytes; see [`physical_mlir`]), falling back to the module for what it declines; so are a
//! build's two texts of the design's MLIR (`direct/design.rs`, `direct/generic.rs`, see
//! [`emit_checked`]), so a build makes no MLIR context for them.
//!
//! Without the `mlir` feature aie-dsl links no MLIR or LLVM: every text comes from the direct
//! writers, a design they decline is refused with [`EmitError::NeedsMlir`], and so is a request
//! to verify ([`Check::Verify`]).
//!
//! Only the dialects we emit are loaded (`func`, `arith`, `scf`, `memref`); `aie` and `aiex` ops
//! are unregistered here and built in mlir-aie's generic shape (see `build`).

#[cfg(feature = "mlir")]
mod build;
pub(crate) mod direct;
#[cfg(feature = "mlir")]
pub mod physical;
#[cfg(feature = "mlir")]
pub mod print;
mod text;

#[cfg(feature = "mlir")]
pub(crate) use build::dense_attr;

#[cfg(feature = "mlir")]
use melior::{
    dialect::DialectHandle,
    ir::operation::{OperationLike, OperationPrintingFlags},
    ir::Module,
    Context,
};

#[cfg(feature = "mlir")]
use crate::ir::Design;
use crate::valid::Validated;

/// A failure inside emission. Validation catches design mistakes first, so these mean that
/// aie-dsl built something MLIR rejects: please report them with the design.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// melior refused to build an operation.
    #[error(
        "building the MLIR module failed: {0} (a bug in aie-dsl; please report it with the design)"
    )]
    Build(String),
    /// MLIR's verifier rejected the module.
    #[error("MLIR rejected the module built for design `{design}` (a bug in aie-dsl; please report it with the design):\n{diagnostics}")]
    Verify {
        /// The design.
        design: String,
        /// What MLIR said.
        diagnostics: String,
    },
    /// The design needs MLIR (a check by MLIR's verifier, or a construct the direct writers leave
    /// to MLIR), and this build of aie-dsl has no MLIR.
    #[error(
        "design `{design}`: {what} needs MLIR, and this build of aie-dsl has none; build it with \
         its `mlir` feature (`--features mlir`)"
    )]
    NeedsMlir {
        /// The design.
        design: String,
        /// What needed it.
        what: &'static str,
    },
    /// The printer met an operation it has no custom form for.
    #[error("no custom assembly for operation `{0}` (a bug in aie-dsl)")]
    Unprintable(String),
}

#[cfg(feature = "mlir")]
impl From<melior::Error> for EmitError {
    fn from(e: melior::Error) -> Self {
        EmitError::Build(e.to_string())
    }
}

/// The MLIR texts of one design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emitted {
    /// mlir-aie's custom assembly (what `aie-opt` prints).
    pub mlir: String,
    /// MLIR's generic form of the same module.
    pub generic: String,
}

/// A context with just the dialects designs use.
#[cfg(feature = "mlir")]
pub fn context() -> Context {
    let ctx = Context::new_with_threading(false);
    for h in [
        DialectHandle::func(),
        DialectHandle::arith(),
        DialectHandle::scf(),
        DialectHandle::memref(),
    ] {
        h.load_dialect(&ctx);
    }
    ctx.set_allow_unregistered_dialects(true);
    ctx
}

/// Whether emission also has MLIR's verifier check the module it built.
///
/// The check builds a second copy of the module, prints it and parses it back (see `verify`),
/// which costs more than building and printing the module itself. The MLIR texts are for
/// people and for mlir-aie's tools; no later stage of aie-dsl reads them (the binary files come
/// from the lowered design), so a build leaves the check out unless asked
/// ([`crate::BuildOptions::verify_mlir`]), while [`emit`], [`emit_physical`] and the tests run it
/// on every design.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Verify the module before printing it.
    Verify,
    /// Print it without verifying.
    Skip,
}

/// Builds the module of the validated `design` in `ctx` and verifies it.
///
/// # Errors
/// [`EmitError`] if MLIR rejects what was built.
#[cfg(feature = "mlir")]
pub fn module<'c>(ctx: &'c Context, design: &Validated) -> Result<Module<'c>, EmitError> {
    module_checked(ctx, design, Check::Verify)
}

#[cfg(feature = "mlir")]
fn module_checked<'c>(
    ctx: &'c Context,
    design: &Validated,
    check: Check,
) -> Result<Module<'c>, EmitError> {
    let design: &Design = design;
    if check == Check::Verify {
        verify(ctx, design)?;
    }
    build::ModuleBuilder::new(ctx, design).build()
}

/// Emits both texts of `design`, verified by MLIR.
///
/// # Errors
/// [`EmitError`] if MLIR rejects what was built; [`EmitError::NeedsMlir`] without the `mlir`
/// feature.
pub fn emit(design: &Validated) -> Result<Emitted, EmitError> {
    emit_checked(design, Check::Verify)
}

/// Emits both texts of `design`, verified by MLIR or not as `check` says.
///
/// # Errors
/// [`EmitError`] if MLIR rejects what was built.
pub fn emit_checked(design: &Validated, check: Check) -> Result<Emitted, EmitError> {
    // Without the check, both texts are written directly from the design where the writers know
    // every construct (`direct::design`, `direct::generic`: the same bytes), and then no MLIR
    // context or module is made at all; the module prints what they decline.
    let (mlir, generic_text) = match check {
        Check::Skip => (direct::design(design), direct::generic(design)),
        Check::Verify => (None, None),
    };
    let (mlir, generic_text) = match (mlir, generic_text) {
        (Some(mlir), Some(generic)) => return Ok(Emitted { mlir, generic }),
        other => other,
    };
    through_module(design, check, mlir, generic_text)
}

/// The texts the direct writers left (`None`) through the design's MLIR module.
#[cfg(feature = "mlir")]
fn through_module(
    design: &Validated,
    check: Check,
    mlir: Option<String>,
    generic_text: Option<String>,
) -> Result<Emitted, EmitError> {
    let ctx = context();
    let module = module_checked(&ctx, design, check)?;
    let mlir = match mlir {
        Some(text) => text,
        None => print::custom(&module)?,
    };
    let generic = match generic_text {
        Some(text) => text,
        None => generic(&module)?,
    };
    Ok(Emitted { mlir, generic })
}

/// Without MLIR: a check, or a text the direct writers left, cannot be made.
#[cfg(not(feature = "mlir"))]
fn through_module(
    design: &Validated,
    check: Check,
    _mlir: Option<String>,
    _generic: Option<String>,
) -> Result<Emitted, EmitError> {
    Err(needs_mlir(design, check, "writing the design's MLIR"))
}

/// [`EmitError::NeedsMlir`] for `design`: verifying, or `what`.
#[cfg(not(feature = "mlir"))]
fn needs_mlir(design: &Validated, check: Check, what: &'static str) -> EmitError {
    EmitError::NeedsMlir {
        design: design.name.clone(),
        what: match check {
            Check::Verify => "verifying its MLIR",
            Check::Skip => what,
        },
    }
}

/// The design's MLIR in MLIR's generic form from the direct writer alone
/// (`emit/direct/generic.rs`), or `None` for a design it leaves to MLIR; for tests that compare
/// it with [`emit`].
pub fn generic_direct(design: &Validated) -> Option<String> {
    direct::generic(design)
}

/// The design's MLIR in custom assembly from the direct writer alone (`emit/direct/design.rs`),
/// or `None` for a design it leaves to MLIR; for tests that compare it with [`emit`].
pub fn design_direct(design: &Validated) -> Option<String> {
    direct::design(design)
}

/// The physical (lowered) MLIR of `design`, in mlir-aie's custom assembly and generic form,
/// verified by MLIR.
///
/// # Errors
/// [`EmitError`] if MLIR rejects the module; [`EmitError::NeedsMlir`] without the `mlir`
/// feature.
pub fn emit_physical(
    design: &Validated,
    phys: &crate::lower::physical::Physical,
) -> Result<Emitted, EmitError> {
    #[cfg(feature = "mlir")]
    {
        let ctx = physical::context();
        let module = physical::module(&ctx, design, phys, Check::Verify)?;
        Ok(Emitted {
            mlir: print::custom(&module)?,
            generic: generic(&module)?,
        })
    }
    #[cfg(not(feature = "mlir"))]
    {
        let _ = phys;
        Err(needs_mlir(
            design,
            Check::Verify,
            "writing the physical MLIR",
        ))
    }
}

/// The physical MLIR of `design` in mlir-aie's custom assembly only (what a build writes),
/// verified by MLIR or not as `check` says. Without the check it is written directly as text
/// (`emit/direct/`) where that writer knows every construct, through the MLIR module otherwise;
/// both give the same bytes.
///
/// # Errors
/// [`EmitError`] if MLIR rejects the module.
pub fn physical_mlir(
    design: &Validated,
    phys: &crate::lower::physical::Physical,
    check: Check,
) -> Result<String, EmitError> {
    if check == Check::Skip {
        // Written directly where the text is known without MLIR (`direct`); the rest below.
        if let Some(text) = direct::physical(design, phys) {
            return Ok(text);
        }
    }
    physical_through_module(design, phys, check)
}

/// The physical MLIR through the module.
#[cfg(feature = "mlir")]
fn physical_through_module(
    design: &Validated,
    phys: &crate::lower::physical::Physical,
    check: Check,
) -> Result<String, EmitError> {
    let ctx = physical::context();
    let module = physical::module(&ctx, design, phys, check)?;
    print::custom(&module)
}

/// Without MLIR the physical MLIR is the direct writer's or none.
#[cfg(not(feature = "mlir"))]
fn physical_through_module(
    design: &Validated,
    _phys: &crate::lower::physical::Physical,
    check: Check,
) -> Result<String, EmitError> {
    Err(needs_mlir(design, check, "writing the physical MLIR"))
}

/// The physical MLIR of `design` from the direct writer alone (`emit/direct/`), or `None` for a
/// design it leaves to MLIR; for tests that compare it with [`emit_physical`].
pub fn physical_direct(
    design: &Validated,
    phys: &crate::lower::physical::Physical,
) -> Option<String> {
    direct::physical(design, phys)
}

/// MLIR's generic form of `module`.
///
/// # Errors
/// [`EmitError::Build`] if MLIR cannot print it.
#[cfg(feature = "mlir")]
pub fn generic(module: &Module<'_>) -> Result<String, EmitError> {
    let mut text = module
        .as_operation()
        .to_string_with_flags(OperationPrintingFlags::new().print_generic_operation_form())?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Verifies the design's module the way a registered `aie.device` would see it.
///
/// MLIR cannot know that the unregistered `aie.device` is a symbol table, so `func.call` would
/// look for its callee at module level. The check therefore builds a copy with the kernel
/// declarations at module level, prints it in generic form and parses that text back, which
/// runs MLIR's verifier: the text parses, every upstream op verifies, and every call's operand
/// types match its callee.
#[cfg(feature = "mlir")]
fn verify(ctx: &Context, design: &Design) -> Result<(), EmitError> {
    let copy = build::ModuleBuilder::new(ctx, design)
        .kernels_at_module_level()
        .build()?;
    verify_text(ctx, design, &generic(&copy)?)
}

/// Parses `text` back, which runs MLIR's verifier; reports its diagnostics on failure.
#[cfg(feature = "mlir")]
fn verify_text(ctx: &Context, design: &Design, text: &str) -> Result<(), EmitError> {
    let diagnostics = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let sink = diagnostics.clone();
    let handler = ctx.attach_diagnostic_handler(move |d| {
        sink.borrow_mut().push(d.to_string());
        true
    });
    let parsed = Module::parse(ctx, text);
    ctx.detach_diagnostic_handler(handler);
    match parsed {
        Some(m) if m.as_operation().verify() => Ok(()),
        _ => Err(EmitError::Verify {
            design: design.name.clone(),
            diagnostics: diagnostics.borrow().join("\n"),
        }),
    }
}

/// The attribute of a kernel's scalar constant `s` of MLIR type `ty` (bf16 constants exactly, by
/// their f32 value); shared by the design's module and the cores' LLVM lowering.
#[cfg(feature = "mlir")]
pub(crate) fn scalar_attribute<'c>(
    ctx: &'c Context,
    ty: melior::ir::Type<'c>,
    s: crate::types::Scalar,
) -> melior::ir::Attribute<'c> {
    use crate::types::{bf16, Scalar};
    use melior::ir::attribute::{FloatAttribute, IntegerAttribute};
    match s {
        Scalar::I8(v) => IntegerAttribute::new(ty, i64::from(v)).into(),
        Scalar::I16(v) => IntegerAttribute::new(ty, i64::from(v)).into(),
        Scalar::I32(v) => IntegerAttribute::new(ty, i64::from(v)).into(),
        Scalar::F32(v) => FloatAttribute::new(ctx, ty, f64::from(v)).into(),
        Scalar::Bf16(bits) => {
            FloatAttribute::new(ctx, ty, f64::from(bf16::from_bits(bits).to_f32())).into()
        }
    }
}

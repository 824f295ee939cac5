//! The MLIR path of a core's LLVM IR (only with the `mlir` feature): the core's standard-dialect
//! module (`standard`), MLIR's passes ([`PIPELINE`]) and MLIR's translation into an LLVM module,
//! which inkwell owns and LLVM verifies, then prints as text.
//!
//! The build takes each core's text from the direct writer (`direct.rs`); this path is the
//! reference the tests compare it with, and what lowers a core the direct writer declines.
//!
//! One LLVM in the process: melior's mlir-sys links the static MLIR and LLVM 22 archives, and
//! inkwell's llvm-sys links the same LLVM archives; the translation hands the module across in
//! an LLVM context inkwell created.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Once;

use melior::dialect::DialectRegistry;
use melior::ir::operation::OperationLike;
use melior::ir::{BlockLike, Module};
use melior::pass::PassManager;
use melior::Context;

use super::{find_core, standard, CoreLlvmError};
use crate::ir::{Design, TileId};
use crate::lower::physical::Physical;

/// The pass pipeline aiecc runs on a core's module after mlir-aie's own core passes, in MLIR's
/// textual pipeline syntax (led by `convert-scf-to-cf`, which aiecc ran earlier on the whole
/// physical design).
pub const PIPELINE: &str = "builtin.module(convert-scf-to-cf,canonicalize,cse,\
expand-strided-metadata,lower-affine,arith-expand,finalize-memref-to-llvm,\
convert-func-to-llvm{use-bare-ptr-memref-call-conv=true},convert-to-llvm,canonicalize,cse)";

impl From<melior::Error> for CoreLlvmError {
    fn from(e: melior::Error) -> Self {
        CoreLlvmError::Build(e.to_string())
    }
}

/// Registers the passes of [`PIPELINE`] (once per process; MLIR's registry is global).
fn register_passes() {
    static ONCE: Once = Once::new();
    // SAFETY: each call only adds a pass to MLIR's global registry; `Once` keeps them from
    // running twice or concurrently.
    ONCE.call_once(|| unsafe {
        mlir_sys::mlirRegisterConversionSCFToControlFlowPass();
        mlir_sys::mlirRegisterTransformsCanonicalizer();
        mlir_sys::mlirRegisterTransformsCSE();
        mlir_sys::mlirRegisterMemRefExpandStridedMetadataPass();
        mlir_sys::mlirRegisterConversionLowerAffinePass();
        mlir_sys::mlirRegisterArithArithExpandOpsPass();
        mlir_sys::mlirRegisterConversionFinalizeMemRefToLLVMConversionPass();
        mlir_sys::mlirRegisterConversionConvertFuncToLLVMPass();
        mlir_sys::mlirRegisterConversionConvertToLLVMPass();
    });
}

/// A context as `aie-opt` has it for this pipeline: every upstream dialect with its extensions
/// (`convert-to-llvm` finds the conversions of `arith`, `cf` and the rest through them) and
/// the translations to LLVM IR.
fn context() -> Context {
    let registry = DialectRegistry::new();
    melior::utility::register_all_dialects(&registry);
    let ctx = Context::new_with_threading(false);
    ctx.append_dialect_registry(&registry);
    // Only the dialects a core module is built in; the passes load what they convert to.
    // (Loading every available dialect cost more than lowering the cores.)
    for name in ["builtin", "func", "arith", "scf", "cf", "memref", "llvm"] {
        ctx.get_or_load_dialect(name);
    }
    melior::utility::register_all_llvm_translations(&ctx);
    ctx
}

/// Collects MLIR's diagnostics while `f` runs.
fn with_diagnostics<T>(ctx: &Context, f: impl FnOnce() -> T) -> (T, String) {
    let messages = Rc::new(RefCell::new(Vec::<String>::new()));
    let sink = messages.clone();
    let handler = ctx.attach_diagnostic_handler(move |d| {
        sink.borrow_mut().push(d.to_string());
        true
    });
    let out = f();
    ctx.detach_diagnostic_handler(handler);
    let text = messages.borrow().join("\n");
    (out, text)
}

/// [`CoreLlvmError::Pipeline`] for the core on `core_tile` (a failure before any core's module is
/// built, such as the pipeline not parsing).
fn pipeline_error(
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
    diagnostics: String,
) -> CoreLlvmError {
    match find_core(design, phys, core_tile) {
        Ok((_, (col, row))) => CoreLlvmError::Pipeline {
            design: design.name.clone(),
            col,
            row,
            diagnostics,
        },
        Err(e) => e,
    }
}

/// A pass manager holding [`PIPELINE`].
///
/// MLIR's verifier runs on the cores' modules before the pipeline, and LLVM's verifier on each
/// translated module after it, but not between the passes (aie-opt's default): the passes are
/// MLIR's own, and checking after each of the eleven cost more than running them.
fn pass_manager<'c>(ctx: &'c Context) -> Result<PassManager<'c>, String> {
    register_passes();
    let pm = PassManager::new(ctx);
    pm.enable_verifier(false);
    melior::utility::parse_pass_pipeline(pm.as_operation_pass_manager(), PIPELINE)
        .map_err(|e| format!("the pass pipeline does not parse: {e}"))?;
    Ok(pm)
}

/// Builds and verifies the standard-dialect module of each core in `tiles`.
fn standard_modules<'c>(
    ctx: &'c Context,
    design: &Design,
    phys: &Physical,
    tiles: &[TileId],
) -> Result<Vec<Module<'c>>, CoreLlvmError> {
    tiles
        .iter()
        .map(|&tile| {
            let (core, (col, row)) = find_core(design, phys, tile)?;
            let module = standard::StdBuilder::new(ctx, design, phys, core, (col, row)).build()?;
            let (ok, diagnostics) = with_diagnostics(ctx, || module.as_operation().verify());
            if ok {
                Ok(module)
            } else {
                Err(pipeline_error(design, phys, tile, diagnostics))
            }
        })
        .collect()
}

/// The cores' modules in the LLVM dialect, nested in order in one outer module.
///
/// [`PIPELINE`] runs once on the outer module, so its passes go over every core's module in one
/// run: MLIR sets a pass up (its patterns, its conversion target) per run, and that set-up costs
/// more than the few operations of a core. Each core's module is isolated from the others (a
/// module is a symbol table and isolated from above), so what the passes make of it is what a
/// run on it alone makes; if the shared run fails, each core is run alone to name the one that
/// fails.
fn llvm_dialect_modules<'c>(
    ctx: &'c Context,
    design: &Design,
    phys: &Physical,
    tiles: &[TileId],
) -> Result<Module<'c>, CoreLlvmError> {
    let outer = Module::new(melior::ir::Location::unknown(ctx));
    for module in standard_modules(ctx, design, phys, tiles)? {
        let module = std::mem::ManuallyDrop::new(module);
        // SAFETY: the module's operation is taken over from the module, which is never dropped
        // (`ManuallyDrop`), so the operation has exactly one owner: the block it is appended to.
        let op = unsafe {
            melior::ir::operation::Operation::from_raw(mlir_sys::mlirModuleGetOperation(
                module.to_raw(),
            ))
        };
        outer.body().append_operation(op);
    }
    let pm = pass_manager(ctx).map_err(|d| pipeline_error(design, phys, tiles[0], d))?;
    let mut outer = outer;
    let (run, diags) = with_diagnostics(ctx, || pm.run(&mut outer));
    if let Err(e) = run {
        if tiles.len() > 1 {
            for &tile in tiles {
                llvm_dialect_modules(ctx, design, phys, &[tile])?;
            }
        }
        return Err(pipeline_error(
            design,
            phys,
            tiles[0],
            format!("{e}\n{diags}"),
        ));
    }
    Ok(outer)
}

/// The nested modules of `outer`, in order.
fn nested<'c, 'a>(outer: &'a Module<'c>) -> Vec<melior::ir::operation::OperationRef<'c, 'a>> {
    let mut ops = Vec::new();
    let mut next = outer.body().first_operation();
    while let Some(op) = next {
        next = op.next_in_block();
        ops.push(op);
    }
    ops
}

/// The core's module in MLIR's LLVM dialect (what `aie-translate --mlir-to-llvmir` reads), as
/// MLIR prints it.
///
/// # Errors
/// [`CoreLlvmError`] as [`super::core_ir`].
pub fn core_llvm_dialect(
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<String, CoreLlvmError> {
    let ctx = context();
    let outer = llvm_dialect_modules(&ctx, design, phys, &[core_tile])?;
    let text = nested(&outer)
        .first()
        .map(|op| {
            op.to_string_with_flags(
                melior::ir::operation::OperationPrintingFlags::new().use_local_scope(),
            )
        })
        .transpose()?
        .unwrap_or_default();
    Ok(text)
}

/// The LLVM IR of the cores on `tiles` through MLIR: their standard modules, [`PIPELINE`] and
/// MLIR's translation to LLVM IR.
///
/// # Errors
/// [`CoreLlvmError`] as [`super::core_ir`], for the first core that fails.
pub fn through_mlir(
    design: &Design,
    phys: &Physical,
    tiles: &[TileId],
) -> Result<Vec<(TileId, String)>, CoreLlvmError> {
    if tiles.is_empty() {
        return Ok(Vec::new());
    }
    let ctx = context();
    let outer = llvm_dialect_modules(&ctx, design, phys, tiles)?;
    let llvm = inkwell::context::Context::create();
    tiles
        .iter()
        .zip(nested(&outer))
        .map(|(&tile, module)| Ok((tile, translate(&ctx, &llvm, design, phys, tile, module)?)))
        .collect()
}

/// Translates one core's LLVM-dialect module into LLVM IR in `llvm`, verifies it and prints it.
fn translate(
    ctx: &Context,
    llvm: &inkwell::context::Context,
    design: &Design,
    phys: &Physical,
    tile: TileId,
    module: melior::ir::operation::OperationRef<'_, '_>,
) -> Result<String, CoreLlvmError> {
    let (_, (col, row)) = find_core(design, phys, tile)?;
    let translate_error = |diagnostics: String| CoreLlvmError::Translate {
        design: design.name.clone(),
        col,
        row,
        diagnostics,
    };
    let (raw, diags) = with_diagnostics(ctx, || {
        // SAFETY: the module operation is alive for the call; the LLVM context is the one
        // inkwell owns (llvm-sys and mlir-sys name the same C type `LLVMOpaqueContext`).
        unsafe { mlir_sys::mlirTranslateModuleToLLVMIR(module.to_raw(), llvm.raw().cast()) }
    });
    if raw.is_null() {
        return Err(translate_error(diags));
    }
    // SAFETY: `raw` is a fresh module in `llvm`'s context, owned by nobody else; inkwell's
    // `Module` disposes of it, and it is dropped before `llvm`.
    let ll = unsafe { inkwell::module::Module::new(raw.cast()) };
    ll.verify()
        .map_err(|e| translate_error(format!("LLVM's verifier: {}", e.to_string_lossy())))?;
    let text = ll.print_to_string().to_string_lossy().into_owned();
    drop(ll);
    Ok(text)
}

//! Core programs to LLVM IR, in-process: what aiecc does per core before Peano compiles it
//! (tools/aiecc/aiecc.cpp at mlir-aie 5ff2ab97d).
//!
//! 1. `standard`: the core's program (from the lowered design, after the ObjectFIFO rewrite)
//!    becomes a module of upstream dialects, as mlir-aie's `aie-localize-locks`,
//!    `aie-standard-lowering` and `aiex-standard-lowering` make it.
//! 2. MLIR's own passes take it to the LLVM dialect, run through melior with the pipeline aiecc
//!    uses ([`PIPELINE`]).
//! 3. MLIR translates the result into an LLVM module (`mlirTranslateModuleToLLVMIR`), which
//!    inkwell owns and LLVM verifies, then prints as text.
//!
//! Left out of mlir-aie's list because they have nothing to do on what aie-dsl builds:
//! `aie-normalize-address-spaces` (no memref carries an address space) and
//! `convert-aievec-to-llvm` (core programs hold no `aievec` ops).
//!
//! One LLVM in the process: melior's mlir-sys links the static MLIR and LLVM 22 archives, and
//! inkwell's llvm-sys links the same LLVM archives; the translation hands the module across in
//! an LLVM context inkwell created.

mod standard;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Once;

use melior::dialect::DialectRegistry;
use melior::ir::operation::OperationLike;
use melior::ir::Module;
use melior::pass::PassManager;
use melior::Context;
use thiserror::Error;

use crate::ir::{Design, TileId};
use crate::lower::physical::Physical;

/// The pass pipeline aiecc runs on a core's module after mlir-aie's own core passes, in MLIR's
/// textual pipeline syntax (led by `convert-scf-to-cf`, which aiecc ran earlier on the whole
/// physical design).
pub const PIPELINE: &str = "builtin.module(convert-scf-to-cf,canonicalize,cse,\
expand-strided-metadata,lower-affine,arith-expand,finalize-memref-to-llvm,\
convert-func-to-llvm{use-bare-ptr-memref-call-conv=true},convert-to-llvm,canonicalize,cse)";

/// Why a core's LLVM IR could not be made.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CoreLlvmError {
    /// The tile is not one of the design's tiles.
    #[error("design `{design}`: the tile handle given for core lowering is not one of its tiles")]
    UnknownTile {
        /// The design.
        design: String,
    },
    /// The tile has no core program in the lowered design.
    #[error(
        "design `{design}`: tile ({col}, {row}) has no core, so there is no program to lower; \
         give it a program with `core!`"
    )]
    NoCore {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
    },
    /// The core uses a lock in a tile whose locks it cannot reach.
    #[error(
        "design `{design}`: core ({col}, {row}) uses lock `{lock}` of tile ({lock_col}, \
         {lock_row}), which it cannot reach; a core reaches the locks of its own tile and of the \
         compute tiles West, North and South of it"
    )]
    LockOutOfReach {
        /// The design.
        design: String,
        /// Column of the core.
        col: u32,
        /// Row of the core.
        row: u32,
        /// The lock's symbol name.
        lock: String,
        /// Column of the lock's tile.
        lock_col: u32,
        /// Row of the lock's tile.
        lock_row: u32,
    },
    /// melior refused to build an operation.
    #[error(
        "building the core module failed: {0} (a bug in aie-dsl; please report it with the design)"
    )]
    Build(String),
    /// MLIR's verifier or one of the passes rejected the module.
    #[error(
        "design `{design}`: lowering core ({col}, {row}) to the LLVM dialect failed (a bug in \
         aie-dsl; please report it with the design):\n{diagnostics}"
    )]
    Pipeline {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// What MLIR said.
        diagnostics: String,
    },
    /// MLIR could not translate the module into LLVM IR, or LLVM's verifier rejected the result.
    #[error(
        "design `{design}`: translating core ({col}, {row}) to LLVM IR failed (a bug in aie-dsl; \
         please report it with the design):\n{diagnostics}"
    )]
    Translate {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// What MLIR or LLVM said.
        diagnostics: String,
    },
}

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

/// The core on `core_tile`, its coordinates.
fn find_core<'p>(
    design: &Design,
    phys: &'p Physical,
    core_tile: TileId,
) -> Result<(&'p crate::lower::core::PCore, (u32, u32)), CoreLlvmError> {
    let (col, row) = design
        .coords(core_tile)
        .ok_or_else(|| CoreLlvmError::UnknownTile {
            design: design.name.clone(),
        })?;
    let core = phys
        .cores
        .iter()
        .find(|c| c.tile == core_tile)
        .ok_or_else(|| CoreLlvmError::NoCore {
            design: design.name.clone(),
            col,
            row,
        })?;
    Ok((core, (col, row)))
}

/// Builds and verifies the core's upstream-dialect module, then runs [`PIPELINE`] on it.
fn llvm_dialect_module<'c>(
    ctx: &'c Context,
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<Module<'c>, CoreLlvmError> {
    let (core, (col, row)) = find_core(design, phys, core_tile)?;
    let pipeline_error = |diagnostics: String| CoreLlvmError::Pipeline {
        design: design.name.clone(),
        col,
        row,
        diagnostics,
    };
    let mut module = standard::StdBuilder::new(ctx, design, phys, core, (col, row)).build()?;
    let (ok, diags) = with_diagnostics(ctx, || module.as_operation().verify());
    if !ok {
        return Err(pipeline_error(diags));
    }
    register_passes();
    let pm = PassManager::new(ctx);
    melior::utility::parse_pass_pipeline(pm.as_operation_pass_manager(), PIPELINE)
        .map_err(|e| pipeline_error(format!("the pass pipeline does not parse: {e}")))?;
    let (run, diags) = with_diagnostics(ctx, || pm.run(&mut module));
    run.map_err(|e| pipeline_error(format!("{e}\n{diags}")))?;
    Ok(module)
}

/// The core's module in MLIR's LLVM dialect (what `aie-translate --mlir-to-llvmir` reads), as
/// MLIR prints it.
///
/// # Errors
/// [`CoreLlvmError`] as [`core_ir`].
pub fn core_llvm_dialect(
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<String, CoreLlvmError> {
    let ctx = context();
    let module = llvm_dialect_module(&ctx, design, phys, core_tile)?;
    Ok(module.as_operation().to_string())
}

/// The LLVM IR of the core on `core_tile` (`define void @core_C_R()` with the buffers as external
/// globals, the lock intrinsics and the kernel declarations), as mlir-aie's per-core pipeline
/// and `aie-translate --mlir-to-llvmir` write it.
///
/// `phys` is the lowered design (`lower::objectfifo::lower(design)`): its buffers, locks and the
/// core programs after the ObjectFIFO rewrite. The module is verified by LLVM before it is
/// printed.
///
/// # Errors
/// [`CoreLlvmError`] if the tile has no core, the core uses a lock it cannot reach, or MLIR or
/// LLVM reject a step (a bug).
pub fn core_ir(
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<String, CoreLlvmError> {
    core_ir_in(&context(), design, phys, core_tile)
}

/// [`core_ir`] of every core of the lowered design, in its order, sharing one MLIR context
/// (making a context with every dialect costs more than lowering a core).
///
/// # Errors
/// [`CoreLlvmError`] as [`core_ir`], for the first core that fails.
pub fn core_irs(design: &Design, phys: &Physical) -> Result<Vec<(TileId, String)>, CoreLlvmError> {
    let ctx = context();
    phys.cores
        .iter()
        .map(|c| Ok((c.tile, core_ir_in(&ctx, design, phys, c.tile)?)))
        .collect()
}

fn core_ir_in(
    ctx: &Context,
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<String, CoreLlvmError> {
    let (_, (col, row)) = find_core(design, phys, core_tile)?;
    let translate_error = |diagnostics: String| CoreLlvmError::Translate {
        design: design.name.clone(),
        col,
        row,
        diagnostics,
    };
    let module = llvm_dialect_module(ctx, design, phys, core_tile)?;

    let llvm = inkwell::context::Context::create();
    let (raw, diags) = with_diagnostics(ctx, || {
        // SAFETY: the module operation is alive for the call; the LLVM context is the one
        // inkwell owns (llvm-sys and mlir-sys name the same C type `LLVMOpaqueContext`).
        unsafe {
            mlir_sys::mlirTranslateModuleToLLVMIR(module.as_operation().to_raw(), llvm.raw().cast())
        }
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

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

mod direct;
mod standard;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Once;

use melior::dialect::DialectRegistry;
use melior::ir::operation::OperationLike;
use melior::ir::{BlockLike, Module};
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
/// [`CoreLlvmError`] as [`core_ir`].
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
    let mut irs = irs_of(design, phys, &[core_tile])?;
    Ok(irs.pop().map(|(_, ir)| ir).unwrap_or_default())
}

/// [`core_ir`] of every core of the lowered design, in its order, from one MLIR context and one
/// run of the pass pipeline over all of them (see `llvm_dialect_modules`).
///
/// # Errors
/// [`CoreLlvmError`] as [`core_ir`], for the first core that fails.
pub fn core_irs(design: &Design, phys: &Physical) -> Result<Vec<(TileId, String)>, CoreLlvmError> {
    let tiles: Vec<TileId> = phys.cores.iter().map(|c| c.tile).collect();
    irs_of(design, phys, &tiles)
}

/// The LLVM IR of the cores on `tiles`, in order.
fn irs_of(
    design: &Design,
    phys: &Physical,
    tiles: &[TileId],
) -> Result<Vec<(TileId, String)>, CoreLlvmError> {
    // Written directly where the result is known (`direct`); the rest through MLIR.
    // The part before each core's function is the same for every core: made once.
    let prelude = direct::prelude(design, phys);
    let mut irs: Vec<(TileId, Option<String>)> = Vec::with_capacity(tiles.len());
    for &tile in tiles {
        let (core, coords) = find_core(design, phys, tile)?;
        let ir = match &prelude {
            Some(p) => direct::write(design, phys, p, core, coords)?,
            None => None,
        };
        irs.push((tile, ir));
    }
    let left: Vec<TileId> = irs
        .iter()
        .filter(|(_, ir)| ir.is_none())
        .map(|(t, _)| *t)
        .collect();
    let mut through_mlir = through_mlir(design, phys, &left)?.into_iter();
    irs.into_iter()
        .map(|(tile, ir)| match ir {
            Some(ir) => Ok((tile, ir)),
            None => through_mlir
                .next()
                .map(|(_, ir)| (tile, ir))
                .ok_or_else(|| CoreLlvmError::Build("a core's LLVM IR went missing".into())),
        })
        .collect()
}

/// The core's LLVM IR from the direct writer alone (`direct.rs`), or `None` for a core it leaves
/// to MLIR (only what no valid design holds: an empty name, a loop bound above `i64::MAX`, a
/// lock value beyond `i32`, initial values that do not fill their buffer). [`core_ir`] takes
/// this text when there is one; tests compare it with [`through_mlir`].
///
/// # Errors
/// [`CoreLlvmError`] as [`core_ir`].
pub fn direct_ir(
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<Option<String>, CoreLlvmError> {
    let (core, coords) = find_core(design, phys, core_tile)?;
    match direct::prelude(design, phys) {
        Some(prelude) => direct::write(design, phys, &prelude, core, coords),
        None => Ok(None),
    }
}

/// The LLVM IR of the cores on `tiles` through MLIR: their standard modules, [`PIPELINE`] and
/// MLIR's translation to LLVM IR.
///
/// # Errors
/// [`CoreLlvmError`] as [`core_ir`], for the first core that fails.
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

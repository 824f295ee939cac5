//! Printing core programs: `aie.core` and the ops inside it (constants, loops, branches,
//! ObjectFIFO acquire/release/access, kernel calls, `aie.use_lock`).

use super::attrs::*;
use super::*;

impl Printer {
    pub(super) fn print_core(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let (tile, coords) = self.tile_operand(op);
        let res = self.result(op, Some(format!("core_{coords}")));
        self.line(l, &format!("{res} = aie.core({tile}) {{"));
        self.scoped(|p| p.body(op, l + 1))?;
        let single_block = op
            .region(0)
            .ok()
            .and_then(|r| r.first_block())
            .is_some_and(|b| b.next_in_region().is_none());
        if single_block {
            self.line(l + 1, "aie.end");
        }
        let mut attrs = Vec::new();
        if let Some(o) = string(op, "link_with") {
            // Escaped as MLIR prints a string attribute (an object file may be named with quotes).
            attrs.push(format!(
                "link_with = {}",
                crate::emit::direct::mlir_string(&o)
            ));
        }
        if let Some(s) = int(op, "stack_size")
            .filter(|&s| s != i64::from(crate::target::NPU1.default_stack_bytes))
        {
            attrs.push(format!("stack_size = {s} : i32"));
        }
        if attrs.is_empty() {
            self.line(l, "}");
        } else {
            self.line(l, &format!("}} {{{}}}", attrs.join(", ")));
        }
        Ok(())
    }

    pub(super) fn print_arith_constant(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let value = attr(op, "value");
        let ty = op.result(0).map(|r| r.r#type()).ok();
        let base = match (value, ty) {
            (Some(v), Some(t)) => match IntegerAttribute::try_from(v) {
                Ok(i) if t.is_index() => format!("c{}", i.value()),
                Ok(i) => format!("c{}_{t}", i.value()),
                Err(_) => "cst".to_string(),
            },
            _ => "cst".to_string(),
        };
        let res = self.result(op, Some(base));
        let v = value.map(|v| v.to_string()).unwrap_or_default();
        self.line(l, &format!("{res} = arith.constant {v}"));
        Ok(())
    }

    pub(super) fn print_scf_for(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let (lb, ub, step) = (
            self.operand(op, 0),
            self.operand(op, 1),
            self.operand(op, 2),
        );
        let body = op.region(0).ok().and_then(|r| r.first_block());
        let iv = match body.as_ref().and_then(|b| b.argument(0).ok()) {
            Some(a) => self.define_arg(a.into()),
            None => "%<iv>".into(),
        };
        self.line(l, &format!("scf.for {iv} = {lb} to {ub} step {step} {{"));
        if let Some(b) = body {
            self.block(&b, l + 1)?;
        }
        self.line(l, "}");
        Ok(())
    }

    pub(super) fn print_objectfifo_acquire(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
        name: &str,
    ) -> Result<(), EmitError> {
        let port = if int(op, "port") == Some(0) {
            "Produce"
        } else {
            "Consume"
        };
        let head = format!(
            "{name} {}({port}, {})",
            symbol(op, "objFifo_name").unwrap_or_default(),
            int(op, "size").unwrap_or(1)
        );
        if name.ends_with("acquire") {
            let ty = op
                .result(0)
                .map(|r| self.ty(r.r#type()))
                .unwrap_or_default();
            let res = self.result(op, None);
            self.line(l, &format!("{res} = {head} : {ty}"));
        } else {
            self.line(l, &head);
        }
        Ok(())
    }

    pub(super) fn print_objectfifo_subview_access(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
        name: &str,
    ) -> Result<(), EmitError> {
        let sv = self.operand(op, 0);
        let from = op
            .operand(0)
            .map(|v| self.ty(v.r#type()))
            .unwrap_or_default();
        let to = op
            .result(0)
            .map(|r| self.ty(r.r#type()))
            .unwrap_or_default();
        let res = self.result(op, None);
        let i = int(op, "index").unwrap_or(0);
        self.line(l, &format!("{res} = {name} {sv}[{i}] : {from} -> {to}"));
        Ok(())
    }

    pub(super) fn print_func_call(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let args: Vec<String> = op.operands().map(|v| self.name(v)).collect();
        let types: Vec<String> = op.operands().map(|v| self.ty(v.r#type())).collect();
        let text = format!(
            "func.call {}({}) : ({}) -> ()",
            symbol(op, "callee").unwrap_or_default(),
            args.join(", "),
            types.join(", ")
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_use_lock(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let action = match int(op, "action") {
            Some(0) => "Acquire",
            Some(1) => "Release",
            _ => "AcquireGreaterEqual",
        };
        let text = format!(
            "aie.use_lock({}, {action}, {})",
            self.operand(op, 0),
            int(op, "value").unwrap_or(1)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_cf_br(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let args: Vec<String> = op.operands().map(|v| self.name(v)).collect();
        let types: Vec<String> = op.operands().map(|v| self.ty(v.r#type())).collect();
        let dest = self.successor(op, 0);
        let text = if args.is_empty() {
            format!("cf.br {dest}")
        } else {
            format!("cf.br {dest}({} : {})", args.join(", "), types.join(", "))
        };
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_cf_cond_br(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let cond = self.operand(op, 0);
        let text = format!(
            "cf.cond_br {cond}, {}, {}",
            self.successor(op, 0),
            self.successor(op, 1)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_arith_cmpi(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        const PREDICATES: [&str; 10] = [
            "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
        ];
        let p = int(op, "predicate")
            .and_then(|p| PREDICATES.get(p as usize))
            .copied()
            .unwrap_or("eq");
        let (a, b) = (self.operand(op, 0), self.operand(op, 1));
        let ty = op
            .operand(0)
            .map(|v| self.ty(v.r#type()))
            .unwrap_or_default();
        let res = self.result(op, None);
        self.line(l, &format!("{res} = arith.cmpi {p}, {a}, {b} : {ty}"));
        Ok(())
    }

    pub(super) fn print_arith_addi(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let (a, b) = (self.operand(op, 0), self.operand(op, 1));
        let ty = op
            .operand(0)
            .map(|v| self.ty(v.r#type()))
            .unwrap_or_default();
        let res = self.result(op, None);
        self.line(l, &format!("{res} = arith.addi {a}, {b} : {ty}"));
        Ok(())
    }
}

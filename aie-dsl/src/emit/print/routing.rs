//! Printing routing: switchboxes and shim muxes with their connections, arbiters, master sets
//! and packet rules, and wires.

use super::attrs::*;
use super::*;

impl Printer {
    pub(super) fn print_switchbox(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
        name: &str,
    ) -> Result<(), EmitError> {
        let base = if name == "aie.switchbox" {
            "switchbox"
        } else {
            "shim_mux"
        };
        self.tile_region(op, l, name, base)
    }

    pub(super) fn print_connect(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!(
            "aie.connect<{} : {}, {} : {}>",
            bundle_name(int(op, "source_bundle").unwrap_or(-1)),
            int(op, "source_channel").unwrap_or(0),
            bundle_name(int(op, "dest_bundle").unwrap_or(-1)),
            int(op, "dest_channel").unwrap_or(0)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_amsel(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let res = self.result(op, None);
        let text = format!(
            "{res} = aie.amsel<{}> ({})",
            int(op, "arbiterID").unwrap_or(0),
            int(op, "msel").unwrap_or(0)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_masterset(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let amsels: Vec<String> = op.operands().map(|v| self.name(v)).collect();
        let keep = attr(op, "keep_pkt_header")
            .map(|a| format!(" {{keep_pkt_header = {a}}}"))
            .unwrap_or_default();
        let res = self.result(op, None);
        let text = format!(
            "{res} = aie.masterset({} : {}, {}){keep}",
            bundle_name(int(op, "dest_bundle").unwrap_or(-1)),
            int(op, "dest_channel").unwrap_or(0),
            amsels.join(", ")
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_packet_rules(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!(
            "aie.packet_rules({} : {}) {{",
            bundle_name(int(op, "source_bundle").unwrap_or(-1)),
            int(op, "source_channel").unwrap_or(0)
        );
        self.line(l, &text);
        self.body(op, l + 1)?;
        self.line(l, "}");
        Ok(())
    }

    pub(super) fn print_rule(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!(
            "aie.rule({}, {}, {})",
            int(op, "mask").unwrap_or(0),
            int(op, "value").unwrap_or(0),
            self.operand(op, 0)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_wire(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!(
            "aie.wire({} : {}, {} : {})",
            self.operand(op, 0),
            bundle_name(int(op, "source_bundle").unwrap_or(-1)),
            self.operand(op, 1),
            bundle_name(int(op, "dest_bundle").unwrap_or(-1))
        );
        self.line(l, &text);
        Ok(())
    }
}

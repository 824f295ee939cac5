//! Tiles: each declared tile lies on the device and in a row of its kind (mlir-aie
//! `TileOp::verify` and `AIETargetModel::isCoreTile`/`isMemTile`/`isShimNOCorPLTile` at
//! 5ff2ab97d, lib/Dialect/AIE/IR/AIEDialect.cpp).

use super::{ValidationError, Validator};

impl Validator<'_> {
    pub(super) fn tiles(&mut self) {
        let dev = self.d.device;
        for (_, t) in self.d.tiles.iter() {
            if !dev.contains(t.col, t.row) {
                self.push(ValidationError::TileOutsideDevice {
                    col: t.col,
                    row: t.row,
                    device: dev,
                    columns: dev.columns(),
                    max_col: dev.columns() - 1,
                    max_row: dev.rows() - 1,
                });
                continue;
            }
            if let Some(actual) = dev.kind_of_row(t.row) {
                if actual != t.kind {
                    let (lo, hi) = dev.rows_of(t.kind);
                    let hint = if lo == hi {
                        format!("{}s are in row {lo}", t.kind)
                    } else {
                        format!("{}s are in rows {lo}-{hi}", t.kind)
                    };
                    self.push(ValidationError::TileKindMismatch {
                        col: t.col,
                        row: t.row,
                        device: dev,
                        declared: t.kind,
                        actual,
                        hint,
                    });
                }
            }
        }
    }
}

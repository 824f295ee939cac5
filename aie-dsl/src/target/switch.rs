//! Stream-switch ports and connection rules: how many master and slave channels each bundle
//! has on each tile's switch and shim mux (AIE2 `getNumDestSwitchboxConnections`,
//! `getNumSourceSwitchboxConnections`, `getNumDestShimMuxConnections`,
//! `getNumSourceShimMuxConnections`), and which connections inside a switch are legal
//! (`isLegalTileConnection`), as lib/Dialect/AIE/IR/AIETargetModel.cpp at 5ff2ab97d has them.

use super::{Device, TileKind, WireBundle};

/// Stream-switch ports (AIE2 `getNumDestSwitchboxConnections` / `getNumSourceSwitchboxConnections`
/// and the shim mux counts) and legal intra-switch connections (`isLegalTileConnection`).
impl Device {
    /// Channels of `bundle` on the switch of tile `(col, row)`: master (outgoing) ports when
    /// `master`, else slave (incoming) ports.
    pub fn switch_ports(self, col: u32, row: u32, bundle: WireBundle, master: bool) -> u32 {
        use WireBundle::*;
        let last_col = col + 1 == self.columns();
        let top_row = row + 1 == self.rows();
        match (self.kind_of_row(row), master) {
            (Some(TileKind::Mem), true) => match bundle {
                Dma | North => 6,
                South => 4,
                TileControl => 1,
                _ => 0,
            },
            (Some(TileKind::Mem), false) => match bundle {
                Dma | South => 6,
                North => 4,
                Trace | TileControl => 1,
                _ => 0,
            },
            (Some(TileKind::Shim), m) => match bundle {
                Fifo | TileControl => 1,
                North => {
                    if m {
                        6
                    } else {
                        4
                    }
                }
                South => {
                    if m {
                        6
                    } else {
                        8
                    }
                }
                West => {
                    if col == 0 {
                        0
                    } else {
                        4
                    }
                }
                East => {
                    if last_col {
                        0
                    } else {
                        4
                    }
                }
                Trace => {
                    if m {
                        0
                    } else {
                        1
                    }
                }
                _ => 0,
            },
            (_, m) => match bundle {
                Core | Fifo | TileControl => 1,
                Dma => 2,
                North => {
                    if top_row {
                        0
                    } else if m {
                        6
                    } else {
                        4
                    }
                }
                South => {
                    if m {
                        4
                    } else {
                        6
                    }
                }
                West => {
                    if col == 0 {
                        0
                    } else {
                        4
                    }
                }
                East => {
                    if last_col {
                        0
                    } else {
                        4
                    }
                }
                Trace => {
                    if m {
                        0
                    } else {
                        2
                    }
                }
                _ => 0,
            },
        }
    }

    /// Channels of `bundle` on the shim mux of column `col` (shim tiles only).
    pub fn shim_mux_ports(self, row: u32, bundle: WireBundle, master: bool) -> u32 {
        use WireBundle::*;
        if self.kind_of_row(row) != Some(TileKind::Shim) {
            return 0;
        }
        match bundle {
            Dma => 2,
            Noc => 4,
            Plio => {
                if master {
                    6
                } else {
                    8
                }
            }
            South => {
                if master {
                    8
                } else {
                    6
                }
            }
            _ => 0,
        }
    }

    /// Whether the switch of `(col, row)` can connect slave `(sb, sc)` to master `(db, dc)`.
    pub fn legal_connection(
        self,
        col: u32,
        row: u32,
        sb: WireBundle,
        sc: u32,
        db: WireBundle,
        dc: u32,
    ) -> bool {
        if sc >= self.switch_ports(col, row, sb, false)
            || dc >= self.switch_ports(col, row, db, true)
        {
            return false;
        }
        connection_rule(self.kind_of_row(row), sb, sc, db, dc)
    }
}

/// The connection rule of a switch in a tile of `kind` (`None`: a compute tile), for ports that
/// exist ([`Device::legal_connection`] checks that first).
pub(crate) fn connection_rule(
    kind: Option<TileKind>,
    sb: WireBundle,
    sc: u32,
    db: WireBundle,
    dc: u32,
) -> bool {
    use WireBundle::*;
    {
        let nsew = |b: WireBundle| matches!(b, South | West | North | East);
        match kind {
            Some(TileKind::Mem) => match sb {
                Dma => match db {
                    Dma => sc == dc,
                    TileControl | South | North => true,
                    _ => false,
                },
                TileControl => match db {
                    Dma => dc == 5,
                    South | North => true,
                    _ => false,
                },
                South | North => match db {
                    Dma | TileControl => true,
                    South | North => sc == dc,
                    _ => false,
                },
                Trace => match db {
                    Dma => dc == 5,
                    South => true,
                    _ => false,
                },
                _ => false,
            },
            Some(TileKind::Shim) => match sb {
                TileControl => db != TileControl,
                Fifo | South => matches!(db, TileControl | Fifo) || nsew(db),
                West | North | East => {
                    if sb == db {
                        sc == dc
                    } else {
                        matches!(db, TileControl | Fifo) || nsew(db)
                    }
                }
                Trace => match db {
                    Fifo | South => true,
                    West | East => dc == 0,
                    _ => false,
                },
                _ => false,
            },
            _ => match sb {
                Dma | Fifo | South | West | North | East
                    if matches!(db, Core | Dma | TileControl | Fifo) || nsew(db) =>
                {
                    sb != db || sc == dc
                }
                Dma | Fifo | South | West | North | East => false,
                Core => db != Core,
                TileControl => db != TileControl && db != Dma,
                Trace => match db {
                    Dma => dc == 0,
                    Fifo | South => true,
                    _ => false,
                },
                _ => false,
            },
        }
    }
}

//! Layout and geometry of the picture: sizes and distances, where each tile, stream switch,
//! shim mux and port sits.

use super::Picture;
use crate::lower::route::Port;
use crate::target::WireBundle;

/// Width of a tile's cell.
pub(super) const TILE_W: i64 = 200;
/// Height of a tile's cell.
pub(super) const TILE_H: i64 = 150;
/// Width of the gap between cells, where the switches and their wires are drawn.
pub(super) const GAP: i64 = 72;
/// Side of a switchbox square.
pub(super) const SB: i64 = 56;
/// Left margin of the picture.
pub(super) const MARGIN: i64 = 30;
/// Top of the grid, below the title.
pub(super) const TOP: i64 = 84;
/// Width of the legend.
pub(super) const LEGEND_W: i64 = 370;
/// Distance between stream lanes.
pub(super) const LANE: i64 = 3;
/// Height of one legend row.
pub(super) const LEGEND_ROW: i64 = 17;
/// Distance between DMA port points on a tile edge.
pub(super) const PORT: i64 = 12;
/// Width in tenths of a pixel of one character of 12px text, for truncation.
pub(super) const CHAR_12_X10: i64 = 66;

/// Colour of the switch connections no FIFO uses.
pub(super) const UNATTRIBUTED: &str = "#9a9a9a";

/// A point: x, y in pixels.
pub(super) type Pt = (i64, i64);

/// Where a switch connection happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Place {
    /// The stream switch of a tile.
    Sb(u32, u32),
    /// The shim mux of a shim tile.
    Mux(u32, u32),
}

impl Place {
    pub(super) fn key(self) -> (u32, u32, bool) {
        match self {
            Place::Sb(c, r) => (c, r, false),
            Place::Mux(c, r) => (c, r, true),
        }
    }
    pub(super) fn tile(self) -> (u32, u32) {
        match self {
            Place::Sb(c, r) | Place::Mux(c, r) => (c, r),
        }
    }
}

impl Picture<'_> {
    pub(super) fn origin(&self, (c, r): (u32, u32)) -> Pt {
        let c = i64::from(c);
        let r = i64::from(self.rows.saturating_sub(1).saturating_sub(r));
        (MARGIN + c * (TILE_W + GAP), TOP + r * (TILE_H + GAP))
    }

    pub(super) fn sb_center(&self, t: (u32, u32)) -> Pt {
        let (x, y) = self.origin(t);
        (x + TILE_W + GAP / 2, y + TILE_H + GAP / 2)
    }

    pub(super) fn mux_center(&self, t: (u32, u32)) -> Pt {
        let (x, y) = self.sb_center(t);
        (x, y + SB / 2 + 26)
    }

    pub(super) fn grid_w(&self) -> i64 {
        MARGIN + i64::from(self.cols) * (TILE_W + GAP) + 10
    }

    pub(super) fn grid_h(&self) -> i64 {
        TOP + i64::from(self.rows) * (TILE_H + GAP) + 40
    }

    /// The point where DMA channel `ch` (or another tile port) of tile `t` meets its stream:
    /// receiving ports on the bottom edge, sending ports on the right edge.
    pub(super) fn tile_port(&self, t: (u32, u32), port: Port, receiving: bool) -> Pt {
        let (x, y) = self.origin(t);
        let k = match port.0 {
            WireBundle::Dma => i64::from(port.1.min(5)),
            WireBundle::Core => 6,
            _ => 7,
        };
        if receiving {
            (x + TILE_W - 16 - PORT * k, y + TILE_H)
        } else {
            (x + TILE_W, y + TILE_H - 16 - PORT * k)
        }
    }

    /// The point on a switch's outline where `port` meets it.
    pub(super) fn switch_port(&self, place: Place, port: Port, master: bool) -> Pt {
        let ch = i64::from(port.1.min(7));
        let low = -SB / 2 + 2 + LANE * ch; // northbound / eastbound lanes
        let high = 4 + LANE * ch; // southbound / westbound lanes
        match place {
            Place::Sb(c, r) => {
                let (cx, cy) = self.sb_center((c, r));
                let (top, bottom, left, right) =
                    (cy - SB / 2, cy + SB / 2, cx - SB / 2, cx + SB / 2);
                match (port.0, master) {
                    (WireBundle::North, true) => (cx + low, top),
                    (WireBundle::North, false) => (cx + high, top),
                    (WireBundle::South, true) => (cx + high, bottom),
                    (WireBundle::South, false) => (cx + low, bottom),
                    (WireBundle::East, true) => (right, cy + low),
                    (WireBundle::East, false) => (right, cy + high),
                    (WireBundle::West, true) => (left, cy + high),
                    (WireBundle::West, false) => (left, cy + low),
                    _ => (left, top),
                }
            }
            Place::Mux(c, r) => {
                let (cx, my) = self.mux_center((c, r));
                match (port.0, master) {
                    (WireBundle::North, true) => (cx + low, my - 10),
                    (WireBundle::North, false) => (cx + high, my - 10),
                    _ => (cx - SB / 2, my),
                }
            }
        }
    }
}

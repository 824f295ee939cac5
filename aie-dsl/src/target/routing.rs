//! Stream routing facts: packet switching and the shim mux's channel maps (used by
//! `lower::route`; mlir-aie lib/Dialect/AIE/Transforms/AIECreatePathFindFlows.cpp and
//! include/aie/Dialect/AIE/Transforms/AIEPathFinder.h at 5ff2ab97d).

use super::{npu1, Device, WireBundle};

impl Device {
    /// Packet-switch arbiters per stream switch.
    pub fn packet_arbiters(self) -> u8 {
        npu1::ARBITERS
    }

    /// Master selects per arbiter.
    pub fn msels_per_arbiter(self) -> u8 {
        npu1::MSELS_PER_ARBITER
    }

    /// Packet flows that may share one stream channel before it counts as used.
    pub fn packet_flows_per_channel(self) -> u32 {
        npu1::PACKET_FLOWS_PER_CHANNEL
    }

    /// Bits of a packet id that packet rules match.
    pub fn packet_id_bits(self) -> u32 {
        npu1::PACKET_ID_BITS
    }

    /// The shim switch's South slave channel that the shim mux drives from its input
    /// `(bundle, channel)`: shim DMA MM2S 0/1 → 3/7, NOC 0/1 → 2/3 and NOC 2/3 → 6/7, anything
    /// else (PLIO) on its own channel.
    pub fn shim_mux_to_switch(self, bundle: WireBundle, channel: u32) -> u32 {
        match bundle {
            WireBundle::Dma => npu1::SHIM_MM2S_TO_SOUTH[usize::from(channel != 0)],
            WireBundle::Noc => {
                if channel >= 2 {
                    channel + 4
                } else {
                    channel + 2
                }
            }
            _ => channel,
        }
    }

    /// The shim switch's South master channel that the shim mux takes to its output
    /// `(bundle, channel)`: shim DMA S2MM 0/1 ← 2/3, NOC `c` ← `c + 2`, anything else (PLIO)
    /// on its own channel.
    pub fn switch_to_shim_mux(self, bundle: WireBundle, channel: u32) -> u32 {
        match bundle {
            WireBundle::Dma => npu1::SHIM_SOUTH_TO_S2MM[usize::from(channel != 0)],
            WireBundle::Noc => channel + 2,
            _ => channel,
        }
    }
}

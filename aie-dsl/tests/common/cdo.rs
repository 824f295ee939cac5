//! Reading a CDO back in the tests: its block writes and its single writes, through the codec.

use aie_dsl::back::cdo::stream;

/// The block writes of a CDO file: address and words.
pub fn blocks(bytes: &[u8]) -> Vec<(u64, Vec<u32>)> {
    stream::decode(bytes)
        .unwrap()
        .into_iter()
        .filter_map(|(_, c)| match c {
            stream::Command::Block { addr, data } => Some((addr, data)),
            _ => None,
        })
        .collect()
}

/// The single writes of a CDO file: address and value.
pub fn writes(bytes: &[u8]) -> Vec<(u64, u32)> {
    stream::decode(bytes)
        .unwrap()
        .into_iter()
        .filter_map(|(_, c)| match c {
            stream::Command::Write { addr, value } => Some((addr, value)),
            _ => None,
        })
        .collect()
}

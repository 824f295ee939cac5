//! Listing a CDO's commands with their addresses decoded.

use std::fmt::Write as _;

use super::InspectError;
use crate::back::cdo::stream::{self, Command};
use crate::target::{regmap, Device};

/// Data words shown inline for a block write.
const SHOWN_WORDS: usize = 8;

/// `<kind> (c,r) <register>` for a partition-relative AIE address of an npu1 device, as far
/// as the target model's register map knows it (`offset 0x…` otherwise; empty outside the array).
pub fn where_is(addr: u64) -> String {
    // Every npu1 variant has the same rows; the column is whatever the address says.
    let device = Device::Npu1;
    let (col, row, offset) = device.split_address(addr);
    let Ok(row32) = u32::try_from(row) else {
        return String::new();
    };
    match device.kind_of_row(row32) {
        Some(kind) if addr >> 32 == 0 => {
            let reg =
                regmap::describe(kind, offset).unwrap_or_else(|| format!("offset {offset:#x}"));
            format!("{kind} ({col},{row}) {reg}")
        }
        _ => String::new(),
    }
}

fn data_words(data: &[u32]) -> String {
    let shown: Vec<String> = data
        .iter()
        .take(SHOWN_WORDS)
        .map(|w| format!("{w:08x}"))
        .collect();
    let more = if data.len() > SHOWN_WORDS { " …" } else { "" };
    format!("[{}{more}]", shown.join(" "))
}

/// Describes a CDO file: header facts, then one line per command.
///
/// # Errors
/// [`InspectError::Cdo`] naming `name` when the file is malformed.
pub fn describe_cdo(name: &str, bytes: &[u8]) -> Result<String, InspectError> {
    let fail = |source| InspectError::Cdo {
        name: name.into(),
        source,
    };
    let parsed = stream::parse(bytes).map_err(fail)?;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "CDO {name}: version {}.{}, {} bytes, {} command(s)",
        parsed.version >> 8,
        parsed.version & 0xFF,
        bytes.len(),
        parsed.commands.len()
    );
    for c in &parsed.commands {
        let op = c
            .name()
            .map(str::to_string)
            .unwrap_or_else(|| format!("command {:#06x}", c.id));
        let body = match c.decode() {
            Ok(Command::Nop(p)) => format!("{} word(s) of padding", p.len()),
            Ok(Command::Write { addr, value }) => {
                format!("{addr:#010x} = {value:#010x}  {}", where_is(addr))
            }
            // A one-word block reads as a write, as bootgen decodes it.
            Ok(Command::Block { addr, data }) if data.len() == 1 => {
                format!("{addr:#010x} = {:#010x}  {}", data[0], where_is(addr))
            }
            Ok(Command::Block { addr, data }) => format!(
                "{addr:#010x} {} word(s) {}  {}",
                data.len(),
                data_words(&data),
                where_is(addr)
            ),
            Ok(Command::MaskWrite { addr, mask, value }) => format!(
                "{addr:#010x} mask {mask:#010x} value {value:#010x}  {}",
                where_is(addr)
            ),
            Ok(Command::MaskPoll {
                addr,
                mask,
                value,
                count,
                ..
            }) => format!(
                "{addr:#010x} until & {mask:#010x} == {value:#010x} (limit {count})  {}",
                where_is(addr)
            ),
            Ok(Command::Delay(v)) => format!("{v}"),
            Ok(Command::Set { addr, count, value }) => format!(
                "{addr:#010x} {count} word(s) = {value:#010x}  {}",
                where_is(addr)
            ),
            Err(_) => format!("{} payload word(s)", c.payload.len()),
        };
        let _ = writeln!(s, "  {:#06x}  {op:<12} {}", c.word * 4, body.trim_end());
    }
    Ok(s)
}

//! Reading attributes of the verified module's operations in the form the printer needs.

use super::*;

pub(super) fn attr<'c>(op: &OperationRef<'c, '_>, name: &str) -> Option<Attribute<'c>> {
    op.attribute(name).ok()
}

pub(super) fn int(op: &OperationRef<'_, '_>, name: &str) -> Option<i64> {
    attr(op, name)
        .and_then(|a| IntegerAttribute::try_from(a).ok())
        .map(|i| i.value())
}

pub(super) fn string(op: &OperationRef<'_, '_>, name: &str) -> Option<String> {
    attr(op, name)
        .and_then(|a| StringAttribute::try_from(a).ok())
        .map(|s| s.value().to_string())
}

pub(super) fn symbol(op: &OperationRef<'_, '_>, name: &str) -> Option<String> {
    attr(op, name)
        .and_then(|a| FlatSymbolRefAttribute::try_from(a).ok())
        .map(|s| format!("@{}", s.value()))
}

pub(super) fn flag(op: &OperationRef<'_, '_>, name: &str) -> bool {
    attr(op, name).is_some_and(|a| a.to_string() == "true")
}

/// The text inside an opaque `#aie<…>` attribute.
pub(super) fn opaque_data(a: Attribute<'_>) -> String {
    // SAFETY: reads the data of a live attribute; non-opaque attributes are filtered by the
    // caller (they are only read from properties we built as opaque).
    unsafe {
        if !mlir_sys::mlirAttributeIsAOpaque(a.to_raw()) {
            return String::new();
        }
        let s = mlir_sys::mlirOpaqueAttrGetData(a.to_raw());
        let bytes = std::slice::from_raw_parts(s.data.cast::<u8>(), s.length);
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Splits `a, [b, c], d` at the commas outside brackets.
pub(super) fn split_top(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for ch in s.chars() {
        match ch {
            '[' | '<' | '(' => depth += 1,
            ']' | '>' | ')' => depth -= 1,
            _ => {}
        }
        if ch == ',' && depth == 0 {
            parts.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(ch);
        }
    }
    if !cur.trim().is_empty() {
        parts.push(cur.trim().to_string());
    }
    parts
}

pub(super) fn bundle_name(v: i64) -> String {
    const ALL: [WireBundle; 11] = [
        WireBundle::Core,
        WireBundle::Dma,
        WireBundle::Fifo,
        WireBundle::South,
        WireBundle::West,
        WireBundle::North,
        WireBundle::East,
        WireBundle::Plio,
        WireBundle::Noc,
        WireBundle::Trace,
        WireBundle::TileControl,
    ];
    ALL.iter()
        .find(|b| i64::from(b.enum_value()) == v)
        .map_or_else(|| v.to_string(), |b| b.keyword().to_string())
}

pub(super) fn i64_array(a: Option<Attribute<'_>>) -> String {
    let Some(arr) = a.and_then(|a| DenseI64ArrayAttribute::try_from(a).ok()) else {
        return "[]".into();
    };
    let items: Vec<String> = (0..arr.len())
        .filter_map(|i| arr.element(i).ok())
        .map(|v| v.to_string())
        .collect();
    format!("[{}]", items.join(", "))
}

/// `[a, b]` of an array attribute of integers or symbols, without types.
pub(super) fn plain_array(a: Option<Attribute<'_>>) -> String {
    let Some(arr) = a.and_then(|a| ArrayAttribute::try_from(a).ok()) else {
        return "[]".into();
    };
    let items: Vec<String> = (0..arr.len())
        .filter_map(|i| arr.element(i).ok())
        .map(|e| {
            IntegerAttribute::try_from(e)
                .map(|i| i.value().to_string())
                .unwrap_or_else(|_| e.to_string())
        })
        .collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::split_top;

    #[test]
    fn split_top_respects_brackets() {
        assert_eq!(
            split_top("[], [<size = 2, stride = 1>]"),
            vec!["[]", "[<size = 2, stride = 1>]"]
        );
        assert_eq!(split_top("[]"), vec!["[]"]);
        assert!(split_top("").is_empty());
    }
}

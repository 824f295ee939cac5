//! Names: every FIFO, kernel, buffer, lock and shim allocation prints as a bare MLIR symbol
//! (`@name`) and no two objects share one, since they live in one symbol table.

use std::collections::HashMap;

use super::{ValidationError, Validator};

impl Validator<'_> {
    pub(super) fn names(&mut self) {
        let d = self.d;
        let mut named: Vec<(String, &'static str, String)> = Vec::new();
        for (_, f) in d.fifos.iter() {
            named.push((
                f.name.clone(),
                "ObjectFIFO",
                format!("ObjectFIFO `{}`", f.name),
            ));
        }
        for (_, k) in d.kernels.iter() {
            named.push((k.symbol.clone(), "kernel", format!("kernel `{}`", k.symbol)));
        }
        for (_, b) in d.buffers.iter() {
            named.push((b.name.clone(), "buffer", format!("buffer `{}`", b.name)));
        }
        for (_, l) in d.locks.iter() {
            named.push((l.name.clone(), "lock", format!("lock `{}`", l.name)));
        }
        for (_, a) in d.shim_allocs.iter() {
            named.push((
                a.name.clone(),
                "shim DMA allocation",
                format!("shim DMA allocation `{}`", a.name),
            ));
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (name, what, label) in &named {
            if !is_symbol_name(name) {
                self.push(ValidationError::BadName {
                    what,
                    name: name.clone(),
                });
                continue;
            }
            if let Some(first) = seen.get(name.as_str()) {
                self.push(ValidationError::DuplicateName {
                    name: name.clone(),
                    first: first.to_string(),
                    second: label.clone(),
                });
            } else {
                seen.insert(name, label);
            }
        }
    }
}

/// Whether `name` prints as a bare MLIR symbol (`@name`).
fn is_symbol_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::is_symbol_name;

    #[test]
    fn symbol_names_are_identifiers() {
        assert!(is_symbol_name("of_in"));
        assert!(is_symbol_name("_x9"));
        assert!(!is_symbol_name("9x"));
        assert!(!is_symbol_name("a-b"));
        assert!(!is_symbol_name(""));
    }
}

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
        // Two declarations of one kernel symbol: say what differs rather than that the name
        // is taken, and report the pair once.
        let kernels: Vec<_> = d.kernels.iter().map(|(_, k)| k).collect();
        let mut redeclared: Vec<&str> = Vec::new();
        for (i, a) in kernels.iter().enumerate() {
            let Some(b) = kernels[..i].iter().find(|b| b.symbol == a.symbol) else {
                continue;
            };
            redeclared.push(&a.symbol);
            let sig = |k: &crate::ir::Kernel| {
                k.args
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut diff = Vec::new();
            if a.args != b.args {
                diff.push(format!("argument types: ({}) and ({})", sig(b), sig(a)));
            }
            if a.object != b.object {
                diff.push(format!("object files: `{}` and `{}`", b.object, a.object));
            }
            if a.source != b.source {
                let src = |k: &crate::ir::Kernel| k.source.clone().unwrap_or_else(|| "none".into());
                diff.push(format!("sources: `{}` and `{}`", src(b), src(a)));
            }
            if diff.is_empty() {
                // Identical declarations reached the design without the builder's merge
                // (e.g. an edited `Design`); they are still one kernel declared twice.
                diff.push("handles (the declarations are identical)".into());
            }
            self.push(ValidationError::KernelRedeclared {
                symbol: a.symbol.clone(),
                differences: diff.join("; "),
            });
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        let mut kernel_seen: Vec<&str> = Vec::new();
        for (name, what, label) in &named {
            // A second kernel of a redeclared symbol is reported above.
            if *what == "kernel" && redeclared.contains(&name.as_str()) {
                if kernel_seen.contains(&name.as_str()) {
                    continue;
                }
                kernel_seen.push(name);
            }
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

//! Kernels: an object file named as a plain file next to the design, and memref arguments that
//! hold at least one element.

use super::{ValidationError, Validator};

impl Validator<'_> {
    pub(super) fn kernels(&mut self) {
        for (_, k) in self.d.kernels.iter() {
            if k.object.is_empty() || k.object.contains('/') || k.object.contains('\\') {
                self.push(ValidationError::Kernel {
                    kernel: k.symbol.clone(),
                    problem: format!(
                        "object file `{}` must be a plain file name such as `{}.o` (the build puts objects next to the design)",
                        k.object, k.symbol
                    ),
                });
            }
            for (i, a) in k.args.iter().enumerate() {
                if let crate::types::ArgType::MemRef(m) = a {
                    if m.elements() == 0 {
                        self.push(ValidationError::Kernel {
                            kernel: k.symbol.clone(),
                            problem: format!("argument {i} is {m}, which has no elements; give every dimension a size of at least 1"),
                        });
                    }
                }
            }
        }
    }
}

//! Checking a parameterised design's shape before it is built: a shape its kernel or the
//! runtime sequence cannot handle is rejected with a [`ShapeError`] naming the design
//! parameter and what to change, rather than built into a binary that computes garbage.

/// A design parameter out of what the design's kernel or data movement can handle.
#[derive(Debug, thiserror::Error)]
pub enum ShapeError {
    /// A parameter outside the range the design supports.
    #[error(
        "design `{design}`: parameter `{param}` = {value} is outside {min}..={max} ({why}); \
         choose `{param}` in {min}..={max}"
    )]
    OutOfRange {
        /// The design.
        design: &'static str,
        /// The parameter.
        param: &'static str,
        /// The value asked for.
        value: u64,
        /// The smallest value supported.
        min: u64,
        /// The largest value supported.
        max: u64,
        /// Where the limit comes from.
        why: &'static str,
    },
    /// A row length that is not a multiple of the kernel's vector width.
    #[error(
        "design `{design}`: parameter `{param}` = {value} is not a multiple of {multiple}, the \
         vector width of kernel `{kernel}`; round `{param}` to a multiple of {multiple} (e.g. \
         {down} or {up}) and pad the rows"
    )]
    NotMultiple {
        /// The design.
        design: &'static str,
        /// The parameter.
        param: &'static str,
        /// The value asked for.
        value: u64,
        /// The width it must be a multiple of.
        multiple: u64,
        /// The kernel's C symbol.
        kernel: &'static str,
        /// The nearest multiple below.
        down: u64,
        /// The nearest multiple above.
        up: u64,
    },
    /// One parameter does not divide another the data movement splits by it.
    #[error(
        "design `{design}`: parameter `{param}` = {value} does not divide `{of}` = {total} \
         ({why}); choose `{param}` among the divisors of {total} or pad `{of}` to a multiple \
         of {value}"
    )]
    NotDivisor {
        /// The design.
        design: &'static str,
        /// The parameter that must divide.
        param: &'static str,
        /// Its value.
        value: u64,
        /// The parameter it must divide.
        of: &'static str,
        /// That parameter's value.
        total: u64,
        /// Why it must.
        why: &'static str,
    },
    /// The shape passed the checks, but the design built from it did not validate.
    #[error(transparent)]
    Design(#[from] aie_dsl::Error),
}

/// Checks `min <= value <= max` for parameter `param` of `design`.
pub fn in_range(
    design: &'static str,
    param: &'static str,
    value: u64,
    (min, max): (u64, u64),
    why: &'static str,
) -> Result<(), ShapeError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ShapeError::OutOfRange {
            design,
            param,
            value,
            min,
            max,
            why,
        })
    }
}

/// Checks that `value` (parameter `param` of `design`) is a multiple of `multiple`, the vector
/// width of `kernel`.
pub fn multiple_of(
    design: &'static str,
    param: &'static str,
    value: u64,
    multiple: u64,
    kernel: &'static str,
) -> Result<(), ShapeError> {
    if multiple == 0 || value.is_multiple_of(multiple) {
        return Ok(());
    }
    let down = value - value % multiple;
    Err(ShapeError::NotMultiple {
        design,
        param,
        value,
        multiple,
        kernel,
        down,
        up: down.saturating_add(multiple),
    })
}

/// Checks that `value` (parameter `param`) divides `total` (parameter `of`).
pub fn divides(
    design: &'static str,
    (param, value): (&'static str, u64),
    (of, total): (&'static str, u64),
    why: &'static str,
) -> Result<(), ShapeError> {
    if value != 0 && total.is_multiple_of(value) {
        Ok(())
    } else {
        Err(ShapeError::NotDivisor {
            design,
            param,
            value,
            of,
            total,
            why,
        })
    }
}

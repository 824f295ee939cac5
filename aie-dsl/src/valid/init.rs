//! Initial values (`init_values`, `buffer_init`): each must be exactly a value of the element
//! type it initialises ([`crate::types::InitValue::bits`], the rule every writer uses).

use super::{ValidationError, Validator};
use crate::types::{ElemType, InitValue};

impl Validator<'_> {
    /// Reports the first value of `values` (object `object` of a FIFO, or a buffer's values when
    /// `None`) that `elem` does not hold, with the count of the others.
    pub(super) fn init_values(
        &mut self,
        owner: &str,
        object: Option<usize>,
        values: &[InitValue],
        elem: ElemType,
    ) {
        let mut misfits = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.bits(elem).err().map(|e| (i, e)));
        if let Some((element, problem)) = misfits.next() {
            let more = misfits.count();
            self.push(ValidationError::InitValue {
                owner: owner.to_string(),
                object,
                element,
                problem,
                more,
            });
        }
    }
}

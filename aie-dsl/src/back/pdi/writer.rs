//! Assembling the PDI: re-encoded CDO partition, then the headers around it.

use super::format::{self, ih, iht, ph};
use super::{CdoSet, PdiError, PdiOptions};
use crate::back::cdo::stream::{self, checksum, HEADER_WORDS, VERSION_2_00};

/// The partition data: every CDO re-encoded, its header dropped, bodies concatenated behind
/// one new header (bootgen `VersalImageHeader::ParseCdos`).
fn partition(set: &CdoSet) -> Result<Vec<u32>, PdiError> {
    if set.files.is_empty() {
        return Err(PdiError::NoCdo);
    }
    let mut words = vec![0u32; HEADER_WORDS];
    for file in &set.files {
        let fail = |source| PdiError::Cdo {
            file: file.name.clone(),
            source,
        };
        let parsed = stream::parse(&file.bytes).map_err(fail)?;
        let commands = parsed.decode_commands().map_err(fail)?;
        let encoded = stream::reencode(parsed.version, &commands).map_err(fail)?;
        if encoded.len() <= HEADER_WORDS {
            return Err(PdiError::EmptyCdo {
                file: file.name.clone(),
            });
        }
        words.extend_from_slice(&encoded[HEADER_WORDS..]);
    }
    let body = words.len() - HEADER_WORDS;
    let body = u32::try_from(body).map_err(|_| PdiError::TooLarge { bytes: body * 4 })?;
    words[..HEADER_WORDS].copy_from_slice(&stream::header(VERSION_2_00, body));
    Ok(words)
}

fn put(out: &mut [u8], offset: usize, words: &[u32]) {
    for (i, w) in words.iter().enumerate() {
        out[offset + 4 * i..offset + 4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
}

fn word_offset(bytes: usize) -> u32 {
    // Header offsets are constants far below 4 GiB.
    (bytes / 4) as u32
}

/// Writes the PDI for `set` with the BIF values in `options`.
///
/// # Errors
/// [`PdiError`] naming the CDO file that is malformed or empty, or an image name too long.
pub fn write_with(set: &CdoSet, options: &PdiOptions) -> Result<Vec<u8>, PdiError> {
    let name = options.image_name.as_bytes();
    if name.len() > format::IMAGE_NAME_BYTES {
        return Err(PdiError::ImageNameTooLong {
            name: options.image_name.clone(),
            len: name.len(),
            max: format::IMAGE_NAME_BYTES,
        });
    }
    let data = partition(set)?;
    let data_bytes = data.len() * 4;
    let padded = data_bytes.div_ceil(format::ALIGN) * format::ALIGN;
    let total = format::DATA_OFFSET
        .checked_add(padded)
        .ok_or(PdiError::TooLarge { bytes: data_bytes })?;
    let padded_words =
        u32::try_from(padded / 4).map_err(|_| PdiError::TooLarge { bytes: data_bytes })?;
    let mut out = vec![0u8; total];

    put(&mut out, 0, &format::SMAP_WORDS);

    let mut t = [0u32; format::IHT_BYTES / 4];
    t[iht::VERSION] = format::IHT_VERSION;
    t[iht::IMAGE_COUNT] = 1;
    t[iht::FIRST_IH] = word_offset(format::IH_OFFSET);
    t[iht::PARTITION_COUNT] = 1;
    t[iht::FIRST_PH] = word_offset(format::PH_OFFSET);
    t[iht::ID_CODE] = options.id_code;
    t[iht::IDENT] = format::IHT_IDENT_PPDI;
    t[iht::HEADER_SIZES] = format::IHT_HEADER_SIZES;
    t[iht::META_HEADER_WORDS] = word_offset(format::IH_BYTES + format::PH_BYTES);
    t[iht::EXTENDED_ID_CODE] = options.extended_id_code;
    t[iht::CHECKSUM] = checksum(&t[..iht::CHECKSUM]);
    put(&mut out, format::IHT_OFFSET, &t);

    let mut h = [0u32; format::IH_BYTES / 4];
    h[ih::FIRST_PH] = word_offset(format::PH_OFFSET);
    h[ih::PARTITION_COUNT] = 1;
    let mut name_bytes = [0u8; format::IMAGE_NAME_BYTES];
    name_bytes[..name.len()].copy_from_slice(name);
    for (k, chunk) in name_bytes.chunks_exact(4).enumerate() {
        h[ih::NAME + k] = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    h[ih::IMAGE_ID] = options.image_id;
    h[ih::CHECKSUM] = checksum(&h[..ih::CHECKSUM]);
    put(&mut out, format::IH_OFFSET, &h);

    let mut p = [0u32; format::PH_BYTES / 4];
    p[ph::ENCRYPTED_WORDS] = padded_words;
    p[ph::UNENCRYPTED_WORDS] = data.len() as u32; // <= padded_words, checked above
    p[ph::TOTAL_WORDS] = padded_words;
    for i in ph::LOAD_ADDRESS {
        p[i] = format::CDO_LOAD_ADDRESS;
    }
    p[ph::DATA_OFFSET] = word_offset(format::DATA_OFFSET);
    p[ph::ATTRIBUTES] = (format::PARTITION_TYPE_CDO << format::PARTITION_TYPE_SHIFT)
        | (format::PARTITION_EXCEPTION_LEVEL_EL3 << format::PARTITION_EXCEPTION_LEVEL_SHIFT);
    p[ph::SECTION_COUNT] = 1;
    p[ph::CHECKSUM] = checksum(&p[..ph::CHECKSUM]);
    put(&mut out, format::PH_OFFSET, &p);

    put(&mut out, format::DATA_OFFSET, &data);
    Ok(out)
}

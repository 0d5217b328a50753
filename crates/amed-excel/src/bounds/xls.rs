//! The .xls check. calamine parses a whole .xls when it opens it, and on
//! hostile input that can cost without bound:
//!
//! - its compound-file reader follows sector chains as the file links them,
//!   so a chain that loops back grows a stream until memory runs out;
//! - it reserves memory for the extent a sheet's DIMENSIONS record declares
//!   (a 2-byte lie asks for 4 billion cells), then lays the sheet out over
//!   the extent of its cells;
//! - each LABELSST cell copies a shared string, each LABEL reserves the
//!   length it declares, and each formula is written out as text.
//!
//! So the workbook stream is taken out of the file with the `cfb` crate
//! (which checks the file's structure) and within [`MAX_XLS_STREAM_BYTES`],
//! its BIFF records are counted against the [`Budget`] the way calamine 0.38's
//! `parse_workbook` would build cells from them, and calamine is handed a
//! fresh compound file holding that stream alone.

use super::{too_large, unreadable, Budget};
use crate::error::ReadError;
use crate::limits::{Extent, MAX_CELLS, MAX_XLS_STREAM_BYTES};
use std::io::{Cursor, Read, Write};
use std::path::Path;

/// Bytes of UTF-8 one character of an .xls string can become.
const UTF8_PER_CHAR: u64 = 3;
/// The longest string calamine builds from one byte of a formula: a 5-byte
/// name token written out as a defined name of up to 255 characters.
const FORMULA_TEXT_PER_BYTE: u64 = 160;

/// Checks an .xls file and returns a compound file holding only its
/// workbook stream, for calamine to parse.
pub(crate) fn sanitize_xls(file: &Path, bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| unreadable(file, format!("not a readable compound file: {e}")))?;
    // calamine looks for `Workbook`, then for BIFF5's `Book`.
    let entries: Vec<(String, u64)> = cf
        .read_root_storage()
        .filter(|e| e.is_stream())
        .map(|e| (e.name().to_string(), e.len()))
        .collect();
    let Some((name, len)) = ["Workbook", "Book"].iter().find_map(|want| {
        entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(want))
            .cloned()
    }) else {
        return Err(unreadable(
            file,
            "a compound file without a Workbook stream (not an .xls workbook)".into(),
        ));
    };
    let too_large = |bytes| ReadError::StreamTooLarge {
        file: file.to_path_buf(),
        stream: name.clone(),
        bytes,
        limit: MAX_XLS_STREAM_BYTES,
    };
    if len > MAX_XLS_STREAM_BYTES {
        return Err(too_large(len));
    }
    let mut stream = Vec::with_capacity(len as usize);
    cf.open_stream(format!("/{name}"))
        .and_then(|s| s.take(MAX_XLS_STREAM_BYTES + 1).read_to_end(&mut stream))
        .map_err(|e| unreadable(file, format!("stream {name}: {e}")))?;
    if stream.len() as u64 > MAX_XLS_STREAM_BYTES {
        return Err(too_large(stream.len() as u64));
    }
    check_biff(file, &stream)?;
    // Version 3, as Excel writes .xls: calamine refuses a version 4 file
    // whose root holds no mini stream.
    let mut out = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
        .and_then(|mut out| {
            out.create_stream(format!("/{name}"))?.write_all(&stream)?;
            out.flush()?;
            Ok(out)
        })
        .map_err(|e| unreadable(file, format!("copying stream {name}: {e}")))?;
    out.flush()
        .map_err(|e| unreadable(file, format!("copying stream {name}: {e}")))?;
    Ok(out.into_inner().into_inner())
}

/// A BIFF record: type, data, and the data of the CONTINUE records after it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The records of a stream from its start, as calamine's `RecordIter` frames
/// them; stops where calamine would stop with an error.
fn records(mut stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, 0)?;
        let len = usize::from(u16_at(stream, 2)?);
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        let mut cont = Vec::new();
        while stream.len() > 4 && u16_at(stream, 0) == Some(0x003C) {
            let len = usize::from(u16_at(stream, 2)?);
            cont.push(stream.get(4..4 + len)?);
            stream = &stream[4 + len..];
        }
        Some(Record { typ, data, cont })
    })
}

/// The length in characters of each string of a shared string table (SST),
/// following calamine's `parse_sst` through CONTINUE records; `None` from
/// where calamine would fail.
fn sst_lengths<'a>(record: &Record<'a>) -> Vec<u16> {
    let mut lengths = Vec::new();
    let Some(mut data) = record.data.get(8..) else {
        return lengths;
    };
    let mut cont = record.cont.iter();
    let mut next = |data: &mut &'a [u8]| match cont.next() {
        Some(c) => {
            *data = c;
            true
        }
        None => false,
    };
    while !data.is_empty() || next(&mut data) {
        if data.is_empty() {
            lengths.push(0);
            continue;
        }
        let (Some(cch), Some(&flags)) = (u16_at(data, 0), data.get(2)) else {
            break;
        };
        data = &data[3..];
        let mut wide = flags & 0x1 != 0;
        let mut skip = 0usize;
        if flags & 0x8 != 0 {
            let Some(runs) = u16_at(data, 0) else { break };
            skip += usize::from(runs) * 4;
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(ext) = u32_at(data, 0) else { break };
            skip = skip.saturating_add(ext as i32 as usize);
            data = &data[4..];
        }
        let mut left = usize::from(cch);
        let mut ok = true;
        while left > 0 {
            let chars = if wide {
                (data.len() / 2).min(left)
            } else {
                data.len().min(left)
            };
            data = &data[if wide { 2 * chars } else { chars }..];
            left -= chars;
            if left > 0 {
                if next(&mut data) && !data.is_empty() {
                    wide = data[0] & 0x1 != 0;
                    data = &data[1..];
                } else {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            break;
        }
        lengths.push(cch);
        while skip > 0 {
            if data.is_empty() && !next(&mut data) {
                return lengths;
            }
            let n = skip.min(data.len());
            data = &data[n..];
            skip -= n;
        }
    }
    lengths
}

/// A sheet of the workbook: where its records start, and its name.
struct BoundSheet {
    pos: usize,
    name: String,
}

fn bound_sheet(data: &[u8], index: usize) -> Option<BoundSheet> {
    let pos = u32_at(data, 0)? as usize;
    // A ShortXLUnicodeString: length, (BIFF8) flags, characters.
    let name = (|| {
        let cch = usize::from(*data.get(6)?);
        let wide = *data.get(7)? & 0x1 != 0;
        let chars = data.get(8..)?;
        Some(if wide {
            let units: Vec<u16> = chars
                .chunks_exact(2)
                .take(cch)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            chars.iter().take(cch).map(|&b| char::from(b)).collect()
        })
    })()
    .filter(|n| !n.is_empty())
    .unwrap_or_else(|| format!("sheet {}", index + 1));
    Some(BoundSheet { pos, name })
}

/// Counts what calamine builds from the records of each sheet.
fn check_biff(file: &Path, stream: &[u8]) -> Result<(), ReadError> {
    let mut budget = Budget::new(file);
    let mut sheets = Vec::new();
    let mut sst: Vec<u16> = Vec::new();
    for record in records(stream) {
        match record.typ {
            0x0085 => sheets.extend(bound_sheet(record.data, sheets.len())),
            0x00FC => {
                sst = sst_lengths(&record);
                let place = "the shared string table (SST)";
                budget.fill(place, sst.len() as u64)?;
                let chars: u64 = sst.iter().map(|&n| u64::from(n)).sum();
                budget.text(place, chars * UTF8_PER_CHAR)?;
            }
            // Defined names: their formulas are written out as text.
            0x0018 => budget.text(
                "the defined names",
                record.data.len() as u64 * FORMULA_TEXT_PER_BYTE,
            )?,
            0x000A => break,
            _ => {}
        }
    }
    for sheet in &sheets {
        let Some(records_of_sheet) = stream.get(sheet.pos..) else {
            continue;
        };
        check_sheet(&mut budget, file, sheet, records_of_sheet, &sst)?;
    }
    Ok(())
}

fn check_sheet(
    budget: &mut Budget<'_>,
    file: &Path,
    sheet: &BoundSheet,
    stream: &[u8],
    sst: &[u16],
) -> Result<(), ReadError> {
    let place = format!("sheet '{}'", sheet.name);
    let mut cells = None;
    let mut formulas = None;
    let mut filled = 0u64;
    let mut text = 0u64;
    let mut formula_at = (0u32, 0u32);
    let (mut seen_bof, mut depth) = (false, 0usize);
    for r in records(stream) {
        // Embedded charts are substreams calamine skips.
        if depth > 0 {
            match r.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = |d: &[u8]| Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
        let mut cell = |pos: Option<(u32, u32)>, chars: u64| {
            if let Some((row, col)) = pos {
                Extent::add(&mut cells, row, col);
                filled += 1;
                text += chars * UTF8_PER_CHAR;
            }
        };
        match r.typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => {
                if let Some(declared) = dimensions(r.data) {
                    if declared.cells() > MAX_CELLS {
                        return Err(too_large(file, &sheet.name, &declared, true));
                    }
                }
            }
            // NUMBER, BOOLERR, RK.
            0x0203 | 0x0205 | 0x027E => cell(at(r.data), 0),
            // LABEL, RSTRING: calamine reserves the length they declare.
            0x0204 | 0x00D6 => cell(at(r.data), u64::from(u16_at(r.data, 6).unwrap_or(0))),
            // STRING, the text result of the formula before it.
            0x0207 => cell(Some(formula_at), u64::from(u16_at(r.data, 0).unwrap_or(0))),
            0x00FD => {
                let chars = match u32_at(r.data, 6) {
                    Some(i) => sst.get(i as usize).copied().unwrap_or(u16::MAX),
                    None => 0,
                };
                cell(at(r.data), u64::from(chars))
            }
            // MULRK: one cell per 6 bytes from its first column.
            0x00BD => {
                if let Some((row, first)) = at(r.data) {
                    let n = (r.data.len().saturating_sub(6) / 6) as u32;
                    if n > 0 {
                        cell(Some((row, first)), 0);
                        cell(Some((row, first + n - 1)), 0);
                        filled += u64::from(n.saturating_sub(2));
                    }
                }
            }
            0x0006 => {
                if let Some(pos) = at(r.data) {
                    formula_at = pos;
                    cell(Some(pos), 0);
                    Extent::add(&mut formulas, pos.0, pos.1);
                    text += r.data.len() as u64 * FORMULA_TEXT_PER_BYTE;
                }
            }
            _ => {}
        }
    }
    budget.fill(&place, filled)?;
    budget.text(&place, text)?;
    budget.span(&sheet.name, cells)?;
    // The formulas are laid out as a second grid.
    budget.span(&sheet.name, formulas)
}

/// The extent a DIMENSIONS record declares, as calamine's
/// `parse_dimensions` reads it; an inverted one counts as the largest.
fn dimensions(r: &[u8]) -> Option<Extent> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(u16_at(r, 0)?),
            u32::from(u16_at(r, 2)?),
            u32::from(u16_at(r, 4)?),
            u32::from(u16_at(r, 6)?),
        ),
        14 | 16 => (
            u32_at(r, 0)?,
            u32_at(r, 4)?,
            u32::from(u16_at(r, 8)?),
            u32::from(u16_at(r, 10)?),
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl >= 1 && cl >= 1 {
        let (end_row, end_col) = (rl - 1, cl - 1);
        if end_row < rf || end_col < cf {
            // calamine's arithmetic wraps around: as good as unbounded.
            return Some(Extent {
                first: (0, 0),
                last: (u32::MAX, u32::MAX),
            });
        }
        Some(Extent {
            first: (rf, cf),
            last: (end_row, end_col),
        })
    } else {
        None
    }
}

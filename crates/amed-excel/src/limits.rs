//! How much of a workbook the reader takes in at most.
//!
//! A workbook is untrusted input: a few KiB can declare a sheet of 17 billion
//! cells, and a 1 MiB zip can inflate to a GiB. The spreadsheet parser
//! (calamine) lays every sheet out as a dense grid and keeps whole parts in
//! memory, so each file is checked against these limits *before* it is parsed,
//! and refused with an error naming the file (and the part or sheet) when it
//! is over one. No real DMP form comes near them — AMED's form is a 10–200
//! KiB file of one sheet spanning a few thousand cells — while a refused file
//! costs well under 100 MiB of memory to find out.

/// The largest workbook file read (it is read into memory whole). AMED's form
/// is 10–200 KiB; one with pasted pictures stays within a few MiB.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// The most parts (zip entries) of an .xlsx, .xlsm or .ods file. A DMP form
/// has 10–30; each part costs the zip reader a directory entry in memory.
pub const MAX_ZIP_PARTS: usize = 1_000;

/// The largest size one part of an .xlsx, .xlsm or .ods file may inflate to,
/// declared and real. A DMP form's sheet XML is 50 KiB–1 MiB; the parser keeps
/// its shared strings in memory at about twice their XML size.
pub const MAX_PART_BYTES: u64 = 16 << 20;

/// The largest size all parts of a zip workbook may inflate to together.
pub const MAX_ARCHIVE_BYTES: u64 = 64 << 20;

/// The largest .xls workbook stream (the BIFF records of all sheets). A DMP
/// form's is 50–500 KiB.
pub const MAX_XLS_STREAM_BYTES: u64 = 16 << 20;

/// The most cells the sheets of a workbook may span together, each sheet
/// counted from its first to its last filled row and column (the grid the
/// parser lays out: 32 bytes a cell, and for an .ods or .xls 56 bytes with
/// the formulas, 28 MiB at this limit), and the most filled cells a
/// workbook may have. A DMP form spans a few thousand cells.
pub const MAX_CELLS: u64 = 1 << 19;

/// The most text all cells of a workbook may hold together, counted as the
/// parser copies it (a string repeated in many cells counts each time). A DMP
/// form holds 10–100 KiB.
pub const MAX_TEXT_BYTES: u64 = 16 << 20;

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count for people: `16 MiB`, `1.5 GiB`, `312 KiB`, `900 bytes`.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let whole = bytes / unit;
            let tenth = (bytes % unit) * 10 / unit;
            return if tenth == 0 || whole >= 100 {
                format!("{whole} {name}")
            } else {
                format!("{whole}.{tenth} {name}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// The A1-style name of a 0-based column: 0 is `A`, 16383 is `XFD`.
pub(crate) fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// The extent of a sheet's cells: first and last row and column, 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extent {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

impl Extent {
    /// The extent of one cell.
    pub fn at(row: u32, col: u32) -> Extent {
        Extent {
            first: (row, col),
            last: (row, col),
        }
    }

    /// Grows `extent` to take in a cell.
    pub fn add(extent: &mut Option<Extent>, row: u32, col: u32) {
        match extent {
            None => *extent = Some(Extent::at(row, col)),
            Some(e) => {
                e.first = (e.first.0.min(row), e.first.1.min(col));
                e.last = (e.last.0.max(row), e.last.1.max(col));
            }
        }
    }

    /// How many cells the extent spans.
    pub fn cells(&self) -> u64 {
        (u64::from(self.last.0 - self.first.0) + 1)
            .saturating_mul(u64::from(self.last.1 - self.first.1) + 1)
    }

    /// `A1:XFD1048576`.
    pub fn a1(&self) -> String {
        format!(
            "{}{}:{}{}",
            column_name(self.first.1),
            u64::from(self.first.0) + 1,
            column_name(self.last.1),
            u64::from(self.last.0) + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(17_179_869_184), "17,179,869,184");
        assert_eq!(size(900), "900 bytes");
        assert_eq!(size(16 << 20), "16 MiB");
        assert_eq!(size(3 << 29), "1.5 GiB");
        assert_eq!(size(312 << 10), "312 KiB");
    }

    #[test]
    fn extents() {
        let mut e = None;
        Extent::add(&mut e, 0, 0);
        Extent::add(&mut e, 1_048_575, 16_383);
        let e = e.unwrap();
        assert_eq!(e.a1(), "A1:XFD1048576");
        assert_eq!(e.cells(), 17_179_869_184);
        assert_eq!(Extent::at(13, 2).a1(), "C14:C14");
        assert_eq!(Extent::at(13, 2).cells(), 1);
    }
}

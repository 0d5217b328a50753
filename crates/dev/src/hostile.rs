//! Hostile workbooks for the readers' bounded-memory tests: small files that
//! ask a careless reader for gigabytes. They are generated at test time
//! (into a temporary folder), never committed.

use anyhow::{bail, ensure, Context, Result};
use rust_xlsxwriter::Workbook;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::Command;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// A hostile workbook. Every kind has its cells on a sheet named `DMP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hostile {
    /// An .xlsx of two cells, at A1 and XFD1048576: 6 KiB that span
    /// 17,179,869,184 cells.
    VastXlsx,
    /// [`Hostile::VastXlsx`] with a `<dimension ref="A1:B2"/>` that lies
    /// about the sheet's extent.
    VastXlsxLyingDimension,
    /// An .ods of two cells, at A1 and XFD1048576, the rows and columns
    /// between them written as repeats.
    VastOds,
    /// An .ods whose row of 16,384 repeated numbers is itself repeated 6,000
    /// times: 98,304,000 filled cells from under 1 KiB.
    RepeatedOds,
    /// An .xls (BIFF8) of two cells, at A1 and IV65536 (the last cell of an
    /// .xls sheet): 16,777,216 cells. Written by python3 with xlwt.
    VastXls,
    /// An .xls of one cell whose DIMENSIONS record declares 4,294,967,295
    /// rows by 255 columns. Written by python3 with xlwt.
    LyingDimensionsXls,
    /// An .xlsx of 2,000 cells that all show one shared string of 32,767
    /// characters: 100 KiB that a reader copying the string into each cell
    /// turns into 190 MiB.
    RepeatedStringXlsx,
    /// An .xls of 20,000 LABELSST cells of one 30,000-character shared
    /// string (spread over CONTINUE records): 730 KiB that a reader copying
    /// the string into each cell turns into 1.7 GiB. Written by python3 with
    /// xlwt.
    RepeatedStringXls,
    /// An .xlsx of about 1 MiB whose sheet XML inflates to 1 GiB (a zip
    /// bomb); the zip declares the true size.
    InflatingXlsx,
    /// [`Hostile::InflatingXlsx`] with the zip declaring the sheet XML
    /// 100 KiB uncompressed, a lie.
    InflatingXlsxLyingSize,
}

/// What the inflating sheet XML inflates to.
pub const INFLATED_BYTES: u64 = 1 << 30;
/// The sheet XML of the .xlsx kinds.
pub const SHEET_XML: &str = "xl/worksheets/sheet1.xml";

impl Hostile {
    /// Every kind.
    pub const ALL: [Hostile; 10] = [
        Hostile::VastXlsx,
        Hostile::VastXlsxLyingDimension,
        Hostile::VastOds,
        Hostile::RepeatedOds,
        Hostile::VastXls,
        Hostile::LyingDimensionsXls,
        Hostile::RepeatedStringXlsx,
        Hostile::RepeatedStringXls,
        Hostile::InflatingXlsx,
        Hostile::InflatingXlsxLyingSize,
    ];

    /// The file name, e.g. `vast.xlsx`.
    pub fn file_name(self) -> &'static str {
        match self {
            Hostile::VastXlsx => "vast.xlsx",
            Hostile::VastXlsxLyingDimension => "vast-lying-dimension.xlsx",
            Hostile::VastOds => "vast.ods",
            Hostile::RepeatedOds => "repeated.ods",
            Hostile::VastXls => "vast.xls",
            Hostile::LyingDimensionsXls => "lying-dimensions.xls",
            Hostile::RepeatedStringXlsx => "repeated-string.xlsx",
            Hostile::RepeatedStringXls => "repeated-string.xls",
            Hostile::InflatingXlsx => "inflating.xlsx",
            Hostile::InflatingXlsxLyingSize => "inflating-lying-size.xlsx",
        }
    }

    /// Whether writing it needs python3 with xlwt.
    pub fn needs_xlwt(self) -> bool {
        matches!(
            self,
            Hostile::VastXls | Hostile::LyingDimensionsXls | Hostile::RepeatedStringXls
        )
    }
}

/// Writes a hostile workbook. The inflating kinds stream their sheet XML
/// into the zip, so writing them takes a few MiB of memory, not a GiB.
pub fn write_hostile(kind: Hostile, path: &Path) -> Result<()> {
    let bytes = match kind {
        Hostile::VastXlsx => vast_xlsx()?,
        Hostile::VastXlsxLyingDimension => {
            let bytes = vast_xlsx()?;
            rewrite_part(&bytes, SHEET_XML, |xml| {
                let lying = xml.replace(
                    r#"<dimension ref="A1:XFD1048576"/>"#,
                    r#"<dimension ref="A1:B2"/>"#,
                );
                ensure!(lying != xml, "no dimension element to falsify");
                Ok(lying)
            })?
        }
        Hostile::VastOds => ods(concat!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>課題管理番号</text:p></table:table-cell></table:table-row>"#,
            r#"<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>"#,
            r#"<table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>end</text:p></table:table-cell></table:table-row>"#,
        ))?,
        Hostile::RepeatedOds => ods(concat!(
            r#"<table:table-row table:number-rows-repeated="6000">"#,
            r#"<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/>"#,
            r#"</table:table-row>"#,
        ))?,
        Hostile::VastXls => return xlwt(path, "vast"),
        Hostile::LyingDimensionsXls => return xlwt(path, "lying-dimensions"),
        Hostile::RepeatedStringXlsx => {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name("DMP")?;
            let long = "あ".repeat(32_767);
            for row in 0..2_000 {
                sheet.write_string(row, 0, &long)?;
            }
            book.save_to_buffer()?
        }
        Hostile::RepeatedStringXls => return xlwt(path, "repeated-string"),
        Hostile::InflatingXlsx => inflating_xlsx(None)?,
        Hostile::InflatingXlsxLyingSize => inflating_xlsx(Some(100 << 10))?,
    };
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn vast_xlsx() -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("DMP")?;
    sheet.write_string(0, 0, "課題管理番号")?;
    sheet.write_string(1_048_575, 16_383, "end")?;
    Ok(book.save_to_buffer()?)
}

fn options(method: CompressionMethod) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(zip::DateTime::default())
}

/// Copies a zip, passing one part through `edit`.
fn rewrite_part(
    bytes: &[u8],
    part: &str,
    edit: impl FnOnce(String) -> Result<String>,
) -> Result<Vec<u8>> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let mut edit = Some(edit);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        let name = file.name().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data)?;
        if name == part {
            let edit = edit.take().context("the part appears twice")?;
            data = edit(String::from_utf8(data)?)?.into_bytes();
        }
        out.start_file(name.as_str(), options(CompressionMethod::Deflated))?;
        out.write_all(&data)?;
    }
    ensure!(edit.is_none(), "no part {part}");
    Ok(out.finish()?.into_inner())
}

/// An .ods of one sheet `DMP` with the given rows.
fn ods(rows: &str) -> Result<Vec<u8>> {
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    out.start_file("mimetype", options(CompressionMethod::Stored))?;
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    out.start_file(
        "META-INF/manifest.xml",
        options(CompressionMethod::Deflated),
    )?;
    out.write_all(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">"#,
        r#"<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>"#,
        r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#,
        r#"</manifest:manifest>"#
    ).as_bytes())?;
    out.start_file("content.xml", options(CompressionMethod::Deflated))?;
    write!(
        out,
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">"#,
            r#"<office:body><office:spreadsheet><table:table table:name="DMP">{}</table:table></office:spreadsheet></office:body></office:document-content>"#
        ),
        rows
    )?;
    Ok(out.finish()?.into_inner())
}

/// A small .xlsx whose sheet XML is replaced by [`INFLATED_BYTES`] of rows,
/// streamed into the zip; with `declared`, the zip then claims that
/// uncompressed size for it instead of the true one.
fn inflating_xlsx(declared: Option<u32>) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("DMP")?
        .write_string(0, 0, "課題管理番号")?;
    let base = book.save_to_buffer()?;
    let mut archive = ZipArchive::new(Cursor::new(base))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        let name = file.name().to_string();
        // The best deflate ratio: about 1,000 to 1 on repeated rows.
        let best = options(CompressionMethod::Deflated).compression_level(Some(9));
        out.start_file(name.as_str(), best)?;
        if name != SHEET_XML {
            std::io::copy(&mut file, &mut out)?;
            continue;
        }
        let head = concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        );
        let tail = "</sheetData></worksheet>";
        out.write_all(head.as_bytes())?;
        // A row and spaces up to 16 KiB: long runs of one byte deflate best
        // (about 1,000 to 1).
        let mut unit = b"<row><c><v>1</v></c></row>".to_vec();
        unit.resize(16 << 10, b' ');
        let chunk = unit.repeat(4);
        let body = INFLATED_BYTES - (head.len() + tail.len()) as u64;
        let mut written = 0u64;
        while written + chunk.len() as u64 <= body {
            out.write_all(&chunk)?;
            written += chunk.len() as u64;
        }
        out.write_all(&vec![b' '; (body - written) as usize])?;
        out.write_all(tail.as_bytes())?;
    }
    let mut bytes = out.finish()?.into_inner();
    if let Some(size) = declared {
        declare_size(&mut bytes, SHEET_XML, size)?;
    }
    Ok(bytes)
}

/// Overwrites the uncompressed size a zip records for a part, in its local
/// header and in the central directory (the fixed offsets of the zip
/// format's two headers; the part must not be zip64).
fn declare_size(bytes: &mut [u8], part: &str, size: u32) -> Result<()> {
    let name = part.as_bytes();
    let mut patched = 0;
    // (signature, offset of the uncompressed size, offset of the name)
    for (signature, size_at, name_at) in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)] {
        let mut at = 0;
        while let Some(found) = bytes[at..]
            .windows(4)
            .position(|w| w == signature)
            .map(|p| p + at)
        {
            at = found + 4;
            if bytes.get(found + name_at..found + name_at + name.len()) == Some(name) {
                bytes[found + size_at..found + size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
    }
    if patched != 2 {
        bail!("found {patched} headers of {part}, expected 2");
    }
    // Check that the zip reader now sees the lie.
    let mut archive = ZipArchive::new(Cursor::new(&*bytes))?;
    let declared = archive.by_name(part)?.size();
    ensure!(declared == u64::from(size), "declared {declared}");
    Ok(())
}

/// Runs `xls/hostile_xls.py` (python3 with xlwt).
fn xlwt(path: &Path, kind: &str) -> Result<()> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("xls/hostile_xls.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(kind)
        .arg(path)
        .output()
        .context("running python3 (pip install xlwt)")?;
    if !out.status.success() {
        bail!(
            "{} {kind} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet_xml(path: &Path) -> (u64, String) {
        let bytes = std::fs::read(path).unwrap();
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut file = archive.by_name(SHEET_XML).unwrap();
        let declared = file.size();
        let mut head = vec![0; 4096];
        file.read_exact(&mut head).unwrap();
        (declared, String::from_utf8_lossy(&head).into_owned())
    }

    #[test]
    fn vast_workbooks_are_small_and_span_the_sheet() {
        let dir = tempfile::tempdir().unwrap();
        for kind in [Hostile::VastXlsx, Hostile::VastXlsxLyingDimension] {
            let path = dir.path().join(kind.file_name());
            write_hostile(kind, &path).unwrap();
            assert!(std::fs::metadata(&path).unwrap().len() < 16 << 10);
            let bytes = std::fs::read(&path).unwrap();
            let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
            let mut xml = String::new();
            archive
                .by_name(SHEET_XML)
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            assert!(xml.contains(r#"<c r="XFD1048576""#), "{xml}");
            let dimension = if kind == Hostile::VastXlsx {
                r#"<dimension ref="A1:XFD1048576"/>"#
            } else {
                r#"<dimension ref="A1:B2"/>"#
            };
            assert!(xml.contains(dimension), "{kind:?}: {xml}");
        }
        for kind in [Hostile::VastOds, Hostile::RepeatedOds] {
            let path = dir.path().join(kind.file_name());
            write_hostile(kind, &path).unwrap();
            assert!(std::fs::metadata(&path).unwrap().len() < 4 << 10);
        }
    }

    #[test]
    fn inflating_workbooks_are_about_a_mib_and_inflate_to_a_gib() {
        let dir = tempfile::tempdir().unwrap();
        for (kind, declared) in [
            (Hostile::InflatingXlsx, INFLATED_BYTES),
            (Hostile::InflatingXlsxLyingSize, 100 << 10),
        ] {
            let path = dir.path().join(kind.file_name());
            write_hostile(kind, &path).unwrap();
            let len = std::fs::metadata(&path).unwrap().len();
            assert!((512 << 10..2 << 20).contains(&len), "{kind:?}: {len} bytes");
            let (got, head) = sheet_xml(&path);
            assert_eq!(got, declared, "{kind:?}");
            assert!(
                head.contains("<sheetData><row><c><v>1</v></c></row>"),
                "{head}"
            );
        }
        // The true size, streamed through a counting sink.
        let bytes =
            std::fs::read(dir.path().join(Hostile::InflatingXlsxLyingSize.file_name())).unwrap();
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut part = archive.by_name(SHEET_XML).unwrap();
        let inflated = std::io::copy(&mut part, &mut std::io::sink());
        // The reader may stop at the lying size with a checksum error; when
        // it reads on, it reaches the true size.
        if let Ok(n) = inflated {
            assert_eq!(n, INFLATED_BYTES);
        }
    }
}

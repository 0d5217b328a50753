//! Hostile workbooks: each is refused with an error naming the file and what
//! is wrong with it (the sheet and its range, or the part), after reading
//! within the limits of `dmpgraph_amed_excel::limits` — never by exhausting
//! memory. Peak memory of the whole reader on these files is measured over
//! the binary in crates/cli/tests/hostile.rs.

use chrono::NaiveDate;
use dmpgraph_amed_excel::limits::{MAX_CELLS, MAX_FILE_BYTES, MAX_PART_BYTES, MAX_TEXT_BYTES};
use dmpgraph_amed_excel::{read_path, ReadError};
use dmpgraph_dev::testing::python_ready;
use dmpgraph_dev::{write_hostile, Hostile, INFLATED_BYTES, SHEET_XML};
use std::io::Write;
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn hostile(dir: &Path, kind: Hostile) -> Option<PathBuf> {
    if kind.needs_xlwt() && !python_ready("xlwt") {
        return None;
    }
    let path = dir.join(kind.file_name());
    write_hostile(kind, &path).unwrap();
    Some(path)
}

/// Reads a file that must be refused; returns the error and its message,
/// after checking that the message starts with the file.
fn refused(path: &Path) -> (ReadError, String) {
    let err = read_path(path, today()).expect_err("a hostile file must be refused");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}: ", path.display())),
        "{message}"
    );
    assert_eq!(err.file(), path);
    (err, message)
}

fn assert_spans(path: &Path, range: &str, cells: u64) {
    let (err, message) = refused(path);
    match &err {
        ReadError::SheetTooLarge {
            sheet,
            range: got,
            cells: n,
            limit,
            ..
        } => {
            assert_eq!(sheet, "DMP", "{message}");
            assert_eq!(got, range, "{message}");
            assert_eq!(*n, cells, "{message}");
            assert_eq!(*limit, MAX_CELLS);
        }
        other => panic!("{}: expected SheetTooLarge, got {other:?}", path.display()),
    }
    assert!(message.contains("sheet 'DMP'"), "{message}");
    assert!(message.contains(range), "{message}");
    assert!(
        message.contains("a DMP form spans a few thousand"),
        "{message}"
    );
}

#[test]
fn a_vast_xlsx_sheet_is_refused_by_its_cells_not_its_dimension() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [Hostile::VastXlsx, Hostile::VastXlsxLyingDimension] {
        let path = hostile(dir.path(), kind).unwrap();
        assert_spans(&path, "A1:XFD1048576", 17_179_869_184);
        let (_, message) = refused(&path);
        assert!(
            message.contains("spans A1:XFD1048576 (17,179,869,184 cells)"),
            "{message}"
        );
    }
}

#[test]
fn a_vast_ods_sheet_is_refused_counting_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile(dir.path(), Hostile::VastOds).unwrap();
    assert_spans(&path, "A1:XFD1048576", 17_179_869_184);
    let path = hostile(dir.path(), Hostile::RepeatedOds).unwrap();
    assert_spans(&path, "A1:XFD6000", 16_384 * 6_000);
}

#[test]
fn a_vast_xls_sheet_is_refused_by_its_dimensions_record_or_its_cells() {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = hostile(dir.path(), Hostile::VastXls) else {
        return;
    };
    assert_spans(&path, "A1:IV65536", 65_536 * 256);
    let path = hostile(dir.path(), Hostile::LyingDimensionsXls).unwrap();
    let (err, message) = refused(&path);
    assert!(
        matches!(&err, ReadError::SheetTooLarge { declared: true, sheet, .. } if sheet == "DMP"),
        "{err:?}"
    );
    assert!(
        message.contains("sheet 'DMP' declares A1:IU4294967295 (1,095,216,660,225 cells)"),
        "{message}"
    );
}

#[test]
fn a_string_copied_into_many_cells_is_refused_by_its_copies() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [Hostile::RepeatedStringXlsx, Hostile::RepeatedStringXls] {
        let Some(path) = hostile(dir.path(), kind) else {
            continue;
        };
        let (err, message) = refused(&path);
        assert!(
            matches!(&err, ReadError::TooMuchText { place, limit, .. }
                if place == "sheet 'DMP'" && *limit == MAX_TEXT_BYTES),
            "{kind:?}: {err:?}"
        );
        assert!(message.contains("sheet 'DMP' brings the text"), "{message}");
        assert!(message.contains("past 16 MiB"), "{message}");
    }
}

#[test]
fn an_inflating_part_is_refused_whatever_size_it_declares() {
    let dir = tempfile::tempdir().unwrap();
    let path = hostile(dir.path(), Hostile::InflatingXlsx).unwrap();
    let (err, message) = refused(&path);
    assert!(
        matches!(&err, ReadError::PartTooLarge { part, declared: Some(n), .. }
            if part == SHEET_XML && *n == INFLATED_BYTES),
        "{err:?}"
    );
    assert!(
        message.contains("xl/worksheets/sheet1.xml declares 1 GiB uncompressed"),
        "{message}"
    );

    // The zip says 100 KiB; streaming the part finds it inflates past the limit.
    let path = hostile(dir.path(), Hostile::InflatingXlsxLyingSize).unwrap();
    let (err, message) = refused(&path);
    assert!(
        matches!(&err, ReadError::PartTooLarge { part, declared: None, limit, .. }
            if part == SHEET_XML && *limit == MAX_PART_BYTES),
        "{err:?}"
    );
    assert!(
        message.contains("xl/worksheets/sheet1.xml inflates past 16 MiB; a DMP form's parts are a few hundred KiB"),
        "{message}"
    );
}

#[test]
fn a_file_larger_than_any_form_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xlsx");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let (err, message) = refused(&path);
    assert!(matches!(err, ReadError::FileTooLarge { bytes, .. } if bytes == MAX_FILE_BYTES + 1));
    assert!(
        message.contains("the file is 16 MiB; a DMP form is 10–200 KiB"),
        "{message}"
    );
}

#[test]
fn a_zip_of_too_many_parts_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parts.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..1_001 {
        zip.start_file(
            format!("part{i}.xml"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(b"<a/>").unwrap();
    }
    zip.finish().unwrap();
    let (err, message) = refused(&path);
    assert!(
        matches!(err, ReadError::TooManyParts { parts: 1_001, .. }),
        "{err:?}"
    );
    assert!(
        message.contains("the archive holds 1,001 parts"),
        "{message}"
    );
}

#[test]
fn an_ods_space_run_is_counted_before_it_is_written_out() {
    // calamine writes out each of the `text:c` spaces of a text:s element.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spaces.ods");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(concat!(
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">"#,
        r#"<office:body><office:spreadsheet><table:table table:name="DMP"><table:table-row>"#,
        r#"<table:table-cell office:value-type="string"><text:p>a<text:s text:c="100000000000"/>b</text:p></table:table-cell>"#,
        r#"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    ).as_bytes())
    .unwrap();
    zip.finish().unwrap();
    let (err, message) = refused(&path);
    assert!(
        matches!(&err, ReadError::TooMuchText { place, .. } if place == "sheet 'DMP'"),
        "{err:?}"
    );
    assert!(
        message.contains("brings the text of the workbook's cells past 16 MiB"),
        "{message}"
    );
}

#[test]
fn a_panic_of_the_xls_parser_is_an_error_on_the_file() {
    // calamine 0.38 slices the workbook stream at each sheet's BOUNDSHEET
    // offset unchecked: one past the end makes it panic.
    use std::io::{Read, Seek};
    let dir = tempfile::tempdir().unwrap();
    let Some(good) = hostile(dir.path(), Hostile::VastXls) else {
        return;
    };
    let mut cf = cfb::open(&good).unwrap();
    let mut stream = Vec::new();
    cf.open_stream("/Workbook")
        .unwrap()
        .read_to_end(&mut stream)
        .unwrap();
    let mut at = 0;
    let mut patched = false;
    while at + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        if typ == 0x0085 {
            stream[at + 4..at + 8].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
            patched = true;
        }
        at += 4 + len;
    }
    assert!(patched, "no BOUNDSHEET record");
    let path = dir.path().join("bad-offset.xls");
    let mut out = cfb::CompoundFile::create_with_version(
        cfb::Version::V3,
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap(),
    )
    .unwrap();
    out.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    out.flush().unwrap();
    let mut file = out.into_inner();
    file.rewind().unwrap();
    let (err, message) = refused(&path);
    assert!(matches!(err, ReadError::Unreadable { .. }), "{err:?}");
    assert!(
        message.contains("the spreadsheet reader failed on this file's contents"),
        "{message}"
    );
}

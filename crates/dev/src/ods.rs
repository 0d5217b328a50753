//! The ods backend (spreadsheet-ods).

use crate::grid::{build_grid, CellValue, Fill, Grid};
use crate::Style;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use dmpgraph_model::Dmp;
use spreadsheet_ods::color::Rgb;
use spreadsheet_ods::format::FormatNumberStyle;
use spreadsheet_ods::style::units::Border;
use spreadsheet_ods::{CellStyle, CellStyleRef, Length, Sheet, ValueFormatDateTime, WorkBook};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Writes a DMP as an OpenDocument spreadsheet in the given style, with the
/// same cells as [`crate::write_xlsx`].
///
/// spreadsheet-ods stamps zip entries with the current time and writes its
/// styles in hash order; the file is normalised afterwards so that writing the
/// same DMP twice gives identical bytes.
pub fn write_ods(dmp: &Dmp, style: &Style, path: &Path) -> Result<()> {
    let bytes = grid_to_ods(&build_grid(dmp, style), dmp.created)?;
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn rgb(value: u32) -> Rgb<u8> {
    Rgb::new((value >> 16) as u8, (value >> 8) as u8, value as u8)
}

/// Writes a grid to ods bytes.
pub(crate) fn grid_to_ods(grid: &Grid, created: Option<NaiveDate>) -> Result<Vec<u8>> {
    let mut book = WorkBook::new_empty();
    let created = created.unwrap_or(NaiveDate::from_ymd_opt(2024, 4, 1).expect("valid date"));
    book.metadata_mut().creation_date = created.and_hms_opt(9, 0, 0);

    let mut date_format = ValueFormatDateTime::new_named("dmp_date");
    date_format
        .part_year()
        .style(FormatNumberStyle::Long)
        .build();
    date_format.part_text("/").build();
    date_format.part_month().build();
    date_format.part_text("/").build();
    date_format.part_day().build();
    let date_format = book.add_datetime_format(date_format);

    // Named explicitly (not auto-numbered) so that the names do not depend on
    // the order in which cells first need them.
    let mut styles: BTreeMap<(Fill, bool), CellStyleRef> = BTreeMap::new();
    for fill in [Fill::None, Fill::Header, Fill::Public, Fill::Private] {
        for date in [false, true] {
            let name = format!(
                "dmp_{}{}",
                format!("{fill:?}").to_lowercase(),
                if date { "_date" } else { "" }
            );
            let mut style = if date {
                CellStyle::new(&name, &date_format)
            } else {
                CellStyle::new_empty()
            };
            style.set_name(&name);
            if let Some(value) = fill.rgb() {
                style.set_background_color(rgb(value));
                style.set_border(Length::Pt(0.5), Border::Solid, rgb(0x000000));
            }
            if fill == Fill::Header {
                style.set_font_bold();
            }
            styles.insert((fill, date), book.add_cellstyle(style));
        }
    }

    for grid_sheet in &grid.sheets {
        let mut sheet = Sheet::new(&grid_sheet.name);
        for &(col, width) in &grid_sheet.col_widths {
            // A character of the default font is about 2 mm wide.
            sheet.set_col_width(col as u32, Length::Mm(width * 2.0));
        }
        for cell in &grid_sheet.cells {
            let (r, c) = (cell.row, cell.col as u32);
            let is_date = matches!(cell.value, CellValue::Date(_));
            let style = &styles[&(cell.fill, is_date)];
            match &cell.value {
                CellValue::Text(s) => sheet.set_styled_value(r, c, s.as_str(), style),
                CellValue::Number(n) => sheet.set_styled_value(r, c, *n, style),
                CellValue::Date(d) => sheet.set_styled_value(r, c, *d, style),
                CellValue::Blank => sheet.set_cellstyle(r, c, style),
            }
        }
        book.push_sheet(sheet);
    }
    let bytes = spreadsheet_ods::write_ods_buf(&mut book, Vec::new())?;
    normalise_ods(&bytes)
}

/// Rewrites an .ods so that its bytes depend only on its content: fixed zip
/// timestamps, entries in name order (mimetype first and stored, as ODF
/// requires), root attributes and style lists sorted.
fn normalise_ods(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))?;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        let mut data = Vec::new();
        file.read_to_end(&mut data)?;
        entries.push((file.name().to_string(), file.is_dir(), data));
    }
    entries.sort_by(|a, b| (a.0 != "mimetype", &a.0).cmp(&(b.0 != "mimetype", &b.0)));
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, is_dir, data) in entries {
        let method = if name == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default());
        if is_dir {
            out.add_directory(name, options)?;
            continue;
        }
        out.start_file(name.as_str(), options)?;
        if name.ends_with(".xml") {
            let xml = String::from_utf8(data).context("ODS XML is UTF-8")?;
            out.write_all(canonical_xml(&xml).as_bytes())?;
        } else {
            out.write_all(&data)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

/// Elements whose children spreadsheet-ods writes in hash order; their order
/// carries no meaning.
const UNORDERED: &[&str] = &[
    "office:automatic-styles",
    "office:styles",
    "office:master-styles",
    "office:font-face-decls",
    "manifest:manifest",
];

fn canonical_xml(xml: &str) -> String {
    let mut xml = sort_root_attributes(xml);
    for name in UNORDERED {
        xml = sort_children(&xml, name);
    }
    xml
}

/// The end (index of `>`) of the tag starting at `start`, skipping quoted values.
fn tag_end(xml: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in xml[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(start + i),
            _ => {}
        }
    }
    None
}

/// Sorts the attributes of the document element (namespace declarations come from a hash map).
fn sort_root_attributes(xml: &str) -> String {
    let Some(start) = xml
        .match_indices('<')
        .map(|(i, _)| i)
        .find(|&i| !xml[i + 1..].starts_with(['?', '!']))
    else {
        return xml.to_string();
    };
    let Some(end) = tag_end(xml, start) else {
        return xml.to_string();
    };
    let tag = &xml[start + 1..end];
    let (tag, close) = match tag.strip_suffix('/') {
        Some(t) => (t, "/"),
        None => (tag, ""),
    };
    let mut parts = Vec::new();
    let mut rest = tag.trim_start();
    let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let name = &rest[..name_end];
    rest = rest[name_end..].trim_start();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else {
            return xml.to_string();
        };
        let q = rest[eq + 1..].chars().next().unwrap_or('"');
        let Some(close_q) = rest[eq + 2..].find(q) else {
            return xml.to_string();
        };
        let attr_end = eq + 2 + close_q + 1;
        parts.push(&rest[..attr_end]);
        rest = rest[attr_end..].trim_start();
    }
    parts.sort_unstable();
    format!(
        "{}<{name} {}{close}>{}",
        &xml[..start],
        parts.join(" "),
        &xml[end + 1..]
    )
}

/// Sorts the child elements of the first element called `name`, if it holds only elements.
fn sort_children(xml: &str, name: &str) -> String {
    let open = format!("<{name}");
    let Some(start) = xml
        .match_indices(&open)
        .map(|(i, _)| i)
        .find(|&i| xml[i + open.len()..].starts_with([' ', '>', '/']))
    else {
        return xml.to_string();
    };
    let Some(open_end) = tag_end(xml, start) else {
        return xml.to_string();
    };
    if xml[..open_end].ends_with('/') {
        return xml.to_string();
    }
    let Some(close) = xml[open_end..]
        .find(&format!("</{name}>"))
        .map(|i| open_end + i)
    else {
        return xml.to_string();
    };
    let body = &xml[open_end + 1..close];
    let mut children = Vec::new();
    let (mut depth, mut child_start, mut pos) = (0usize, 0usize, 0usize);
    while pos < body.len() {
        let Some(lt) = body[pos..].find('<').map(|i| pos + i) else {
            break;
        };
        if depth == 0 && !body[pos..lt].trim().is_empty() {
            return xml.to_string();
        }
        let Some(gt) = tag_end(body, lt) else {
            return xml.to_string();
        };
        if depth == 0 {
            child_start = lt;
        }
        if body[lt..].starts_with("</") {
            depth = depth.saturating_sub(1);
        } else if !body[..gt].ends_with('/') {
            depth += 1;
        }
        pos = gt + 1;
        if depth == 0 {
            children.push(&body[child_start..pos]);
        }
    }
    if depth != 0 || !body[pos..].trim().is_empty() {
        return xml.to_string();
    }
    children.sort_unstable();
    format!(
        "{}{}{}",
        &xml[..open_end + 1],
        children.concat(),
        &xml[close..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_attributes_are_sorted() {
        let xml = r#"<?xml version="1.0"?><a:doc xmlns:z="u1" xmlns:b='u2' v="1"><x/></a:doc>"#;
        assert_eq!(
            sort_root_attributes(xml),
            r#"<?xml version="1.0"?><a:doc v="1" xmlns:b='u2' xmlns:z="u1"><x/></a:doc>"#
        );
    }

    #[test]
    fn only_the_named_element_has_its_children_sorted() {
        let xml =
            r#"<r><s:list><b n="2"><i/></b><a n="1"/><c>t</c></s:list><body><z/><y/></body></r>"#;
        assert_eq!(
            sort_children(xml, "s:list"),
            r#"<r><s:list><a n="1"/><b n="2"><i/></b><c>t</c></s:list><body><z/><y/></body></r>"#
        );
        // Mixed content is left alone.
        let mixed = "<s:list>text<b/><a/></s:list>";
        assert_eq!(sort_children(mixed, "s:list"), mixed);
    }
}

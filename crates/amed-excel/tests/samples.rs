//! The generated AMED workbooks (every layout, date notation and format)
//! read back to exactly the plan they were written from.

use chrono::NaiveDate;
use dmpgraph_amed_excel::read_path;
use dmpgraph_dev::{sample_dmps, write_ods, write_xlsx, DateStyle, Layout, Style};
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

#[test]
fn every_sample_in_every_layout_and_date_style() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for sample in sample_dmps() {
        for (i, layout) in Layout::ALL.into_iter().enumerate() {
            let date_style = DateStyle::ALL[(n + i) % DateStyle::ALL.len()];
            let style = Style::new(layout, date_style);
            let path = dir.path().join(format!(
                "{}-{layout:?}-{date_style:?}.xlsx",
                sample.file_stem
            ));
            write_xlsx(&sample.dmp, &style, &path).unwrap();
            let r = read_path(&path, today()).unwrap();
            let errors: Vec<String> = r.errors().map(|p| p.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            assert_eq!(r.dmp, sample.dmp, "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 18);
}

#[test]
fn ods_samples_read_like_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    for sample in sample_dmps() {
        let path = dir.path().join(format!("{}.ods", sample.file_stem));
        write_ods(&sample.dmp, &sample.style, &path).unwrap();
        let r = read_path(&path, today()).unwrap();
        assert!(!r.is_rejected(), "{}: {:?}", path.display(), r.problems);
        assert_eq!(r.dmp, sample.dmp, "{}", path.display());
    }
}

#[test]
fn committed_examples_in_every_format_read() {
    let amed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/amed");
    let samples = sample_dmps();
    let mut formats = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&amed).unwrap() {
        let path = entry.unwrap().path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !["xlsx", "xls", "ods"].contains(&ext) {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let sample = samples
            .iter()
            .find(|s| s.file_stem == stem)
            .unwrap_or_else(|| panic!("{stem} is no sample"));
        let r = read_path(&path, today()).unwrap();
        assert!(!r.is_rejected(), "{}: {:?}", path.display(), r.problems);
        assert_eq!(r.dmp, sample.dmp, "{}", path.display());
        formats.insert(ext.to_string());
    }
    assert_eq!(
        formats.into_iter().collect::<Vec<_>>(),
        ["ods", "xls", "xlsx"]
    );
}

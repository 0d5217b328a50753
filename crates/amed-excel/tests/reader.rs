//! The AMED reader over real workbooks written by rust_xlsxwriter.

mod common;

use chrono::NaiveDate;
use common::*;
use dmpgraph_amed_excel::{read_path, ReadError, Reading, BUILTIN_FORM_TOML};
use dmpgraph_model::{DataClass, DataSubject, Field, Severity, SharingMethod};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn read_rows(rows: &Rows) -> Reading {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "dmp.xlsx");
    write(
        &path,
        &[
            (
                "記入要領",
                &vec![
                    vec![s("1. 緑色のセルについて　公開されます")],
                    vec![s("課題管理番号は16桁で記入")],
                ],
            ),
            ("DMP", rows),
        ],
    );
    read_path(&path, today()).unwrap()
}

/// The 1-based row of a base-form key, for cell addresses.
fn row_of(key: &str) -> usize {
    base_form().iter().position(|(k, _, _)| *k == key).unwrap() + 1
}

/// The 1-based row of a section header.
fn section_row(prefix: &str) -> usize {
    base_form()
        .iter()
        .position(|(_, l, _)| l.starts_with(prefix))
        .unwrap()
        + 1
}

fn errors(r: &Reading) -> Vec<String> {
    r.errors().map(|p| p.to_string()).collect()
}

#[test]
fn the_base_form_reads_every_field() {
    let r = read_rows(&base_rows());
    assert_eq!(r.sheet, "DMP");
    assert!(!r.is_rejected(), "{:?}", errors(&r));
    let d = &r.dmp;
    assert_eq!(d.created, NaiveDate::from_ymd_opt(2023, 4, 1));
    assert_eq!(d.id(), "21ek0109555h0001");
    assert_eq!(d.project.program_own_number.as_deref(), Some("A-123"));
    assert_eq!(
        d.project.business_name.as_deref(),
        Some("革新的がん医療実用化研究事業")
    );
    assert_eq!(d.project.end, NaiveDate::from_ymd_opt(2024, 3, 31));
    assert_eq!(d.pi.name.as_deref(), Some("山田 太郎"));
    assert_eq!(d.pi.contact.email.as_deref(), Some("yamada@example.ac.jp"));
    assert_eq!(d.pi.contact.extension.as_deref(), Some("1234"));
    assert_eq!(d.datasets.len(), 2);
    let (a, b) = (&d.datasets[0], &d.datasets[1]);
    assert_eq!((a.number, b.number), (1, 2));
    assert_eq!(a.subject, Some(DataSubject::HumanIndividual));
    assert_eq!(
        (a.class, b.class),
        (Some(DataClass::Target), Some(DataClass::Derived))
    );
    assert_eq!(a.sharing, Some(SharingMethod::RestrictedPublication));
    assert_eq!(b.sharing, Some(SharingMethod::RestrictedSharingExternal));
    assert_eq!(b.external_parties.as_deref(), Some("共同研究機関B"));
    assert_eq!(a.external_parties, None);
    assert_eq!(
        b.restriction_reason.as_deref(),
        Some("論文公表まで。研究終了後2年以内に公開")
    );
    assert_eq!(b.publication_date, NaiveDate::from_ymd_opt(2025, 3, 31));
    assert_eq!(a.consent, Some(true));
    assert_eq!(a.consent_documents.as_deref(), Some("同意書 第1版"));
    assert_eq!(a.repository_name.as_deref(), Some("JGA"));
    assert_eq!(a.doi.as_deref(), Some("https://doi.org/10.12345/abc"));
    assert_eq!(b.manager.name.as_deref(), Some("鈴木 一郎"));
    assert_eq!(b.manager.institution.as_deref(), Some("東京大学"));
    assert_eq!(b.manager.contact.phone.as_deref(), Some("03-3333-4444"));
    assert_eq!(
        a.manager.contact.email.as_deref(),
        Some("sato@example.ac.jp")
    );
    assert_eq!(d.staff.len(), 2);
    assert_eq!(d.staff[1].name.as_deref(), Some("伊藤 三郎"));
    assert_eq!(d.staff[1].publishable, Some(false));
    assert_eq!(d.staff[0].affiliation.as_deref(), Some("医科学研究所"));
    // Every value's cell is known, e.g. the PI's e-mail in column B.
    let cell = &r.cells[&(dmpgraph_model::Entity::Pi, Field::PiEmail)];
    assert_eq!(cell.address(), format!("B{}", row_of("pi.email")));
}

/// Label variants as filled-in forms write them.
fn variants(label: &str) -> Vec<String> {
    let full_width_brackets = label.replace('(', "（").replace(')', "）");
    let half_width_brackets = label.replace('（', "(").replace('）', ")");
    let mut chars: Vec<char> = label.chars().collect();
    let mid = chars.len() / 2;
    chars.insert(mid, '\u{3000}');
    let with_ideographic_space: String = chars.into_iter().collect();
    let full_width_ascii: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect();
    vec![
        label.to_string(),
        full_width_brackets,
        half_width_brackets,
        with_ideographic_space,
        full_width_ascii,
        format!("{label}※1"),
        format!("{label} ＊"),
        format!("　{label} (注2)"),
    ]
}

#[test]
fn every_label_variant_of_the_table_reads_the_same_plan() {
    let baseline = read_rows(&base_rows()).dmp;
    let table: toml::Value = toml::from_str(BUILTIN_FORM_TOML).unwrap();
    let mut checked = 0;
    for field in table["field"].as_array().unwrap() {
        let key = field["key"].as_str().unwrap();
        let mut labels: Vec<String> = field["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        if let Some(prefixes) = field.get("prefixes") {
            for p in prefixes.as_array().unwrap() {
                labels.push(format!("{}（この欄の補足説明）", p.as_str().unwrap()));
            }
        }
        for label in labels {
            for variant in variants(&label) {
                let rows = rows_with(
                    &|k, l| {
                        if k == key {
                            variant.clone()
                        } else {
                            l.to_string()
                        }
                    },
                    &|_, v| v.to_vec(),
                );
                let r = read_rows(&rows);
                assert!(
                    !r.is_rejected(),
                    "{key} labelled '{variant}': {:?}",
                    errors(&r)
                );
                assert_eq!(
                    r.dmp, baseline,
                    "{key} labelled '{variant}' reads differently"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} variants checked");
}

#[test]
fn every_date_form() {
    let cases: Vec<(C, NaiveDate)> = vec![
        (
            C::D(2021, 4, 1),
            NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        ),
        (C::N(44287.0), NaiveDate::from_ymd_opt(2021, 4, 1).unwrap()),
        (s("2021/4/1"), NaiveDate::from_ymd_opt(2021, 4, 1).unwrap()),
        (
            s("2021-04-01"),
            NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        ),
        (
            s("2021年4月1日"),
            NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        ),
        (
            s("令和3年4月1日"),
            NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        ),
        (s("R3.4.1"), NaiveDate::from_ymd_opt(2021, 4, 1).unwrap()),
        (
            s("令和元年5月7日"),
            NaiveDate::from_ymd_opt(2019, 5, 7).unwrap(),
        ),
        (
            s("平成31年4月1日"),
            NaiveDate::from_ymd_opt(2019, 4, 1).unwrap(),
        ),
        (
            s("Ｒ３．４．１"),
            NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        ),
    ];
    for (cell, want) in cases {
        let rows = rows_with(&|_, l| l.to_string(), &|k, v| {
            if k == "project.start" {
                vec![cell.clone()]
            } else {
                v.to_vec()
            }
        });
        let r = read_rows(&rows);
        assert_eq!(
            r.dmp.project.start,
            Some(want),
            "{cell:?}: {:?}",
            errors(&r)
        );
    }
}

#[test]
fn every_sharing_method_reads() {
    for m in SharingMethod::ALL {
        for text in [
            m.label_ja().to_string(),
            m.label_ja().replace('（', "(").replace('）', ")"),
        ] {
            let rows = rows_with(&|_, l| l.to_string(), &|k, v| {
                if k == "dataset.sharing" {
                    vec![C::S(text.clone())]
                } else {
                    v.to_vec()
                }
            });
            assert_eq!(read_rows(&rows).dmp.datasets[0].sharing, Some(*m), "{text}");
        }
    }
}

#[test]
fn bad_values_are_errors_at_their_cell() {
    let cases: Vec<(&str, Vec<C>, String)> = vec![
        ("project.start", vec![s("2023/13/40")], format!("dmp.xlsx: sheet 'DMP' B{}: 研究開始日 '2023/13/40' is not a date", row_of("project.start"))),
        ("dataset.sharing", vec![s("公開する")], format!("dmp.xlsx: sheet 'DMP' B{}: unknown sharing method: データシェアリング方法 '公開する' is not one of: 非制限公開, 制限公開", row_of("dataset.sharing"))),
        ("project.end", vec![s("2020/3/31")], format!("dmp.xlsx: sheet 'DMP' B{}: 研究終了日 2020-03-31 is before 研究開始日 2021-04-01", row_of("project.end"))),
        ("project.grant_number", vec![], format!("dmp.xlsx: sheet 'DMP' B{}: 課題管理番号 is missing", row_of("project.grant_number"))),
        ("project.title", vec![C::E], format!("dmp.xlsx: sheet 'DMP' B{}: 研究開発課題名 is missing", row_of("project.title"))),
        ("dataset.consent", vec![s("たぶん")], format!("dmp.xlsx: sheet 'DMP' B{}: データの利活用のための同意取得の有無 'たぶん' is not あり or なし", row_of("dataset.consent"))),
        ("dataset.kind", vec![s("ネズミ")], format!("dmp.xlsx: sheet 'DMP' B{}: データの種別 'ネズミ' is in neither list", row_of("dataset.kind"))),
    ];
    for (key, value, want) in cases {
        let rows = rows_with(&|_, l| l.to_string(), &|k, v| {
            if k == key {
                value.clone()
            } else {
                v.to_vec()
            }
        });
        let r = read_rows(&rows);
        assert!(r.is_rejected(), "{key}");
        let errs = errors(&r);
        assert!(
            errs.iter().any(|e| e.ends_with(&want) || e.contains(&want)),
            "{key}: want '{want}' in {errs:#?}"
        );
    }
}

#[test]
fn no_dataset_is_an_error_at_the_section() {
    let rows = rows_with(&|_, l| l.to_string(), &|k, v| {
        if k.starts_with("dataset.") || k.starts_with("manager.") {
            vec![]
        } else {
            v.to_vec()
        }
    });
    let r = read_rows(&rows);
    let errs = errors(&r);
    assert!(
        errs.iter().any(|e| e.contains(&format!(
            "sheet 'DMP' A{}: the DMP lists no dataset",
            section_row("4.")
        ))),
        "{errs:#?}"
    );
}

#[test]
fn warnings_are_kept_not_fatal() {
    let rows = rows_with(&|_, l| l.to_string(), &|k, v| {
        if k == "project.grant_number" {
            vec![s("ＪＰ21ek0109555")]
        } else {
            v.to_vec()
        }
    });
    let r = read_rows(&rows);
    assert!(!r.is_rejected());
    let w: Vec<String> = r.warnings().map(|p| p.to_string()).collect();
    assert!(
        w.iter().any(|m| m.contains(&format!(
            "B{}: 課題管理番号 'JP21ek0109555' is not of the 16-character form",
            row_of("project.grant_number")
        ))),
        "{w:#?}"
    );
}

#[test]
fn many_datasets_and_many_staff() {
    let mut rows = rows_with(&|_, l| l.to_string(), &|k, v| {
        let mut v = v.to_vec();
        if k == "dataset.number" {
            v = (1..=7).map(|n| C::N(n as f64)).collect();
        } else if k == "dataset.name" {
            v = (1..=7).map(|n| C::S(format!("データセット{n}"))).collect();
        } else if k == "dataset.sharing" {
            v = SharingMethod::ALL
                .iter()
                .cycle()
                .take(7)
                .map(|m| C::S(m.label_ja().into()))
                .collect();
        }
        v
    });
    rows.truncate(rows.len() - 2);
    for i in 1..=12 {
        rows.push(vec![
            C::N(i as f64),
            s("大阪大学"),
            s("医学系研究科"),
            s("研究員"),
            C::S(format!("人材 {i}")),
            s(if i % 3 == 0 { "否" } else { "可" }),
        ]);
    }
    let r = read_rows(&rows);
    assert_eq!(r.dmp.datasets.len(), 7);
    assert_eq!(r.dmp.datasets[6].name.as_deref(), Some("データセット7"));
    assert_eq!(r.dmp.datasets[6].sharing, Some(SharingMethod::ALL[0]));
    assert_eq!(r.dmp.staff.len(), 12);
    assert_eq!(
        r.dmp
            .staff
            .iter()
            .filter(|s| s.publishable == Some(false))
            .count(),
        4
    );
    assert_eq!(r.dmp.staff[11].name.as_deref(), Some("人材 12"));
}

#[test]
fn one_dataset_and_blank_template_columns() {
    // A template pre-numbers five columns; only the first is filled.
    let rows = rows_with(&|_, l| l.to_string(), &|k, v| {
        if k == "dataset.number" {
            (1..=5).map(|n| C::N(n as f64)).collect()
        } else if k.starts_with("dataset.") || k.starts_with("manager.") {
            v.iter().take(1).cloned().collect()
        } else {
            v.to_vec()
        }
    });
    let r = read_rows(&rows);
    assert_eq!(r.dmp.datasets.len(), 1, "{:?}", r.dmp.datasets);
}

#[test]
fn unreadable_inputs_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let empty = tmp(&dir, "empty.xlsx");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        read_path(&empty, today()),
        Err(ReadError::Empty { .. })
    ));
    assert!(read_path(&empty, today())
        .unwrap_err()
        .to_string()
        .contains("empty.xlsx: the file is empty"));

    let good = tmp(&dir, "good.xlsx");
    write(&good, &[("DMP", &base_rows())]);
    let bytes = std::fs::read(&good).unwrap();
    for cut in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
        let truncated = tmp(&dir, "truncated.xlsx");
        std::fs::write(&truncated, &bytes[..cut]).unwrap();
        let err = read_path(&truncated, today()).unwrap_err();
        assert!(
            matches!(err, ReadError::Unreadable { .. }),
            "cut at {cut}: {err}"
        );
        assert!(err.to_string().starts_with(&format!(
            "{}: cannot read the workbook",
            truncated.display()
        )));
    }
    let mut flipped = bytes.clone();
    for i in (200..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5a;
    }
    let corrupt = tmp(&dir, "corrupt.xlsx");
    std::fs::write(&corrupt, &flipped).unwrap();
    // Damaged compressed parts: an error on the file, never a panic.
    assert!(matches!(
        read_path(&corrupt, today()),
        Err(ReadError::Unreadable { .. })
    ));

    let text = tmp(&dir, "notes.xlsx");
    std::fs::write(&text, "課題管理番号,21ek0109555h0001\n").unwrap();
    assert!(matches!(
        read_path(&text, today()),
        Err(ReadError::Unreadable { .. })
    ));

    let sales = tmp(&dir, "sales.xlsx");
    write(
        &sales,
        &[(
            "売上",
            &vec![vec![s("商品"), s("数量")], vec![s("りんご"), C::N(3.0)]],
        )],
    );
    let err = read_path(&sales, today()).unwrap_err();
    assert!(matches!(err, ReadError::NotDmp { .. }));
    assert!(
        err.to_string()
            .contains("not a DMP workbook: no sheet (of '売上')"),
        "{err}"
    );
}

#[test]
fn ods_reads_like_xlsx() {
    use spreadsheet_ods::{Sheet, WorkBook};
    let rows = base_rows();
    let mut book = WorkBook::new_empty();
    let mut sheet = Sheet::new("DMP");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u32);
            match cell {
                C::S(t) => sheet.set_value(r, c, t.as_str()),
                C::N(n) => sheet.set_value(r, c, *n),
                C::D(y, m, d) => sheet.set_value(
                    r,
                    c,
                    NaiveDate::from_ymd_opt(*y as i32, *m as u32, *d as u32).unwrap(),
                ),
                C::E => {}
            }
        }
    }
    book.push_sheet(sheet);
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "dmp.ods");
    spreadsheet_ods::write_ods(&mut book, &path).unwrap();
    let from_ods = read_path(&path, today()).unwrap();
    let from_xlsx = read_rows(&rows);
    assert!(!from_ods.is_rejected(), "{:?}", errors(&from_ods));
    assert_eq!(from_ods.dmp, from_xlsx.dmp);
}

#[test]
fn problems_have_severity_and_location() {
    let rows = rows_with(&|_, l| l.to_string(), &|k, v| {
        if k == "project.start" {
            vec![s("来年度")]
        } else {
            v.to_vec()
        }
    });
    let r = read_rows(&rows);
    let p = r.errors().next().unwrap();
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(p.sheet.as_deref(), Some("DMP"));
    assert_eq!(
        p.cell.as_deref(),
        Some(format!("B{}", row_of("project.start")).as_str())
    );
}

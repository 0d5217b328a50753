//! A tiny form builder for reader tests: rows of cells written with
//! rust_xlsxwriter, so each test states its layout in the open.

#![allow(dead_code)]

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub enum C {
    S(String),
    N(f64),
    /// A real Excel date cell.
    D(u16, u8, u8),
    E,
}

pub fn s(text: &str) -> C {
    C::S(text.to_string())
}

pub type Rows = Vec<Vec<C>>;

pub fn write(path: &Path, sheets: &[(&str, &Rows)]) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy/m/d");
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::S(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    C::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    C::D(y, m, d) => {
                        ws.write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                            &date,
                        )
                        .unwrap();
                    }
                    C::E => {}
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// The label of each row of the base form, with its key (as in mappings/),
/// and the values (column B on).
pub fn base_form() -> Vec<(&'static str, &'static str, Vec<C>)> {
    vec![
        ("", "1. DMP作成・更新情報", vec![]),
        ("dmp.created", "DMP作成年月日", vec![s("2023/4/1")]),
        ("", "2. 研究開発課題情報", vec![]),
        ("project.grant_number", "課題管理番号", vec![s("21ek0109555h0001")]),
        ("project.program_own_number", "事業独自の整理番号（橋渡し研究プログラムのみ）", vec![s("A-123")]),
        ("project.project_name", "プロジェクト名", vec![s("がん研究プロジェクト")]),
        ("project.business_name", "事業名", vec![s("革新的がん医療実用化研究事業")]),
        ("project.program_name", "プログラム名", vec![s("ゲノムプログラム")]),
        ("project.title", "研究開発課題名", vec![s("希少がんの全ゲノム解析")]),
        ("project.start", "研究開始日", vec![s("2021/4/1")]),
        ("project.end", "研究終了日", vec![s("2024/3/31")]),
        ("", "3. 研究開発代表者", vec![]),
        ("pi.institution", "機関名", vec![s("東京大学")]),
        ("pi.affiliation", "所属", vec![s("医学部")]),
        ("pi.position", "役職", vec![s("教授")]),
        ("pi.name", "氏名", vec![s("山田 太郎")]),
        ("pi.postal_code", "郵便番号", vec![s("113-0033")]),
        ("pi.address", "住所", vec![s("東京都文京区本郷7-3-1")]),
        ("pi.phone", "電話番号", vec![s("03-1234-5678")]),
        ("pi.extension", "内線番号", vec![s("1234")]),
        ("pi.email", "メールアドレス", vec![s("yamada@example.ac.jp")]),
        ("", "4. 個々の研究開発データとそのデータの管理者について", vec![]),
        ("dataset.number", "No.", vec![C::N(1.0), C::N(2.0)]),
        ("dataset.name", "データの名称", vec![s("ゲノムデータ"), s("臨床情報")]),
        ("dataset.kind", "データの種別①", vec![s("ヒト個人"), s("ヒト個人")]),
        ("dataset.kind2", "データの種別②", vec![s("対象データ"), s("派生データ")]),
        ("dataset.description", "データの説明", vec![s("全ゲノム配列"), s("臨床経過の要約")]),
        ("dataset.count", "データの件数", vec![s("100件"), s("約500件")]),
        ("dataset.size_per_file", "概略データ量（1ファイルあたり）", vec![s("100GB"), s("1MB")]),
        ("dataset.sharing", "データシェアリング方法（アクセス権）", vec![s("制限公開"), s("制限共有（外部関係者と共有）")]),
        ("dataset.external_parties", "外部関係者の情報 （データシェアリング方法（アクセス権）で「外部関係者と共有」を選択した場合）", vec![C::E, s("共同研究機関B")]),
        ("dataset.restriction_reason", "データシェアリング方法（アクセス権）で、「非公開」、「制限共有」、「その他」を選択した場合の理由を記載してください。 また、「制限公開」、「非制限公開」に移行するまでの期間も記載してください。", vec![C::E, s("論文公表まで。研究終了後2年以内に公開")]),
        ("dataset.publication_date", "公開日・公開予定日", vec![s("2024/4/1"), s("2025/3/31")]),
        ("dataset.consent", "データの利活用のための同意取得の有無", vec![s("あり"), s("あり")]),
        ("dataset.consent_documents", "データの利活用のための同意取得の有無で「あり」の場合、使用した文書", vec![s("同意書 第1版"), s("同意書 第2版")]),
        ("dataset.repository_info", "リポジトリ情報", vec![s("公開されている外部のリポジトリあるいはデータベース等"), s("所属機関内")]),
        ("dataset.repository_name", "リポジトリ名 （「公開されている外部のリポジトリあるいはデータベース等」を選択した場合）", vec![s("JGA")]),
        ("dataset.repository_url", "リポジトリのURL （リポジトリ名を記載した場合）", vec![s("https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD000123")]),
        ("dataset.doi", "DOIリンク", vec![s("https://doi.org/10.12345/abc")]),
        ("manager.institution", "データ管理機関名", vec![s("東京大学"), s("東京大学")]),
        ("manager.affiliation", "データ管理者 所属", vec![s("医学部"), s("病院")]),
        ("manager.position", "データ管理者 役職", vec![s("助教"), s("講師")]),
        ("manager.name", "データ管理者 氏名", vec![s("佐藤 花子"), s("鈴木 一郎")]),
        ("manager.postal_code", "郵便番号", vec![s("113-0033"), s("113-8655")]),
        ("manager.address", "住所", vec![s("東京都文京区本郷7-3-1"), s("東京都文京区本郷7-3-1 病院棟")]),
        ("manager.phone", "電話番号", vec![s("03-1111-2222"), s("03-3333-4444")]),
        ("manager.extension", "内線番号", vec![s("111"), s("222")]),
        ("manager.email", "メールアドレス", vec![s("sato@example.ac.jp"), s("suzuki@example.ac.jp")]),
        ("", "5. データ関連人材（本研究課題のデータで取得・収集されたデータに関与した人材について回答してください。データ関連人材について、すべての人を漏れなく記載してください）", vec![]),
    ]
}

/// Staff table header (keys and labels) and two rows.
pub fn staff_table() -> (Vec<(&'static str, &'static str)>, Vec<Vec<C>>) {
    (
        vec![
            ("staff.number", "No."),
            ("staff.institution", "機関名"),
            ("staff.affiliation", "所属"),
            ("staff.position", "役職"),
            ("staff.name", "氏名"),
            ("staff.publishable", "公表の可否"),
        ],
        vec![
            vec![
                C::N(1.0),
                s("東京大学"),
                s("医科学研究所"),
                s("特任研究員"),
                s("高橋 次郎"),
                s("可"),
            ],
            vec![
                C::N(2.0),
                s("京都大学"),
                s("情報学研究科"),
                s("助教"),
                s("伊藤 三郎"),
                s("否"),
            ],
        ],
    )
}

/// Rows of the base form with one label replaced (by key) and one value
/// replaced (by key, first dataset column).
pub fn rows_with(
    label_of: &dyn Fn(&str, &str) -> String,
    value_of: &dyn Fn(&str, &[C]) -> Vec<C>,
) -> Rows {
    let mut rows: Rows = Vec::new();
    for (key, label, values) in base_form() {
        let mut row = vec![C::S(label_of(key, label))];
        row.extend(value_of(key, &values));
        rows.push(row);
    }
    let (header, staff) = staff_table();
    rows.push(header.iter().map(|(k, l)| C::S(label_of(k, l))).collect());
    rows.extend(staff);
    rows
}

pub fn base_rows() -> Rows {
    rows_with(&|_, l| l.to_string(), &|_, v| v.to_vec())
}

pub fn tmp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

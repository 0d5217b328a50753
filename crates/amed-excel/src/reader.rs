//! The workbook walk: choose the form sheet, follow its sections, read labels
//! and the values to their right, then check the plan.

use crate::error::ReadError;
use crate::load::{load_sheets, read_file};
use crate::spec::{FormSpec, Section, Target};
use calamine::{Data, Range};
use chrono::NaiveDate;
use dmpgraph_model::{
    date_from_excel_serial, normalize_label, normalize_value, parse_date, validate, DataClass,
    DataSubject, Dataset, Dmp, Entity, Field, Severity, SharingMethod, StaffMember, Value,
};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// A cell of a workbook: sheet name and 0-based absolute row and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct CellRef {
    /// Sheet name.
    pub sheet: String,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
}

impl CellRef {
    /// The A1-style address, e.g. `C14`.
    pub fn address(&self) -> String {
        let mut n = self.col + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        format!(
            "{}{}",
            String::from_utf8(letters).expect("ASCII letters"),
            self.row + 1
        )
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sheet '{}' {}", self.sheet, self.address())
    }
}

/// One problem found in a workbook, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Error (the file is rejected) or warning (reported, stored).
    pub severity: Severity,
    /// The workbook.
    pub file: PathBuf,
    /// The sheet, when the problem is on one.
    pub sheet: Option<String>,
    /// The cell address (`C14`), when the problem is in one.
    pub cell: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(sheet) = &self.sheet {
            write!(f, ": sheet '{sheet}'")?;
        }
        if let Some(cell) = &self.cell {
            write!(f, " {cell}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A workbook read as a DMP, with every problem found in it.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The workbook.
    pub file: PathBuf,
    /// The sheet that holds the form.
    pub sheet: String,
    /// The plan as read (possibly incomplete when [`Reading::is_rejected`]).
    pub dmp: Dmp,
    /// Errors and warnings, in sheet order.
    pub problems: Vec<Problem>,
    /// Where each value came from.
    pub cells: HashMap<(Entity, Field), CellRef>,
}

impl Reading {
    /// Whether any problem is an error: the plan must not be stored.
    pub fn is_rejected(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }
}

/// Reads a workbook file with the built-in label table; `today` decides
/// which publication dates have passed.
pub fn read_path(path: &Path, today: NaiveDate) -> Result<Reading, ReadError> {
    read_path_with(path, today, FormSpec::builtin())
}

/// Reads a workbook file with a given label table.
pub fn read_path_with(
    path: &Path,
    today: NaiveDate,
    spec: &FormSpec,
) -> Result<Reading, ReadError> {
    let bytes = read_file(path)?;
    read_bytes_with(path, &bytes, today, spec)
}

/// Reads a workbook from memory; `name` is used in messages.
pub fn read_bytes(name: &Path, bytes: &[u8], today: NaiveDate) -> Result<Reading, ReadError> {
    read_bytes_with(name, bytes, today, FormSpec::builtin())
}

fn read_bytes_with(
    file: &Path,
    bytes: &[u8],
    today: NaiveDate,
    spec: &FormSpec,
) -> Result<Reading, ReadError> {
    let sheets = load_sheets(file, bytes)?;
    // The form sheet is the one with the most labels; instruction sheets
    // before it mention a few labels in prose at most.
    let best = sheets
        .iter()
        .map(|(name, range)| (count_labels(range, spec), name, range))
        .max_by_key(|(n, _, _)| *n);
    let (_, name, range) = match best {
        Some((n, name, range)) if n >= 3 => (n, name, range),
        _ => {
            let names: Vec<String> = sheets.iter().map(|(n, _)| format!("'{n}'")).collect();
            return Err(ReadError::NotDmp {
                file: file.to_path_buf(),
                sheets: names.join(", "),
            });
        }
    };
    let mut walk = Walk::new(file, name, spec);
    walk.run(range);
    Ok(walk.finish(today))
}

/// Counts cells that are labels of identity fields, to pick the form sheet.
fn count_labels(range: &Range<Data>, spec: &FormSpec) -> usize {
    range
        .used_cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) if s.chars().count() < 200 => Some(normalize_label(s)),
            _ => None,
        })
        .filter(|n| spec.lookup(n, None).is_some() || spec.section_header(n).is_some())
        .count()
}

/// A cell's content as text, as a person would read it.
fn cell_text(d: &Data) -> Option<String> {
    match d {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => normalize_value(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(if *b { "TRUE".into() } else { "FALSE".into() }),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.date().to_string())
            .or_else(|| Some(dt.as_f64().to_string())),
    }
}

/// A row's values to the right of its label, by column.
type RowValues = BTreeMap<u32, (CellRef, Data)>;

struct Walk<'a> {
    file: PathBuf,
    sheet: String,
    spec: &'a FormSpec,
    dmp: Dmp,
    problems: Vec<Problem>,
    cells: HashMap<(Entity, Field), CellRef>,
    /// Section-4 rows: (target, label cell, values by column).
    dataset_rows: Vec<(Target, CellRef, RowValues)>,
    datasets_header: Option<CellRef>,
    section_seen: bool,
}

impl<'a> Walk<'a> {
    fn new(file: &Path, sheet: &str, spec: &'a FormSpec) -> Self {
        Walk {
            file: file.to_path_buf(),
            sheet: sheet.to_string(),
            spec,
            dmp: Dmp::default(),
            problems: Vec::new(),
            cells: HashMap::new(),
            dataset_rows: Vec::new(),
            datasets_header: None,
            section_seen: false,
        }
    }

    fn cell(&self, row: u32, col: u32) -> CellRef {
        CellRef {
            sheet: self.sheet.clone(),
            row,
            col,
        }
    }

    fn problem(&mut self, severity: Severity, cell: Option<&CellRef>, message: String) {
        self.problems.push(Problem {
            severity,
            file: self.file.clone(),
            sheet: Some(self.sheet.clone()),
            cell: cell.map(CellRef::address),
            message,
        });
    }

    fn run(&mut self, range: &Range<Data>) {
        let Some((r0, c0)) = range.start() else {
            return;
        };
        let mut section: Option<Section> = None;
        let mut staff_columns: Option<Vec<(u32, Field, CellRef)>> = None;
        for (ri, row) in range.rows().enumerate() {
            let r = r0 + ri as u32;
            let texts: Vec<(u32, &Data, String)> = row
                .iter()
                .enumerate()
                .filter_map(|(ci, d)| match d {
                    Data::String(s) => Some((c0 + ci as u32, d, normalize_label(s))),
                    _ => None,
                })
                .collect();
            // A table header of section 5: several staff column labels in one row.
            let staff_cols: Vec<(u32, Field, CellRef)> = texts
                .iter()
                .filter_map(|(c, _, n)| {
                    self.spec.staff_column(n).map(|f| (*c, f, self.cell(r, *c)))
                })
                .collect();
            if staff_cols.len() >= 3 && (section == Some(Section::Staff) || staff_cols.len() >= 4) {
                section = Some(Section::Staff);
                staff_columns = Some(staff_cols);
                continue;
            }
            let mut label: Option<(u32, Target)> = None;
            for (c, _, norm) in texts.iter().take(4) {
                if let Some(s) = self.spec.section_header(norm) {
                    section = Some(s);
                    self.section_seen = true;
                    staff_columns = None;
                    if s == Section::Datasets {
                        self.datasets_header = Some(self.cell(r, *c));
                    }
                    continue;
                }
                if section == Some(Section::Staff) && staff_columns.is_some() {
                    break;
                }
                if let Some(t) = self.spec.lookup(norm, section) {
                    label = Some((*c, t));
                    break;
                }
            }
            if let Some((lc, target)) = label {
                // A label of a field announces its section when the form has no headers.
                let announced = Section::of_target(target);
                if section.is_none() || !self.section_seen {
                    section = Some(announced);
                }
                let values: BTreeMap<u32, (CellRef, Data)> = row
                    .iter()
                    .enumerate()
                    .map(|(ci, d)| (c0 + ci as u32, d))
                    .filter(|(c, d)| *c > lc && cell_text(d).is_some())
                    .map(|(c, d)| (c, (self.cell(r, c), d.clone())))
                    .collect();
                let label_cell = self.cell(r, lc);
                if announced == Section::Staff {
                    // A lone staff label outside the table's header row carries no value.
                    continue;
                }
                if announced == Section::Datasets {
                    self.dataset_rows.push((target, label_cell, values));
                } else if let (Target::Field(field), Some((_, (cell, data)))) =
                    (target, values.into_iter().next())
                {
                    let entity = match announced {
                        Section::Dmp => Entity::Dmp,
                        Section::Project => Entity::Project,
                        _ => Entity::Pi,
                    };
                    self.set_value(entity, field, &cell, &data);
                } else if let Target::Field(field) = target {
                    // Remember where an empty required value is, for the error.
                    let entity = if announced == Section::Project {
                        Entity::Project
                    } else {
                        Entity::Dmp
                    };
                    self.cells
                        .entry((entity, field))
                        .or_insert_with(|| CellRef {
                            col: lc + 1,
                            ..label_cell
                        });
                }
                continue;
            }
            if let (Some(Section::Staff), Some(cols)) = (section, &staff_columns) {
                self.read_staff_row(r, row, c0, cols.clone());
            }
        }
        self.build_datasets();
    }

    fn read_staff_row(&mut self, r: u32, row: &[Data], c0: u32, cols: Vec<(u32, Field, CellRef)>) {
        let get = |c: u32| {
            row.get((c - c0) as usize)
                .filter(|d| cell_text(d).is_some())
        };
        // Blank template rows carry only their No.: not a person.
        let has_person = cols.iter().any(|(c, f, _)| {
            *f != Field::StaffNumber && *f != Field::StaffPublishable && get(*c).is_some()
        });
        if !has_person {
            return;
        }
        self.dmp.staff.push(StaffMember::default());
        let entity = Entity::Staff(self.dmp.staff.len() as u32);
        for (c, field, _) in cols {
            if let Some(d) = get(c) {
                let cell = self.cell(r, c);
                self.set_value(entity, field, &cell, &d.clone());
            }
        }
    }

    /// Turns section-4 rows into datasets, one per value column.
    fn build_datasets(&mut self) {
        let rows = std::mem::take(&mut self.dataset_rows);
        let mut columns: Vec<u32> = rows
            .iter()
            .flat_map(|(_, _, v)| v.keys().copied())
            .collect();
        columns.sort_unstable();
        columns.dedup();
        let is_number = |t: &Target| *t == Target::Field(Field::DatasetNumber);
        // A template column that carries only its No. is no dataset.
        columns.retain(|c| {
            rows.iter()
                .any(|(t, _, v)| !is_number(t) && v.contains_key(c))
        });
        for (position, col) in columns.into_iter().enumerate() {
            let number_cell = rows
                .iter()
                .find(|(t, _, _)| is_number(t))
                .and_then(|(_, _, v)| v.get(&col));
            let number = match number_cell {
                Some((cell, data)) => match parse_number(data) {
                    Some(n) => n,
                    None => {
                        let text = cell_text(data).unwrap_or_default();
                        self.problem(Severity::Error, Some(cell), format!("No. '{text}' is not a dataset number; expected a whole number such as 1"));
                        position as u32 + 1
                    }
                },
                None => position as u32 + 1,
            };
            self.dmp.datasets.push(Dataset {
                number,
                ..Dataset::default()
            });
            let entity = Entity::Dataset(number);
            if let Some((cell, _)) = number_cell {
                self.cells
                    .insert((entity, Field::DatasetNumber), cell.clone());
            } else if let Some((_, label, _)) = rows.first() {
                self.cells.insert(
                    (entity, Field::DatasetNumber),
                    CellRef {
                        col,
                        ..label.clone()
                    },
                );
            }
            for (target, _, values) in &rows {
                let Some((cell, data)) = values.get(&col) else {
                    continue;
                };
                match target {
                    Target::Field(Field::DatasetNumber) => {}
                    Target::Field(f) if f.key().starts_with("manager.") => {
                        self.set_value(Entity::DataManager(number), *f, cell, data)
                    }
                    Target::Field(f) => self.set_value(entity, *f, cell, data),
                    Target::Kind => self.set_kind(number, cell, data),
                }
            }
        }
    }

    fn set_kind(&mut self, number: u32, cell: &CellRef, data: &Data) {
        let Some(text) = cell_text(data) else { return };
        let entity = Entity::Dataset(number);
        let (field, value) = if let Ok(s) = text.parse::<DataSubject>() {
            (Field::DatasetSubject, Value::Subject(s))
        } else if let Ok(c) = text.parse::<DataClass>() {
            (Field::DatasetClass, Value::Class(c))
        } else {
            let subjects: Vec<_> = DataSubject::ALL.iter().map(|v| v.label_ja()).collect();
            let classes: Vec<_> = DataClass::ALL.iter().map(|v| v.label_ja()).collect();
            self.problem(Severity::Error, Some(cell), format!(
                "データの種別 '{text}' is in neither list; expected a data subject ({}) or a data class ({})",
                subjects.join(", "), classes.join(", ")));
            return;
        };
        if self.cells.contains_key(&(entity, field)) {
            self.problem(Severity::Warning, Some(cell), format!("データの種別 '{text}': dataset No. {number} already has a {}; the later value is kept", field.label_en().to_lowercase()));
        }
        self.store(entity, field, cell, value);
    }

    fn store(&mut self, entity: Entity, field: Field, cell: &CellRef, value: Value) {
        if let Err(e) = self.dmp.set(entity, field, value) {
            self.problem(Severity::Error, Some(cell), e.to_string());
        }
        self.cells.insert((entity, field), cell.clone());
    }

    /// Converts a cell to the field's kind of value, or reports why it cannot.
    fn set_value(&mut self, entity: Entity, field: Field, cell: &CellRef, data: &Data) {
        let Some(text) = cell_text(data) else { return };
        let label = field.label_ja();
        let value = match field {
            Field::Created
            | Field::ProjectStart
            | Field::ProjectEnd
            | Field::DatasetPublicationDate => match cell_date(data, &text) {
                Ok(d) => Value::Date(d),
                Err(reason) => {
                    self.problem(Severity::Error, Some(cell), format!("{label} {reason}"));
                    return;
                }
            },
            Field::DatasetSharing => match text.parse::<SharingMethod>() {
                Ok(m) => Value::Sharing(m),
                Err(e) => {
                    self.problem(
                        Severity::Error,
                        Some(cell),
                        format!("unknown sharing method: {e}"),
                    );
                    return;
                }
            },
            Field::DatasetConsent => match yes_no(
                &text,
                &[
                    "あり",
                    "有",
                    "有り",
                    "取得済",
                    "取得済み",
                    "はい",
                    "yes",
                    "true",
                    "○",
                    "〇",
                ],
                &["なし", "無", "無し", "未取得", "いいえ", "no", "false", "×"],
            ) {
                Some(b) => Value::Bool(b),
                None => {
                    self.problem(
                        Severity::Error,
                        Some(cell),
                        format!("{label} '{text}' is not あり or なし"),
                    );
                    return;
                }
            },
            Field::StaffPublishable => match yes_no(
                &text,
                &["可", "公表可", "可能", "はい", "yes", "true", "○", "〇"],
                &["否", "不可", "公表不可", "いいえ", "no", "false", "×"],
            ) {
                Some(b) => Value::Bool(b),
                None => {
                    self.problem(
                        Severity::Error,
                        Some(cell),
                        format!("{label} '{text}' is not 可 or 否"),
                    );
                    return;
                }
            },
            Field::StaffNumber => match parse_number(data) {
                Some(n) => Value::Integer(n),
                None => {
                    self.problem(
                        Severity::Warning,
                        Some(cell),
                        format!("No. '{text}' is not a number; ignored"),
                    );
                    return;
                }
            },
            // Grant numbers are typed in any width: ２１ｅｋ… and 21ek… are one identity.
            Field::GrantNumber => Value::Text(text.nfkc().collect::<String>().trim().to_string()),
            _ => Value::Text(text),
        };
        self.store(entity, field, cell, value);
    }

    fn finish(mut self, today: NaiveDate) -> Reading {
        for issue in validate(&self.dmp, today) {
            let cell = match (issue.entity, issue.field) {
                (Some(e), Some(f)) => self.cells.get(&(e, f)).or_else(|| match e {
                    Entity::Dataset(_) => self.cells.get(&(e, Field::DatasetNumber)),
                    _ => None,
                }),
                _ => self.datasets_header.as_ref(),
            }
            .cloned();
            self.problem(issue.severity, cell.as_ref(), issue.message);
        }
        Reading {
            file: self.file,
            sheet: self.sheet,
            dmp: self.dmp,
            problems: self.problems,
            cells: self.cells,
        }
    }
}

fn cell_date(data: &Data, text: &str) -> Result<NaiveDate, String> {
    match data {
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.date())
            .ok_or_else(|| format!("'{text}' is not a date (an unreadable date cell)")),
        Data::Float(f) => date_from_excel_serial(*f).ok_or_else(|| {
            format!("'{text}' is not a date (a number that is no Excel date serial)")
        }),
        Data::Int(i) => date_from_excel_serial(*i as f64).ok_or_else(|| {
            format!("'{text}' is not a date (a number that is no Excel date serial)")
        }),
        _ => parse_date(text).map_err(|e| e.to_string()),
    }
}

fn parse_number(data: &Data) -> Option<u32> {
    match data {
        Data::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f < 1e9 => Some(*f as u32),
        Data::Int(i) => u32::try_from(*i).ok(),
        Data::String(s) => {
            let folded: String = s.nfkc().collect();
            let digits: String = folded
                .trim()
                .trim_start_matches(|c: char| !c.is_ascii_digit())
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let rest_ok = folded.trim().ends_with(|c: char| c.is_ascii_digit());
            if rest_ok {
                digits.parse().ok()
            } else {
                None
            }
        }
        _ => None,
    }
}

fn yes_no(text: &str, yes: &[&str], no: &[&str]) -> Option<bool> {
    let norm = normalize_label(text);
    let hit = |list: &[&str]| list.iter().any(|w| normalize_label(w) == norm);
    if hit(yes) {
        Some(true)
    } else if hit(no) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_addresses() {
        let c = |row, col| {
            CellRef {
                sheet: "DMP".into(),
                row,
                col,
            }
            .address()
        };
        assert_eq!(c(0, 0), "A1");
        assert_eq!(c(13, 2), "C14");
        assert_eq!(c(0, 25), "Z1");
        assert_eq!(c(0, 26), "AA1");
        assert_eq!(c(9, 701), "ZZ10");
        assert_eq!(c(0, 702), "AAA1");
    }

    #[test]
    fn numbers_in_cells() {
        assert_eq!(parse_number(&Data::Float(3.0)), Some(3));
        assert_eq!(parse_number(&Data::String("No.４".into())), Some(4));
        assert_eq!(parse_number(&Data::String("データ2".into())), Some(2));
        assert_eq!(parse_number(&Data::String("二".into())), None);
        assert_eq!(parse_number(&Data::Float(1.5)), None);
    }

    #[test]
    fn builtin_table_labels_every_field() {
        let spec = FormSpec::builtin();
        let labelled = spec.labelled_fields();
        for f in Field::ALL {
            // Subject and class share the データの種別 rows (Target::Kind).
            if matches!(f, Field::DatasetSubject | Field::DatasetClass) {
                continue;
            }
            assert!(labelled.contains(f), "no label for {}", f.key());
        }
    }

    #[test]
    fn labels_resolve_by_section() {
        let spec = FormSpec::builtin();
        let n = normalize_label;
        assert_eq!(
            spec.lookup(&n("氏名"), Some(Section::Pi)),
            Some(Target::Field(Field::PiName))
        );
        assert_eq!(
            spec.lookup(&n("氏名"), Some(Section::Datasets)),
            Some(Target::Field(Field::ManagerName))
        );
        assert_eq!(
            spec.lookup(&n("データ管理者　氏名"), Some(Section::Datasets)),
            Some(Target::Field(Field::ManagerName))
        );
        assert_eq!(spec.lookup(&n("氏名"), Some(Section::Project)), None);
        assert_eq!(
            spec.lookup(&n("データの利活用のための同意取得の有無"), None),
            Some(Target::Field(Field::DatasetConsent))
        );
        assert_eq!(
            spec.lookup(
                &n("データの利活用のための同意取得の有無で「あり」の場合、使用した文書"),
                None
            ),
            Some(Target::Field(Field::DatasetConsentDocuments))
        );
        assert_eq!(
            spec.lookup(&n("外部関係者の情報 （データシェアリング方法（アクセス権）で「外部関係者と共有」を選択した場合）"), None),
            Some(Target::Field(Field::DatasetExternalParties))
        );
        assert_eq!(
            spec.lookup(&n("データシェアリング方法（アクセス権）で、「非公開」、「制限共有」、「その他」を選択した場合の理由を記載してください。 また、「制限公開」、「非制限公開」に移行するまでの期間も記載してください。"), None),
            Some(Target::Field(Field::DatasetRestrictionReason))
        );
        assert_eq!(
            spec.lookup(&n("リポジトリのURL （リポジトリ名を記載した場合）"), None),
            Some(Target::Field(Field::DatasetRepositoryUrl))
        );
        assert_eq!(spec.lookup(&n("データの種別②"), None), Some(Target::Kind));
        assert_eq!(spec.section_header(&n("5. データ関連人材（本研究課題のデータで取得・収集されたデータに関与した人材について）")), Some(Section::Staff));
        assert_eq!(spec.section_header(&n("研究開発代表者")), Some(Section::Pi));
    }
}

//! The cells of a workbook, laid out once so that the xlsx and ods backends
//! write exactly the same grid.

use crate::date::format_date;
use crate::{Layout, Style};
use chrono::NaiveDate;
use dmpgraph_model::{Dataset, Dmp, Person, SharingMethod, StaffMember};

/// The value of one cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// A string cell.
    Text(String),
    /// A number cell with the General format.
    Number(f64),
    /// A real date cell with a date number format.
    Date(NaiveDate),
    /// An empty cell that still carries its fill (an input cell left empty).
    Blank,
}

impl CellValue {
    /// The text of a string cell.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            CellValue::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// The background of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fill {
    /// No fill: labels and notes.
    None,
    /// Grey and bold: titles, section headers and table headers.
    Header,
    /// Green (#C6EFCE): a value published in AMED's catalog.
    Public,
    /// Blue (#BDD7EE): a contact detail that is never published.
    Private,
}

impl Fill {
    /// The fill colour as `0xRRGGBB`, if any.
    pub fn rgb(self) -> Option<u32> {
        match self {
            Fill::None => None,
            Fill::Header => Some(0xD9D9D9),
            Fill::Public => Some(0xC6EFCE),
            Fill::Private => Some(0xBDD7EE),
        }
    }
}

/// One cell of a sheet (0-based row and column).
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u16,
    /// The value.
    pub value: CellValue,
    /// The background.
    pub fill: Fill,
}

/// One sheet: its name, cells and column widths.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetGrid {
    /// The sheet's name.
    pub name: String,
    /// The cells, in writing order (at most one per position).
    pub cells: Vec<GridCell>,
    /// Column widths in characters, by 0-based column.
    pub col_widths: Vec<(u16, f64)>,
}

impl SheetGrid {
    fn new(name: &str) -> SheetGrid {
        SheetGrid {
            name: name.to_string(),
            ..SheetGrid::default()
        }
    }

    fn put(&mut self, row: u32, col: u16, value: CellValue, fill: Fill) {
        self.cells.push(GridCell {
            row,
            col,
            value,
            fill,
        });
    }

    fn label(&mut self, row: u32, col: u16, text: &str) {
        self.put(row, col, CellValue::Text(text.to_string()), Fill::None);
    }

    fn header(&mut self, row: u32, col: u16, text: &str) {
        self.put(row, col, CellValue::Text(text.to_string()), Fill::Header);
    }

    /// The cell at a position, if one was written.
    pub fn cell(&self, row: u32, col: u16) -> Option<&GridCell> {
        self.cells.iter().find(|c| c.row == row && c.col == col)
    }

    /// The position of the first string cell (in row order) whose text is `text`.
    pub fn find_text(&self, text: &str) -> Option<(u32, u16)> {
        self.cells
            .iter()
            .filter(|c| c.value.as_text() == Some(text))
            .map(|c| (c.row, c.col))
            .min()
    }

    /// Replaces the value at a position, keeping its fill, or adds an unfilled cell.
    pub fn set_value(&mut self, row: u32, col: u16, value: CellValue) {
        match self.cells.iter_mut().find(|c| c.row == row && c.col == col) {
            Some(cell) => cell.value = value,
            None => self.put(row, col, value, Fill::None),
        }
    }
}

/// A whole workbook: its sheets in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// The sheets, first sheet first.
    pub sheets: Vec<SheetGrid>,
}

impl Grid {
    /// The sheet with this name.
    pub fn sheet(&self, name: &str) -> Option<&SheetGrid> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// The sheet with this name, for changing it.
    pub fn sheet_mut(&mut self, name: &str) -> Option<&mut SheetGrid> {
        self.sheets.iter_mut().find(|s| s.name == name)
    }
}

/// An A1-style address of a 0-based position: `cell_address(12, 2)` is `C13`.
pub fn cell_address(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut n = col as u32 + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

/// The name of the sheet that holds the form in a layout.
pub fn dmp_sheet_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Current | Layout::Compact => "DMP",
        Layout::Older => "様式",
    }
}

/// Where a layout puts things (0-based columns).
struct Geometry {
    header_col: u16,
    label_col: u16,
    /// Compact's second label column for the data manager rows.
    sub_label_col: Option<u16>,
    value_col: u16,
    staff_col: u16,
    /// Blank rows between sections.
    gap: u32,
}

/// The text of every label of a layout.
struct Wording {
    title: &'static str,
    note: Option<&'static str>,
    sections: [&'static str; 5],
    created: &'static str,
    project: [&'static str; 8],
    pi: [&'static str; 9],
    dataset: [&'static str; 17],
    manager_institution: &'static str,
    /// Compact writes データ管理者 once in its own cell beside the sub-labels.
    manager_group: Option<&'static str>,
    manager: [&'static str; 8],
    /// The staff table's headers in the model's order (No., 機関名, 所属, 役職, 氏名, 公表の可否).
    staff: [&'static str; 6],
    /// Column order of the staff table, as indices into `staff`.
    staff_order: [usize; 6],
    footnotes: &'static [&'static str],
    /// Older forms wrote the value lists with half-width brackets.
    half_width_values: bool,
}

/// Section 2 labels in the newer wording (Current and Compact layouts).
const PROJECT_CURRENT: [&str; 8] = [
    "課題管理番号",
    "事業独自の整理番号（橋渡し研究プログラムのみ）",
    "プロジェクト名",
    "事業名",
    "プログラム名",
    "研究開発課題名",
    "研究開始日",
    "研究終了日",
];

const PI_LABELS: [&str; 9] = [
    "機関名",
    "所属",
    "役職",
    "氏名",
    "郵便番号",
    "住所",
    "電話番号",
    "内線番号",
    "メールアドレス",
];
const STAFF_LABELS: [&str; 6] = ["No.", "機関名", "所属", "役職", "氏名", "公表の可否"];
const SECTION5_CURRENT: &str = "5. データ関連人材（本研究課題のデータで取得・収集されたデータに関与した人材について回答してください。データ関連人材について、すべての人を漏れなく記載してください）";
const SECTION5_COMPACT: &str = "５．データ関連人材（本研究課題のデータで取得・収集されたデータに関与した人材について回答してください。データ関連人材について、すべての人を漏れなく記載してください）";

const DATASET_CURRENT: [&str; 17] = [
    "No.",
    "データの名称",
    "データの種別①",
    "データの種別②",
    "データの説明",
    "データの件数",
    "概略データ量（1ファイルあたり）",
    "データシェアリング方法（アクセス権）",
    "外部関係者の情報 （データシェアリング方法（アクセス権）で「外部関係者と共有」を選択した場合）",
    "データシェアリング方法（アクセス権）で、「非公開」、「制限共有」、「その他」を選択した場合の理由を記載してください。 また、「制限公開」、「非制限公開」に移行するまでの期間も記載してください。",
    "公開日・公開予定日",
    "データの利活用のための同意取得の有無",
    "データの利活用のための同意取得の有無で「あり」の場合、使用した文書",
    "リポジトリ情報",
    "リポジトリ名 （「公開されている外部のリポジトリあるいはデータベース等」を選択した場合）",
    "リポジトリのURL （リポジトリ名を記載した場合）",
    "DOIリンク",
];

const DATASET_OLDER: [&str; 17] = [
    "No.",
    "データの名称",
    "データの種別①",
    "データの種別②",
    "データの説明",
    "データの件数",
    "概略データ量(1ファイルあたり)",
    "データシェアリング方法(アクセス権)※2",
    "外部関係者の情報(データシェアリング方法(アクセス権)で「外部関係者と共有」を選択した場合)",
    "データシェアリング方法(アクセス権)で、「非公開」、「制限共有」、「その他」を選択した場合の理由を記載してください。また、「制限公開」、「非制限公開」に移行するまでの期間も記載してください。",
    "公開日・公開予定日",
    "データの利活用のための同意取得の有無",
    "データの利活用のための同意取得の有無で「あり」の場合、使用した文書",
    "リポジトリ情報",
    "リポジトリ名(「公開されている外部のリポジトリあるいはデータベース等」を選択した場合)",
    "リポジトリのURL(リポジトリ名を記載した場合)",
    "DOIリンク",
];

fn geometry(layout: Layout) -> Geometry {
    match layout {
        Layout::Current => Geometry {
            header_col: 0,
            label_col: 1,
            sub_label_col: None,
            value_col: 2,
            staff_col: 1,
            gap: 1,
        },
        Layout::Older => Geometry {
            header_col: 0,
            label_col: 0,
            sub_label_col: None,
            value_col: 1,
            staff_col: 0,
            gap: 1,
        },
        Layout::Compact => Geometry {
            header_col: 2,
            label_col: 2,
            sub_label_col: Some(3),
            value_col: 4,
            staff_col: 2,
            gap: 0,
        },
    }
}

fn wording(layout: Layout) -> Wording {
    match layout {
        Layout::Current => Wording {
            title: "研究開発データマネジメントプラン（DMP）様式",
            note: Some("※緑色のセルはAMED研究開発データ利活用カタログに掲載されます。青色のセルは公開されません。"),
            sections: [
                "1. DMP作成・更新情報",
                "2. 研究開発課題情報",
                "3. 研究開発代表者",
                "4. 個々の研究開発データとそのデータの管理者について",
                SECTION5_CURRENT,
            ],
            created: "DMP作成年月日",
            project: PROJECT_CURRENT,
            pi: PI_LABELS,
            dataset: DATASET_CURRENT,
            manager_institution: "データ管理機関名",
            manager_group: None,
            manager: [
                "データ管理者 所属",
                "データ管理者 役職",
                "データ管理者 氏名",
                "郵便番号",
                "住所",
                "電話番号",
                "内線番号",
                "メールアドレス",
            ],
            staff: STAFF_LABELS,
            staff_order: [0, 1, 2, 3, 4, 5],
            footnotes: &[],
            half_width_values: false,
        },
        Layout::Older => Wording {
            title: "研究開発データマネジメントプラン",
            note: None,
            sections: [
                "DMP作成・更新情報",
                "研究開発課題情報",
                "研究開発代表者",
                "個々の研究開発データとそのデータの管理者について",
                "データ関連人材",
            ],
            created: "最終作成年月日",
            project: [
                "課題管理番号※1",
                "事業計画の整理番号（橋渡し研究プログラムのみ）",
                "プロジェクト名",
                "事業名",
                "プログラム名",
                "研究開発課題名 ＊",
                "研究開始日",
                "研究終了日",
            ],
            pi: PI_LABELS,
            dataset: DATASET_OLDER,
            manager_institution: "データ管理機関名",
            manager_group: None,
            manager: [
                "データ管理者　所属",
                "データ管理者　役職",
                "データ管理者　氏名",
                "郵便番号",
                "住所",
                "電話番号",
                "内線番号",
                "メールアドレス",
            ],
            staff: STAFF_LABELS,
            // No., 所属, 氏名, 役職, 機関名, 公表の可否
            staff_order: [0, 2, 4, 3, 1, 5],
            footnotes: &[
                "※1 課題管理番号は、AMEDから通知された番号（例：21ek0109555h0001）を記入してください。",
                "※2 データシェアリング方法は、非制限公開、制限公開、制限共有(外部関係者と共有)、制限共有(内部関係者と共有)、非公開、その他(未定など)から選択してください。",
                "＊ 研究開発課題名は、委託研究開発契約書に記載の課題名を記入してください。",
            ],
            half_width_values: true,
        },
        Layout::Compact => Wording {
            title: "研究開発データマネジメントプラン（DMP）",
            note: None,
            sections: [
                "１．DMP作成・更新情報",
                "２．研究開発課題情報",
                "３．研究開発代表者",
                "４．個々の研究開発データとそのデータの管理者について",
                SECTION5_COMPACT,
            ],
            created: "DMP作成年月日",
            project: PROJECT_CURRENT,
            pi: PI_LABELS,
            dataset: DATASET_CURRENT,
            manager_institution: "データ管理機関名",
            manager_group: Some("データ管理者"),
            manager: ["所属", "役職", "氏名", "郵便番号", "住所", "電話番号", "内線番号", "メールアドレス"],
            staff: STAFF_LABELS,
            staff_order: [0, 1, 2, 3, 4, 5],
            footnotes: &[],
            half_width_values: false,
        },
    }
}

fn text(value: &Option<String>) -> CellValue {
    match value {
        Some(s) => CellValue::Text(s.clone()),
        None => CellValue::Blank,
    }
}

/// A count or extension typed as digits: Excel stores it as a number, so the
/// fixtures do too (a leading zero would be lost, so those stay text).
fn text_or_number(value: &Option<String>) -> CellValue {
    match value {
        Some(s)
            if !s.is_empty()
                && s.len() <= 15
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0')) =>
        {
            CellValue::Number(s.parse::<f64>().expect("digits parse"))
        }
        other => text(other),
    }
}

fn date(value: Option<NaiveDate>, style: &Style) -> CellValue {
    value.map_or(CellValue::Blank, |d| format_date(d, style.date_style))
}

fn yes_no(value: Option<bool>, yes: &str, no: &str) -> CellValue {
    match value {
        Some(true) => CellValue::Text(yes.to_string()),
        Some(false) => CellValue::Text(no.to_string()),
        None => CellValue::Blank,
    }
}

fn sharing_label(method: SharingMethod, half_width: bool) -> String {
    let label = method.label_ja();
    if half_width {
        label.replace('（', "(").replace('）', ")")
    } else {
        label.to_string()
    }
}

/// The nine values of a person (institution first), with their fills.
fn person_values(p: &Person) -> [(CellValue, Fill); 9] {
    let c = &p.contact;
    [
        (text(&p.institution), Fill::Public),
        (text(&p.affiliation), Fill::Public),
        (text(&p.position), Fill::Public),
        (text(&p.name), Fill::Public),
        (text(&c.postal_code), Fill::Private),
        (text(&c.address), Fill::Private),
        (text(&c.phone), Fill::Private),
        (text_or_number(&c.extension), Fill::Private),
        (text(&c.email), Fill::Private),
    ]
}

fn dataset_values(ds: &Dataset, style: &Style, half_width: bool) -> Vec<(CellValue, Fill)> {
    let public = |v: CellValue| (v, Fill::Public);
    let mut values = vec![
        public(CellValue::Number(ds.number as f64)),
        public(text(&ds.name)),
        public(
            ds.subject
                .map_or(CellValue::Blank, |s| CellValue::Text(s.label_ja().into())),
        ),
        public(
            ds.class
                .map_or(CellValue::Blank, |c| CellValue::Text(c.label_ja().into())),
        ),
        public(text(&ds.description)),
        public(text_or_number(&ds.count)),
        public(text(&ds.size_per_file)),
        public(ds.sharing.map_or(CellValue::Blank, |m| {
            CellValue::Text(sharing_label(m, half_width))
        })),
        public(text(&ds.external_parties)),
        public(text(&ds.restriction_reason)),
        public(date(ds.publication_date, style)),
        public(yes_no(ds.consent, "あり", "なし")),
        public(text(&ds.consent_documents)),
        public(text(&ds.repository_info)),
        public(text(&ds.repository_name)),
        public(text(&ds.repository_url)),
        public(text(&ds.doi)),
    ];
    values.extend(person_values(&ds.manager));
    values
}

fn staff_values(s: &StaffMember) -> [CellValue; 6] {
    [
        s.number
            .map_or(CellValue::Blank, |n| CellValue::Number(n as f64)),
        text(&s.institution),
        text(&s.affiliation),
        text(&s.position),
        text(&s.name),
        yes_no(s.publishable, "可", "否"),
    ]
}

/// Lays a DMP out as the cells of a workbook in the given style.
pub fn build_grid(dmp: &Dmp, style: &Style) -> Grid {
    let mut sheets = match style.layout {
        Layout::Current => vec![instructions_sheet()],
        Layout::Older => vec![],
        Layout::Compact => vec![cover_sheet(), example_sheet()],
    };
    sheets.push(form_sheet(dmp, style));
    Grid { sheets }
}

fn instructions_sheet() -> SheetGrid {
    let mut s = SheetGrid::new("記入要領");
    s.header(0, 0, "記入要領");
    let lines = [
        "1. 緑色のセルについて　AMED研究開発データ利活用カタログとして掲載される部分となります。",
        "2. 青色のセルについて　AMEDにおける管理のためにのみ使用し、公開はされません。",
        "3. 複数のデータセットが創出される場合は、右側の列に追加の入力領域がありますので、そちらに入力してください。",
        "4. データ関連人材が複数名の場合、適宜、行を複写追加してください。",
        "5. 日付は西暦（例：2023/4/1）で記入してください。",
        "6. 記入にあたっては「AMED研究データ利活用に係るガイドライン」を参照してください。",
    ];
    for (i, line) in lines.iter().enumerate() {
        s.label(2 + i as u32, 0, line);
    }
    s.col_widths.push((0, 110.0));
    s
}

fn cover_sheet() -> SheetGrid {
    let mut s = SheetGrid::new("表紙");
    s.header(2, 1, "研究開発データマネジメントプラン（DMP）");
    s.label(4, 1, "国立研究開発法人日本医療研究開発機構");
    s.col_widths.push((1, 60.0));
    s
}

fn example_sheet() -> SheetGrid {
    let mut s = SheetGrid::new("記入例");
    let notes = [
        "記入例（このシートは提出不要です）",
        "例）〇〇疾患患者の全ゲノムシークエンスデータ（約500例、1ファイルあたり約100GB）",
        "例）ゲノムデータはJGAにて制限公開、臨床情報は研究終了後2年以内に公開へ移行",
        "例）研究開始日・研究終了日は契約書どおりに記入",
    ];
    for (i, note) in notes.iter().enumerate() {
        s.label(i as u32 * 2, 0, note);
    }
    s.col_widths.push((0, 90.0));
    s
}

fn form_sheet(dmp: &Dmp, style: &Style) -> SheetGrid {
    let g = geometry(style.layout);
    let w = wording(style.layout);
    let mut s = SheetGrid::new(dmp_sheet_name(style.layout));
    let mut row = 0u32;

    s.header(row, g.header_col, w.title);
    row += 1;
    if let Some(note) = w.note {
        s.label(row, g.header_col, note);
        row += 1;
    }
    row += g.gap;

    let single = |s: &mut SheetGrid, row: u32, label: &str, value: CellValue, fill: Fill| {
        s.label(row, g.label_col, label);
        s.put(row, g.value_col, value, fill);
    };

    // 1. DMP作成・更新情報
    s.header(row, g.header_col, w.sections[0]);
    row += 1;
    single(
        &mut s,
        row,
        w.created,
        date(dmp.created, style),
        Fill::Public,
    );
    row += 1 + g.gap;

    // 2. 研究開発課題情報
    let p = &dmp.project;
    s.header(row, g.header_col, w.sections[1]);
    row += 1;
    let nonempty = |v: &str| {
        if v.is_empty() {
            CellValue::Blank
        } else {
            CellValue::Text(v.to_string())
        }
    };
    let project = [
        nonempty(&p.grant_number),
        text(&p.program_own_number),
        text(&p.project_name),
        text(&p.business_name),
        text(&p.program_name),
        nonempty(&p.title),
        date(p.start, style),
        date(p.end, style),
    ];
    for (label, value) in w.project.iter().zip(project) {
        single(&mut s, row, label, value, Fill::Public);
        row += 1;
    }
    row += g.gap;

    // 3. 研究開発代表者
    s.header(row, g.header_col, w.sections[2]);
    row += 1;
    for (label, (value, fill)) in w.pi.iter().zip(person_values(&dmp.pi)) {
        single(&mut s, row, label, value, fill);
        row += 1;
    }
    row += g.gap;

    // 4. one column per dataset; an untouched form still shows one empty column.
    s.header(row, g.header_col, w.sections[3]);
    row += 1;
    let columns: Vec<Vec<(CellValue, Fill)>> = if dmp.datasets.is_empty() {
        let mut blank = vec![(CellValue::Blank, Fill::Public); 22];
        blank.extend(std::iter::repeat_n((CellValue::Blank, Fill::Private), 5));
        vec![blank]
    } else {
        dmp.datasets
            .iter()
            .map(|ds| dataset_values(ds, style, w.half_width_values))
            .collect()
    };
    let mut labels: Vec<(Option<&str>, &str)> = w.dataset.iter().map(|l| (None, *l)).collect();
    labels.push((None, w.manager_institution));
    for (i, l) in w.manager.iter().enumerate() {
        match w.manager_group {
            Some(group) => labels.push((Some(if i == 0 { group } else { "" }), l)),
            None => labels.push((None, l)),
        }
    }
    for (r, (group, label)) in labels.iter().enumerate() {
        match (group, g.sub_label_col) {
            (Some(group), Some(sub)) => {
                if !group.is_empty() {
                    s.label(row, g.label_col, group);
                }
                s.label(row, sub, label);
            }
            _ => s.label(row, g.label_col, label),
        }
        for (c, column) in columns.iter().enumerate() {
            let (value, fill) = column[r].clone();
            s.put(row, g.value_col + c as u16, value, fill);
        }
        row += 1;
    }
    row += g.gap;

    // 5. データ関連人材: a table, one row per person.
    s.header(row, g.header_col, w.sections[4]);
    row += 1;
    for (c, &k) in w.staff_order.iter().enumerate() {
        s.header(row, g.staff_col + c as u16, w.staff[k]);
    }
    row += 1;
    for member in &dmp.staff {
        let values = staff_values(member);
        for (c, &k) in w.staff_order.iter().enumerate() {
            s.put(row, g.staff_col + c as u16, values[k].clone(), Fill::Public);
        }
        row += 1;
    }

    if !w.footnotes.is_empty() {
        row += 1;
        for note in w.footnotes {
            s.label(row, g.label_col, note);
            row += 1;
        }
    }

    let value_columns = columns.len().max(6) as u16;
    match style.layout {
        Layout::Current => s.col_widths.extend([(0, 4.0), (1, 44.0)]),
        Layout::Older => s.col_widths.push((0, 48.0)),
        Layout::Compact => s
            .col_widths
            .extend([(0, 2.0), (1, 2.0), (2, 30.0), (3, 14.0)]),
    }
    for c in 0..value_columns {
        s.col_widths.push((g.value_col + c, 30.0));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sample_dmps, DateStyle};

    #[test]
    fn addresses() {
        assert_eq!(cell_address(0, 0), "A1");
        assert_eq!(cell_address(12, 2), "C13");
        assert_eq!(cell_address(0, 25), "Z1");
        assert_eq!(cell_address(0, 26), "AA1");
        assert_eq!(cell_address(9, 27), "AB10");
    }

    #[test]
    fn one_cell_per_position() {
        for sample in sample_dmps() {
            for sheet in build_grid(&sample.dmp, &sample.style).sheets {
                let mut seen = std::collections::HashSet::new();
                for c in &sheet.cells {
                    assert!(
                        seen.insert((c.row, c.col)),
                        "{} {} twice",
                        sample.file_stem,
                        cell_address(c.row, c.col)
                    );
                }
            }
        }
    }

    #[test]
    fn contact_cells_are_blue_and_only_they() {
        let sample = &sample_dmps()[0];
        for layout in Layout::ALL {
            let grid = build_grid(&sample.dmp, &Style::new(layout, DateStyle::Iso));
            let sheet = grid.sheet(dmp_sheet_name(layout)).unwrap();
            let blue: Vec<&GridCell> = sheet
                .cells
                .iter()
                .filter(|c| c.fill == Fill::Private)
                .collect();
            let c = &sample.dmp.pi.contact;
            for v in [&c.postal_code, &c.address, &c.phone, &c.email]
                .into_iter()
                .flatten()
            {
                assert!(
                    blue.iter().any(|b| b.value.as_text() == Some(v.as_str())),
                    "{v} not blue in {layout:?}"
                );
            }
            // 5 PI rows plus 5 contact rows per dataset column.
            assert_eq!(blue.len(), 5 + 5 * sample.dmp.datasets.len(), "{layout:?}");
            let green_text: Vec<&str> = sheet
                .cells
                .iter()
                .filter(|c| c.fill == Fill::Public)
                .filter_map(|c| c.value.as_text())
                .collect();
            assert!(
                !green_text.iter().any(|t| t.contains('@')),
                "an e-mail is green in {layout:?}"
            );
        }
    }

    #[test]
    fn compact_manager_rows_use_two_label_cells() {
        let sample = &sample_dmps()[0];
        let grid = build_grid(&sample.dmp, &Style::new(Layout::Compact, DateStyle::Iso));
        let sheet = grid.sheet("DMP").unwrap();
        let (row, col) = sheet.find_text("データ管理者").unwrap();
        assert_eq!(col, 2);
        assert_eq!(sheet.cell(row, 3).unwrap().value.as_text(), Some("所属"));
        assert_eq!(
            sheet.cell(row + 7, 3).unwrap().value.as_text(),
            Some("メールアドレス")
        );
        assert!(sheet.cell(row + 1, 2).is_none());
        let name_row = sheet.find_text("データの名称").unwrap().0;
        assert!(sheet.cell(name_row, 3).is_none());
        assert_eq!(
            sheet.cell(name_row, 4).unwrap().value,
            CellValue::Text(sample.dmp.datasets[0].name.clone().unwrap())
        );
    }

    #[test]
    fn older_staff_table_order_and_half_width_values() {
        let sample = sample_dmps()
            .into_iter()
            .find(|s| s.style.layout == Layout::Older)
            .unwrap();
        let grid = build_grid(&sample.dmp, &sample.style);
        let sheet = grid.sheet("様式").unwrap();
        let (row, col) = sheet.find_text("公表の可否").unwrap();
        let headers: Vec<&str> = (0..6)
            .map(|c| sheet.cell(row, c).unwrap().value.as_text().unwrap())
            .collect();
        assert_eq!(col, 5);
        assert_eq!(
            headers,
            ["No.", "所属", "氏名", "役職", "機関名", "公表の可否"]
        );
        assert!(sheet
            .cells
            .iter()
            .filter_map(|c| c.value.as_text())
            .all(|t| !t.starts_with("制限共有（")));
    }
}

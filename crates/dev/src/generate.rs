//! Deterministic synthetic DMPs for benchmarks over thousands of workbooks.

use crate::{DateStyle, Layout, Style};
use chrono::{Datelike, Days, NaiveDate};
use dmpgraph_model::{
    Contact, DataClass, DataSubject, Dataset, Dmp, Person, Project, SharingMethod, StaffMember,
};

/// SplitMix64: tiny, seedable and good enough to vary fixtures; a PRNG crate
/// would add a dependency whose output could change between versions.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// (code, 事業名, プロジェクト名) of AMED programmes; the code is the grant number's letters.
pub(crate) const PROGRAMMES: &[(&str, &str, &str)] = &[
    (
        "ck",
        "革新的がん医療実用化研究事業",
        "疾患基礎研究プロジェクト",
    ),
    ("ek", "難治性疾患実用化研究事業", "疾患基礎研究プロジェクト"),
    (
        "fk",
        "新興・再興感染症に対する革新的医薬品等開発推進研究事業",
        "シーズ開発・研究基盤プロジェクト",
    ),
    (
        "dk",
        "障害者対策総合研究開発事業",
        "疾患基礎研究プロジェクト",
    ),
    (
        "bm",
        "再生・細胞医療・遺伝子治療実現加速化プログラム",
        "再生・細胞医療・遺伝子治療プロジェクト",
    ),
    (
        "km",
        "ゲノム医療実現バイオバンク利活用プログラム",
        "ゲノム・データ基盤プロジェクト",
    ),
    ("im", "医療分野研究成果展開事業", "医薬品プロジェクト"),
    (
        "hk",
        "医療機器等研究成果展開事業",
        "医療機器・ヘルスケアプロジェクト",
    ),
    (
        "gm",
        "脳とこころの研究推進プログラム",
        "疾患基礎研究プロジェクト",
    ),
];

/// (機関名, 郵便番号, 住所, 市外局番).
pub(crate) const INSTITUTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "北海道大学",
        "060-8638",
        "北海道札幌市北区北15条西7丁目",
        "011",
    ),
    ("東北大学", "980-8575", "宮城県仙台市青葉区星陵町2-1", "022"),
    ("東京大学", "113-8655", "東京都文京区本郷7-3-1", "03"),
    ("東京科学大学", "113-8510", "東京都文京区湯島1-5-45", "03"),
    (
        "名古屋大学",
        "466-8550",
        "愛知県名古屋市昭和区鶴舞町65",
        "052",
    ),
    (
        "京都大学",
        "606-8501",
        "京都府京都市左京区吉田近衛町",
        "075",
    ),
    ("大阪大学", "565-0871", "大阪府吹田市山田丘2-2", "06"),
    ("神戸大学", "650-0017", "兵庫県神戸市中央区楠町7-5-1", "078"),
    ("岡山大学", "700-8558", "岡山県岡山市北区鹿田町2-5-1", "086"),
    ("九州大学", "812-8582", "福岡県福岡市東区馬出3-1-1", "092"),
];

const AFFILIATIONS: &[&str] = &[
    "大学院医学系研究科 内科学講座",
    "大学院医学研究科 腫瘍生物学分野",
    "医学部附属病院 臨床研究推進センター",
    "大学院薬学研究科 創薬科学専攻",
    "生命科学研究所 ゲノム情報解析部門",
    "大学院医歯学総合研究科 免疫学分野",
];

pub(crate) const SURNAMES: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
];
pub(crate) const GIVEN_NAMES: &[&str] = &[
    "健一",
    "直美",
    "大輔",
    "美穂",
    "翔太",
    "彩",
    "浩二",
    "由美",
    "拓也",
    "真理子",
    "亮",
    "恵",
    "誠",
    "優子",
];
pub(crate) const ROMAN_SURNAMES: &[&str] = &[
    "sato",
    "suzuki",
    "takahashi",
    "tanaka",
    "ito",
    "watanabe",
    "yamamoto",
    "nakamura",
    "kobayashi",
    "kato",
    "yoshida",
    "yamada",
    "sasaki",
    "yamaguchi",
    "matsumoto",
    "inoue",
];
const POSITIONS: &[&str] = &["教授", "准教授", "講師", "助教", "特任准教授", "主任研究員"];
const STAFF_ROLES: &[&str] = &[
    "データサイエンティスト",
    "生物統計家",
    "データライブラリアン",
    "データキュレーター",
    "データアーキビスト",
    "データマネージャー",
    "バイオインフォマティシャン",
];

pub(crate) const DISEASES: &[&str] = &[
    "肺がん",
    "大腸がん",
    "筋萎縮性側索硬化症",
    "潰瘍性大腸炎",
    "2型糖尿病",
    "心房細動",
    "アルツハイマー型認知症",
    "結核",
    "関節リウマチ",
    "小児白血病",
];
pub(crate) const METHODS: &[&str] = &[
    "全ゲノム解析",
    "マルチオミックス解析",
    "AI画像診断",
    "iPS細胞モデル",
    "レジストリ研究",
    "ランダム化比較試験",
];
pub(crate) const GOALS: &[&str] = &[
    "新規治療標的の探索",
    "早期診断法の開発",
    "治療反応予測モデルの構築",
    "病態解明",
    "診療ガイドラインの策定",
];
/// Kinds of data by data subject (ヒト個人, ヒト以外の生物由来, その他), so names fit the subject.
const DATA_KINDS: [&[&str]; 3] = [
    &[
        "全ゲノム配列",
        "臨床情報",
        "MRI画像",
        "質問票",
        "血液検査値",
        "遺伝子発現",
    ],
    &[
        "動物実験",
        "微生物ゲノム",
        "モデル生物画像",
        "マウス行動解析",
    ],
    &["化合物評価", "装置計測", "細胞培養条件", "シミュレーション"],
];

fn person(rng: &mut Rng, institution_index: usize, position: Option<&str>) -> Person {
    let (institution, postal, address, area) = INSTITUTIONS[institution_index];
    let s = rng.below(SURNAMES.len() as u64) as usize;
    let given = rng.pick(GIVEN_NAMES);
    let n = rng.below(10_000);
    let phone = match area.len() {
        2 => format!("{area}-5555-{n:04}"),
        3 => format!("{area}-555-{n:04}"),
        _ => format!("{area}-55-{n:04}"),
    };
    Person {
        institution: Some(institution.to_string()),
        affiliation: Some(rng.pick(AFFILIATIONS).to_string()),
        position: Some(position.unwrap_or_else(|| *rng.pick(POSITIONS)).to_string()),
        name: Some(format!("{} {given}", SURNAMES[s])),
        contact: Contact {
            postal_code: Some(postal.to_string()),
            address: Some(address.to_string()),
            phone: Some(phone),
            extension: Some((1000 + rng.below(9000)).to_string()),
            email: Some(format!("{}.{n}@example.ac.jp", ROMAN_SURNAMES[s])),
        },
    }
}

/// Synthetic DMP number `i`: deterministic, with a grant number unique per
/// `i` (for `i` below 10¹¹), 1–8 datasets and 0–12 staff rows. Every plan
/// passes [`dmpgraph_model::validate`] without an issue.
///
/// ```
/// use dmpgraph_dev::generated_dmp;
/// assert_eq!(generated_dmp(7), generated_dmp(7));
/// assert_ne!(generated_dmp(7).id(), generated_dmp(8).id());
/// assert_eq!(generated_dmp(7).id().len(), 16);
/// ```
pub fn generated_dmp(i: u64) -> Dmp {
    let mut rng = Rng::new(i);
    let year = 18 + (i % 8) as i32;
    let (code, business, project_name) = *rng.pick(PROGRAMMES);
    // The 7-digit serial and the 4-digit suffix together carry i, so no two i share a number.
    let grant_number = format!(
        "{year:02}{code}{:07}h{:04}",
        i % 10_000_000,
        (i / 10_000_000) % 10_000 + 1
    );
    let start = NaiveDate::from_ymd_opt(2000 + year, 4, 1).expect("valid date");
    let years = 1 + rng.below(5) as i32;
    let end = NaiveDate::from_ymd_opt(start.year() + years, 3, 31).expect("valid date");
    let created = start + Days::new(rng.below(90));
    let title = format!(
        "{}における{}を用いた{}に関する研究",
        rng.pick(DISEASES),
        rng.pick(METHODS),
        rng.pick(GOALS)
    );

    let home = rng.below(INSTITUTIONS.len() as u64) as usize;
    let pi = person(&mut rng, home, Some("教授"));
    let dataset_count = 1 + rng.below(8) as u32;
    let datasets = (1..=dataset_count)
        .map(|n| generated_dataset(&mut rng, i, n, home, end))
        .collect();
    let staff_count = rng.below(13) as u32;
    let staff = (1..=staff_count)
        .map(|n| {
            let institution = if rng.below(4) == 0 {
                rng.below(INSTITUTIONS.len() as u64) as usize
            } else {
                home
            };
            let role = *rng.pick(STAFF_ROLES);
            let p = person(&mut rng, institution, Some(role));
            StaffMember {
                number: Some(n),
                institution: p.institution,
                affiliation: p.affiliation,
                position: p.position,
                name: p.name,
                publishable: Some(rng.below(5) != 0),
            }
        })
        .collect();

    Dmp {
        created: Some(created),
        project: Project {
            grant_number,
            program_own_number: (code == "ym").then(|| format!("A{year}-{:03}", i % 1000)),
            project_name: Some(project_name.to_string()),
            business_name: Some(business.to_string()),
            program_name: None,
            title,
            start: Some(start),
            end: Some(end),
        },
        pi,
        datasets,
        staff,
    }
}

fn generated_dataset(rng: &mut Rng, i: u64, n: u32, home: usize, end: NaiveDate) -> Dataset {
    let subject = *rng.pick(DataSubject::ALL);
    let class = *rng.pick(DataClass::ALL);
    let sharing = *rng.pick(SharingMethod::ALL);
    let kinds = DATA_KINDS[DataSubject::ALL
        .iter()
        .position(|x| *x == subject)
        .expect("listed")];
    let kind = rng.pick(kinds);
    let records = 10 + rng.below(5000);
    let mut ds = Dataset {
        number: n,
        name: Some(format!("{kind}データ（{n}）")),
        subject: Some(subject),
        class: Some(class),
        description: Some(format!(
            "本研究で取得する{kind}データ。{}として管理する。",
            class.label_ja()
        )),
        count: Some(if rng.below(2) == 0 {
            records.to_string()
        } else {
            format!("約{records}件")
        }),
        size_per_file: Some(format!(
            "約{}{}",
            1 + rng.below(500),
            rng.pick(&["KB", "MB", "GB"])
        )),
        sharing: Some(sharing),
        manager: person(rng, home, None),
        ..Dataset::default()
    };
    if subject == DataSubject::HumanIndividual {
        ds.consent = Some(true);
        ds.consent_documents = Some("研究参加者への説明文書および同意書".to_string());
    } else if rng.below(2) == 0 {
        ds.consent = Some(false);
    }
    // At most 700 days after the end keeps 制限共有 within AMED's two-year rule.
    let later = end + Days::new(rng.below(700));
    let reason = "論文発表前のため。研究終了後2年以内に公開へ移行する。".to_string();
    match sharing {
        SharingMethod::UnrestrictedPublication => {
            ds.publication_date = Some(later);
            ds.repository_info =
                Some("公開されている外部のリポジトリあるいはデータベース等".to_string());
            ds.repository_name = Some(
                rng.pick(&["J-STAGE Data", "DDBJ/DRA", "NBDCヒトデータベース", "Zenodo"])
                    .to_string(),
            );
            ds.doi = Some(format!("https://doi.org/10.50893/data.gen.{i}.{n}"));
        }
        SharingMethod::RestrictedPublication => {
            ds.publication_date = Some(later);
            ds.repository_info =
                Some("公開されている外部のリポジトリあるいはデータベース等".to_string());
            ds.repository_name = Some("JGA".to_string());
            ds.repository_url = Some(format!(
                "https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD{:06}",
                (i * 8 + n as u64) % 1_000_000
            ));
        }
        SharingMethod::RestrictedSharingExternal => {
            ds.publication_date = Some(later);
            ds.external_parties = Some("研究開発代表者が許諾した共同研究機関の研究者".to_string());
            ds.restriction_reason = Some(reason);
        }
        SharingMethod::RestrictedSharingInternal => {
            ds.publication_date = Some(later);
            ds.restriction_reason = Some(reason);
        }
        SharingMethod::NotPublished => {
            ds.restriction_reason = Some("知的財産の保護が必要なため公開しない。".to_string());
        }
        SharingMethod::Other => {
            ds.restriction_reason =
                Some("公開方法を検討中のため未定。研究終了までに決定する。".to_string());
        }
    }
    ds
}

/// The style of synthetic workbook `i`: every layout and date style in turn
/// (all 21 combinations over 21 consecutive numbers).
pub fn generated_style(i: u64) -> Style {
    Style::new(
        Layout::ALL[(i % 3) as usize],
        DateStyle::ALL[((i / 3) % 7) as usize],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn deterministic_unique_and_valid() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut grants = HashSet::new();
        let mut max_datasets = 0;
        let mut staff_sizes = HashSet::new();
        for i in 0..2000 {
            let dmp = generated_dmp(i);
            assert_eq!(dmp, generated_dmp(i));
            assert!(
                grants.insert(dmp.id().to_string()),
                "grant {} repeats",
                dmp.id()
            );
            assert!((1..=8).contains(&dmp.datasets.len()));
            assert!(dmp.staff.len() <= 12);
            max_datasets = max_datasets.max(dmp.datasets.len());
            staff_sizes.insert(dmp.staff.len());
            let issues = dmpgraph_model::validate(&dmp, today);
            assert!(issues.is_empty(), "{i}: {issues:?}");
        }
        assert_eq!(max_datasets, 8);
        assert_eq!(staff_sizes.len(), 13);
        assert_ne!(generated_dmp(1), generated_dmp(2));
        assert!(generated_dmp(12_345_678_901).id().ends_with("h1235"));
    }

    #[test]
    fn styles_cycle_through_every_combination() {
        let styles: HashSet<Style> = (0..21).map(generated_style).collect();
        assert_eq!(styles.len(), 21);
    }
}

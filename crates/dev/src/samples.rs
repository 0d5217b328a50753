//! Realistic example DMPs (fictitious people, plausible projects).
//!
//! Together they cover every sharing method, data subject, data class, layout
//! and date style. Exactly two deliberate warnings are planted:
//! `rare-disease-registry` dataset 1 is to be published later than two years
//! after the project ends, and `mental-health-mri` has a 13-character grant
//! number (the acknowledgement form `JP22dk0307100`). Every other value passes
//! [`dmpgraph_model::validate`].

use crate::{DateStyle, Layout, Style};
use chrono::NaiveDate;
use dmpgraph_model::{
    Contact, DataClass, DataSubject, Dataset, Dmp, Person, Project, SharingMethod, StaffMember,
};

/// One example workbook: the file name without extension, the plan and its look.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// File name without extension, e.g. `cancer-genome`.
    pub file_stem: String,
    /// The plan.
    pub dmp: Dmp,
    /// Layout and date style of the workbook.
    pub style: Style,
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    Some(NaiveDate::from_ymd_opt(y, m, d).expect("sample dates are real"))
}

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// A person; `contact` is postal code, address, phone, extension, e-mail.
fn person(
    institution: &str,
    affiliation: &str,
    position: &str,
    name: &str,
    contact: [&str; 5],
) -> Person {
    let opt = |t: &str| if t.is_empty() { None } else { s(t) };
    Person {
        institution: s(institution),
        affiliation: s(affiliation),
        position: s(position),
        name: s(name),
        contact: Contact {
            postal_code: opt(contact[0]),
            address: opt(contact[1]),
            phone: opt(contact[2]),
            extension: opt(contact[3]),
            email: opt(contact[4]),
        },
    }
}

/// Staff rows from (機関名, 所属, 役職, 氏名, 公表の可否), numbered from 1.
fn staff(rows: &[(&str, &str, &str, &str, bool)]) -> Vec<StaffMember> {
    rows.iter()
        .enumerate()
        .map(
            |(i, &(institution, affiliation, position, name, publishable))| StaffMember {
                number: Some(i as u32 + 1),
                institution: s(institution),
                affiliation: s(affiliation),
                position: s(position),
                name: s(name),
                publishable: Some(publishable),
            },
        )
        .collect()
}

fn numbered(mut datasets: Vec<Dataset>) -> Vec<Dataset> {
    for (i, ds) in datasets.iter_mut().enumerate() {
        ds.number = i as u32 + 1;
    }
    datasets
}

const EXTERNAL_REPOSITORY: &str = "公開されている外部のリポジトリあるいはデータベース等";
const INSTITUTIONAL_REPOSITORY: &str = "所属機関のリポジトリ（機関リポジトリ）";
const OWN_SERVER: &str = "自機関のサーバー（非公開領域）";
const GENOME_CONSENT: &str = "研究参加者への説明文書および同意書（ゲノム研究用、第3版）";

/// The example DMPs written to `examples/amed/`.
pub fn sample_dmps() -> Vec<Sample> {
    vec![
        cancer_genome(),
        rare_disease_registry(),
        fibrosis_single_dataset(),
        biobank_heisei_reiwa(),
        translational_cardiac(),
        infection_compact(),
        mental_health_mri(),
        regenerative_vector(),
    ]
}

/// Current layout, real date cells, seven datasets using all six sharing methods.
fn cancer_genome() -> Sample {
    let utokyo = |aff: &str, pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "東京大学",
            aff,
            pos,
            name,
            [
                "108-8639",
                "東京都港区白金台4-6-1",
                "03-5555-0142",
                ext,
                mail,
            ],
        )
    };
    let lab = "医科学研究所 ヒトゲノム解析センター";
    let manager = utokyo(
        lab,
        "特任准教授",
        "佐藤 美咲",
        "75123",
        "m-sato@example.ac.jp",
    );
    let datasets = numbered(vec![
        Dataset {
            name: s("膵臓がん患者の全ゲノムシークエンスデータ"),
            subject: Some(DataSubject::HumanIndividual),
            class: Some(DataClass::Target),
            description: s("膵臓がん患者の腫瘍組織および正常組織由来DNAの全ゲノムシークエンスデータ（FASTQ、BAM、VCF）。"),
            count: s("300"),
            size_per_file: s("約100GB"),
            sharing: Some(SharingMethod::RestrictedPublication),
            publication_date: day(2026, 9, 30),
            consent: Some(true),
            consent_documents: s(GENOME_CONSENT),
            repository_info: s(EXTERNAL_REPOSITORY),
            repository_name: s("JGA（Japanese Genotype-phenotype Archive）"),
            repository_url: s("https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD000123"),
            manager: manager.clone(),
            ..Dataset::default()
        },
        Dataset {
            name: s("膵臓がん患者の臨床情報データ"),
            subject: Some(DataSubject::HumanIndividual),
            class: Some(DataClass::Target),
            description: s("診断時年齢、病期、治療歴、予後等の臨床情報（EDCにて収集）。"),
            count: s("約300件"),
            size_per_file: s("約5MB"),
            sharing: Some(SharingMethod::RestrictedSharingExternal),
            external_parties: s("共同研究機関（国立がん研究センター中央病院、京都大学医学部附属病院）の研究者"),
            restriction_reason: s("個人特定性の高い臨床情報を含むため。研究終了後2年以内（2028年3月末まで）に匿名加工のうえ制限公開へ移行する。"),
            publication_date: day(2028, 3, 31),
            consent: Some(true),
            consent_documents: s(GENOME_CONSENT),
            repository_info: s(OWN_SERVER),
            manager: manager.clone(),
            ..Dataset::default()
        },
        Dataset {
            name: s("体細胞変異頻度集計データ"),
            subject: Some(DataSubject::HumanIndividual),
            class: Some(DataClass::Derived),
            description: s("全ゲノム解析から得られた体細胞変異の遺伝子別頻度を集計したデータ（個人の特定につながらない集計値）。"),
            count: s("1"),
            size_per_file: s("約20MB"),
            sharing: Some(SharingMethod::UnrestrictedPublication),
            publication_date: day(2026, 6, 30),
            consent: Some(true),
            consent_documents: s(GENOME_CONSENT),
            repository_info: s(EXTERNAL_REPOSITORY),
            repository_name: s("NBDCヒトデータベース"),
            repository_url: s("https://humandbs.dbcls.jp/hum0456-v1"),
            doi: s("https://doi.org/10.18908/lsdba.nbdc04560-001"),
            manager: manager.clone(),
            ..Dataset::default()
        },
        Dataset {
            name: s("患者由来ゼノグラフト（PDX）マウスの薬剤応答データ"),
            subject: Some(DataSubject::NonHumanOrganism),
            class: Some(DataClass::Target),
            description: s("PDXマウスにおける候補薬剤投与後の腫瘍体積推移および病理画像。"),
            count: s("120"),
            size_per_file: s("約500MB"),
            sharing: Some(SharingMethod::RestrictedSharingInternal),
            restriction_reason: s("論文投稿前のため研究参画者内で共有する。論文採択時または研究終了後2年以内のいずれか早い時点で非制限公開へ移行する。"),
            publication_date: day(2027, 3, 31),
            repository_info: s(OWN_SERVER),
            manager: utokyo(lab, "助教", "高橋 健太", "75130", "k-takahashi@example.ac.jp"),
            ..Dataset::default()
        },
        Dataset {
            name: s("化合物スクリーニングデータ"),
            subject: Some(DataSubject::Other),
            class: Some(DataClass::Target),
            description: s("約2万化合物ライブラリを用いたがん細胞株増殖阻害スクリーニングの測定値。"),
            count: s("20000"),
            size_per_file: s("約2GB"),
            sharing: Some(SharingMethod::NotPublished),
            restriction_reason: s("企業導出を予定しており、知的財産の保護が必要なため。特許出願公開後に公開の可否を再検討する。"),
            repository_info: s(OWN_SERVER),
            manager: utokyo(lab, "特任研究員", "伊藤 翔", "75131", "s-ito@example.ac.jp"),
            ..Dataset::default()
        },
        Dataset {
            name: s("薬剤応答予測モデル（学習済み機械学習モデル）"),
            subject: Some(DataSubject::Other),
            class: Some(DataClass::Derived),
            description: s("ゲノム変異プロファイルから薬剤応答を予測する学習済みモデルと学習用特徴量。"),
            count: s("3"),
            size_per_file: s("約1GB"),
            sharing: Some(SharingMethod::Other),
            restriction_reason: s("公開範囲を共同研究企業と協議中のため未定。2025年度中に決定し、決定後1年以内に公開へ移行する。"),
            repository_info: s("未定"),
            manager: manager.clone(),
            ..Dataset::default()
        },
        Dataset {
            name: s("腫瘍組織のシングルセルRNA-seqデータ"),
            subject: Some(DataSubject::HumanIndividual),
            class: Some(DataClass::Target),
            description: s("手術検体から調製した単一細胞懸濁液のscRNA-seqデータ（FASTQおよびカウント行列）。"),
            count: s("40"),
            size_per_file: s("約30GB"),
            sharing: Some(SharingMethod::RestrictedPublication),
            publication_date: day(2026, 12, 31),
            consent: Some(true),
            consent_documents: s(GENOME_CONSENT),
            repository_info: s(EXTERNAL_REPOSITORY),
            repository_name: s("JGA（Japanese Genotype-phenotype Archive）"),
            repository_url: s("https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD000124"),
            manager,
            ..Dataset::default()
        },
    ]);
    Sample {
        file_stem: "cancer-genome".into(),
        style: Style::new(Layout::Current, DateStyle::ExcelDate),
        dmp: Dmp {
            created: day(2023, 5, 15),
            project: Project {
                grant_number: "23ck0106789h0001".into(),
                program_own_number: None,
                project_name: s("疾患基礎研究プロジェクト"),
                business_name: s("革新的がん医療実用化研究事業"),
                program_name: None,
                title: "膵臓がん患者の全ゲノム解析に基づく新規治療標的の同定と層別化医療の開発"
                    .into(),
                start: day(2023, 4, 1),
                end: day(2026, 3, 31),
            },
            pi: utokyo(
                lab,
                "教授",
                "田中 浩一",
                "75101",
                "koichi.tanaka@example.ac.jp",
            ),
            datasets,
            staff: staff(&[
                (
                    "東京大学",
                    "医科学研究所 ヒトゲノム解析センター",
                    "特任准教授",
                    "佐藤 美咲",
                    true,
                ),
                (
                    "東京大学",
                    "医科学研究所 ヒトゲノム解析センター",
                    "データサイエンティスト",
                    "中村 大輔",
                    true,
                ),
                (
                    "東京大学",
                    "大学院医学系研究科 生物統計学分野",
                    "講師",
                    "小林 由美",
                    true,
                ),
                (
                    "国立がん研究センター",
                    "研究所 ゲノム生物学研究分野",
                    "バイオインフォマティシャン",
                    "加藤 亮",
                    true,
                ),
                (
                    "東京大学",
                    "医科学研究所 附属ヒトゲノム解析センター",
                    "データキュレーター",
                    "吉田 彩",
                    false,
                ),
            ]),
        },
    }
}

/// Older layout, slash dates, three datasets, a 14-row staff table, and the
/// deliberate late publication date (dataset 1).
fn rare_disease_registry() -> Sample {
    let osaka = |aff: &str, pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "大阪大学",
            aff,
            pos,
            name,
            [
                "565-0871",
                "大阪府吹田市山田丘2-2",
                "06-5555-0311",
                ext,
                mail,
            ],
        )
    };
    let neuro = "大学院医学系研究科 神経内科学";
    let manager = osaka(
        neuro,
        "准教授",
        "山本 直樹",
        "3581",
        "n-yamamoto@example.ac.jp",
    );
    let datasets = numbered(vec![
        Dataset {
            name: s("指定難病患者レジストリ臨床データ"),
            subject: Some(DataSubject::HumanIndividual),
            class: Some(DataClass::Target),
            description: s("希少神経疾患患者の経時的な臨床評価スコア、検査値、治療内容（レジストリ登録データ）。"),
            count: s("約850例"),
            size_per_file: s("約50MB"),
            sharing: Some(SharingMethod::RestrictedSharingExternal),
            external_parties: s("難病プラットフォーム参加機関および研究開発代表者が許諾した研究者"),
            restriction_reason: s("長期追跡中のレジストリであり、追跡完了まで制限共有とする。追跡完了後（2027年9月）に制限公開へ移行する。"),
            // Deliberately later than 研究終了日 + 2 years (2027-03-31): a warning case.
            publication_date: day(2027, 9, 30),
            consent: Some(true),
            consent_documents: s("難病プラットフォーム共通説明文書・同意書"),
            repository_info: s("難病プラットフォーム"),
            manager: manager.clone(),
            ..Dataset::default()
        },
        Dataset {
            name: s("遺伝子パネル解析データ"),
            subject: Some(DataSubject::HumanIndividual),
            class: Some(DataClass::Target),
            description: s("神経疾患関連遺伝子パネル（約300遺伝子）のターゲットシークエンスデータ。"),
            count: s("620"),
            size_per_file: s("約2GB"),
            sharing: Some(SharingMethod::RestrictedPublication),
            publication_date: day(2026, 3, 31),
            consent: Some(true),
            consent_documents: s("難病プラットフォーム共通説明文書・同意書"),
            repository_info: s(EXTERNAL_REPOSITORY),
            repository_name: s("JGA"),
            repository_url: s("https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD000456"),
            manager: manager.clone(),
            ..Dataset::default()
        },
        Dataset {
            name: s("自然歴解析集計データ"),
            subject: Some(DataSubject::HumanIndividual),
            class: Some(DataClass::Derived),
            description: s("病型別の機能評価スコア推移を集計した統計データ（個人が特定されない集計値）。"),
            count: s("12"),
            size_per_file: s("約1MB"),
            sharing: Some(SharingMethod::UnrestrictedPublication),
            publication_date: day(2025, 6, 30),
            consent: Some(true),
            consent_documents: s("難病プラットフォーム共通説明文書・同意書"),
            repository_info: s(EXTERNAL_REPOSITORY),
            repository_name: s("J-STAGE Data"),
            repository_url: s("https://jstagedata.jst.go.jp/articles/dataset/21345678"),
            doi: s("https://doi.org/10.50893/data.rinshoshinkei.21345678"),
            manager,
            ..Dataset::default()
        },
    ]);
    Sample {
        file_stem: "rare-disease-registry".into(),
        style: Style::new(Layout::Older, DateStyle::Slash),
        dmp: Dmp {
            created: day(2024, 4, 10),
            project: Project {
                grant_number: "22ek0109612h0003".into(),
                program_own_number: None,
                project_name: s("疾患基礎研究プロジェクト"),
                business_name: s("難治性疾患実用化研究事業"),
                program_name: None,
                title: "指定難病患者レジストリを活用した希少神経疾患の自然歴解明と診療ガイドライン策定に関する研究".into(),
                start: day(2022, 4, 1),
                end: day(2025, 3, 31),
            },
            pi: osaka(neuro, "教授", "鈴木 一郎", "3570", "ichiro.suzuki@example.ac.jp"),
            datasets,
            staff: staff(&[
                ("大阪大学", "大学院医学系研究科 神経内科学", "准教授", "山本 直樹", true),
                ("大阪大学", "大学院医学系研究科 神経内科学", "特任助教", "松本 恵", true),
                ("大阪大学", "医学部附属病院 未来医療開発部 データセンター", "データマネージャー", "井上 健", true),
                ("大阪大学", "医学部附属病院 未来医療開発部 データセンター", "データマネージャー", "木村 さくら", false),
                ("大阪大学", "大学院医学系研究科 医学統計学", "教授", "林 修", true),
                ("大阪大学", "大学院医学系研究科 医学統計学", "生物統計家", "清水 葵", true),
                ("大阪大学", "附属図書館", "データライブラリアン", "山口 智子", true),
                ("名古屋大学", "大学院医学系研究科 神経内科学", "講師", "森 拓也", true),
                ("名古屋大学", "医学部附属病院 先端医療開発部", "データキュレーター", "池田 真由美", false),
                ("東北大学", "東北メディカル・メガバンク機構", "准教授", "橋本 亮介", true),
                ("東北大学", "東北メディカル・メガバンク機構", "データアーキビスト", "石川 直子", true),
                ("九州大学", "大学院医学研究院 神経内科学", "助教", "前田 悠", true),
                ("九州大学", "病院 メディカル・インフォメーションセンター", "システムエンジニア", "藤田 誠", false),
                ("国立精神・神経医療研究センター", "メディカル・ゲノムセンター", "バイオインフォマティシャン", "岡田 玲奈", true),
            ]),
        },
    }
}

/// Compact layout, 年月日 dates, exactly one dataset.
fn fibrosis_single_dataset() -> Sample {
    let kyoto = |pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "京都大学",
            "大学院薬学研究科 創薬科学専攻",
            pos,
            name,
            [
                "606-8501",
                "京都府京都市左京区吉田下阿達町46-29",
                "075-555-0451",
                ext,
                mail,
            ],
        )
    };
    Sample {
        file_stem: "fibrosis-single-dataset".into(),
        style: Style::new(Layout::Compact, DateStyle::Kanji),
        dmp: Dmp {
            created: day(2024, 6, 3),
            project: Project {
                grant_number: "24im0210734h0001".into(),
                program_own_number: None,
                project_name: s("医薬品プロジェクト"),
                business_name: s("医療分野研究成果展開事業"),
                program_name: s("産学連携医療イノベーション創出プログラム"),
                title: "天然物由来新規抗線維化化合物の探索と作用機序の解明".into(),
                start: day(2024, 4, 1),
                end: day(2027, 3, 31),
            },
            pi: kyoto("教授", "渡辺 真一", "4521", "shinichi.watanabe@example.ac.jp"),
            datasets: numbered(vec![Dataset {
                name: s("ゼブラフィッシュ線維化モデルの画像解析データ"),
                subject: Some(DataSubject::NonHumanOrganism),
                class: Some(DataClass::Derived),
                description: s("化合物処理したゼブラフィッシュ肝線維化モデルの蛍光画像から抽出した線維化面積の定量値と解析スクリプト。"),
                count: s("約1,200件"),
                size_per_file: s("約10MB"),
                sharing: Some(SharingMethod::UnrestrictedPublication),
                publication_date: day(2027, 6, 30),
                consent: Some(false),
                repository_info: s(INSTITUTIONAL_REPOSITORY),
                repository_name: s("京都大学学術情報リポジトリ（KURENAI）"),
                repository_url: s("https://repository.kulib.kyoto-u.ac.jp/dspace/handle/2433/289123"),
                doi: s("https://doi.org/10.14989/289123"),
                manager: kyoto("助教", "中島 蓮", "4533", "ren.nakajima@example.ac.jp"),
                ..Dataset::default()
            }]),
            staff: staff(&[
                ("京都大学", "大学院薬学研究科 創薬科学専攻", "助教", "中島 蓮", true),
                ("京都大学", "医学部附属病院 先端医療研究開発機構", "生物統計家", "村上 花子", true),
            ]),
        },
    }
}

/// Current layout, era dates spanning 平成 and 令和 (with 令和元年).
fn biobank_heisei_reiwa() -> Sample {
    let tohoku = |aff: &str, pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "東北大学",
            aff,
            pos,
            name,
            [
                "980-8573",
                "宮城県仙台市青葉区星陵町2-1",
                "022-555-0717",
                ext,
                mail,
            ],
        )
    };
    let tmm = "東北メディカル・メガバンク機構 ゲノム解析部門";
    let manager = tohoku(
        tmm,
        "准教授",
        "阿部 里美",
        "8820",
        "satomi.abe@example.ac.jp",
    );
    Sample {
        file_stem: "biobank-heisei-reiwa".into(),
        style: Style::new(Layout::Current, DateStyle::Era),
        dmp: Dmp {
            created: day(2019, 5, 20),
            project: Project {
                grant_number: "18km0105001h0001".into(),
                program_own_number: None,
                project_name: s("ゲノム・データ基盤プロジェクト"),
                business_name: s("ゲノム医療実現バイオバンク利活用プログラム"),
                program_name: s("ゲノム研究バイオバンク"),
                title: "住民コホート試料を用いた日本人全ゲノムリファレンスパネルの構築と利活用基盤の整備".into(),
                start: day(2018, 4, 1),
                end: day(2021, 3, 31),
            },
            pi: tohoku(tmm, "教授", "佐々木 隆", "8801", "takashi.sasaki@example.ac.jp"),
            datasets: numbered(vec![
                Dataset {
                    name: s("日本人全ゲノムリファレンスパネル（アレル頻度）"),
                    subject: Some(DataSubject::HumanIndividual),
                    class: Some(DataClass::Derived),
                    description: s("住民コホート参加者約8,000人の全ゲノム解析から算出したバリアントのアレル頻度情報。"),
                    count: s("8000"),
                    size_per_file: s("約40GB"),
                    sharing: Some(SharingMethod::UnrestrictedPublication),
                    publication_date: day(2019, 12, 20),
                    consent: Some(true),
                    consent_documents: s("東北メディカル・メガバンク計画 説明文書・同意書"),
                    repository_info: s(EXTERNAL_REPOSITORY),
                    repository_name: s("NBDCヒトデータベース"),
                    repository_url: s("https://humandbs.dbcls.jp/hum0789-v1"),
                    doi: s("https://doi.org/10.18908/lsdba.nbdc07890-001"),
                    manager: manager.clone(),
                    ..Dataset::default()
                },
                Dataset {
                    name: s("コホート参加者の全ゲノム配列・臨床情報"),
                    subject: Some(DataSubject::HumanIndividual),
                    class: Some(DataClass::Target),
                    description: s("個人別の全ゲノム配列（CRAM）と基本属性・健診情報。"),
                    count: s("8000"),
                    size_per_file: s("約15GB"),
                    sharing: Some(SharingMethod::RestrictedPublication),
                    publication_date: day(2021, 9, 30),
                    consent: Some(true),
                    consent_documents: s("東北メディカル・メガバンク計画 説明文書・同意書"),
                    repository_info: s(EXTERNAL_REPOSITORY),
                    repository_name: s("JGA"),
                    repository_url: s("https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD000789"),
                    manager: manager.clone(),
                    ..Dataset::default()
                },
                Dataset {
                    name: s("生体試料品質管理データ"),
                    subject: Some(DataSubject::Other),
                    class: Some(DataClass::Target),
                    description: s("DNA抽出量、純度（A260/280）、断片長分布などの試料品質管理測定値。"),
                    count: s("8000"),
                    size_per_file: s("約3MB"),
                    sharing: Some(SharingMethod::RestrictedSharingInternal),
                    restriction_reason: s("試料管理手順の改訂中のため研究参画者内で共有する。研究終了後1年以内に非制限公開へ移行する。"),
                    publication_date: day(2022, 3, 31),
                    repository_info: s(OWN_SERVER),
                    manager,
                    ..Dataset::default()
                },
            ]),
            staff: staff(&[
                ("東北大学", "東北メディカル・メガバンク機構 ゲノム解析部門", "准教授", "阿部 里美", true),
                ("東北大学", "東北メディカル・メガバンク機構 バイオバンク事業部", "データマネージャー", "菅原 洋平", true),
                ("東北大学", "東北メディカル・メガバンク機構 ゲノム解析部門", "バイオインフォマティシャン", "千葉 結衣", true),
            ]),
        },
    }
}

/// Older layout, ISO dates, a translational-research plan with 事業独自の整理番号.
fn translational_cardiac() -> Sample {
    let keio = |aff: &str, pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "慶應義塾大学",
            aff,
            pos,
            name,
            [
                "160-8582",
                "東京都新宿区信濃町35",
                "03-5555-0983",
                ext,
                mail,
            ],
        )
    };
    let cardio = "医学部 循環器内科";
    let manager = keio(
        cardio,
        "専任講師",
        "西村 大樹",
        "62145",
        "daiki.nishimura@example.ac.jp",
    );
    Sample {
        file_stem: "translational-cardiac".into(),
        style: Style::new(Layout::Older, DateStyle::Iso),
        dmp: Dmp {
            created: day(2023, 6, 1),
            project: Project {
                grant_number: "23ym0126045h0001".into(),
                program_own_number: s("A23-045"),
                project_name: s("シーズ開発・研究基盤プロジェクト"),
                business_name: s("橋渡し研究プログラム"),
                program_name: s("シーズA"),
                title: "iPS細胞由来心筋シートを用いた重症心不全に対する再生医療の開発".into(),
                start: day(2023, 4, 1),
                end: day(2026, 3, 31),
            },
            pi: keio(cardio, "教授", "石井 健太郎", "62101", "kentaro.ishii@example.ac.jp"),
            datasets: numbered(vec![
                Dataset {
                    name: s("ブタ心不全モデルへの心筋シート移植試験データ"),
                    subject: Some(DataSubject::NonHumanOrganism),
                    class: Some(DataClass::Target),
                    description: s("ブタ慢性心不全モデルへの移植後の心エコー、MRI、組織学的評価データ。"),
                    count: s("24"),
                    size_per_file: s("約4GB"),
                    sharing: Some(SharingMethod::RestrictedSharingInternal),
                    restriction_reason: s("特許出願前のため研究参画者内で共有する。特許出願公開後または研究終了後1年以内に非制限公開へ移行する。"),
                    publication_date: day(2027, 3, 31),
                    repository_info: s(OWN_SERVER),
                    manager: manager.clone(),
                    ..Dataset::default()
                },
                Dataset {
                    name: s("心筋シート製造工程の品質試験データ"),
                    subject: Some(DataSubject::Other),
                    class: Some(DataClass::Target),
                    description: s("製造ロットごとの細胞純度、生存率、無菌試験、エンドトキシン試験の結果。"),
                    count: s("60"),
                    size_per_file: s("約200KB"),
                    sharing: Some(SharingMethod::NotPublished),
                    restriction_reason: s("企業への技術移転を前提とした製造ノウハウを含むため公開しない。"),
                    repository_info: s(OWN_SERVER),
                    manager,
                    ..Dataset::default()
                },
            ]),
            staff: staff(&[
                ("慶應義塾大学", "医学部 循環器内科", "専任講師", "西村 大樹", true),
                ("慶應義塾大学", "病院 臨床研究推進センター", "生物統計家", "岡本 美穂", true),
                ("慶應義塾大学", "病院 臨床研究推進センター", "データマネージャー", "長谷川 翼", false),
                ("慶應義塾大学", "信濃町メディアセンター", "データライブラリアン", "近藤 陽子", true),
            ]),
        },
    }
}

/// Compact layout, short era dates (R7.4.1), an infectious-disease plan.
fn infection_compact() -> Sample {
    let nagasaki = |aff: &str, pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "長崎大学",
            aff,
            pos,
            name,
            [
                "852-8523",
                "長崎県長崎市坂本1-12-4",
                "095-555-0712",
                ext,
                mail,
            ],
        )
    };
    let inst = "熱帯医学研究所 ウイルス学分野";
    let manager = nagasaki(
        inst,
        "准教授",
        "坂口 聡",
        "7845",
        "satoshi.sakaguchi@example.ac.jp",
    );
    Sample {
        file_stem: "infection-compact".into(),
        style: Style::new(Layout::Compact, DateStyle::EraShort),
        dmp: Dmp {
            created: day(2025, 5, 9),
            project: Project {
                grant_number: "25fk0108701h0001".into(),
                program_own_number: None,
                project_name: s("シーズ開発・研究基盤プロジェクト"),
                business_name: s("新興・再興感染症に対する革新的医薬品等開発推進研究事業"),
                program_name: None,
                title: "重症熱性血小板減少症候群ウイルスに対する中和抗体医薬の開発".into(),
                start: day(2025, 4, 1),
                end: day(2028, 3, 31),
            },
            pi: nagasaki(inst, "教授", "川口 浩二", "7801", "koji.kawaguchi@example.ac.jp"),
            datasets: numbered(vec![
                Dataset {
                    name: s("SFTSウイルス臨床分離株のゲノム配列"),
                    subject: Some(DataSubject::NonHumanOrganism),
                    class: Some(DataClass::Target),
                    description: s("国内患者検体から分離したSFTSウイルス株の全ゲノム配列（FASTQおよびアセンブリ配列）。"),
                    count: s("150"),
                    size_per_file: s("約300MB"),
                    sharing: Some(SharingMethod::UnrestrictedPublication),
                    publication_date: day(2028, 6, 30),
                    consent: Some(false),
                    repository_info: s(EXTERNAL_REPOSITORY),
                    repository_name: s("DDBJ/DRA"),
                    repository_url: s("https://ddbj.nig.ac.jp/search/entry/sra-study/DRP012345"),
                    doi: s("https://doi.org/10.18908/dra.drp012345"),
                    manager: manager.clone(),
                    ..Dataset::default()
                },
                Dataset {
                    name: s("回復期患者血清の中和抗体価測定データ"),
                    subject: Some(DataSubject::HumanIndividual),
                    class: Some(DataClass::Target),
                    description: s("SFTS回復期患者血清の中和抗体価と臨床経過の対応表。"),
                    count: s("45"),
                    size_per_file: s("約2MB"),
                    sharing: Some(SharingMethod::RestrictedSharingExternal),
                    external_parties: s("国立健康危機管理研究機構 ウイルス第一部の共同研究者"),
                    restriction_reason: s("症例数が少なく個人特定のおそれがあるため。研究終了後1年以内に集計値として非制限公開へ移行する。"),
                    publication_date: day(2029, 3, 31),
                    consent: Some(true),
                    consent_documents: s("研究参加者への説明文書および同意書（感染症研究用）"),
                    repository_info: s(OWN_SERVER),
                    manager: manager.clone(),
                    ..Dataset::default()
                },
                Dataset {
                    name: s("中和抗体Fab-抗原複合体の立体構造データ"),
                    subject: Some(DataSubject::Other),
                    class: Some(DataClass::Derived),
                    description: s("クライオ電子顕微鏡解析により決定した抗体Fabとウイルス糖タンパク質複合体の原子座標。"),
                    count: s("4"),
                    size_per_file: s("約50MB"),
                    sharing: Some(SharingMethod::UnrestrictedPublication),
                    publication_date: day(2027, 12, 31),
                    consent: Some(false),
                    repository_info: s(EXTERNAL_REPOSITORY),
                    repository_name: s("PDBj"),
                    repository_url: s("https://pdbj.org/mine/summary/9xyz"),
                    doi: s("https://doi.org/10.2210/pdb9xyz/pdb"),
                    manager,
                    ..Dataset::default()
                },
            ]),
            staff: staff(&[
                ("長崎大学", "熱帯医学研究所 ウイルス学分野", "准教授", "坂口 聡", true),
                ("長崎大学", "熱帯医学研究所 ウイルス学分野", "助教", "浦田 美咲", true),
                ("長崎大学", "情報データ科学部", "データサイエンティスト", "平田 海斗", true),
                ("長崎大学", "病院 臨床研究センター", "生物統計家", "永田 彩花", false),
                ("国立健康危機管理研究機構", "ウイルス第一部", "主任研究官", "宮崎 剛", true),
                ("長崎大学", "附属図書館", "データキュレーター", "松尾 美里", true),
            ]),
        },
    }
}

/// Current layout, serial-number dates, and the non-16-character grant number.
fn mental_health_mri() -> Sample {
    let ncnp = |aff: &str, pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "国立精神・神経医療研究センター",
            aff,
            pos,
            name,
            [
                "187-8551",
                "東京都小平市小川東町4-1-1",
                "042-555-0211",
                ext,
                mail,
            ],
        )
    };
    let lab = "精神保健研究所 行動医学研究部";
    let manager = ncnp(
        lab,
        "室長",
        "森田 啓介",
        "6201",
        "keisuke.morita@example.ac.jp",
    );
    Sample {
        file_stem: "mental-health-mri".into(),
        style: Style::new(Layout::Current, DateStyle::Serial),
        dmp: Dmp {
            created: day(2022, 5, 30),
            // The acknowledgement form (JP + 11 characters) instead of the
            // 16-character 課題管理番号: a warning case.
            project: Project {
                grant_number: "JP22dk0307100".into(),
                program_own_number: None,
                project_name: s("疾患基礎研究プロジェクト"),
                business_name: s("障害者対策総合研究開発事業"),
                program_name: s("精神障害分野"),
                title: "脳MRIと質問票を用いたうつ病の層別化と治療反応予測に関する研究".into(),
                start: day(2022, 4, 1),
                end: day(2025, 3, 31),
            },
            pi: ncnp(lab, "部長", "大塚 真理子", "6200", "mariko.otsuka@example.ac.jp"),
            datasets: numbered(vec![
                Dataset {
                    name: s("うつ病患者および健常者の脳MRI画像データ"),
                    subject: Some(DataSubject::HumanIndividual),
                    class: Some(DataClass::Target),
                    description: s("3T MRIによるT1強調画像、拡散テンソル画像、安静時fMRI（BIDS形式）。"),
                    count: s("400"),
                    size_per_file: s("約1GB"),
                    sharing: Some(SharingMethod::RestrictedSharingInternal),
                    restriction_reason: s("顔貌の再構成による個人特定を防ぐ加工が完了するまで研究参画者内で共有する。研究終了後2年以内に制限公開へ移行する。"),
                    publication_date: day(2027, 3, 31),
                    consent: Some(true),
                    consent_documents: s("研究参加者への説明文書および同意書（画像研究用、第2版）"),
                    repository_info: s(OWN_SERVER),
                    manager: manager.clone(),
                    ..Dataset::default()
                },
                Dataset {
                    name: s("質問票スコア集計データ"),
                    subject: Some(DataSubject::HumanIndividual),
                    class: Some(DataClass::Derived),
                    description: s("PHQ-9、HAM-D等の質問票スコアを群別に集計した統計データ。"),
                    count: s("8"),
                    size_per_file: s("約500KB"),
                    sharing: Some(SharingMethod::UnrestrictedPublication),
                    publication_date: day(2025, 9, 30),
                    consent: Some(true),
                    consent_documents: s("研究参加者への説明文書および同意書（画像研究用、第2版）"),
                    repository_info: s(EXTERNAL_REPOSITORY),
                    repository_name: s("J-STAGE Data"),
                    repository_url: s("https://jstagedata.jst.go.jp/articles/dataset/24567890"),
                    doi: s("https://doi.org/10.50893/data.seishin.24567890"),
                    manager,
                    ..Dataset::default()
                },
            ]),
            staff: staff(&[
                ("国立精神・神経医療研究センター", "精神保健研究所 行動医学研究部", "室長", "森田 啓介", true),
                ("国立精神・神経医療研究センター", "脳病態統合イメージングセンター", "画像解析技術者", "原田 拓海", true),
                ("国立精神・神経医療研究センター", "臨床研究・教育研修部門 情報管理・解析部", "生物統計家", "遠藤 千尋", false),
            ]),
        },
    }
}

/// Compact layout with real date cells, a gene-therapy plan.
fn regenerative_vector() -> Sample {
    let jichi = |aff: &str, pos: &str, name: &str, ext: &str, mail: &str| {
        person(
            "自治医科大学",
            aff,
            pos,
            name,
            [
                "329-0498",
                "栃木県下野市薬師寺3311-1",
                "0285-55-0124",
                ext,
                mail,
            ],
        )
    };
    let lab = "分子病態治療研究センター 遺伝子治療研究部";
    let manager = jichi(lab, "講師", "青木 崇", "3412", "takashi.aoki@example.ac.jp");
    Sample {
        file_stem: "regenerative-vector".into(),
        style: Style::new(Layout::Compact, DateStyle::ExcelDate),
        dmp: Dmp {
            created: day(2023, 7, 14),
            project: Project {
                grant_number: "23bm1123045h0001".into(),
                program_own_number: None,
                project_name: s("再生・細胞医療・遺伝子治療プロジェクト"),
                business_name: s("再生・細胞医療・遺伝子治療実現加速化プログラム"),
                program_name: s("遺伝子治療研究開発拠点"),
                title: "AAVベクターを用いた血友病B遺伝子治療の長期安全性評価".into(),
                start: day(2023, 4, 1),
                end: day(2026, 3, 31),
            },
            pi: jichi(lab, "教授", "横山 正樹", "3401", "masaki.yokoyama@example.ac.jp"),
            datasets: numbered(vec![
                Dataset {
                    name: s("AAVベクター体内動態データ（マウス）"),
                    subject: Some(DataSubject::NonHumanOrganism),
                    class: Some(DataClass::Target),
                    description: s("AAV投与マウスの各臓器におけるベクターゲノムコピー数と導入遺伝子発現量の経時データ。"),
                    count: s("180"),
                    size_per_file: s("約8MB"),
                    sharing: Some(SharingMethod::UnrestrictedPublication),
                    publication_date: day(2026, 9, 30),
                    consent: Some(false),
                    repository_info: s(INSTITUTIONAL_REPOSITORY),
                    repository_name: s("自治医科大学機関リポジトリ"),
                    repository_url: s("https://jichi.repo.nii.ac.jp/records/12345"),
                    doi: s("https://doi.org/10.24767/jmu.12345"),
                    manager: manager.clone(),
                    ..Dataset::default()
                },
                Dataset {
                    name: s("臨床研究参加者の長期安全性データ"),
                    subject: Some(DataSubject::HumanIndividual),
                    class: Some(DataClass::Target),
                    description: s("遺伝子治療後5年間の有害事象、肝機能、第IX因子活性の追跡データ。"),
                    count: s("12"),
                    size_per_file: s("約1MB"),
                    sharing: Some(SharingMethod::RestrictedSharingExternal),
                    external_parties: s("共同研究企業の安全性評価担当者（研究開発代表者が許諾した者）"),
                    restriction_reason: s("症例数が少なく個人特定のおそれがあるため。研究終了後2年以内に制限公開へ移行する。"),
                    publication_date: day(2028, 3, 31),
                    consent: Some(true),
                    consent_documents: s("遺伝子治療臨床研究 説明文書・同意書"),
                    repository_info: s(OWN_SERVER),
                    manager,
                    ..Dataset::default()
                },
            ]),
            staff: staff(&[
                ("自治医科大学", "分子病態治療研究センター 遺伝子治療研究部", "講師", "青木 崇", true),
                ("自治医科大学", "臨床研究支援センター", "データマネージャー", "斎藤 友美", true),
            ]),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_model::{validate, Field, Severity};
    use std::collections::HashSet;

    #[test]
    fn samples_cover_every_value_layout_and_date_style() {
        let samples = sample_dmps();
        assert!(samples.len() >= 6);
        let datasets: Vec<&Dataset> = samples.iter().flat_map(|s| &s.dmp.datasets).collect();
        for m in SharingMethod::ALL {
            assert!(datasets.iter().any(|d| d.sharing == Some(*m)), "{m} unused");
        }
        for v in DataSubject::ALL {
            assert!(datasets.iter().any(|d| d.subject == Some(*v)), "{v} unused");
        }
        for v in DataClass::ALL {
            assert!(datasets.iter().any(|d| d.class == Some(*v)), "{v} unused");
        }
        for l in Layout::ALL {
            assert!(samples.iter().any(|s| s.style.layout == l), "{l:?} unused");
        }
        for d in DateStyle::ALL {
            assert!(
                samples.iter().any(|s| s.style.date_style == d),
                "{d:?} unused"
            );
        }
        assert!(samples.iter().any(|s| s.dmp.datasets.len() == 1));
        assert!(samples.iter().any(|s| s.dmp.datasets.len() >= 6));
        assert!(samples
            .iter()
            .any(|s| s.dmp.staff.len() >= 12
                && s.dmp.staff.iter().any(|m| m.publishable == Some(false))));
        let stems: HashSet<&str> = samples.iter().map(|s| s.file_stem.as_str()).collect();
        assert_eq!(stems.len(), samples.len());
        let grants: HashSet<&str> = samples.iter().map(|s| s.dmp.id()).collect();
        assert_eq!(grants.len(), samples.len());
    }

    #[test]
    fn only_the_two_planted_warnings() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut warnings = Vec::new();
        for sample in sample_dmps() {
            for issue in validate(&sample.dmp, today) {
                assert_eq!(
                    issue.severity,
                    Severity::Warning,
                    "{}: {}",
                    sample.file_stem,
                    issue.message
                );
                warnings.push((sample.file_stem.clone(), issue.field));
            }
        }
        assert_eq!(
            warnings,
            vec![
                (
                    "rare-disease-registry".to_string(),
                    Some(Field::DatasetPublicationDate)
                ),
                ("mental-health-mri".to_string(), Some(Field::GrantNumber)),
            ]
        );
    }

    #[test]
    fn datasets_are_numbered_and_every_manager_has_contact_details() {
        for sample in sample_dmps() {
            for (i, ds) in sample.dmp.datasets.iter().enumerate() {
                assert_eq!(ds.number, i as u32 + 1);
                let c = &ds.manager.contact;
                assert!(
                    c.postal_code.is_some()
                        && c.address.is_some()
                        && c.phone.is_some()
                        && c.email.is_some()
                );
                assert!(c.email.as_deref().unwrap().ends_with("@example.ac.jp"));
            }
        }
    }
}

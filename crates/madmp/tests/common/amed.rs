//! Helpers for the AMED → maDMP tests: the mapping table, a plan with every
//! field filled, and the exports of the example plans.

use chrono::NaiveDate;
use dmpgraph_madmp::{amed_to_madmp, to_json, AmedExportOptions, Version};
use dmpgraph_model::{
    CatalogConfig, Contact, DataClass, DataSubject, Dataset, Dmp, Person, Project, SharingMethod,
    StaffMember, Value as FieldValue, Visibility,
};
use serde_json::Value;
use std::path::PathBuf;

/// The record IRI the tests export under.
pub const RECORD: &str = "http://localhost:8080/record/23ck0106789h0001";

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One row of `[fields]` in `mappings/rdf.toml`: only what these tests read.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct FieldMapping {
    /// The property path from the entity.
    pub path: String,
    /// Further paths.
    #[serde(default)]
    pub also: Vec<String>,
    /// The maDMP JSON pointer.
    pub madmp: Option<String>,
}

/// `mappings/rdf.toml`: the prefixes and the fields, read with `toml` alone
/// (independent of `dmpgraph-rdf`).
pub struct MappingTable {
    /// Prefix → namespace IRI.
    pub prefixes: toml::Table,
    /// Field key → mapping.
    pub fields: std::collections::BTreeMap<String, FieldMapping>,
}

impl MappingTable {
    /// Reads the table.
    pub fn read() -> MappingTable {
        let path = repo_root().join("mappings/rdf.toml");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let table: toml::Table = toml::from_str(&text).expect("rdf.toml parses");
        let prefixes = table["prefixes"].as_table().expect("[prefixes]").clone();
        let fields = table["fields"]
            .clone()
            .try_into()
            .expect("[fields] rows have path/also/madmp");
        MappingTable { prefixes, fields }
    }

    /// A compact IRI (`dcterms:title`) as a full IRI.
    pub fn expand(&self, compact: &str) -> String {
        let (prefix, local) = compact.split_once(':').expect("compact IRI");
        let namespace = self.prefixes[prefix].as_str().expect("prefix IRI");
        format!("{namespace}{local}")
    }
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn s(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn person(tag: &str, mail: &str) -> Person {
    Person {
        institution: s(&format!("{tag}機関")),
        affiliation: s(&format!("{tag}所属")),
        position: s(&format!("{tag}役職")),
        name: s(&format!("{tag} 氏名")),
        contact: Contact {
            postal_code: s(&format!("{tag}-postal-100-0001")),
            address: s(&format!("{tag}-address 東京都千代田区1-1")),
            phone: s(&format!("{tag}-phone 03-0000-0001")),
            extension: s(&format!("{tag}-ext-1234")),
            email: s(mail),
        },
    }
}

/// A plan with every field of the form filled, distinct values everywhere,
/// two datasets (No. 2 and 5, so that `*` cannot be confused with a position)
/// and two staff rows, the second one not publishable.
pub fn full_dmp() -> Dmp {
    Dmp {
        created: day(2024, 5, 1),
        project: Project {
            grant_number: "23ck0106789h0001".into(),
            program_own_number: s("TR-2023-17"),
            project_name: s("医療分野研究成果展開事業"),
            business_name: s("橋渡し研究プログラム"),
            program_name: s("シーズA"),
            title: "希少疾患ゲノム研究".into(),
            start: day(2023, 4, 1),
            end: day(2026, 3, 31),
        },
        pi: person("PI", "pi@example.jp"),
        datasets: vec![
            Dataset {
                number: 2,
                name: s("全ゲノム配列データ"),
                subject: Some(DataSubject::HumanIndividual),
                class: Some(DataClass::Target),
                description: s("患者100名の全ゲノム配列"),
                count: s("約100件"),
                size_per_file: s("100GB"),
                sharing: Some(SharingMethod::RestrictedPublication),
                external_parties: s("共同研究機関X"),
                restriction_reason: s("個人情報保護のため"),
                publication_date: day(2026, 9, 30),
                consent: Some(true),
                consent_documents: s("説明文書・同意書 第2版"),
                repository_info: s("公開されている外部のリポジトリ"),
                repository_name: s("JGA"),
                repository_url: s("https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD000999"),
                doi: s("https://doi.org/10.18908/example.999"),
                manager: person("M2", "m2@example.jp"),
            },
            Dataset {
                number: 5,
                name: s("解析結果"),
                subject: Some(DataSubject::Other),
                class: Some(DataClass::Derived),
                description: s("集計済みの解析結果"),
                count: s("10件"),
                size_per_file: s("1MB"),
                sharing: Some(SharingMethod::UnrestrictedPublication),
                external_parties: s("なし（外部）"),
                restriction_reason: s("該当なし（理由）"),
                publication_date: day(2025, 4, 1),
                consent: Some(false),
                consent_documents: s("該当なし（文書）"),
                repository_info: s("機関リポジトリ"),
                repository_name: s("KURENAI"),
                repository_url: s("https://repository.kulib.kyoto-u.ac.jp/dspace/handle/2433/1"),
                doi: s("https://doi.org/10.14989/1"),
                manager: person("M5", "m5@example.jp"),
            },
        ],
        staff: vec![
            StaffMember {
                number: Some(1),
                institution: s("S1機関"),
                affiliation: s("S1所属"),
                position: s("S1役職"),
                name: s("S1 氏名"),
                publishable: Some(true),
            },
            StaffMember {
                number: Some(2),
                institution: s("S2秘密機関"),
                affiliation: s("S2秘密所属"),
                position: s("S2秘密役職"),
                name: s("S2 秘密氏名"),
                publishable: Some(false),
            },
        ],
    }
}

/// The export of `dmp` as `version` JSON, public or with private values.
pub fn export_json(dmp: &Dmp, include_private: bool, version: Version) -> Value {
    let options = AmedExportOptions {
        record_iri: RECORD,
        catalog: CatalogConfig::builtin(),
        include_private,
    };
    to_json(&amed_to_madmp(dmp, &options), version)
}

/// Every example plan with a name, plus [`full_dmp`].
pub fn example_dmps() -> Vec<(String, Dmp)> {
    let mut all: Vec<(String, Dmp)> = dmpgraph_dev::sample_dmps()
        .into_iter()
        .map(|sample| (sample.file_stem, sample.dmp))
        .collect();
    all.push(("full".to_owned(), full_dmp()));
    all
}

/// The plan's private text values that no public value contains (an
/// institution shared by a hidden staff member and the PI is public).
pub fn private_values(dmp: &dmpgraph_model::Dmp) -> Vec<String> {
    let values = dmp.fields();
    let public: Vec<String> = values
        .iter()
        .filter(|v| v.visibility == Visibility::Public)
        .map(|v| v.value.to_string())
        .collect();
    values
        .iter()
        .filter(|v| v.visibility == Visibility::Private)
        .filter_map(|v| match &v.value {
            FieldValue::Text(text) => Some(text.clone()),
            _ => None,
        })
        .filter(|text| !public.iter().any(|p| p.contains(text.as_str())))
        .collect()
}

//! dmpgraph's domain model of an AMED research Data Management Plan (様式 別紙1).
//!
//! Plain types, no I/O. Readers (AMED workbooks, maDMP JSON) produce a [`Dmp`];
//! mappers turn it into RDF or maDMP JSON. Every field knows whether it is
//! **public** (a green cell, published in AMED's catalog) or **private** (a blue
//! cell: addresses, phones, e-mails), see [`Field::visibility`] and [`Dmp::fields`].
//!
//! ```
//! use dmpgraph_model::{Dmp, SharingMethod, Visibility, Field};
//!
//! let method: SharingMethod = "制限共有（外部関係者と共有）".parse().unwrap();
//! assert_eq!(method, SharingMethod::RestrictedSharingExternal);
//! assert_eq!(Field::PiEmail.visibility(), Visibility::Private);
//! assert_eq!(Field::DatasetName.visibility(), Visibility::Public);
//! let dmp = Dmp::new("21ek0109555h0001", "ゲノム解析研究");
//! assert!(dmp.fields().iter().any(|f| f.field == Field::ProjectTitle));
//! ```

pub mod award;
mod catalog;
mod date;
pub mod deposit;
pub mod funding;
mod field;
pub mod identity;
mod text;
mod validate;
mod vocab;

pub use catalog::{CatalogConfig, CatalogInfo, Funder, PublicContact, BUILTIN_CATALOG_TOML};
pub use date::{date_from_excel_serial, parse_date, DateError};
pub use field::{Entity, Field, FieldValue, SetError, Value, Visibility};
pub use text::{normalize_label, normalize_value};
pub use validate::{validate, Issue, Severity, GRANT_NUMBER_PATTERN};
pub use vocab::{DataClass, DataSubject, SharingMethod, UnknownValue};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A research Data Management Plan as AMED's form (様式 別紙1) describes it.
///
/// Its identity is the grant number (課題管理番号); [`Dmp::version`] tells
/// versions of the same plan apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Dmp {
    /// 1. DMP作成年月日 (older form: 最終作成年月日): creation or last update.
    pub created: Option<NaiveDate>,
    /// 2. 研究開発課題情報.
    pub project: Project,
    /// 3. 研究開発代表者.
    pub pi: Person,
    /// 4. 個々の研究開発データとそのデータの管理者, one per dataset column.
    pub datasets: Vec<Dataset>,
    /// 5. データ関連人材, one per table row.
    pub staff: Vec<StaffMember>,
}

/// 2. 研究開発課題情報: the funded project (grant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Project {
    /// 課題管理番号, e.g. `21ek0109555h0001`: the grant identifier and the DMP's identity.
    pub grant_number: String,
    /// 事業独自の整理番号（橋渡し研究プログラムのみ）.
    pub program_own_number: Option<String>,
    /// プロジェクト名.
    pub project_name: Option<String>,
    /// 事業名.
    pub business_name: Option<String>,
    /// プログラム名.
    pub program_name: Option<String>,
    /// 研究開発課題名.
    pub title: String,
    /// 研究開始日.
    pub start: Option<NaiveDate>,
    /// 研究終了日.
    pub end: Option<NaiveDate>,
}

/// A person with an institution and (private) contact details: the principal
/// investigator, or a dataset's data manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Person {
    /// 機関名 (for a data manager: データ管理機関名).
    pub institution: Option<String>,
    /// 所属.
    pub affiliation: Option<String>,
    /// 役職.
    pub position: Option<String>,
    /// 氏名.
    pub name: Option<String>,
    /// Blue cells: never published.
    pub contact: Contact,
}

/// Contact details. Every field is private (a blue cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Contact {
    /// 郵便番号.
    pub postal_code: Option<String>,
    /// 住所.
    pub address: Option<String>,
    /// 電話番号.
    pub phone: Option<String>,
    /// 内線番号.
    pub extension: Option<String>,
    /// メールアドレス.
    pub email: Option<String>,
}

/// 4. One research dataset the project will create (one column of the form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Dataset {
    /// No.: the dataset's number within the DMP; its identity, never its column.
    pub number: u32,
    /// データの名称.
    pub name: Option<String>,
    /// データの種別① / ②: who or what the data are about.
    pub subject: Option<DataSubject>,
    /// データの種別① / ②: created data or derived data.
    pub class: Option<DataClass>,
    /// データの説明.
    pub description: Option<String>,
    /// データの件数 (free text as written, e.g. `約500件`).
    pub count: Option<String>,
    /// 概略データ量（1ファイルあたり） (free text as written, e.g. `10GB`).
    pub size_per_file: Option<String>,
    /// データシェアリング方法（アクセス権）.
    pub sharing: Option<SharingMethod>,
    /// 外部関係者の情報 (when shared with external parties).
    pub external_parties: Option<String>,
    /// Why 非公開 / 制限共有 / その他 was chosen, and the time until the data move
    /// to 制限公開 / 非制限公開 (one cell in the form).
    pub restriction_reason: Option<String>,
    /// 公開日・公開予定日.
    pub publication_date: Option<NaiveDate>,
    /// データの利活用のための同意取得の有無 (あり = true, なし = false).
    pub consent: Option<bool>,
    /// The documents used when consent was obtained.
    pub consent_documents: Option<String>,
    /// リポジトリ情報 (the kind of repository chosen).
    pub repository_info: Option<String>,
    /// リポジトリ名.
    pub repository_name: Option<String>,
    /// リポジトリのURL.
    pub repository_url: Option<String>,
    /// DOIリンク.
    pub doi: Option<String>,
    /// データ管理機関名 and データ管理者 所属 / 役職 / 氏名 / contact details.
    pub manager: Person,
}

/// 5. データ関連人材: one person of the data-related staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StaffMember {
    /// No. as written in the table.
    pub number: Option<u32>,
    /// 機関名.
    pub institution: Option<String>,
    /// 所属.
    pub affiliation: Option<String>,
    /// 役職.
    pub position: Option<String>,
    /// 氏名.
    pub name: Option<String>,
    /// 公表の可否: `Some(false)` keeps the whole row private.
    pub publishable: Option<bool>,
}

impl Dmp {
    /// A DMP with just the two fields every DMP must have.
    pub fn new(grant_number: impl Into<String>, title: impl Into<String>) -> Self {
        Dmp {
            project: Project {
                grant_number: grant_number.into(),
                title: title.into(),
                ..Project::default()
            },
            ..Dmp::default()
        }
    }

    /// The record identity: the grant number (課題管理番号), trimmed.
    pub fn id(&self) -> &str {
        self.project.grant_number.trim()
    }

    /// The version of this plan: its creation/update date, when given.
    pub fn version(&self) -> Option<NaiveDate> {
        self.created
    }
}

impl Dataset {
    /// Whether the plan says these data will be published (非制限公開 or 制限公開).
    pub fn is_published(&self) -> bool {
        self.sharing.is_some_and(|s| s.is_publication())
    }

    /// The latest publication date AMED's rule allows for data under 制限共有:
    /// two years after 研究終了日 (or earlier, at the publication of results,
    /// which the form does not record). `None` for other sharing methods or
    /// without an end date.
    pub fn publication_deadline(&self, project: &Project) -> Option<NaiveDate> {
        if !self.sharing.is_some_and(|s| s.is_restricted_sharing()) {
            return None;
        }
        let end = project.end?;
        Some(
            end.checked_add_months(chrono::Months::new(24))
                .unwrap_or(end),
        )
    }
}

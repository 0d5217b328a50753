//! Every field of the form, its public/private mark, and a uniform walk over a
//! [`Dmp`]'s values so that no consumer can forget a field or its mark.

use crate::{Contact, DataClass, DataSubject, Dataset, Dmp, Person, SharingMethod, StaffMember};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a field may be published (a green cell) or never (a blue cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Green cell: published in AMED's catalog and dmpgraph's public views.
    Public,
    /// Blue cell: addresses, phones, e-mails; only in trusted exports.
    Private,
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        })
    }
}

/// Which part of the plan a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum Entity {
    /// The plan itself (section 1).
    Dmp,
    /// The project / grant (section 2).
    Project,
    /// The principal investigator (section 3).
    Pi,
    /// A dataset, by its No. (section 4).
    Dataset(u32),
    /// The data manager of a dataset, by the dataset's No. (section 4).
    DataManager(u32),
    /// A row of the staff table, by its position in the DMP's list (section 5).
    Staff(u32),
}

/// A value of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// Text as written.
    Text(String),
    /// A calendar date.
    Date(NaiveDate),
    /// A number (No.).
    Integer(u32),
    /// あり/なし, 可/否.
    Bool(bool),
    /// データシェアリング方法.
    Sharing(SharingMethod),
    /// データの種別 (subject).
    Subject(DataSubject),
    /// データの種別 (class).
    Class(DataClass),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Date(d) => write!(f, "{d}"),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Bool(b) => f.write_str(if *b {
                "あり/可 (yes)"
            } else {
                "なし/否 (no)"
            }),
            Value::Sharing(v) => write!(f, "{} ({})", v.label_ja(), v.label_en()),
            Value::Subject(v) => write!(f, "{} ({})", v.label_ja(), v.label_en()),
            Value::Class(v) => write!(f, "{} ({})", v.label_ja(), v.label_en()),
        }
    }
}

/// One value of a plan with the field it fills, the entity it describes and
/// whether it may be published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    /// The field.
    pub field: Field,
    /// The entity the value describes.
    pub entity: Entity,
    /// The value.
    pub value: Value,
    /// The field's mark, or private for every field of a staff row whose
    /// 公表の可否 is 否.
    pub visibility: Visibility,
}

macro_rules! fields {
    ($( $(#[$m:meta])* $variant:ident = $key:literal, $ja:literal, $en:literal, $vis:ident; )+) => {
        /// Every field of AMED's form (様式 別紙1).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Field {
            $( $(#[$m])* #[serde(rename = $key)] $variant, )+
        }

        impl Field {
            /// Every field, in the form's order.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// A stable dotted key, e.g. `dataset.sharing`: the name used in `mappings/`.
            pub fn key(self) -> &'static str {
                match self { $(Field::$variant => $key),+ }
            }
            /// The form's own label.
            pub fn label_ja(self) -> &'static str {
                match self { $(Field::$variant => $ja),+ }
            }
            /// An English label.
            pub fn label_en(self) -> &'static str {
                match self { $(Field::$variant => $en),+ }
            }
            /// Green cell (public) or blue cell (private).
            pub fn visibility(self) -> Visibility {
                match self { $(Field::$variant => Visibility::$vis),+ }
            }
            /// Looks a field up by its key.
            pub fn from_key(key: &str) -> Option<Field> {
                match key { $($key => Some(Field::$variant),)+ _ => None }
            }
        }
    };
}

fields! {
    /// DMP作成年月日.
    Created = "dmp.created", "DMP作成年月日", "DMP created/updated", Public;
    /// 課題管理番号.
    GrantNumber = "project.grant_number", "課題管理番号", "Grant number", Public;
    /// 事業独自の整理番号.
    ProgramOwnNumber = "project.program_own_number", "事業独自の整理番号", "Programme's own number", Public;
    /// プロジェクト名.
    ProjectName = "project.project_name", "プロジェクト名", "Project name", Public;
    /// 事業名.
    BusinessName = "project.business_name", "事業名", "Funding programme (事業)", Public;
    /// プログラム名.
    ProgramName = "project.program_name", "プログラム名", "Programme", Public;
    /// 研究開発課題名.
    ProjectTitle = "project.title", "研究開発課題名", "Project title", Public;
    /// 研究開始日.
    ProjectStart = "project.start", "研究開始日", "Project start", Public;
    /// 研究終了日.
    ProjectEnd = "project.end", "研究終了日", "Project end", Public;
    /// 研究開発代表者 機関名.
    PiInstitution = "pi.institution", "研究開発代表者 機関名", "PI institution", Public;
    /// 研究開発代表者 所属.
    PiAffiliation = "pi.affiliation", "研究開発代表者 所属", "PI affiliation", Public;
    /// 研究開発代表者 役職.
    PiPosition = "pi.position", "研究開発代表者 役職", "PI position", Public;
    /// 研究開発代表者 氏名.
    PiName = "pi.name", "研究開発代表者 氏名", "PI name", Public;
    /// 研究開発代表者 郵便番号.
    PiPostalCode = "pi.postal_code", "研究開発代表者 郵便番号", "PI postal code", Private;
    /// 研究開発代表者 住所.
    PiAddress = "pi.address", "研究開発代表者 住所", "PI address", Private;
    /// 研究開発代表者 電話番号.
    PiPhone = "pi.phone", "研究開発代表者 電話番号", "PI phone", Private;
    /// 研究開発代表者 内線番号.
    PiExtension = "pi.extension", "研究開発代表者 内線番号", "PI extension", Private;
    /// 研究開発代表者 メールアドレス.
    PiEmail = "pi.email", "研究開発代表者 メールアドレス", "PI e-mail", Private;
    /// No.
    DatasetNumber = "dataset.number", "No.", "Dataset number", Public;
    /// データの名称.
    DatasetName = "dataset.name", "データの名称", "Dataset name", Public;
    /// データの種別 (ヒト個人 / ヒト以外の生物由来 / その他).
    DatasetSubject = "dataset.subject", "データの種別（対象）", "Data subject", Public;
    /// データの種別 (対象データ / 派生データ).
    DatasetClass = "dataset.class", "データの種別（区分）", "Data class", Public;
    /// データの説明.
    DatasetDescription = "dataset.description", "データの説明", "Description", Public;
    /// データの件数.
    DatasetCount = "dataset.count", "データの件数", "Number of records", Public;
    /// 概略データ量（1ファイルあたり）.
    DatasetSizePerFile = "dataset.size_per_file", "概略データ量（1ファイルあたり）", "Approximate size per file", Public;
    /// データシェアリング方法（アクセス権）.
    DatasetSharing = "dataset.sharing", "データシェアリング方法（アクセス権）", "Sharing method (access rights)", Public;
    /// 外部関係者の情報.
    DatasetExternalParties = "dataset.external_parties", "外部関係者の情報", "External parties", Public;
    /// 非公開・制限共有・その他の理由と公開へ移行するまでの期間.
    DatasetRestrictionReason = "dataset.restriction_reason", "非公開・制限共有・その他の理由と公開までの期間", "Reason for restriction and time until publication", Public;
    /// 公開日・公開予定日.
    DatasetPublicationDate = "dataset.publication_date", "公開日・公開予定日", "Publication date (planned)", Public;
    /// データの利活用のための同意取得の有無.
    DatasetConsent = "dataset.consent", "データの利活用のための同意取得の有無", "Consent obtained for data use", Public;
    /// 同意取得で使用した文書.
    DatasetConsentDocuments = "dataset.consent_documents", "同意取得で使用した文書", "Consent documents used", Public;
    /// リポジトリ情報.
    DatasetRepositoryInfo = "dataset.repository_info", "リポジトリ情報", "Repository information", Public;
    /// リポジトリ名.
    DatasetRepositoryName = "dataset.repository_name", "リポジトリ名", "Repository name", Public;
    /// リポジトリのURL.
    DatasetRepositoryUrl = "dataset.repository_url", "リポジトリのURL", "Repository URL", Public;
    /// DOIリンク.
    DatasetDoi = "dataset.doi", "DOIリンク", "DOI", Public;
    /// データ管理機関名.
    ManagerInstitution = "manager.institution", "データ管理機関名", "Data-managing institution", Public;
    /// データ管理者 所属.
    ManagerAffiliation = "manager.affiliation", "データ管理者 所属", "Data manager affiliation", Public;
    /// データ管理者 役職.
    ManagerPosition = "manager.position", "データ管理者 役職", "Data manager position", Public;
    /// データ管理者 氏名.
    ManagerName = "manager.name", "データ管理者 氏名", "Data manager name", Public;
    /// データ管理者 郵便番号.
    ManagerPostalCode = "manager.postal_code", "データ管理者 郵便番号", "Data manager postal code", Private;
    /// データ管理者 住所.
    ManagerAddress = "manager.address", "データ管理者 住所", "Data manager address", Private;
    /// データ管理者 電話番号.
    ManagerPhone = "manager.phone", "データ管理者 電話番号", "Data manager phone", Private;
    /// データ管理者 内線番号.
    ManagerExtension = "manager.extension", "データ管理者 内線番号", "Data manager extension", Private;
    /// データ管理者 メールアドレス.
    ManagerEmail = "manager.email", "データ管理者 メールアドレス", "Data manager e-mail", Private;
    /// データ関連人材 No.
    StaffNumber = "staff.number", "データ関連人材 No.", "Staff number", Public;
    /// データ関連人材 機関名.
    StaffInstitution = "staff.institution", "データ関連人材 機関名", "Staff institution", Public;
    /// データ関連人材 所属.
    StaffAffiliation = "staff.affiliation", "データ関連人材 所属", "Staff affiliation", Public;
    /// データ関連人材 役職.
    StaffPosition = "staff.position", "データ関連人材 役職", "Staff position", Public;
    /// データ関連人材 氏名.
    StaffName = "staff.name", "データ関連人材 氏名", "Staff name", Public;
    /// データ関連人材 公表の可否.
    StaffPublishable = "staff.publishable", "公表の可否", "May be published", Public;
}

/// Error from [`Dmp::set`]: a value of the wrong kind for its field or entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError(pub String);

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetError {}

fn text(v: &Option<String>) -> Option<Value> {
    v.clone().map(Value::Text)
}

fn person_fields(
    p: &Person,
    entity: Entity,
    map: [Field; 9],
    out: &mut Vec<(Field, Entity, Value)>,
) {
    let c = &p.contact;
    let values = [
        text(&p.institution),
        text(&p.affiliation),
        text(&p.position),
        text(&p.name),
        text(&c.postal_code),
        text(&c.address),
        text(&c.phone),
        text(&c.extension),
        text(&c.email),
    ];
    for (field, value) in map.into_iter().zip(values) {
        if let Some(value) = value {
            out.push((field, entity, value));
        }
    }
}

const PI_FIELDS: [Field; 9] = [
    Field::PiInstitution,
    Field::PiAffiliation,
    Field::PiPosition,
    Field::PiName,
    Field::PiPostalCode,
    Field::PiAddress,
    Field::PiPhone,
    Field::PiExtension,
    Field::PiEmail,
];
const MANAGER_FIELDS: [Field; 9] = [
    Field::ManagerInstitution,
    Field::ManagerAffiliation,
    Field::ManagerPosition,
    Field::ManagerName,
    Field::ManagerPostalCode,
    Field::ManagerAddress,
    Field::ManagerPhone,
    Field::ManagerExtension,
    Field::ManagerEmail,
];

fn person_slot(p: &mut Person, index: usize) -> &mut Option<String> {
    let c: &mut Contact = &mut p.contact;
    match index {
        0 => &mut p.institution,
        1 => &mut p.affiliation,
        2 => &mut p.position,
        3 => &mut p.name,
        4 => &mut c.postal_code,
        5 => &mut c.address,
        6 => &mut c.phone,
        7 => &mut c.extension,
        _ => &mut c.email,
    }
}

impl Dmp {
    /// Every value of the plan, in the form's order, each with its field,
    /// entity and public/private mark.
    pub fn fields(&self) -> Vec<FieldValue> {
        let mut out: Vec<(Field, Entity, Value)> = Vec::new();
        let p = &self.project;
        if let Some(d) = self.created {
            out.push((Field::Created, Entity::Dmp, Value::Date(d)));
        }
        let project: [(Field, Option<Value>); 8] = [
            (
                Field::GrantNumber,
                Some(Value::Text(p.grant_number.clone())).filter(|_| !p.grant_number.is_empty()),
            ),
            (Field::ProgramOwnNumber, text(&p.program_own_number)),
            (Field::ProjectName, text(&p.project_name)),
            (Field::BusinessName, text(&p.business_name)),
            (Field::ProgramName, text(&p.program_name)),
            (
                Field::ProjectTitle,
                Some(Value::Text(p.title.clone())).filter(|_| !p.title.is_empty()),
            ),
            (Field::ProjectStart, p.start.map(Value::Date)),
            (Field::ProjectEnd, p.end.map(Value::Date)),
        ];
        out.extend(
            project
                .into_iter()
                .filter_map(|(f, v)| v.map(|v| (f, Entity::Project, v))),
        );
        person_fields(&self.pi, Entity::Pi, PI_FIELDS, &mut out);
        for ds in &self.datasets {
            dataset_fields(ds, &mut out);
        }
        let mut staff_out = Vec::new();
        for (i, s) in self.staff.iter().enumerate() {
            let entity = Entity::Staff(i as u32 + 1);
            let row: [(Field, Option<Value>); 6] = [
                (Field::StaffNumber, s.number.map(Value::Integer)),
                (Field::StaffInstitution, text(&s.institution)),
                (Field::StaffAffiliation, text(&s.affiliation)),
                (Field::StaffPosition, text(&s.position)),
                (Field::StaffName, text(&s.name)),
                (Field::StaffPublishable, s.publishable.map(Value::Bool)),
            ];
            // A person who may not be published stays private whole: the row
            // would name them even without the name cell.
            let vis = if s.publishable == Some(false) {
                Visibility::Private
            } else {
                Visibility::Public
            };
            staff_out.extend(row.into_iter().filter_map(|(field, v)| {
                v.map(|value| FieldValue {
                    field,
                    entity,
                    value,
                    visibility: vis,
                })
            }));
        }
        let mut values: Vec<FieldValue> = out
            .into_iter()
            .map(|(field, entity, value)| FieldValue {
                field,
                entity,
                value,
                visibility: field.visibility(),
            })
            .collect();
        values.extend(staff_out);
        values
    }

    /// Sets one field's value: the inverse of [`Dmp::fields`], for readers
    /// that see a plan as a list of field values (RDF, tables).
    pub fn set(&mut self, entity: Entity, field: Field, value: Value) -> Result<(), SetError> {
        let wrong = || {
            SetError(format!(
                "{} cannot hold {:?} for {:?}",
                field.key(),
                value,
                entity
            ))
        };
        let as_text = |v: &Value| match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        };
        match (entity, field) {
            (Entity::Dmp, Field::Created) => match value {
                Value::Date(d) => self.created = Some(d),
                _ => return Err(wrong()),
            },
            (Entity::Project, f) => {
                let p = &mut self.project;
                match (f, &value) {
                    (Field::GrantNumber, Value::Text(s)) => p.grant_number = s.clone(),
                    (Field::ProjectTitle, Value::Text(s)) => p.title = s.clone(),
                    (Field::ProgramOwnNumber, Value::Text(s)) => {
                        p.program_own_number = Some(s.clone())
                    }
                    (Field::ProjectName, Value::Text(s)) => p.project_name = Some(s.clone()),
                    (Field::BusinessName, Value::Text(s)) => p.business_name = Some(s.clone()),
                    (Field::ProgramName, Value::Text(s)) => p.program_name = Some(s.clone()),
                    (Field::ProjectStart, Value::Date(d)) => p.start = Some(*d),
                    (Field::ProjectEnd, Value::Date(d)) => p.end = Some(*d),
                    _ => return Err(wrong()),
                }
            }
            (Entity::Pi, f) => {
                let i = PI_FIELDS.iter().position(|x| *x == f).ok_or_else(wrong)?;
                *person_slot(&mut self.pi, i) = Some(as_text(&value).ok_or_else(wrong)?);
            }
            (Entity::DataManager(n), f) => {
                let i = MANAGER_FIELDS
                    .iter()
                    .position(|x| *x == f)
                    .ok_or_else(wrong)?;
                let ds = self.dataset_mut(n);
                *person_slot(&mut ds.manager, i) = Some(as_text(&value).ok_or_else(wrong)?);
            }
            (Entity::Dataset(n), f) => {
                set_dataset(self.dataset_mut(n), f, value.clone()).map_err(|_| wrong())?
            }
            (Entity::Staff(i), f) => {
                let idx = (i as usize).checked_sub(1).ok_or_else(wrong)?;
                if self.staff.len() <= idx {
                    self.staff.resize(idx + 1, StaffMember::default());
                }
                let s = &mut self.staff[idx];
                match (f, &value) {
                    (Field::StaffNumber, Value::Integer(n)) => s.number = Some(*n),
                    (Field::StaffInstitution, Value::Text(t)) => s.institution = Some(t.clone()),
                    (Field::StaffAffiliation, Value::Text(t)) => s.affiliation = Some(t.clone()),
                    (Field::StaffPosition, Value::Text(t)) => s.position = Some(t.clone()),
                    (Field::StaffName, Value::Text(t)) => s.name = Some(t.clone()),
                    (Field::StaffPublishable, Value::Bool(b)) => s.publishable = Some(*b),
                    _ => return Err(wrong()),
                }
            }
            _ => return Err(wrong()),
        }
        Ok(())
    }

    /// The dataset with this No., created (in No. order) when absent.
    fn dataset_mut(&mut self, number: u32) -> &mut Dataset {
        let pos = match self.datasets.iter().position(|d| d.number == number) {
            Some(p) => p,
            None => {
                let at = self.datasets.partition_point(|d| d.number < number);
                self.datasets.insert(
                    at,
                    Dataset {
                        number,
                        ..Dataset::default()
                    },
                );
                at
            }
        };
        &mut self.datasets[pos]
    }
}

fn dataset_fields(ds: &Dataset, out: &mut Vec<(Field, Entity, Value)>) {
    let e = Entity::Dataset(ds.number);
    let values: [(Field, Option<Value>); 17] = [
        (Field::DatasetNumber, Some(Value::Integer(ds.number))),
        (Field::DatasetName, text(&ds.name)),
        (Field::DatasetSubject, ds.subject.map(Value::Subject)),
        (Field::DatasetClass, ds.class.map(Value::Class)),
        (Field::DatasetDescription, text(&ds.description)),
        (Field::DatasetCount, text(&ds.count)),
        (Field::DatasetSizePerFile, text(&ds.size_per_file)),
        (Field::DatasetSharing, ds.sharing.map(Value::Sharing)),
        (Field::DatasetExternalParties, text(&ds.external_parties)),
        (
            Field::DatasetRestrictionReason,
            text(&ds.restriction_reason),
        ),
        (
            Field::DatasetPublicationDate,
            ds.publication_date.map(Value::Date),
        ),
        (Field::DatasetConsent, ds.consent.map(Value::Bool)),
        (Field::DatasetConsentDocuments, text(&ds.consent_documents)),
        (Field::DatasetRepositoryInfo, text(&ds.repository_info)),
        (Field::DatasetRepositoryName, text(&ds.repository_name)),
        (Field::DatasetRepositoryUrl, text(&ds.repository_url)),
        (Field::DatasetDoi, text(&ds.doi)),
    ];
    out.extend(values.into_iter().filter_map(|(f, v)| v.map(|v| (f, e, v))));
    person_fields(
        &ds.manager,
        Entity::DataManager(ds.number),
        MANAGER_FIELDS,
        out,
    );
}

fn set_dataset(ds: &mut Dataset, field: Field, value: Value) -> Result<(), ()> {
    match (field, value) {
        (Field::DatasetNumber, Value::Integer(n)) if n == ds.number => {}
        (Field::DatasetName, Value::Text(s)) => ds.name = Some(s),
        (Field::DatasetSubject, Value::Subject(v)) => ds.subject = Some(v),
        (Field::DatasetClass, Value::Class(v)) => ds.class = Some(v),
        (Field::DatasetDescription, Value::Text(s)) => ds.description = Some(s),
        (Field::DatasetCount, Value::Text(s)) => ds.count = Some(s),
        (Field::DatasetSizePerFile, Value::Text(s)) => ds.size_per_file = Some(s),
        (Field::DatasetSharing, Value::Sharing(v)) => ds.sharing = Some(v),
        (Field::DatasetExternalParties, Value::Text(s)) => ds.external_parties = Some(s),
        (Field::DatasetRestrictionReason, Value::Text(s)) => ds.restriction_reason = Some(s),
        (Field::DatasetPublicationDate, Value::Date(d)) => ds.publication_date = Some(d),
        (Field::DatasetConsent, Value::Bool(b)) => ds.consent = Some(b),
        (Field::DatasetConsentDocuments, Value::Text(s)) => ds.consent_documents = Some(s),
        (Field::DatasetRepositoryInfo, Value::Text(s)) => ds.repository_info = Some(s),
        (Field::DatasetRepositoryName, Value::Text(s)) => ds.repository_name = Some(s),
        (Field::DatasetRepositoryUrl, Value::Text(s)) => ds.repository_url = Some(s),
        (Field::DatasetDoi, Value::Text(s)) => ds.doi = Some(s),
        _ => return Err(()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Dmp {
        let mut dmp = Dmp::new("21ek0109555h0001", "課題");
        dmp.pi.name = Some("山田 太郎".into());
        dmp.pi.contact.email = Some("yamada@example.jp".into());
        dmp.datasets.push(Dataset {
            number: 1,
            name: Some("ゲノム".into()),
            sharing: Some(SharingMethod::RestrictedPublication),
            manager: Person {
                name: Some("佐藤".into()),
                contact: Contact {
                    phone: Some("03-0000-0000".into()),
                    ..Contact::default()
                },
                ..Person::default()
            },
            ..Dataset::default()
        });
        dmp.staff.push(StaffMember {
            name: Some("公開さん".into()),
            publishable: Some(true),
            ..Default::default()
        });
        dmp.staff.push(StaffMember {
            name: Some("非公開さん".into()),
            publishable: Some(false),
            ..Default::default()
        });
        dmp
    }

    #[test]
    fn every_contact_field_is_private_and_nothing_else_is() {
        for f in Field::ALL {
            let contact = ["postal_code", "address", "phone", "extension", "email"]
                .iter()
                .any(|k| f.key().ends_with(k));
            assert_eq!(
                f.visibility() == Visibility::Private,
                contact,
                "{}",
                f.key()
            );
        }
    }

    #[test]
    fn keys_are_unique_and_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_key(f.key()), Some(*f));
        }
    }

    #[test]
    fn unpublishable_staff_rows_are_private_whole() {
        let values = sample().fields();
        let hidden: Vec<_> = values
            .iter()
            .filter(|v| v.entity == Entity::Staff(2))
            .collect();
        assert!(!hidden.is_empty());
        assert!(hidden.iter().all(|v| v.visibility == Visibility::Private));
        assert!(values
            .iter()
            .filter(|v| v.entity == Entity::Staff(1))
            .all(|v| v.visibility == Visibility::Public));
    }

    #[test]
    fn set_is_the_inverse_of_fields() {
        let dmp = sample();
        let mut rebuilt = Dmp::default();
        for v in dmp.fields() {
            rebuilt.set(v.entity, v.field, v.value).unwrap();
        }
        assert_eq!(rebuilt, dmp);
    }
}

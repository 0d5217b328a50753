//! AMED's rules for a plan: errors reject it, warnings are reported and stored.

use crate::{DataSubject, Dmp, Entity, Field, SharingMethod};
use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

/// The 16-character form of a 課題管理番号, e.g. `21ek0109555h0001`.
pub const GRANT_NUMBER_PATTERN: &str = r"^[0-9]{2}[a-z]{2}[0-9]{7}[a-z][0-9]{4}$";
static GRANT_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(GRANT_NUMBER_PATTERN).unwrap());

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported and stored.
    Warning,
    /// The plan is rejected.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem found in a plan, attached to the field (and entity) it concerns
/// so that a reader can point at the cell or JSON pointer it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// The field concerned, when there is one.
    pub field: Option<Field>,
    /// The entity concerned, when there is one.
    pub entity: Option<Entity>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Issue {
    fn new(
        severity: Severity,
        field: Option<Field>,
        entity: Option<Entity>,
        message: String,
    ) -> Self {
        Issue {
            severity,
            field,
            entity,
            message,
        }
    }
}

/// Checks a plan against AMED's rules as of `today` (which decides whether a
/// publication date has passed).
///
/// ```
/// use dmpgraph_model::{validate, Dmp, Severity};
/// let dmp = Dmp::new("21ek0109555h0001", "課題");
/// let issues = validate(&dmp, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
/// assert!(issues.iter().any(|i| i.severity == Severity::Error && i.message.contains("no dataset")));
/// ```
pub fn validate(dmp: &Dmp, today: NaiveDate) -> Vec<Issue> {
    use Severity::{Error, Warning};
    let mut out = Vec::new();
    let p = &dmp.project;
    let grant = p.grant_number.trim();
    if grant.is_empty() {
        out.push(Issue::new(
            Error,
            Some(Field::GrantNumber),
            Some(Entity::Project),
            "課題管理番号 is missing; every DMP needs its grant number (e.g. 21ek0109555h0001)"
                .into(),
        ));
    } else if !GRANT_NUMBER.is_match(grant) {
        out.push(Issue::new(
            Warning,
            Some(Field::GrantNumber),
            Some(Entity::Project),
            format!("課題管理番号 '{grant}' is not of the 16-character form 21ek0109555h0001"),
        ));
    }
    if p.title.trim().is_empty() {
        out.push(Issue::new(
            Error,
            Some(Field::ProjectTitle),
            Some(Entity::Project),
            "研究開発課題名 is missing; every DMP needs its project title".into(),
        ));
    }
    if let (Some(start), Some(end)) = (p.start, p.end) {
        if end < start {
            out.push(Issue::new(
                Error,
                Some(Field::ProjectEnd),
                Some(Entity::Project),
                format!("研究終了日 {end} is before 研究開始日 {start}"),
            ));
        }
    }
    if dmp.datasets.is_empty() {
        out.push(Issue::new(
            Error,
            None,
            None,
            "the DMP lists no dataset (section 4 needs at least one データの名称)".into(),
        ));
    }
    let mut seen = HashSet::new();
    for ds in &dmp.datasets {
        let e = Some(Entity::Dataset(ds.number));
        let n = ds.number;
        if !seen.insert(n) {
            out.push(Issue::new(
                Error,
                Some(Field::DatasetNumber),
                e,
                format!("dataset No. {n} appears twice; each dataset needs its own No."),
            ));
        }
        if ds.name.is_none() {
            out.push(Issue::new(
                Warning,
                Some(Field::DatasetName),
                e,
                format!("dataset No. {n} has no データの名称"),
            ));
        }
        match ds.sharing {
            None => out.push(Issue::new(
                Warning,
                Some(Field::DatasetSharing),
                e,
                format!("dataset No. {n} has no データシェアリング方法"),
            )),
            Some(m) => {
                let restricted = m.is_restricted_sharing()
                    || matches!(m, SharingMethod::NotPublished | SharingMethod::Other);
                if restricted && ds.restriction_reason.is_none() {
                    out.push(Issue::new(Warning, Some(Field::DatasetRestrictionReason), e, format!("dataset No. {n} is {} but gives no reason and no time until publication", m.label_ja())));
                }
                if m == SharingMethod::RestrictedSharingExternal && ds.external_parties.is_none() {
                    out.push(Issue::new(Warning, Some(Field::DatasetExternalParties), e, format!("dataset No. {n} is shared with external parties but 外部関係者の情報 is empty")));
                }
                if m.is_restricted_sharing() {
                    if let Some(deadline) = ds.publication_deadline(p) {
                        match ds.publication_date {
                            Some(date) if date > deadline => out.push(Issue::new(Warning, Some(Field::DatasetPublicationDate), e, format!(
                                "dataset No. {n}: 公開予定日 {date} is later than AMED allows for {}: publication by the earlier of two years after 研究終了日 ({deadline}) or the publication of results", m.label_ja()))),
                            None => out.push(Issue::new(Warning, Some(Field::DatasetPublicationDate), e, format!(
                                "dataset No. {n} is {} but has no 公開予定日; AMED asks for publication by {deadline} at the latest", m.label_ja()))),
                            _ => {}
                        }
                    }
                }
                if m == SharingMethod::UnrestrictedPublication && ds.doi.is_none() {
                    if let Some(date) = ds.publication_date.filter(|d| *d <= today) {
                        out.push(Issue::new(
                            Warning,
                            Some(Field::DatasetDoi),
                            e,
                            format!(
                                "dataset No. {n} is 非制限公開 since {date} but has no DOIリンク"
                            ),
                        ));
                    }
                }
                if m.is_publication()
                    && ds.repository_name.is_none()
                    && ds.repository_url.is_none()
                    && ds.doi.is_none()
                {
                    out.push(Issue::new(Warning, Some(Field::DatasetRepositoryName), e, format!("dataset No. {n} is to be published ({}) but names no repository, URL or DOI", m.label_ja())));
                }
            }
        }
        if ds.consent == Some(true) && ds.consent_documents.is_none() {
            out.push(Issue::new(Warning, Some(Field::DatasetConsentDocuments), e, format!("dataset No. {n}: consent was obtained (あり) but the documents used are not named")));
        }
        if ds.subject == Some(DataSubject::HumanIndividual) && ds.consent.is_none() {
            out.push(Issue::new(Warning, Some(Field::DatasetConsent), e, format!("dataset No. {n} is about individual humans (ヒト個人) but 同意取得の有無 is empty")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dataset;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn base() -> Dmp {
        let mut dmp = Dmp::new("21ek0109555h0001", "課題");
        dmp.project.start = Some(day(2021, 4, 1));
        dmp.project.end = Some(day(2024, 3, 31));
        dmp.datasets.push(Dataset {
            number: 1,
            name: Some("データ".into()),
            sharing: Some(SharingMethod::UnrestrictedPublication),
            publication_date: Some(day(2024, 4, 1)),
            doi: Some("https://doi.org/10.1234/x".into()),
            repository_name: Some("J-STAGE Data".into()),
            ..Dataset::default()
        });
        dmp
    }

    fn messages(dmp: &Dmp, sev: Severity) -> Vec<String> {
        validate(dmp, day(2026, 1, 1))
            .into_iter()
            .filter(|i| i.severity == sev)
            .map(|i| i.message)
            .collect()
    }

    #[test]
    fn a_complete_plan_has_no_issue() {
        assert!(
            validate(&base(), day(2026, 1, 1)).is_empty(),
            "{:?}",
            validate(&base(), day(2026, 1, 1))
        );
    }

    #[test]
    fn errors() {
        let mut dmp = base();
        dmp.project.grant_number = " ".into();
        dmp.project.title.clear();
        dmp.project.end = Some(day(2020, 1, 1));
        let errs = messages(&dmp, Severity::Error);
        assert_eq!(errs.len(), 3, "{errs:?}");
        dmp.datasets.clear();
        assert!(messages(&dmp, Severity::Error)
            .iter()
            .any(|m| m.contains("no dataset")));
    }

    #[test]
    fn grant_number_form_is_a_warning() {
        let mut dmp = base();
        dmp.project.grant_number = "JP21ek0109555".into();
        let w = messages(&dmp, Severity::Warning);
        assert_eq!(
            w,
            vec![
                "課題管理番号 'JP21ek0109555' is not of the 16-character form 21ek0109555h0001"
                    .to_string()
            ]
        );
    }

    #[test]
    fn restricted_sharing_deadline() {
        let mut dmp = base();
        let ds = &mut dmp.datasets[0];
        ds.sharing = Some(SharingMethod::RestrictedSharingInternal);
        ds.restriction_reason = Some("論文発表まで".into());
        ds.publication_date = Some(day(2026, 3, 31));
        assert!(messages(&dmp, Severity::Warning).is_empty());
        dmp.datasets[0].publication_date = Some(day(2026, 4, 1));
        let w = messages(&dmp, Severity::Warning);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("later than AMED allows") && w[0].contains("2026-03-31"),
            "{w:?}"
        );
    }

    #[test]
    fn open_data_past_publication_without_doi() {
        let mut dmp = base();
        dmp.datasets[0].doi = None;
        let w = messages(&dmp, Severity::Warning);
        assert!(
            w.iter()
                .any(|m| m.contains("非制限公開 since 2024-04-01 but has no DOI")),
            "{w:?}"
        );
        // Not yet due: no warning.
        dmp.datasets[0].publication_date = Some(day(2027, 1, 1));
        assert!(!messages(&dmp, Severity::Warning)
            .iter()
            .any(|m| m.contains("DOI")));
    }
}

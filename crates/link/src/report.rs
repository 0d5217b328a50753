//! AMED's deposit report: per planned dataset, whether it was deposited as
//! the plan says, and by when it must be.
//!
//! AMED's rule: data under restricted sharing (制限共有) must move to
//! publication by the earlier of two years after the project's end and the
//! publication of its results. The report gives each entry of each plan:
//!
//! - its **due date**: for 非制限公開 and 制限公開 the planned publication
//!   date (none planned: the project's end + 24 months); for 制限共有 the
//!   earlier of the planned date and the project's end + 24 months; for
//!   その他 (or no method) the planned date, if any;
//! - its accepted deposits, with access and publication date (the first
//!   `Issued` date, else `Available`, else 1 January of the publication year);
//! - a **status**: [`DepositStatus`]. With deposits: none of fitting access
//!   (非制限公開 → open; 制限公開 → restricted or embargoed; 制限共有 → open
//!   or restricted; その他 → any) is *deposited with other access*; else the
//!   earliest fitting one published on or before the due date is *deposited
//!   as planned*, after it *deposited late*. Without: *not yet due* until
//!   the due date (inclusive), then *overdue*. 非公開 is *not applicable*.
//!
//! ```
//! use dmpgraph_link::report::{report, DepositStatus};
//! use dmpgraph_model::{Dataset, Dmp, SharingMethod};
//! use chrono::NaiveDate;
//! let mut plan = Dmp::new("21ek0109555h0001", "課題");
//! plan.project.end = NaiveDate::from_ymd_opt(2024, 3, 31);
//! plan.datasets.push(Dataset {
//!     number: 1,
//!     sharing: Some(SharingMethod::RestrictedSharingExternal),
//!     ..Dataset::default()
//! });
//! let r = report(&[plan], &[], &[], NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
//! assert_eq!(r.rows[0].due, NaiveDate::from_ymd_opt(2026, 3, 31));
//! assert_eq!(r.rows[0].status, DepositStatus::Overdue);
//! assert_eq!(r.rows[0].days_overdue, Some(1));
//! ```

use crate::{EntryRef, Link, Plan, Status};
use chrono::NaiveDate;
use dmpgraph_model::deposit::{Access, Deposit};
use dmpgraph_model::{Dataset, Dmp, Project, SharingMethod};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Where a planned dataset stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DepositStatus {
    /// Deposited with the access planned, on time.
    DepositedAsPlanned,
    /// Deposited with the access planned, after the due date.
    DepositedLate,
    /// Deposited, but with other access than planned.
    DepositedOtherAccess,
    /// Not deposited; not due yet.
    NotYetDue,
    /// Not deposited; past its due date.
    Overdue,
    /// 非公開: not to be published.
    NotApplicable,
    /// A plan another funder funds (a maDMP plan from elsewhere): linked,
    /// its deposits shown, but AMED's rule does not apply and the report
    /// leaves it out ([`Report::rows`] never holds it).
    OtherFunder,
}

impl DepositStatus {
    /// Every status of the report, in report order
    /// ([`DepositStatus::OtherFunder`] is not one).
    pub const ALL: [DepositStatus; 6] = [
        DepositStatus::DepositedAsPlanned,
        DepositStatus::DepositedLate,
        DepositStatus::DepositedOtherAccess,
        DepositStatus::NotYetDue,
        DepositStatus::Overdue,
        DepositStatus::NotApplicable,
    ];

    /// `deposited_as_planned`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            DepositStatus::DepositedAsPlanned => "deposited_as_planned",
            DepositStatus::DepositedLate => "deposited_late",
            DepositStatus::DepositedOtherAccess => "deposited_other_access",
            DepositStatus::NotYetDue => "not_yet_due",
            DepositStatus::Overdue => "overdue",
            DepositStatus::NotApplicable => "not_applicable",
            DepositStatus::OtherFunder => "other_funder",
        }
    }

    /// The status in Japanese.
    pub fn label_ja(self) -> &'static str {
        match self {
            DepositStatus::DepositedAsPlanned => "計画どおり公開",
            DepositStatus::DepositedLate => "遅れて公開",
            DepositStatus::DepositedOtherAccess => "計画と異なるアクセスで公開",
            DepositStatus::NotYetDue => "期限前",
            DepositStatus::Overdue => "期限超過",
            DepositStatus::NotApplicable => "対象外",
            DepositStatus::OtherFunder => "他の資金配分機関の課題",
        }
    }
}

/// A deposit of an entry, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ReportDeposit {
    /// `doi:10.…`, `jga:JGAD…`.
    pub id: String,
    /// `datacite`, `crossref`, `jalc`, `ddbj`.
    pub source: String,
    /// Its access.
    pub access: Option<Access>,
    /// When it was published.
    pub published: Option<NaiveDate>,
    /// Its landing page.
    pub url: Option<String>,
    /// How it stands to the entry: `IsDepositOf` (it is the planned
    /// dataset), or a hierarchy link's relation (`IsPartOf`, `IsVersionOf`,
    /// `IsSupplementTo`; see [`crate::Link::relation`]).
    pub relation: String,
}

/// One planned dataset.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ReportRow {
    /// The entry.
    pub entry: EntryRef,
    /// 研究開発課題名.
    pub plan_title: String,
    /// データの名称.
    pub dataset_name: Option<String>,
    /// 事業名 (else プログラム名, else the grant's programme code).
    pub programme: String,
    /// The PI's institution.
    pub institution: String,
    /// The planned sharing method.
    pub sharing: Option<SharingMethod>,
    /// 公開予定日.
    pub planned_date: Option<NaiveDate>,
    /// The rule's deadline (制限共有: the project's end + 24 months).
    pub deadline: Option<NaiveDate>,
    /// The date the entry is due by.
    pub due: Option<NaiveDate>,
    /// The accepted deposits.
    pub deposits: Vec<ReportDeposit>,
    /// Where it stands.
    pub status: DepositStatus,
    /// Days past the due date (overdue entries).
    pub days_overdue: Option<i64>,
}

/// Counts by status of a programme or an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// The programme or institution.
    pub key: String,
    /// Entries by status.
    pub counts: BTreeMap<DepositStatus, u64>,
    /// Entries.
    pub total: u64,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The day it is as of.
    pub today: NaiveDate,
    /// One row per entry, by entry.
    pub rows: Vec<ReportRow>,
    /// Totals per programme.
    pub by_programme: Vec<Totals>,
    /// Totals per institution.
    pub by_institution: Vec<Totals>,
}

/// A date as registries write it: `YYYY-MM-DD` (or a date-time), `YYYY-MM`
/// (its first day), `YYYY` (1 January).
fn date_value(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    let part = |r: std::ops::Range<usize>| v.get(r).and_then(|s| s.parse::<u32>().ok());
    let y = v.get(..4)?.parse::<i32>().ok()?;
    let m = if v.len() >= 7 { part(5..7)? } else { 1 };
    let d = if v.len() >= 10 { part(8..10)? } else { 1 };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// When a deposit was published: its first `Issued` date, else
/// `Available`, else 1 January of its publication year.
pub fn published(d: &Deposit) -> Option<NaiveDate> {
    ["Issued", "Available"]
        .iter()
        .find_map(|k| d.dates.iter().find(|x| x.kind == *k))
        .and_then(|x| date_value(&x.value))
        .or_else(|| {
            d.publication_year
                .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
        })
}

/// Whether a deposit's access is what the plan's sharing method promises.
pub fn access_fits(sharing: Option<SharingMethod>, access: Option<Access>) -> bool {
    match sharing {
        None | Some(SharingMethod::Other) => true,
        Some(SharingMethod::UnrestrictedPublication) => access == Some(Access::Open),
        Some(SharingMethod::RestrictedPublication) => {
            matches!(access, Some(Access::Restricted | Access::Embargoed))
        }
        Some(
            SharingMethod::RestrictedSharingExternal | SharingMethod::RestrictedSharingInternal,
        ) => {
            matches!(access, Some(Access::Open | Access::Restricted))
        }
        Some(SharingMethod::NotPublished) => false,
    }
}

/// The date an entry is due by (see the module's rule); `None`: never due.
pub fn due_date(project: &Project, ds: &Dataset) -> Option<NaiveDate> {
    let two_years = project
        .end
        .map(|e| e.checked_add_months(chrono::Months::new(24)).unwrap_or(e));
    match ds.sharing {
        Some(s) if s.is_publication() => ds.publication_date.or(two_years),
        Some(s) if s.is_restricted_sharing() => match (ds.publication_date, two_years) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        Some(SharingMethod::NotPublished) => None,
        _ => ds.publication_date,
    }
}

/// The status of one entry, given its accepted deposits.
pub fn status_of(
    project: &Project,
    ds: &Dataset,
    deposits: &[&Deposit],
    today: NaiveDate,
) -> DepositStatus {
    if ds.sharing == Some(SharingMethod::NotPublished) {
        return DepositStatus::NotApplicable;
    }
    let due = due_date(project, ds);
    if deposits.is_empty() {
        return match due {
            Some(d) if today > d => DepositStatus::Overdue,
            _ => DepositStatus::NotYetDue,
        };
    }
    let fitting: Vec<Option<NaiveDate>> = deposits
        .iter()
        .filter(|d| access_fits(ds.sharing, d.access))
        .map(|d| published(d))
        .collect();
    if fitting.is_empty() {
        return DepositStatus::DepositedOtherAccess;
    }
    // The earliest known date; unknown dates count as on time.
    let earliest = if fitting.iter().any(Option::is_none) {
        None
    } else {
        fitting.iter().flatten().min().copied()
    };
    match (earliest, due) {
        (Some(p), Some(d)) if p > d => DepositStatus::DepositedLate,
        _ => DepositStatus::DepositedAsPlanned,
    }
}

fn programme(project: &Project) -> String {
    project
        .business_name
        .clone()
        .or_else(|| project.program_name.clone())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| {
            project
                .grant_number
                .get(2..4)
                .unwrap_or("(unknown)")
                .to_string()
        })
}

/// The report over `plans`, with the accepted `links` to `deposits`, as of
/// `today`. Linear in plans, deposits and links.
pub fn report(plans: &[Dmp], deposits: &[Deposit], links: &[Link], today: NaiveDate) -> Report {
    let plans: Vec<Plan<'_>> = plans.iter().map(Plan::of).collect();
    as_of(rows_of(&plans, deposits, links, today), today)
}

/// The rows of every entry of `plans` as of `today`, those of plans
/// another funder funds included ([`DepositStatus::OtherFunder`]: what
/// their entries' records show of their deposits), unsorted.
pub fn rows_of(
    plans: &[Plan<'_>],
    deposits: &[Deposit],
    links: &[Link],
    today: NaiveDate,
) -> Vec<ReportRow> {
    let by_id: HashMap<String, &Deposit> = deposits.iter().map(|d| (d.id.to_string(), d)).collect();
    let mut linked: HashMap<&EntryRef, Vec<(&Deposit, &str)>> = HashMap::new();
    for l in links.iter().filter(|l| l.status == Status::Accepted) {
        if let Some(d) = by_id.get(&l.deposit.to_string()) {
            linked
                .entry(&l.entry)
                .or_default()
                .push((d, l.relation.as_str()));
        }
    }
    let mut rows = Vec::new();
    for &Plan {
        id,
        dmp: plan,
        funded,
    } in plans
    {
        for ds in &plan.datasets {
            let entry = EntryRef::new(id, ds.number);
            let mut with_relation: Vec<(&Deposit, &str)> =
                linked.get(&entry).cloned().unwrap_or_default();
            // A deposit linked twice (directly and through another) counts
            // once, as the direct link says.
            with_relation.sort_by_key(|(d, r)| (d.id.to_string(), *r != crate::IS_DEPOSIT_OF));
            with_relation.dedup_by_key(|(d, _)| d.id.to_string());
            let ds_deposits: Vec<&Deposit> = with_relation.iter().map(|(d, _)| *d).collect();
            let (status, due) = if funded {
                (
                    status_of(&plan.project, ds, &ds_deposits, today),
                    due_date(&plan.project, ds),
                )
            } else {
                (DepositStatus::OtherFunder, None)
            };
            rows.push(ReportRow {
                plan_title: plan.project.title.clone(),
                dataset_name: ds.name.clone(),
                programme: programme(&plan.project),
                institution: plan
                    .pi
                    .institution
                    .clone()
                    .unwrap_or_else(|| "(unknown)".into()),
                sharing: ds.sharing,
                planned_date: ds.publication_date,
                deadline: ds.publication_deadline(&plan.project),
                due,
                deposits: with_relation
                    .iter()
                    .map(|(d, relation)| ReportDeposit {
                        id: d.id.to_string(),
                        source: d.source.as_str().into(),
                        access: d.access,
                        published: published(d),
                        url: d.url.clone(),
                        relation: (*relation).to_string(),
                    })
                    .collect(),
                days_overdue: (status == DepositStatus::Overdue)
                    .then(|| due.map(|d| (today - d).num_days()))
                    .flatten(),
                status,
                entry,
            });
        }
    }
    rows
}

/// The report of rows computed on another day (kept with a plan's deposit
/// facts), as of `today`: an entry not deposited is overdue once its due
/// date has passed; every other status holds whatever the day. Rows sorted
/// by entry, totals per programme and institution.
pub fn as_of(mut rows: Vec<ReportRow>, today: NaiveDate) -> Report {
    rows.retain(|r| r.status != DepositStatus::OtherFunder);
    for r in &mut rows {
        if matches!(r.status, DepositStatus::NotYetDue | DepositStatus::Overdue) {
            r.status = match r.due {
                Some(d) if today > d => DepositStatus::Overdue,
                _ => DepositStatus::NotYetDue,
            };
            r.days_overdue = (r.status == DepositStatus::Overdue)
                .then(|| r.due.map(|d| (today - d).num_days()))
                .flatten();
        }
    }
    rows.sort_by(|a, b| a.entry.cmp(&b.entry));
    let totals = |key: &dyn Fn(&ReportRow) -> &str| {
        let mut m: BTreeMap<String, BTreeMap<DepositStatus, u64>> = BTreeMap::new();
        for r in &rows {
            *m.entry(key(r).to_string())
                .or_default()
                .entry(r.status)
                .or_default() += 1;
        }
        m.into_iter()
            .map(|(key, counts)| Totals {
                total: counts.values().sum(),
                key,
                counts,
            })
            .collect::<Vec<_>>()
    };
    let by_programme = totals(&|r| r.programme.as_str());
    let by_institution = totals(&|r| r.institution.as_str());
    Report {
        today,
        rows,
        by_programme,
        by_institution,
    }
}

fn deposits_cell(r: &ReportRow) -> String {
    r.deposits
        .iter()
        .map(|d| {
            format!(
                "{} ({}, {})",
                d.id,
                d.access
                    .map(|a| format!("{a:?}").to_lowercase())
                    .unwrap_or_else(|| "access unknown".into()),
                d.published
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "date unknown".into())
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl Report {
    /// The report as JSON (statuses as `deposited_as_planned`, …).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The report as CSV, one row per entry, UTF-8 with a byte-order mark
    /// (so that Excel reads the Japanese right).
    pub fn write_csv(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut w = csv::Writer::from_writer(out);
        let io = |e: csv::Error| std::io::Error::other(e);
        w.write_record([
            "plan",
            "dataset",
            "dataset_name",
            "programme",
            "institution",
            "sharing",
            "planned_date",
            "deadline",
            "due",
            "status",
            "status_ja",
            "days_overdue",
            "deposits",
        ])
        .map_err(io)?;
        for r in &self.rows {
            w.write_record([
                r.entry.plan.clone(),
                r.entry.dataset.to_string(),
                r.dataset_name.clone().unwrap_or_default(),
                r.programme.clone(),
                r.institution.clone(),
                r.sharing
                    .map(|s| s.label_ja().to_string())
                    .unwrap_or_default(),
                opt_date(r.planned_date),
                opt_date(r.deadline),
                opt_date(r.due),
                r.status.as_str().into(),
                r.status.label_ja().into(),
                r.days_overdue.map(|d| d.to_string()).unwrap_or_default(),
                deposits_cell(r),
            ])
            .map_err(io)?;
        }
        w.flush()
    }

    /// The report as tables for people: the entries, then the totals per
    /// programme and per institution.
    pub fn to_table(&self) -> String {
        use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_header([
            "entry", "dataset", "sharing", "planned", "due", "status", "deposits",
        ]);
        for r in &self.rows {
            t.add_row([
                r.entry.to_string(),
                r.dataset_name.clone().unwrap_or_default(),
                r.sharing
                    .map(|s| s.label_ja().to_string())
                    .unwrap_or_default(),
                opt_date(r.planned_date),
                opt_date(r.due),
                match r.days_overdue {
                    Some(d) => format!("{} ({d} days)", r.status.label_ja()),
                    None => r.status.label_ja().into(),
                },
                deposits_cell(r),
            ]);
        }
        let totals = |title: &str, rows: &[Totals]| {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            let mut header = vec![title.to_string()];
            header.extend(DepositStatus::ALL.iter().map(|s| s.label_ja().to_string()));
            header.push("計".into());
            t.set_header(header);
            for r in rows {
                let mut row = vec![r.key.clone()];
                row.extend(
                    DepositStatus::ALL
                        .iter()
                        .map(|s| r.counts.get(s).copied().unwrap_or(0).to_string()),
                );
                row.push(r.total.to_string());
                t.add_row(row);
            }
            t
        };
        format!(
            "deposit report as of {}\n{t}\n{}\n{}",
            self.today,
            totals("事業 (programme)", &self.by_programme),
            totals("機関 (institution)", &self.by_institution)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decider, Method, IS_DEPOSIT_OF};
    use dmpgraph_model::deposit::{DepositDate, Source};
    use dmpgraph_model::identity::Identifier;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn plan(entries: &[(u32, SharingMethod, Option<&str>)]) -> Dmp {
        let mut p = Dmp::new("21ek0109555h0001", "課題");
        p.project.business_name = Some("革新的がん医療実用化研究事業".into());
        p.project.end = Some(date("2024-03-31"));
        p.pi.institution = Some("東京大学".into());
        for (n, s, d) in entries {
            p.datasets.push(Dataset {
                number: *n,
                sharing: Some(*s),
                publication_date: d.map(date),
                ..Dataset::default()
            });
        }
        p
    }

    fn deposit(doi: &str, access: Access, issued: &str) -> Deposit {
        let mut d = Deposit::new(Source::DataCite, Identifier::parse(doi));
        d.access = Some(access);
        d.dates.push(DepositDate {
            kind: "Issued".into(),
            value: issued.into(),
        });
        d
    }

    fn link(n: u32, doi: &str, status: Status) -> Link {
        let entry = EntryRef::new("21ek0109555h0001", n);
        let deposit = Identifier::parse(doi);
        Link {
            id: crate::link_id(&entry, &deposit),
            entry,
            deposit,
            method: Method::Explicit,
            relation: IS_DEPOSIT_OF.into(),
            via: None,
            score: 1.0,
            evidence: Vec::new(),
            status,
            decided_by: Decider::System,
            made: "2026-01-01T00:00:00Z".parse().unwrap(),
            note: None,
        }
    }

    #[test]
    fn every_status_and_its_boundaries() {
        use SharingMethod::*;
        let p = plan(&[
            (1, UnrestrictedPublication, Some("2025-04-01")), // on the day: as planned
            (2, UnrestrictedPublication, Some("2025-04-01")), // a day late
            (3, UnrestrictedPublication, Some("2025-04-01")), // restricted: other access
            (4, RestrictedSharingExternal, Some("2030-01-01")), // due 2026-03-31 (end + 2y), today after
            (5, RestrictedSharingExternal, None),               // due 2026-03-31, today is the day
            (6, NotPublished, None),
            (7, RestrictedPublication, Some("2025-01-01")), // embargoed fits
            (8, UnrestrictedPublication, Some("2025-04-01")), // only a proposed link
        ]);
        let deposits = vec![
            deposit("10.99999/a", Access::Open, "2025-04-01"),
            deposit("10.99999/b", Access::Open, "2025-04-02"),
            deposit("10.99999/c", Access::Restricted, "2025-01-01"),
            deposit("10.99999/d", Access::Embargoed, "2024-12"),
            deposit("10.99999/e", Access::Open, "2024"),
        ];
        let links = vec![
            link(1, "10.99999/a", Status::Accepted),
            link(2, "10.99999/b", Status::Accepted),
            link(3, "10.99999/c", Status::Accepted),
            link(7, "10.99999/d", Status::Accepted),
            link(8, "10.99999/e", Status::Proposed),
            link(5, "10.99999/e", Status::Rejected),
        ];
        let today = date("2026-03-31");
        let r = report(std::slice::from_ref(&p), &deposits, &links, today);
        let status: Vec<DepositStatus> = r.rows.iter().map(|r| r.status).collect();
        use DepositStatus::*;
        assert_eq!(
            status,
            vec![
                DepositedAsPlanned,
                DepositedLate,
                DepositedOtherAccess,
                NotYetDue,
                NotYetDue,
                NotApplicable,
                DepositedAsPlanned,
                Overdue
            ]
        );
        assert_eq!(r.rows[3].due, Some(date("2026-03-31")));
        assert_eq!(r.rows[3].deadline, Some(date("2026-03-31")));
        let later = report(&[p], &deposits, &links, date("2026-04-02"));
        assert_eq!(later.rows[3].status, Overdue);
        assert_eq!(later.rows[3].days_overdue, Some(2));
        assert_eq!(later.rows[4].status, Overdue);
        // Totals add up.
        assert_eq!(later.by_programme.len(), 1);
        assert_eq!(later.by_programme[0].total, 8);
        assert_eq!(later.by_institution[0].key, "東京大学");
        assert_eq!(later.by_institution[0].counts[&Overdue], 3);
        let json = later.to_json();
        assert_eq!(json["rows"][3]["status"], "overdue");
        assert_eq!(json["rows"][0]["status"], "deposited_as_planned");
        // Rows kept from the first day (as JSON, as a plan's deposit facts
        // keep them) and re-dated give the later day's report, and back.
        let kept: Vec<ReportRow> =
            serde_json::from_value(serde_json::to_value(&r.rows).unwrap()).unwrap();
        assert_eq!(as_of(kept.clone(), date("2026-04-02")), later);
        assert_eq!(as_of(later.rows.clone(), today), r);
        assert_ne!(as_of(kept, date("2026-04-02")), r);
    }

    #[test]
    fn csv_has_a_bom_and_reads_back() {
        let p = plan(&[(
            1,
            SharingMethod::UnrestrictedPublication,
            Some("2025-04-01"),
        )]);
        let r = report(&[p], &[], &[], date("2026-01-01"));
        let mut out = Vec::new();
        r.write_csv(&mut out).unwrap();
        assert!(out.starts_with("\u{feff}".as_bytes()));
        let mut rd = csv::Reader::from_reader(&out[3..]);
        let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][9], "overdue");
        assert_eq!(&rows[0][10], "期限超過");
        assert!(r.to_table().contains("期限超過"));
    }

    #[test]
    fn thirty_thousand_plans() {
        let mut plans = Vec::new();
        let mut deposits = Vec::new();
        let mut links = Vec::new();
        for i in 0..30_000u32 {
            let mut p = plan(&[
                (
                    1,
                    SharingMethod::UnrestrictedPublication,
                    Some("2025-04-01"),
                ),
                (2, SharingMethod::RestrictedSharingExternal, None),
                (3, SharingMethod::RestrictedPublication, Some("2027-04-01")),
                (4, SharingMethod::NotPublished, None),
            ]);
            p.project.grant_number = format!("21ek{i:07}h0001");
            if i % 3 != 0 {
                let doi = format!("10.99999/{i}");
                deposits.push(deposit(&doi, Access::Open, "2025-03-01"));
                let mut l = link(1, &doi, Status::Accepted);
                l.entry.plan = p.project.grant_number.clone();
                links.push(l);
            }
            plans.push(p);
        }
        let r = report(&plans, &deposits, &links, date("2026-12-01"));
        assert_eq!(r.rows.len(), 120_000);
        assert_eq!(
            r.by_programme[0].counts[&DepositStatus::DepositedAsPlanned],
            20_000
        );
    }
}

//! The labelled evaluation set of the linker: generated plans, the deposits
//! a harvest would bring (as the connectors map them), and the ground truth:
//! every true link of a planned dataset (an entry) to a deposit, with the
//! method expected to find it and the traps it passes, and the deposit
//! report's expected status of every entry.
//!
//! Deterministic: the same [`LinkSetOptions`] give the same set, byte for
//! byte; no wall clock (`today` is fixed at 2026-12-01). Linear in its
//! sizes: a million records take seconds.
//!
//! ```
//! use dmpgraph_dev::linkset::{linkset, LinkSetOptions};
//! let set = linkset(&LinkSetOptions { plans: 10, records: 100, seed: 7 });
//! assert_eq!(set.plans.len(), 10);
//! assert!(set.deposits.len() >= 100);
//! assert_eq!(set, linkset(&LinkSetOptions { plans: 10, records: 100, seed: 7 }));
//! ```

use crate::generate::{
    Rng, DISEASES, GIVEN_NAMES, GOALS, INSTITUTIONS, METHODS, ROMAN_SURNAMES, SURNAMES,
};
use crate::generated_dmp;
use anyhow::{Context, Result};
use chrono::{Datelike, Days, Months, NaiveDate};
use dmpgraph_link::{EntryRef, Method};
use dmpgraph_model::award;
use dmpgraph_model::deposit::{
    Access, Affiliation, Creator, Deposit, DepositDate, Funding, LangText, Related, Source,
};
use dmpgraph_model::identity::Identifier;
use dmpgraph_model::{
    CatalogConfig, DataClass, DataSubject, Dataset, Dmp, Funder, Project, SharingMethod,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

/// The glossary the English deposits are written with (`mappings/link-glossary.toml`).
pub const GLOSSARY_TOML: &str = include_str!("../../../mappings/link-glossary.toml");

/// Every trap of the set, as `Truth.traps` and `ExpectedStatus.traps` name them.
pub const TRAPS: &[&str] = &[
    "explicit-doi",
    "explicit-accession",
    "award-fullwidth",
    "award-space",
    "award-hyphen",
    "award-no-jp",
    "award-full-number",
    "award-other-year",
    "same-title-other-grant",
    "lookalike-number",
    "english-deposit",
    "similar-entries",
    "versioned-doi",
    "jga-hierarchy",
    "dra-hierarchy",
    "paper-cites-dataset",
    "not-deposited",
];

/// Every status of the deposit report.
pub const STATUSES: &[&str] = &[
    "not_applicable",
    "deposited_as_planned",
    "deposited_late",
    "deposited_other_access",
    "not_yet_due",
    "overdue",
];

/// The sizes and seed of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkSetOptions {
    /// Plans.
    pub plans: usize,
    /// Deposits in all: distractors fill up to this many (more when the
    /// plans' own deposits and traps alone need more).
    pub records: usize,
    /// The seed.
    pub seed: u64,
}

impl Default for LinkSetOptions {
    /// The committed set of `tests/linking/`.
    fn default() -> LinkSetOptions {
        LinkSetOptions {
            plans: 120,
            records: 1200,
            seed: 1,
        }
    }
}

/// One true link of an entry to a deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    /// The planned dataset.
    pub entry: EntryRef,
    /// The deposit's id.
    pub deposit: Identifier,
    /// The method expected to find the link.
    pub method: Method,
    /// The traps this link passes (names of [`TRAPS`]).
    pub traps: Vec<String>,
}

/// The deposit report's status of an entry, as of the set's `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedStatus {
    /// The planned dataset.
    pub entry: EntryRef,
    /// One of [`STATUSES`].
    pub status: String,
    /// The entry-level traps around it (`not-deposited`, `lookalike-number`,
    /// `similar-entries`), also for entries without a deposit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traps: Vec<String>,
}

/// A generated evaluation set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSet {
    /// The plans.
    pub plans: Vec<Dmp>,
    /// Every deposit: true ones and distractors, shuffled.
    pub deposits: Vec<Deposit>,
    /// Every true link.
    pub truth: Vec<Truth>,
    /// The expected status of every entry.
    pub statuses: Vec<ExpectedStatus>,
    /// The day the statuses hold for.
    pub today: NaiveDate,
}

/// The set's fixed day, 2026-12-01.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid date")
}

// ---------------------------------------------------------------------------
// The report's rules

/// When an entry's data are due: the planned date for 非制限公開 / 制限公開
/// (without one, project end + 24 months); for 制限共有 the earlier of the
/// planned date and project end + 24 months; for その他 the planned date;
/// never for 非公開.
pub fn due_date(project: &Project, ds: &Dataset) -> Option<NaiveDate> {
    let end24 = project
        .end
        .and_then(|e| e.checked_add_months(Months::new(24)));
    match ds.sharing? {
        SharingMethod::UnrestrictedPublication | SharingMethod::RestrictedPublication => {
            ds.publication_date.or(end24)
        }
        SharingMethod::RestrictedSharingExternal | SharingMethod::RestrictedSharingInternal => {
            match (ds.publication_date, end24) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
        SharingMethod::Other => ds.publication_date,
        SharingMethod::NotPublished => None,
    }
}

/// A date as a deposit writes it (`2024-03-15`, a date-time, `2024-03`, `2024`).
fn date_value(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    if let Some(d) = v
        .get(..10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    if let Some(d) = v
        .get(..7)
        .and_then(|s| NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    v.get(..4)
        .and_then(|y| y.parse().ok())
        .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
}

/// A deposit's publication date: its first `Issued` date, else its first
/// `Available`, else 1 January of its publication year (a date's first ten
/// characters are read, so date-times count by their date).
pub fn published(d: &Deposit) -> Option<NaiveDate> {
    for kind in ["Issued", "Available"] {
        if let Some(x) = d.dates.iter().find(|x| x.kind == kind) {
            if let Some(v) = date_value(&x.value) {
                return Some(v);
            }
        }
    }
    d.publication_year
        .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
}

/// Whether a deposit's access fits the plan: 非制限公開 Open; 制限公開
/// Restricted or Embargoed; 制限共有 Open or Restricted; その他 any (also
/// unknown). Unknown access fits no other method.
pub fn access_fits(sharing: Option<SharingMethod>, access: Option<Access>) -> bool {
    use SharingMethod as S;
    match sharing {
        Some(S::UnrestrictedPublication) => access == Some(Access::Open),
        Some(S::RestrictedPublication) => {
            matches!(access, Some(Access::Restricted | Access::Embargoed))
        }
        Some(S::RestrictedSharingExternal | S::RestrictedSharingInternal) => {
            matches!(access, Some(Access::Open | Access::Restricted))
        }
        Some(S::Other) | None => true,
        Some(S::NotPublished) => false,
    }
}

/// The report's status of an entry with its truly linked deposits.
pub fn status_of(
    project: &Project,
    ds: &Dataset,
    linked: &[&Deposit],
    today: NaiveDate,
) -> &'static str {
    if ds.sharing == Some(SharingMethod::NotPublished) {
        return "not_applicable";
    }
    let due = due_date(project, ds);
    if !linked.is_empty() {
        let earliest = linked
            .iter()
            .filter(|d| access_fits(ds.sharing, d.access))
            .map(|d| published(d))
            .min_by_key(|p| p.unwrap_or(NaiveDate::MAX));
        return match earliest {
            None => "deposited_other_access",
            Some(p) => match (p, due) {
                (Some(p), Some(due)) if p > due => "deposited_late",
                _ => "deposited_as_planned",
            },
        };
    }
    match due {
        Some(due) if today > due => "overdue",
        _ => "not_yet_due",
    }
}

// ---------------------------------------------------------------------------
// Word lists

/// English names of [`DISEASES`], in the glossary's terms.
const DISEASES_EN: &[&str] = &[
    "lung cancer",
    "colorectal cancer",
    "amyotrophic lateral sclerosis",
    "ulcerative colitis",
    "type 2 diabetes",
    "atrial fibrillation",
    "Alzheimer's disease",
    "tuberculosis",
    "rheumatoid arthritis",
    "pediatric leukemia",
];

/// Romanised [`GIVEN_NAMES`].
const GIVEN_ROMAN: &[&str] = &[
    "Kenichi", "Naomi", "Daisuke", "Miho", "Shota", "Aya", "Koji", "Yumi", "Takuya", "Mariko",
    "Ryo", "Megumi", "Makoto", "Yuko",
];

/// English names, ROR ids and a repository DOI prefix of [`INSTITUTIONS`].
const INSTITUTIONS_EN: &[(&str, &str, &str)] = &[
    (
        "Hokkaido University",
        "https://ror.org/02e16g702",
        "10.14943",
    ),
    ("Tohoku University", "https://ror.org/01dq60k83", "10.50974"),
    (
        "The University of Tokyo",
        "https://ror.org/057zh3y96",
        "10.15083",
    ),
    (
        "Institute of Science Tokyo",
        "https://ror.org/05dqf9946",
        "10.34444",
    ),
    ("Nagoya University", "https://ror.org/04chrp450", "10.18999"),
    ("Kyoto University", "https://ror.org/02kpeqv85", "10.14989"),
    ("Osaka University", "https://ror.org/035t8zc32", "10.18910"),
    ("Kobe University", "https://ror.org/03tgsfw79", "10.24546"),
    (
        "Okayama University",
        "https://ror.org/02pc6pc55",
        "10.18926",
    ),
    ("Kyushu University", "https://ror.org/00p4k0j84", "10.15017"),
];

/// A kind of data: its Japanese and English name (glossary terms), where it goes.
struct Kind {
    ja: &'static str,
    en: &'static str,
    /// Controlled-access human sequence data (JGA).
    jga: bool,
    /// Sequence data (DRA when not JGA).
    seq: bool,
    /// About model mice rather than patients.
    mouse: bool,
    format: &'static str,
    resource_type: &'static str,
}

const fn kind(
    ja: &'static str,
    en: &'static str,
    jga: bool,
    seq: bool,
    mouse: bool,
    format: &'static str,
    resource_type: &'static str,
) -> Kind {
    Kind {
        ja,
        en,
        jga,
        seq,
        mouse,
        format,
        resource_type,
    }
}

const KINDS: &[Kind] = &[
    kind(
        "全ゲノムシーケンスデータ",
        "whole genome sequencing data",
        true,
        true,
        false,
        "FASTQ",
        "Sequencing data",
    ),
    kind(
        "全エクソームシーケンスデータ",
        "whole exome sequencing data",
        true,
        true,
        false,
        "BAM",
        "Sequencing data",
    ),
    kind(
        "遺伝子発現データ（RNA-seq）",
        "gene expression data (RNA-seq)",
        true,
        true,
        false,
        "FASTQ",
        "Sequencing data",
    ),
    kind(
        "単一細胞RNA-seqデータ",
        "single-cell RNA-seq data",
        true,
        true,
        false,
        "FASTQ",
        "Sequencing data",
    ),
    kind(
        "DNAメチル化データ",
        "DNA methylation data",
        true,
        true,
        false,
        "IDAT",
        "Array data",
    ),
    kind(
        "GWAS要約統計量",
        "GWAS summary statistics",
        false,
        false,
        false,
        "TSV",
        "Tabular data",
    ),
    kind(
        "臨床情報データ",
        "clinical data",
        false,
        false,
        false,
        "CSV",
        "Tabular data",
    ),
    kind(
        "MRI画像データ",
        "MRI imaging data",
        false,
        false,
        false,
        "DICOM",
        "Image",
    ),
    kind(
        "病理画像データ",
        "pathology imaging data",
        false,
        false,
        false,
        "SVS",
        "Image",
    ),
    kind(
        "メタボロームデータ",
        "metabolome data",
        false,
        false,
        false,
        "mzML",
        "Mass spectrometry data",
    ),
    kind(
        "プロテオームデータ",
        "proteome data",
        false,
        false,
        false,
        "mzML",
        "Mass spectrometry data",
    ),
    kind(
        "コホート調査データ",
        "cohort survey data",
        false,
        false,
        false,
        "CSV",
        "Tabular data",
    ),
    kind(
        "腸内細菌叢メタゲノムデータ",
        "gut microbiome metagenome data",
        false,
        true,
        false,
        "FASTQ",
        "Sequencing data",
    ),
    kind(
        "遺伝子発現データ（RNA-seq）",
        "gene expression data (RNA-seq)",
        false,
        true,
        true,
        "FASTQ",
        "Sequencing data",
    ),
    kind(
        "単一細胞RNA-seqデータ",
        "single-cell RNA-seq data",
        false,
        true,
        true,
        "FASTQ",
        "Sequencing data",
    ),
];

/// The raw data of a similar pair, and its analysis results.
const SIMILAR_RAW: Kind = kind(
    "全ゲノムデータ",
    "whole genome data",
    true,
    true,
    false,
    "FASTQ",
    "Sequencing data",
);
const SIMILAR_RESULT: Kind = kind(
    "全ゲノム解析結果",
    "whole genome analysis results",
    false,
    false,
    false,
    "VCF",
    "Variant calls",
);

/// Other funders, as registries name them: (name, Crossref Funder ID).
const JSPS: (&str, &str) = (
    "Japan Society for the Promotion of Science",
    "https://doi.org/10.13039/501100001691",
);
const JST: (&str, &str) = (
    "Japan Science and Technology Agency",
    "https://doi.org/10.13039/501100002241",
);
const MHLW: (&str, &str) = (
    "Ministry of Health, Labour and Welfare",
    "https://doi.org/10.13039/501100003478",
);

const JOURNALS: &[(&str, &str, &str)] = &[
    (
        "10.1038",
        "Springer Science and Business Media LLC",
        "s41467",
    ),
    ("10.1016", "Elsevier BV", "j.ajhg"),
    ("10.1093", "Oxford University Press (OUP)", "nar"),
    ("10.1111", "Wiley", "cas"),
];

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// ASCII to full width (`JP21ek…` → `ＪＰ２１ｅｋ…`).
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A valid ORCID iD (ISO 7064 11-2 check digit) from a number.
fn orcid(n: u64) -> String {
    let base = format!("00000002{:07}", n % 10_000_000);
    let mut total = 0u32;
    for b in base.bytes() {
        total = (total + u32::from(b - b'0')) * 2;
    }
    let check = (12 - total % 11) % 11;
    let check = if check == 10 {
        'X'
    } else {
        char::from(b'0' + check as u8)
    };
    format!(
        "https://orcid.org/{}-{}-{}-{}{check}",
        &base[0..4],
        &base[4..8],
        &base[8..12],
        &base[12..15]
    )
}

fn days(from: NaiveDate, to: NaiveDate) -> u64 {
    u64::try_from((to - from).num_days()).unwrap_or(0)
}

// ---------------------------------------------------------------------------
// The generator

/// A plan as the generator needs it while making its deposits.
struct Plan {
    grant: String,
    year: u8,
    code: String,
    serial: u32,
    start: NaiveDate,
    end: NaiveDate,
    title: String,
    disease: usize,
    entries: usize,
    /// (surname, given name, institution) indexes of the PI.
    pi: (usize, usize, usize),
}

impl Plan {
    fn ack(&self) -> String {
        format!("JP{:02}{}{:07}", self.year, self.code, self.serial)
    }

    /// The method of a link found by the grant alone.
    fn grant_method(&self) -> Method {
        if self.entries == 1 {
            Method::Funding
        } else {
            Method::Inferred
        }
    }

    fn end_year(&self) -> u8 {
        u8::try_from(self.end.year() - 2000).unwrap_or(self.year)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    AsPlanned,
    Late,
    OtherAccess,
    NotYetDue,
    Overdue,
    NotApplicable,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Repo {
    Zenodo,
    Figshare,
    Institutional,
    JstageData,
    Jga,
    Dra,
}

impl Repo {
    fn source(self) -> Source {
        match self {
            Repo::Zenodo | Repo::Figshare => Source::DataCite,
            Repo::Institutional | Repo::JstageData => Source::Jalc,
            Repo::Jga | Repo::Dra => Source::Ddbj,
        }
    }
}

/// How the true deposit can be found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    ExplicitDoi,
    ExplicitAccession,
    Grant,
    Paper,
}

/// One deposit's content before it is mapped to its source's shape.
struct Spec {
    id: String,
    entry_type: &'static str,
    titles: Vec<LangText>,
    descriptions: Vec<LangText>,
    date: NaiveDate,
    access: Option<Access>,
    funding: Vec<Funding>,
    related: Vec<Related>,
    format: &'static str,
    resource_type: &'static str,
    version: Option<String>,
    alternate_ids: Vec<String>,
    /// (surname, given, institution) of the creator.
    person: (usize, usize, usize),
    /// Write only an `Available` date (or only the year with `year_only`).
    available_only: bool,
    year_only: bool,
}

#[derive(Default)]
struct Counters {
    doi: u64,
    jgas: u64,
    jgad: u64,
    dra: u64,
    drr: u64,
    prjdb: u64,
    samd: u64,
    hum: u64,
    paper: u64,
    award: u64,
}

struct Gen {
    rng: Rng,
    funder: Funder,
    deposits: Vec<Deposit>,
    truth: Vec<Truth>,
    statuses: Vec<ExpectedStatus>,
    n: Counters,
    today: NaiveDate,
}

/// The serial of plan `i`: spaced by 4, so that serial ± 1 and serial + 2
/// are no plan's; below 8,300,000, so that the distractors' serials from
/// 9,000,000 are none either.
fn plan_serial(seed: u64, i: usize) -> u32 {
    let base = 100_000 + (seed % 41) as u32 * 200_000;
    base + 4 * i as u32
}

/// Generates the set.
pub fn linkset(opts: &LinkSetOptions) -> LinkSet {
    let mut g = Gen {
        rng: Rng::new(opts.seed ^ 0x4C49_4E4B_5345_5421),
        funder: CatalogConfig::builtin().funder.clone(),
        deposits: Vec::with_capacity(opts.records.max(opts.plans * 8)),
        truth: Vec::new(),
        statuses: Vec::new(),
        n: Counters {
            doi: (opts.seed % 89) * 10_000_000,
            jgas: (opts.seed % 7) * 100_000 + 1,
            jgad: (opts.seed % 7) * 100_000 + 1,
            dra: (opts.seed % 7) * 100_000 + 1,
            drr: (opts.seed % 7) * 1_000_000 + 1,
            prjdb: (opts.seed % 7) * 100_000 + 1,
            samd: (opts.seed % 7) * 1_000_000 + 1,
            hum: (opts.seed % 7) * 1000 + 1,
            paper: 0,
            award: 0,
        },
        today: today(),
    };
    let plans: Vec<Dmp> = (0..opts.plans).map(|i| g.plan(opts.seed, i)).collect();
    while g.deposits.len() < opts.records {
        let d = g.filler();
        g.deposits.push(d);
    }
    // Fisher–Yates: the plans' deposits are not together in the harvest either.
    for i in (1..g.deposits.len()).rev() {
        let j = g.rng.below(i as u64 + 1) as usize;
        g.deposits.swap(i, j);
    }
    LinkSet {
        plans,
        deposits: g.deposits,
        truth: g.truth,
        statuses: g.statuses,
        today: g.today,
    }
}

impl Gen {
    fn chance(&mut self, percent: u64) -> bool {
        self.rng.below(100) < percent
    }

    fn between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        if hi <= lo {
            return lo;
        }
        lo + Days::new(self.rng.below(days(lo, hi) + 1))
    }

    fn next_doi(&mut self, repo: Repo, inst: usize) -> String {
        self.n.doi += 1;
        let c = self.n.doi;
        match repo {
            Repo::Figshare => format!("10.6084/m9.figshare.{}", 20_000_000 + c),
            Repo::Institutional => format!("{}/{:08}", INSTITUTIONS_EN[inst].2, c),
            Repo::JstageData => format!("10.50893/data.jmed.{c}"),
            _ => format!("10.5281/zenodo.{}", 4_000_000 + c),
        }
    }

    fn plan(&mut self, seed: u64, i: usize) -> Dmp {
        let mut dmp = generated_dmp(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
        let year: u8 = dmp.project.grant_number[..2].parse().unwrap_or(21);
        let code = dmp.project.grant_number[2..4].to_string();
        let serial = plan_serial(seed, i);
        let grant = format!("{year:02}{code}{serial:07}h{:04}", 1 + self.rng.below(3));
        let disease = self.rng.below(DISEASES.len() as u64) as usize;
        dmp.project.grant_number = grant.clone();
        dmp.project.title = format!(
            "{}における{}を用いた{}に関する研究",
            DISEASES[disease],
            self.rng.pick(METHODS),
            self.rng.pick(GOALS)
        );
        let name = dmp.pi.name.clone().unwrap_or_default();
        let surname = SURNAMES
            .iter()
            .position(|s| name.starts_with(s))
            .unwrap_or(0);
        let given = GIVEN_NAMES
            .iter()
            .position(|g| name.ends_with(g))
            .unwrap_or(0);
        let inst = dmp
            .pi
            .institution
            .as_deref()
            .and_then(|n| INSTITUTIONS.iter().position(|x| x.0 == n))
            .unwrap_or(0);
        let entries = if i.is_multiple_of(3) {
            1
        } else {
            2 + self.rng.below(5) as usize
        };
        let plan = Plan {
            grant,
            year,
            code,
            serial,
            start: dmp.project.start.expect("generated plans have a start"),
            end: dmp.project.end.expect("generated plans have an end"),
            title: dmp.project.title.clone(),
            disease,
            entries,
            pi: (surname, given, inst),
        };
        let similar = entries >= 2 && self.chance(30);
        let managers: Vec<_> = dmp.datasets.iter().map(|d| d.manager.clone()).collect();
        dmp.datasets = (1..=entries as u32)
            .map(|n| {
                let role = match (similar, n) {
                    (true, 1) => Some(&SIMILAR_RAW),
                    (true, 2) => Some(&SIMILAR_RESULT),
                    _ => None,
                };
                let mut ds = self.entry(&plan, &dmp.project, n, role);
                ds.manager = managers[(n as usize - 1) % managers.len()].clone();
                ds
            })
            .collect();
        dmp
    }

    /// One entry, its deposits, truths, distractors and status.
    fn entry(
        &mut self,
        p: &Plan,
        project: &Project,
        number: u32,
        similar: Option<&'static Kind>,
    ) -> Dataset {
        use SharingMethod as S;
        let today = self.today;
        let entry_ref = EntryRef::new(p.grant.clone(), number);
        let mut entry_traps: Vec<String> = Vec::new();
        let outcome = if similar.is_some() {
            if self.chance(70) {
                Outcome::AsPlanned
            } else {
                Outcome::Late
            }
        } else {
            match self.rng.below(100) {
                0..=27 => Outcome::AsPlanned,
                28..=42 => Outcome::Late,
                43..=56 => Outcome::OtherAccess,
                57..=71 => Outcome::NotYetDue,
                72..=89 => Outcome::Overdue,
                _ => Outcome::NotApplicable,
            }
        };
        let mut sharing = match (similar, outcome) {
            (Some(k), _) if k.jga => S::RestrictedPublication,
            (Some(_), _) => S::UnrestrictedPublication,
            (None, Outcome::NotApplicable) => S::NotPublished,
            (None, Outcome::OtherAccess) => *self.rng.pick(&[
                S::UnrestrictedPublication,
                S::UnrestrictedPublication,
                S::RestrictedPublication,
                S::RestrictedPublication,
                S::RestrictedSharingExternal,
                S::RestrictedSharingInternal,
            ]),
            (None, _) => *self.rng.pick(&[
                S::UnrestrictedPublication,
                S::UnrestrictedPublication,
                S::UnrestrictedPublication,
                S::RestrictedPublication,
                S::RestrictedPublication,
                S::RestrictedSharingExternal,
                S::RestrictedSharingInternal,
                S::Other,
            ]),
        };
        let kind: &'static Kind = match similar {
            Some(k) => k,
            None => {
                if sharing == S::RestrictedPublication && self.chance(75) {
                    &KINDS[self.rng.below(5) as usize]
                } else {
                    self.rng.pick(KINDS)
                }
            }
        };

        // The planned date, so that the outcome can happen.
        let end24 = p
            .end
            .checked_add_months(Months::new(24))
            .expect("valid date");
        let mut planned = match outcome {
            Outcome::Overdue | Outcome::Late => {
                let room = days(p.start, today).saturating_sub(210);
                Some(p.start + Days::new(180 + self.rng.below(room.max(1))))
            }
            Outcome::NotYetDue => {
                if sharing.is_restricted_sharing() && end24 < today {
                    sharing = *self.rng.pick(&[
                        S::UnrestrictedPublication,
                        S::RestrictedPublication,
                        S::Other,
                    ]);
                }
                if sharing == S::Other && self.chance(30) {
                    None
                } else {
                    Some(today + Days::new(1 + self.rng.below(900)))
                }
            }
            Outcome::AsPlanned | Outcome::OtherAccess => {
                Some(p.start + Days::new(180 + self.rng.below(1600)))
            }
            Outcome::NotApplicable => None,
        };
        if sharing.is_publication() && planned.is_some() && self.chance(12) {
            let ok = match outcome {
                Outcome::Overdue | Outcome::Late => end24 + Days::new(30) < today,
                Outcome::NotYetDue => end24 >= today,
                _ => true,
            };
            if ok {
                planned = None;
            }
        }

        let n_cases = 20 + self.rng.below(980);
        let disease_ja = DISEASES[p.disease];
        let name = if kind.mouse {
            format!("{disease_ja}モデルマウスの{}", kind.ja)
        } else {
            format!("{disease_ja}患者の{}", kind.ja)
        };
        let subject = if kind.mouse {
            DataSubject::NonHumanOrganism
        } else {
            DataSubject::HumanIndividual
        };
        let mut description = if kind.mouse {
            format!(
                "{disease_ja}モデルマウス{n_cases}匹から取得した{}。{}形式で管理する。",
                kind.ja, kind.format
            )
        } else {
            format!(
                "{disease_ja}患者{n_cases}例から取得した{}。{}形式で管理する。",
                kind.ja, kind.format
            )
        };
        let mut ds = Dataset {
            number,
            name: Some(name.clone()),
            subject: Some(subject),
            class: Some(if similar.is_some_and(|k| k.ja == SIMILAR_RESULT.ja) {
                DataClass::ALL[DataClass::ALL.len() - 1]
            } else {
                DataClass::ALL[0]
            }),
            count: Some(if kind.mouse {
                format!("{n_cases}匹")
            } else {
                format!("{n_cases}例")
            }),
            size_per_file: Some(format!("約{}GB", 1 + self.rng.below(200))),
            sharing: Some(sharing),
            publication_date: planned,
            consent: (subject == DataSubject::HumanIndividual).then_some(true),
            ..Dataset::default()
        };
        if subject == DataSubject::HumanIndividual {
            ds.consent_documents = Some("研究参加者への説明文書および同意書".to_string());
        }
        match sharing {
            S::RestrictedSharingExternal => {
                ds.external_parties =
                    Some("研究開発代表者が許諾した共同研究機関の研究者".to_string());
                ds.restriction_reason =
                    Some("論文発表前のため。研究終了後2年以内に公開へ移行する。".to_string());
            }
            S::RestrictedSharingInternal => {
                ds.restriction_reason =
                    Some("論文発表前のため。研究終了後2年以内に公開へ移行する。".to_string());
            }
            S::NotPublished => {
                ds.restriction_reason =
                    Some("個人の特定につながるおそれがあるため公開しない。".to_string());
            }
            S::Other => {
                ds.restriction_reason = Some("公開方法を検討中のため未定。".to_string());
            }
            _ => {}
        }
        let due = {
            let mut probe = ds.clone();
            probe.publication_date = planned;
            due_date(project, &probe)
        };

        let deposited = matches!(
            outcome,
            Outcome::AsPlanned | Outcome::Late | Outcome::OtherAccess
        );
        // Where the data go (also planned for entries not deposited yet).
        let fits = outcome != Outcome::OtherAccess;
        let (repo, access) = self.repo(kind, sharing, fits);
        ds.repository_info =
            Some("公開されている外部のリポジトリあるいはデータベース等".to_string());
        ds.repository_name = Some(
            match repo {
                Repo::Zenodo => "Zenodo",
                Repo::Figshare => "figshare",
                Repo::Institutional => "機関リポジトリ",
                Repo::JstageData => "J-STAGE Data",
                Repo::Jga => *self.rng.pick(&["JGA", "NBDCヒトデータベース（JGA）"]),
                Repo::Dra => *self
                    .rng
                    .pick(&["DDBJ/DRA", "DDBJ Sequence Read Archive (DRA)"]),
            }
            .to_string(),
        );
        ds.repository_url = Some(
            match repo {
                Repo::Zenodo => "https://zenodo.org/",
                Repo::Figshare => "https://figshare.com/",
                Repo::Institutional => "https://repository.example.ac.jp/",
                Repo::JstageData => "https://jstagedata.jst.go.jp/",
                Repo::Jga => "https://www.ddbj.nig.ac.jp/jga/",
                Repo::Dra => "https://www.ddbj.nig.ac.jp/dra/",
            }
            .to_string(),
        );
        if sharing == S::NotPublished {
            ds.repository_info = None;
            ds.repository_name = None;
            ds.repository_url = None;
        }

        let mut linked: Vec<usize> = Vec::new();
        if deposited {
            let date = match outcome {
                Outcome::AsPlanned => {
                    let hi = due.unwrap_or(today).min(today - Days::new(1));
                    let lo = (p.start + Days::new(60)).min(hi);
                    self.between(lo, hi)
                }
                Outcome::Late => {
                    let due = due.expect("a late entry has a due date");
                    self.between(due + Days::new(1), today - Days::new(1))
                }
                _ => self.between(p.start + Days::new(60), today - Days::new(1)),
            };
            let route = match (similar.is_some(), repo) {
                (true, _) => Route::Grant,
                (_, Repo::Dra) => Route::ExplicitAccession,
                // A plan of one entry: the grant alone places the deposit (method funding).
                _ if p.entries == 1 && self.chance(85) => Route::Grant,
                (_, Repo::Jga) => {
                    if self.chance(50) {
                        Route::ExplicitAccession
                    } else {
                        Route::Grant
                    }
                }
                _ => match self.rng.below(100) {
                    0..=34 => Route::ExplicitDoi,
                    35..=79 => Route::Grant,
                    _ => Route::Paper,
                },
            };
            let english = match repo {
                Repo::Jga => self.chance(60),
                Repo::Dra => self.chance(70),
                _ => self.chance(35),
            };
            let (titles, descriptions) = self.texts(p, kind, &name, n_cases, english, repo);
            let mut ctx = EntryCtx {
                entry: entry_ref.clone(),
                date,
                access,
                titles,
                descriptions,
                kind,
                route,
                similar: similar.is_some(),
                linked: Vec::new(),
                grant_deposits: Vec::new(),
            };
            match repo {
                Repo::Jga => self.jga(p, &mut ctx, &mut ds, &mut description),
                Repo::Dra => self.dra(p, &mut ctx, &mut ds, &mut description),
                _ => self.doi_deposit(p, &mut ctx, &mut ds, repo),
            }
            linked = ctx.linked;
            let grant_deposits = ctx.grant_deposits;
            if similar.is_some() {
                entry_traps.push("similar-entries".into());
            }
            // A deposit of another grant or funder with the very same title.
            for &k in &grant_deposits {
                if self.chance(30) {
                    self.same_title(p, k);
                    self.trap_on_deposit(k, "same-title-other-grant");
                }
            }
        } else if self.chance(75) {
            // Not deposited, but AMED-funded deposits of other grants on the same subject.
            for _ in 0..1 + self.rng.below(2) {
                self.nearby_other_grant(p, kind, &name);
            }
            entry_traps.push("not-deposited".into());
        }
        if sharing != S::NotPublished && self.chance(22) {
            for _ in 0..1 + self.rng.below(2) {
                self.lookalike(p, kind);
            }
            entry_traps.push("lookalike-number".into());
            for t in self
                .truth
                .iter_mut()
                .rev()
                .take_while(|t| t.entry == entry_ref)
            {
                if !t.traps.iter().any(|x| x == "lookalike-number") {
                    t.traps.push("lookalike-number".into());
                }
            }
        }
        ds.description = Some(description);
        let linked: Vec<&Deposit> = linked.iter().map(|&k| &self.deposits[k]).collect();
        let status = status_of(project, &ds, &linked, today);
        self.statuses.push(ExpectedStatus {
            entry: entry_ref,
            status: status.to_string(),
            traps: entry_traps,
        });
        ds
    }

    fn trap_on_deposit(&mut self, k: usize, trap: &str) {
        let id = self.deposits[k].id.clone();
        if let Some(t) = self.truth.iter_mut().rev().find(|t| t.deposit == id) {
            t.traps.push(trap.to_string());
        }
    }

    /// The repository and access of an entry's deposit: fitting the plan or not.
    fn repo(&mut self, kind: &Kind, sharing: SharingMethod, fits: bool) -> (Repo, Option<Access>) {
        use SharingMethod as S;
        let open = Some(Access::Open);
        if fits {
            match sharing {
                S::UnrestrictedPublication => {
                    if kind.seq && !kind.jga {
                        (Repo::Dra, open)
                    } else {
                        (
                            *self.rng.pick(&[Repo::Zenodo, Repo::Zenodo, Repo::Figshare]),
                            open,
                        )
                    }
                }
                S::RestrictedPublication => {
                    if kind.jga {
                        (Repo::Jga, Some(Access::Restricted))
                    } else {
                        (
                            Repo::Zenodo,
                            *self
                                .rng
                                .pick(&[Some(Access::Restricted), Some(Access::Embargoed)]),
                        )
                    }
                }
                S::RestrictedSharingExternal | S::RestrictedSharingInternal => {
                    if kind.jga {
                        (Repo::Jga, Some(Access::Restricted))
                    } else if kind.seq {
                        (Repo::Dra, open)
                    } else {
                        (*self.rng.pick(&[Repo::Zenodo, Repo::Figshare]), open)
                    }
                }
                _ => {
                    let r = *self.rng.pick(&[
                        Repo::Institutional,
                        Repo::JstageData,
                        Repo::Zenodo,
                        Repo::Figshare,
                    ]);
                    (
                        r,
                        if r.source() == Source::Jalc {
                            None
                        } else {
                            open
                        },
                    )
                }
            }
        } else {
            match sharing {
                S::UnrestrictedPublication => {
                    if kind.jga {
                        (Repo::Jga, Some(Access::Restricted))
                    } else {
                        *self.rng.pick(&[
                            (Repo::Zenodo, Some(Access::Embargoed)),
                            (Repo::Zenodo, Some(Access::Restricted)),
                            (Repo::Institutional, None),
                            (Repo::JstageData, None),
                        ])
                    }
                }
                S::RestrictedPublication => {
                    if kind.seq && !kind.jga {
                        (Repo::Dra, open)
                    } else {
                        (*self.rng.pick(&[Repo::Zenodo, Repo::Figshare]), open)
                    }
                }
                _ => *self.rng.pick(&[
                    (Repo::Zenodo, Some(Access::Embargoed)),
                    (Repo::Zenodo, Some(Access::Closed)),
                    (Repo::Institutional, None),
                ]),
            }
        }
    }

    /// The deposit's titles and descriptions: Japanese (JaLC adds English), or English only.
    fn texts(
        &mut self,
        p: &Plan,
        kind: &Kind,
        name: &str,
        n_cases: u64,
        english: bool,
        repo: Repo,
    ) -> (Vec<LangText>, Vec<LangText>) {
        let d_en = DISEASES_EN[p.disease];
        let d_ja = DISEASES[p.disease];
        let whom = if kind.mouse { "model mice" } else { "patients" };
        let en_title = capitalised(&format!("{} of {d_en} {whom}", kind.en));
        let en_desc = format!(
            "{} obtained from {n_cases} {d_en} {whom} ({}).",
            capitalised(kind.en),
            kind.format
        );
        let ja_title = if self.chance(50) {
            name.to_string()
        } else if kind.mouse {
            format!("{d_ja}モデルマウス{n_cases}匹の{}", kind.ja)
        } else {
            format!("{d_ja}患者{n_cases}例の{}", kind.ja)
        };
        let ja_desc = if kind.mouse {
            format!(
                "{d_ja}モデルマウス{n_cases}匹から得られた{}（{}）。",
                kind.ja, kind.format
            )
        } else {
            format!(
                "{d_ja}患者{n_cases}例から得られた{}（{}）。",
                kind.ja, kind.format
            )
        };
        let lang = |t: String, l: &str| LangText::new(t, Some(l));
        if english {
            (vec![lang(en_title, "en")], vec![lang(en_desc, "en")])
        } else if repo.source() == Source::Jalc {
            (
                vec![lang(ja_title, "ja"), lang(en_title, "en")],
                vec![lang(ja_desc, "ja")],
            )
        } else {
            (vec![lang(ja_title, "ja")], vec![lang(ja_desc, "ja")])
        }
    }

    /// An AMED funding reference of the plan's grant as `source` writes it;
    /// the award in one of the written forms, the trap named (`None` for the plain form).
    fn amed_funding(
        &mut self,
        p: &Plan,
        source: Source,
        labelled: bool,
    ) -> (Funding, Option<&'static str>) {
        // The forms of links found by the grant in turn, so that every form
        // is as frequent; others at random.
        let form = if labelled {
            self.n.award += 1;
            self.n.award % 10
        } else {
            self.rng.below(10)
        };
        let (written, trap) = match form {
            0..=3 => (p.ack(), None),
            4 => (full_width(&p.ack()), Some("award-fullwidth")),
            5 => (
                format!("JP {:02}{}{:07}", p.year, p.code, p.serial),
                Some("award-space"),
            ),
            6 => (
                format!("JP{:02}-{}-{:07}", p.year, p.code, p.serial),
                Some("award-hyphen"),
            ),
            7 => (
                format!("{:02}{}{:07}", p.year, p.code, p.serial),
                Some("award-no-jp"),
            ),
            8 => (p.grant.clone(), Some("award-full-number")),
            _ => {
                let span = u64::from(p.end_year().saturating_sub(p.year)).max(1);
                let y = p.year + 1 + self.rng.below(span) as u8;
                (
                    format!("JP{y:02}{}{:07}", p.code, p.serial),
                    Some("award-other-year"),
                )
            }
        };
        let mut f = self.amed_reference(source);
        f.award_normalised = award::normalise(&written);
        f.award_number = Some(written);
        if source == Source::Ddbj {
            f.award_title = Some(p.title.clone());
        }
        (f, trap)
    }

    /// AMED named as a source names it, without an award.
    fn amed_reference(&mut self, source: Source) -> Funding {
        let fd = self.funder.clone();
        match source {
            Source::DataCite => match self.rng.below(5) {
                0 => Funding {
                    funder_name: Some(fd.name),
                    ..Funding::default()
                },
                1 => Funding {
                    funder_name: Some(fd.name),
                    funder_id: Some(fd.crossref_funder_id),
                    funder_id_type: Some("Crossref Funder ID".into()),
                    ..Funding::default()
                },
                2 => Funding {
                    funder_name: Some(fd.name),
                    funder_id: Some(fd.ror),
                    funder_id_type: Some("ROR".into()),
                    ..Funding::default()
                },
                3 => Funding {
                    funder_name: Some(fd.name_ja),
                    ..Funding::default()
                },
                _ => Funding {
                    funder_name: Some(fd.abbreviation),
                    funder_id: Some(fd.ror),
                    funder_id_type: Some("ROR".into()),
                    ..Funding::default()
                },
            },
            Source::Crossref => {
                if self.chance(80) {
                    Funding {
                        funder_name: Some(fd.name),
                        funder_id: Some(fd.crossref_funder_id),
                        funder_id_type: Some("Crossref Funder ID".into()),
                        ..Funding::default()
                    }
                } else {
                    Funding {
                        funder_name: Some(fd.abbreviation),
                        ..Funding::default()
                    }
                }
            }
            Source::Jalc => Funding {
                funder_name: Some(if self.chance(60) {
                    fd.name_ja
                        .trim_start_matches("国立研究開発法人")
                        .to_string()
                } else {
                    fd.name
                }),
                funder_id: Some(fd.crossref_funder_id),
                funder_id_type: Some("Crossref Funder ID".into()),
                ..Funding::default()
            },
            Source::Ddbj => Funding {
                funder_name: Some(format!("{} ({})", fd.name, fd.abbreviation)),
                ..Funding::default()
            },
        }
    }

    /// Another funder's (or another AMED grant's) funding reference.
    fn other_funding(&mut self, source: Source, award: String, funder: (&str, &str)) -> Funding {
        let with_id = source != Source::Ddbj && self.chance(70);
        Funding {
            funder_name: Some(funder.0.to_string()),
            funder_id: with_id.then(|| funder.1.to_string()),
            funder_id_type: with_id.then(|| "Crossref Funder ID".to_string()),
            award_normalised: award::normalise(&award),
            award_number: Some(award),
            ..Funding::default()
        }
    }

    /// An AMED funding reference of a grant that is no plan's.
    fn other_amed(&mut self, source: Source, year: u8, code: &str, serial: u32) -> Funding {
        let mut f = self.amed_reference(source);
        let written = format!("JP{year:02}{code}{serial:07}");
        f.award_normalised = award::normalise(&written);
        f.award_number = Some(written);
        f
    }

    fn creator(&mut self, source: Source, person: (usize, usize, usize)) -> Creator {
        let (s, g, inst) = person;
        let family = capitalised(ROMAN_SURNAMES[s]);
        let given = GIVEN_ROMAN[g].to_string();
        let orcid_id =
            (self.chance(70)).then(|| orcid((s * 1000 + g * 10 + inst) as u64 * 7919 + 11));
        let (inst_en, ror, _) = INSTITUTIONS_EN[inst];
        match source {
            Source::DataCite => Creator {
                name: format!("{family}, {given}"),
                given_name: Some(given),
                family_name: Some(family),
                orcid: orcid_id,
                affiliations: vec![Affiliation {
                    name: inst_en.to_string(),
                    ror: Some(ror.to_string()),
                }],
                ..Creator::default()
            },
            Source::Crossref => Creator {
                name: format!("{given} {family}"),
                given_name: Some(given),
                family_name: Some(family),
                orcid: orcid_id,
                affiliations: vec![Affiliation {
                    name: format!("Graduate School of Medicine, {inst_en}"),
                    ror: self.chance(40).then(|| ror.to_string()),
                }],
                ..Creator::default()
            },
            Source::Jalc => Creator {
                name: format!("{} {}", SURNAMES[s], GIVEN_NAMES[g]),
                other_names: vec![LangText::new(format!("{family}, {given}"), Some("en"))],
                given_name: Some(GIVEN_NAMES[g].to_string()),
                family_name: Some(SURNAMES[s].to_string()),
                orcid: orcid_id,
                affiliations: vec![Affiliation {
                    name: INSTITUTIONS[inst].0.to_string(),
                    ror: None,
                }],
                ..Creator::default()
            },
            Source::Ddbj => Creator {
                name: inst_en.to_string(),
                organisation: true,
                ..Creator::default()
            },
        }
    }

    /// Maps a spec to a deposit as `source`'s connector would.
    fn make(&mut self, source: Source, s: Spec, repo: Option<Repo>) -> Deposit {
        let mut d = Deposit::new(source, Identifier::parse(&s.id));
        d.entry_type = s.entry_type.to_string();
        d.titles = s.titles;
        d.descriptions = s.descriptions;
        d.creators.push(self.creator(source, s.person));
        if source != Source::Ddbj && self.chance(40) {
            let other = (
                (s.person.0 + 3) % SURNAMES.len(),
                (s.person.1 + 5) % GIVEN_NAMES.len(),
                s.person.2,
            );
            d.creators.push(self.creator(source, other));
        }
        let date = s.date.format("%Y-%m-%d").to_string();
        d.publication_year = Some(s.date.year());
        d.access = s.access;
        d.funding = s.funding;
        d.related = s.related;
        d.version = s.version;
        d.alternate_ids = s.alternate_ids;
        match source {
            Source::DataCite => {
                d.publisher = Some(
                    if repo == Some(Repo::Figshare) {
                        "figshare"
                    } else {
                        "Zenodo"
                    }
                    .into(),
                );
                if !s.year_only {
                    let kind = if s.available_only {
                        "Available"
                    } else {
                        "Issued"
                    };
                    d.dates.push(DepositDate {
                        kind: kind.into(),
                        value: date.clone(),
                    });
                }
                d.dates.push(DepositDate {
                    kind: "Created".into(),
                    value: format!("{date}T09:12:00Z"),
                });
                d.resource_type_general = Some("Dataset".into());
                d.resource_type = Some(s.resource_type.into());
                if s.access == Some(Access::Open) {
                    d.licences
                        .push("https://creativecommons.org/licenses/by/4.0/legalcode".into());
                }
                d.url = Some(match repo {
                    Some(Repo::Figshare) => format!(
                        "https://figshare.com/articles/dataset/{}",
                        s.id.rsplit('.').next().unwrap_or("")
                    ),
                    _ => format!(
                        "https://zenodo.org/records/{}",
                        s.id.rsplit('.').next().unwrap_or("")
                    ),
                });
                d.formats.push(s.format.into());
                d.state = Some("findable".into());
            }
            Source::Jalc => {
                d.publisher = Some(if repo == Some(Repo::JstageData) {
                    "Japan Science and Technology Agency".into()
                } else {
                    INSTITUTIONS[s.person.2].0.to_string()
                });
                d.dates.push(DepositDate {
                    kind: "Issued".into(),
                    value: date.clone(),
                });
                d.resource_type_general = Some("Dataset".into());
                d.resource_type = Some("RD".into());
                d.entry_type = "RD".into();
                d.url = Some(format!(
                    "https://repository.example.ac.jp/records/{}",
                    s.id.rsplit('/').next().unwrap_or("")
                ));
            }
            Source::Crossref => {
                d.publisher = Some(s.format.to_string());
                d.dates.push(DepositDate {
                    kind: "Created".into(),
                    value: format!("{date}T03:10:00Z"),
                });
                d.dates.push(DepositDate {
                    kind: "Issued".into(),
                    value: date.clone(),
                });
                d.dates.push(DepositDate {
                    kind: "Available".into(),
                    value: date.clone(),
                });
                d.resource_type_general = Some("JournalArticle".into());
                d.resource_type = Some("journal-article".into());
                d.url = Some(format!("https://doi.org/{}", s.id));
            }
            Source::Ddbj => {
                let created = s.date - Days::new(40);
                d.dates.push(DepositDate {
                    kind: "Created".into(),
                    value: format!("{}T10:00:00+09:00", created.format("%Y-%m-%d")),
                });
                d.dates.push(DepositDate {
                    kind: "Updated".into(),
                    value: format!("{date}T15:30:00+09:00"),
                });
                d.dates.push(DepositDate {
                    kind: "Issued".into(),
                    value: format!("{date}T15:30:00+09:00"),
                });
                d.resource_type_general = Some("Dataset".into());
                d.resource_type = Some(s.entry_type.into());
                d.url = Some(format!(
                    "https://ddbj.nig.ac.jp/search/entry/{}/{}",
                    s.entry_type, s.id
                ));
                d.state = Some("public".into());
                d.organism = Some(
                    if s.format == "mouse" {
                        "Mus musculus"
                    } else {
                        "Homo sapiens"
                    }
                    .into(),
                );
            }
        }
        d
    }

    fn push(&mut self, d: Deposit) -> usize {
        self.deposits.push(d);
        self.deposits.len() - 1
    }

    fn truth(&mut self, ctx: &mut EntryCtx, k: usize, method: Method, traps: &[&str]) {
        let d = &self.deposits[k];
        let mut traps: Vec<String> = traps.iter().map(|t| t.to_string()).collect();
        if ctx.similar {
            traps.push("similar-entries".into());
        }
        if d.titles.iter().all(|t| t.lang.as_deref() == Some("en")) && !d.titles.is_empty() {
            traps.push("english-deposit".into());
        }
        self.truth.push(Truth {
            entry: ctx.entry.clone(),
            deposit: d.id.clone(),
            method,
            traps,
        });
        ctx.linked.push(k);
    }

    fn spec(&self, p: &Plan, ctx: &EntryCtx, id: String, entry_type: &'static str) -> Spec {
        Spec {
            id,
            entry_type,
            titles: ctx.titles.clone(),
            descriptions: ctx.descriptions.clone(),
            date: ctx.date,
            access: ctx.access,
            funding: Vec::new(),
            related: Vec::new(),
            format: ctx.kind.format,
            resource_type: ctx.kind.resource_type,
            version: None,
            alternate_ids: Vec::new(),
            person: p.pi,
            available_only: false,
            year_only: false,
        }
    }

    /// A JGA study with its datasets.
    fn jga(&mut self, p: &Plan, ctx: &mut EntryCtx, ds: &mut Dataset, description: &mut String) {
        let study = format!("JGAS{:06}", self.n.jgas);
        self.n.jgas += 1;
        let hum = format!("hum{:04}", self.n.hum);
        self.n.hum += 1;
        let datasets: Vec<String> = (0..1 + self.rng.below(3))
            .map(|_| {
                self.n.jgad += 1;
                format!("JGAD{:06}", self.n.jgad)
            })
            .collect();
        // How the entry names it, when it does.
        let variant = if ctx.route == Route::ExplicitAccession {
            self.rng.below(4)
        } else {
            9
        };
        match variant {
            0 => {
                ds.repository_url = Some(format!(
                    "https://ddbj.nig.ac.jp/search/entry/jga-study/{study}"
                ))
            }
            1 => description.push_str(&format!("NBDCヒトデータベース（{hum}）にて制限公開する。")),
            2 => description.push_str(&format!("JGA（{study}）に登録済み。")),
            3 => {
                if datasets.len() == 1 {
                    ds.repository_url = Some(format!(
                        "https://ddbj.nig.ac.jp/search/entry/jga-dataset/{}",
                        datasets[0]
                    ));
                } else {
                    description.push_str(&format!("登録先: {}", datasets.join("、")));
                }
            }
            _ => {}
        }
        let mut s = self.spec(p, ctx, study.clone(), "jga-study");
        s.alternate_ids = vec![hum.clone()];
        s.related = datasets
            .iter()
            .map(|d| Related {
                identifier: d.clone(),
                scheme: "JGA".into(),
                relation: "HasPart".into(),
            })
            .collect();
        let (f, award_trap) = self.amed_funding(p, Source::Ddbj, variant >= 3);
        s.funding = vec![f];
        let d = self.make(Source::Ddbj, s, Some(Repo::Jga));
        let k = self.push(d);
        ctx.grant_deposits.push(k);
        let study_found_by_grant = variant >= 3;
        let (method, mut traps) = if study_found_by_grant {
            (p.grant_method(), award_trap.into_iter().collect::<Vec<_>>())
        } else {
            (Method::Explicit, vec!["explicit-accession"])
        };
        traps.push("jga-hierarchy");
        self.truth(ctx, k, method, &traps);
        for (n, jgad) in datasets.iter().enumerate() {
            let mut s = self.spec(p, ctx, jgad.clone(), "jga-dataset");
            s.date = ctx.date + Days::new(n as u64 * self.rng.below(20));
            s.date = s.date.min(self.today - Days::new(1));
            if let Some(t) = s.titles.first_mut() {
                t.text = format!("{} (dataset {})", t.text, n + 1);
            }
            s.related = vec![Related {
                identifier: study.clone(),
                scheme: "JGA".into(),
                relation: "IsPartOf".into(),
            }];
            let d = self.make(Source::Ddbj, s, Some(Repo::Jga));
            let k = self.push(d);
            if variant == 3 {
                self.truth(
                    ctx,
                    k,
                    Method::Explicit,
                    &["explicit-accession", "jga-hierarchy"],
                );
            } else {
                self.truth(ctx, k, Method::Hierarchy, &["jga-hierarchy"]);
            }
        }
    }

    /// A DRA submission with its runs (and a BioProject or BioSamples the entry names).
    fn dra(&mut self, p: &Plan, ctx: &mut EntryCtx, ds: &mut Dataset, description: &mut String) {
        let submission = format!("DRA{:06}", self.n.dra);
        self.n.dra += 1;
        let runs: Vec<String> = (0..1 + self.rng.below(4))
            .map(|_| {
                self.n.drr += 1;
                format!("DRR{:06}", self.n.drr)
            })
            .collect();
        let organism = if ctx.kind.mouse { "mouse" } else { "human" };
        match self.rng.below(3) {
            0 => {
                ds.repository_url = Some(format!(
                    "https://ddbj.nig.ac.jp/search/entry/sra-submission/{submission}"
                ))
            }
            1 => description.push_str(&format!(
                "DDBJ Sequence Read Archive（{submission}）に登録済み。"
            )),
            _ => {
                let project = format!("PRJDB{}", 10_000 + self.n.prjdb);
                self.n.prjdb += 1;
                ds.repository_url = Some(format!(
                    "https://ddbj.nig.ac.jp/search/entry/bioproject/{project}"
                ));
                description.push_str(&format!("配列データは{submission}として登録。"));
                let mut s = self.spec(p, ctx, project, "bioproject");
                s.format = organism;
                let (f, _) = self.amed_funding(p, Source::Ddbj, false);
                s.funding = vec![f];
                let d = self.make(Source::Ddbj, s, Some(Repo::Dra));
                let k = self.push(d);
                self.truth(ctx, k, Method::Explicit, &["explicit-accession"]);
            }
        }
        if self.chance(25) {
            let sample = format!("SAMD{:08}", self.n.samd);
            self.n.samd += 1;
            description.push_str(&format!("試料情報: {sample}。"));
            let mut s = self.spec(p, ctx, sample, "biosample");
            s.format = organism;
            let d = self.make(Source::Ddbj, s, Some(Repo::Dra));
            let k = self.push(d);
            self.truth(ctx, k, Method::Explicit, &["explicit-accession"]);
        }
        let mut s = self.spec(p, ctx, submission.clone(), "sra-submission");
        s.format = organism;
        s.related = runs
            .iter()
            .map(|r| Related {
                identifier: r.clone(),
                scheme: "DRA".into(),
                relation: "HasPart".into(),
            })
            .collect();
        let d = self.make(Source::Ddbj, s, Some(Repo::Dra));
        let k = self.push(d);
        self.truth(
            ctx,
            k,
            Method::Explicit,
            &["explicit-accession", "dra-hierarchy"],
        );
        for (n, run) in runs.iter().enumerate() {
            let mut s = self.spec(p, ctx, run.clone(), "sra-run");
            s.format = organism;
            if let Some(t) = s.titles.first_mut() {
                t.text = format!("{} (run {})", t.text, n + 1);
            }
            s.descriptions.clear();
            s.related = vec![Related {
                identifier: submission.clone(),
                scheme: "DRA".into(),
                relation: "IsPartOf".into(),
            }];
            let d = self.make(Source::Ddbj, s, Some(Repo::Dra));
            let k = self.push(d);
            self.truth(ctx, k, Method::Hierarchy, &["dra-hierarchy"]);
        }
    }

    /// A DOI deposit (DataCite or JaLC): named by the entry, funded, or cited by a funded paper;
    /// on Zenodo sometimes a concept DOI with versions.
    fn doi_deposit(&mut self, p: &Plan, ctx: &mut EntryCtx, ds: &mut Dataset, repo: Repo) {
        let source = repo.source();
        let inst = p.pi.2;
        let doi = self.next_doi(repo, inst);
        let versioned = repo == Repo::Zenodo && ctx.route != Route::Paper && self.chance(35);
        let mut s = self.spec(p, ctx, doi.clone(), "dois");
        if source == Source::DataCite {
            match self.rng.below(20) {
                0 | 1 => s.available_only = true,
                2 if !versioned => s.year_only = true,
                _ => {}
            }
        }
        let mut traps: Vec<&str> = Vec::new();
        let method = match ctx.route {
            Route::ExplicitDoi => {
                let written = match self.rng.below(5) {
                    0 => doi.clone(),
                    1 => format!("doi:{doi}"),
                    2 => format!("https://doi.org/{doi}"),
                    3 => format!("http://dx.doi.org/{doi}"),
                    _ => format!("https://doi.org/{}", doi.to_uppercase()),
                };
                ds.doi = Some(written);
                traps.push("explicit-doi");
                if self.chance(50) {
                    let (f, _) = self.amed_funding(p, source, false);
                    s.funding.push(f);
                }
                Method::Explicit
            }
            Route::Paper => {
                traps.push("paper-cites-dataset");
                Method::Hierarchy
            }
            _ => {
                let (f, award_trap) = self.amed_funding(p, source, true);
                s.funding.push(f);
                traps.extend(award_trap);
                p.grant_method()
            }
        };
        let paper_doi = (ctx.route == Route::Paper).then(|| self.paper(p, ctx, &doi));
        if let Some(pd) = &paper_doi {
            s.related.push(Related {
                identifier: pd.clone(),
                scheme: "DOI".into(),
                relation: "IsSupplementTo".into(),
            });
        }
        let versions: Vec<String> = if versioned {
            (0..2).map(|_| self.next_doi(Repo::Zenodo, inst)).collect()
        } else {
            Vec::new()
        };
        for v in &versions {
            s.related.push(Related {
                identifier: v.clone(),
                scheme: "DOI".into(),
                relation: "HasVersion".into(),
            });
        }
        let has_funding = !s.funding.is_empty();
        let d = self.make(source, s, Some(repo));
        let k = self.push(d);
        if has_funding {
            ctx.grant_deposits.push(k);
        }
        if versioned {
            traps.push("versioned-doi");
        }
        self.truth(ctx, k, method, &traps);
        let mut date = ctx.date;
        for (n, v) in versions.iter().enumerate() {
            let mut s = self.spec(p, ctx, v.clone(), "dois");
            s.date = date;
            s.version = Some(format!("{}.0", n + 1));
            s.related.push(Related {
                identifier: doi.clone(),
                scheme: "DOI".into(),
                relation: "IsVersionOf".into(),
            });
            let d = self.make(source, s, Some(repo));
            let k = self.push(d);
            self.truth(ctx, k, Method::Hierarchy, &["versioned-doi"]);
            date = self
                .between(date + Days::new(30), self.today - Days::new(1))
                .min(self.today - Days::new(1));
        }
    }

    /// A journal article funded by the grant, supplemented by `dataset`; no link itself.
    fn paper(&mut self, p: &Plan, ctx: &EntryCtx, dataset: &str) -> String {
        let (prefix, publisher, journal) = *self.rng.pick(JOURNALS);
        self.n.paper += 1;
        let doi = format!(
            "{prefix}/{journal}.{}.{:06}",
            ctx.date.year(),
            100_000 + self.n.paper
        );
        let d_en = DISEASES_EN[p.disease];
        let mut s = self.spec(p, ctx, doi.clone(), "work");
        s.titles = vec![LangText::new(
            format!(
                "{} of {d_en} revealed by {}",
                capitalised("molecular landscape"),
                ctx.kind.en
            ),
            Some("en"),
        )];
        s.descriptions = vec![LangText::new(
            format!(
                "We analysed {} of {d_en} {}. The data are available at https://doi.org/{dataset}.",
                ctx.kind.en,
                if ctx.kind.mouse {
                    "model mice"
                } else {
                    "patients"
                }
            ),
            Some("en"),
        )];
        s.date = self.between(ctx.date, self.today - Days::new(1));
        s.access = None;
        s.format = publisher;
        let (f, _) = self.amed_funding(p, Source::Crossref, false);
        s.funding = vec![f];
        s.related = vec![Related {
            identifier: dataset.to_string(),
            scheme: "DOI".into(),
            relation: "IsSupplementedBy".into(),
        }];
        let d = self.make(Source::Crossref, s, None);
        self.push(d);
        doi
    }

    /// A copy of deposit `k`'s title and description under another grant or funder.
    fn same_title(&mut self, p: &Plan, k: usize) {
        let (titles, descriptions, date) = {
            let d = &self.deposits[k];
            (
                d.titles.clone(),
                d.descriptions.clone(),
                published(d).unwrap_or(self.today),
            )
        };
        let repo = *self.rng.pick(&[Repo::Zenodo, Repo::Figshare]);
        let doi = self.next_doi(repo, p.pi.2);
        let funding = if self.chance(60) {
            let year = p.year + self.rng.below(2) as u8;
            self.other_amed(Source::DataCite, year, &p.code, p.serial + 2)
        } else {
            let award = format!("JP{:02}K{:05}", p.year, self.rng.below(100_000));
            self.other_funding(Source::DataCite, award, JSPS)
        };
        let other = (
            (p.pi.0 + 7) % SURNAMES.len(),
            (p.pi.1 + 3) % GIVEN_NAMES.len(),
            (p.pi.2 + 1) % INSTITUTIONS.len(),
        );
        let s = Spec {
            id: doi,
            entry_type: "dois",
            titles,
            descriptions,
            date: self.between(date - Days::new(400), self.today - Days::new(1)),
            access: Some(Access::Open),
            funding: vec![funding],
            related: Vec::new(),
            format: "CSV",
            resource_type: "Dataset",
            version: None,
            alternate_ids: Vec::new(),
            person: other,
            available_only: false,
            year_only: false,
        };
        let d = self.make(Source::DataCite, s, Some(repo));
        self.push(d);
    }

    /// A deposit on the entry's subject funded by another AMED grant (no plan's).
    fn nearby_other_grant(&mut self, p: &Plan, kind: &Kind, name: &str) {
        let d_en = DISEASES_EN[p.disease];
        let english = self.chance(50);
        let titles = if english {
            vec![LangText::new(
                capitalised(&format!("{} in a {d_en} cohort", kind.en)),
                Some("en"),
            )]
        } else {
            vec![LangText::new(
                format!("{name}（多施設共同研究）"),
                Some("ja"),
            )]
        };
        let (source, repo) = *self.rng.pick(&[
            (Source::DataCite, Repo::Zenodo),
            (Source::DataCite, Repo::Figshare),
            (Source::Jalc, Repo::Institutional),
        ]);
        let other_inst = (p.pi.2 + 1 + self.rng.below(9) as usize) % INSTITUTIONS.len();
        let doi = self.next_doi(repo, other_inst);
        let serial = if self.chance(50) {
            p.serial + 2
        } else {
            9_000_000 + self.rng.below(999_999) as u32
        };
        let funding = self.other_amed(source, p.year, &p.code, serial);
        let date = self.between(p.start, self.today - Days::new(1));
        let s = Spec {
            id: doi,
            entry_type: "dois",
            titles,
            descriptions: Vec::new(),
            date,
            access: (source == Source::DataCite).then_some(Access::Open),
            funding: vec![funding],
            related: Vec::new(),
            format: kind.format,
            resource_type: kind.resource_type,
            version: None,
            alternate_ids: Vec::new(),
            person: (
                (p.pi.0 + 5) % SURNAMES.len(),
                (p.pi.1 + 1) % GIVEN_NAMES.len(),
                other_inst,
            ),
            available_only: false,
            year_only: false,
        };
        let d = self.make(source, s, Some(repo));
        self.push(d);
    }

    /// A deposit on the plan's disease funded under a look-alike number:
    /// JSPS KAKENHI, another programme code with the same serial, or the
    /// same code with a serial one off.
    fn lookalike(&mut self, p: &Plan, kind: &Kind) {
        let d_en = DISEASES_EN[p.disease];
        let source = *self
            .rng
            .pick(&[Source::DataCite, Source::DataCite, Source::Crossref]);
        let funding = match self.rng.below(3) {
            0 => {
                let award = format!("JP{:02}K{:05}", p.year, self.rng.below(100_000));
                self.other_funding(source, award, JSPS)
            }
            1 => {
                let codes = ["ck", "ek", "fk", "dk", "bm", "km", "im", "hk", "gm"];
                let mut code = *self.rng.pick(&codes);
                if code == p.code {
                    code = if p.code == "ck" { "ek" } else { "ck" };
                }
                self.other_amed(source, p.year, code, p.serial)
            }
            _ => {
                let serial = if self.chance(50) {
                    p.serial + 1
                } else {
                    p.serial - 1
                };
                self.other_amed(source, p.year, &p.code, serial)
            }
        };
        let title = capitalised(&format!("{} of {d_en} patients", kind.en));
        let (id, repo, entry_type) = if source == Source::Crossref {
            self.n.paper += 1;
            (
                format!("10.1038/s41598.{}.{:06}", p.year, 500_000 + self.n.paper),
                None,
                "work",
            )
        } else {
            (
                self.next_doi(Repo::Zenodo, p.pi.2),
                Some(Repo::Zenodo),
                "dois",
            )
        };
        let s = Spec {
            id,
            entry_type,
            titles: vec![LangText::new(title, Some("en"))],
            descriptions: Vec::new(),
            date: self.between(p.start, self.today - Days::new(1)),
            access: (source == Source::DataCite).then_some(Access::Open),
            funding: vec![funding],
            related: Vec::new(),
            format: if source == Source::Crossref {
                "Springer Science and Business Media LLC"
            } else {
                kind.format
            },
            resource_type: kind.resource_type,
            version: None,
            alternate_ids: Vec::new(),
            person: (
                (p.pi.0 + 2) % SURNAMES.len(),
                (p.pi.1 + 2) % GIVEN_NAMES.len(),
                (p.pi.2 + 2) % INSTITUTIONS.len(),
            ),
            available_only: false,
            year_only: false,
        };
        let d = self.make(source, s, repo);
        self.push(d);
    }

    /// A distractor unrelated to any plan.
    fn filler(&mut self) -> Deposit {
        let disease = self.rng.below(DISEASES.len() as u64) as usize;
        let kind = self.rng.pick(KINDS);
        let english = self.chance(60);
        let whom = if kind.mouse { "model mice" } else { "patients" };
        let title = if english {
            LangText::new(
                capitalised(&format!("{} of {} {whom}", kind.en, DISEASES_EN[disease])),
                Some("en"),
            )
        } else {
            let whom = if kind.mouse {
                "モデルマウス"
            } else {
                "患者"
            };
            LangText::new(
                format!("{}{whom}の{}", DISEASES[disease], kind.ja),
                Some("ja"),
            )
        };
        let year = 15 + self.rng.below(11) as u8;
        let source = match self.rng.below(20) {
            0..=8 => Source::DataCite,
            9..=13 => Source::Crossref,
            14..=15 => Source::Jalc,
            _ => Source::Ddbj,
        };
        let funding = match self.rng.below(20) {
            0..=7 => None,
            8..=11 => {
                let award = format!("JP{year:02}K{:05}", self.rng.below(100_000));
                Some(self.other_funding(source, award, JSPS))
            }
            12..=13 => {
                let award = format!("JPMJCR{:02}{:02}", year, self.rng.below(100));
                Some(self.other_funding(source, award, JST))
            }
            14 => {
                let award = format!("{year:02}FC{:04}", self.rng.below(10_000));
                Some(self.other_funding(source, award, MHLW))
            }
            _ => {
                let code = ["ck", "ek", "fk", "dk", "bm", "km", "im", "hk", "gm"]
                    [self.rng.below(9) as usize];
                {
                    let serial = 9_000_000 + self.rng.below(999_999) as u32;
                    Some(self.other_amed(source, year, code, serial))
                }
            }
        };
        let date = NaiveDate::from_ymd_opt(2000 + i32::from(year), 1, 1).expect("valid date")
            + Days::new(self.rng.below(700));
        let date = date.min(self.today - Days::new(1));
        let person = (
            self.rng.below(SURNAMES.len() as u64) as usize,
            self.rng.below(GIVEN_NAMES.len() as u64) as usize,
            self.rng.below(INSTITUTIONS.len() as u64) as usize,
        );
        let (id, entry_type, repo, access) = match source {
            Source::DataCite => {
                let repo = *self.rng.pick(&[Repo::Zenodo, Repo::Figshare]);
                (
                    self.next_doi(repo, 0),
                    "dois",
                    Some(repo),
                    Some(Access::Open),
                )
            }
            Source::Jalc => (
                self.next_doi(Repo::Institutional, person.2),
                "RD",
                Some(Repo::Institutional),
                None,
            ),
            Source::Crossref => {
                self.n.paper += 1;
                (
                    format!("10.1016/j.fill.{year}.{:07}", self.n.paper),
                    "work",
                    None,
                    None,
                )
            }
            Source::Ddbj => match self.rng.below(4) {
                0 => {
                    self.n.jgad += 1;
                    (
                        format!("JGAD{:06}", self.n.jgad),
                        "jga-dataset",
                        Some(Repo::Jga),
                        Some(Access::Restricted),
                    )
                }
                1 => {
                    self.n.jgas += 1;
                    (
                        format!("JGAS{:06}", self.n.jgas),
                        "jga-study",
                        Some(Repo::Jga),
                        Some(Access::Restricted),
                    )
                }
                2 => {
                    self.n.drr += 1;
                    (
                        format!("DRR{:06}", self.n.drr),
                        "sra-run",
                        Some(Repo::Dra),
                        Some(Access::Open),
                    )
                }
                _ => {
                    self.n.prjdb += 1;
                    (
                        format!("PRJDB{}", 10_000 + self.n.prjdb),
                        "bioproject",
                        Some(Repo::Dra),
                        Some(Access::Open),
                    )
                }
            },
        };
        let s = Spec {
            id,
            entry_type,
            titles: vec![title],
            descriptions: Vec::new(),
            date,
            access,
            funding: funding.into_iter().collect(),
            related: Vec::new(),
            format: if source == Source::Crossref {
                "Elsevier BV"
            } else if kind.mouse {
                "mouse"
            } else {
                kind.format
            },
            resource_type: kind.resource_type,
            version: None,
            alternate_ids: Vec::new(),
            person,
            available_only: false,
            year_only: false,
        };
        self.make(source, s, repo)
    }
}

/// What the deposits of one entry share while they are made.
struct EntryCtx {
    entry: EntryRef,
    date: NaiveDate,
    access: Option<Access>,
    titles: Vec<LangText>,
    descriptions: Vec<LangText>,
    kind: &'static Kind,
    route: Route,
    similar: bool,
    /// The deposits truly linked.
    linked: Vec<usize>,
    /// The deposits carrying the grant.
    grant_deposits: Vec<usize>,
}

// ---------------------------------------------------------------------------
// Writing

/// The summary of a set (`meta.json`).
pub fn meta(set: &LinkSet, opts: &LinkSetOptions) -> serde_json::Value {
    let mut traps: BTreeMap<&str, (usize, usize)> = TRAPS.iter().map(|t| (*t, (0, 0))).collect();
    for t in &set.truth {
        for x in &t.traps {
            if let Some(c) = traps.get_mut(x.as_str()) {
                c.0 += 1;
            }
        }
    }
    let mut per_entry: std::collections::HashMap<&EntryRef, std::collections::BTreeSet<&str>> =
        std::collections::HashMap::new();
    for t in &set.truth {
        per_entry
            .entry(&t.entry)
            .or_default()
            .extend(t.traps.iter().map(String::as_str));
    }
    for s in &set.statuses {
        per_entry
            .entry(&s.entry)
            .or_default()
            .extend(s.traps.iter().map(String::as_str));
    }
    for names in per_entry.values() {
        for x in names {
            if let Some(c) = traps.get_mut(x) {
                c.1 += 1;
            }
        }
    }
    let mut statuses: BTreeMap<&str, usize> = STATUSES.iter().map(|s| (*s, 0)).collect();
    for s in &set.statuses {
        *statuses.entry(s.status.as_str()).or_default() += 1;
    }
    let mut methods: BTreeMap<&str, usize> = Method::ALL.iter().map(|m| (m.as_str(), 0)).collect();
    for t in &set.truth {
        *methods.entry(t.method.as_str()).or_default() += 1;
    }
    let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &set.deposits {
        *sources.entry(d.source.as_str()).or_default() += 1;
    }
    let deposited: std::collections::HashSet<&EntryRef> =
        set.truth.iter().map(|t| &t.entry).collect();
    serde_json::json!({
        "seed": opts.seed,
        "plans": set.plans.len(),
        "entries": set.statuses.len(),
        "entries_deposited": deposited.len(),
        "records": set.deposits.len(),
        "records_requested": opts.records,
        "truth_links": set.truth.len(),
        "today": set.today.to_string(),
        "traps": traps.iter().map(|(k, (links, entries))| (k.to_string(), serde_json::json!({"links": links, "entries": entries}))).collect::<serde_json::Map<_, _>>(),
        "statuses": statuses,
        "methods": methods,
        "sources": sources,
    })
}

fn write_jsonl<T: Serialize>(path: &Path, items: &[T]) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    for item in items {
        serde_json::to_writer(&mut w, item)
            .with_context(|| format!("writing {}", path.display()))?;
        w.write_all(b"\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))
}

/// Writes `plans.jsonl`, `deposits.jsonl`, `truth.jsonl`, `statuses.jsonl`
/// and `meta.json` to `dir` (created if missing).
pub fn write(set: &LinkSet, opts: &LinkSetOptions, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_jsonl(&dir.join("plans.jsonl"), &set.plans)?;
    write_jsonl(&dir.join("deposits.jsonl"), &set.deposits)?;
    write_jsonl(&dir.join("truth.jsonl"), &set.truth)?;
    write_jsonl(&dir.join("statuses.jsonl"), &set.statuses)?;
    let meta_path = dir.join("meta.json");
    let text =
        serde_json::to_string_pretty(&meta(set, opts)).context("serialising meta.json")? + "\n";
    std::fs::write(&meta_path, text).with_context(|| format!("writing {}", meta_path.display()))
}

/// The files [`write`] writes.
pub const FILES: &[&str] = &[
    "plans.jsonl",
    "deposits.jsonl",
    "truth.jsonl",
    "statuses.jsonl",
    "meta.json",
];

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_model::award::AwardNumber;
    use std::collections::{HashMap, HashSet};

    fn default_set() -> LinkSet {
        linkset(&LinkSetOptions::default())
    }

    #[test]
    fn the_same_seed_gives_the_same_set_and_another_seed_another() {
        let opts = LinkSetOptions {
            plans: 30,
            records: 300,
            seed: 5,
        };
        assert_eq!(linkset(&opts), linkset(&opts));
        assert_ne!(
            linkset(&opts).deposits,
            linkset(&LinkSetOptions { seed: 6, ..opts }).deposits
        );
    }

    #[test]
    fn sizes_traps_and_statuses() {
        let set = default_set();
        assert_eq!(set.plans.len(), 120);
        assert!(set.deposits.len() >= 1200);
        let entries: usize = set.plans.iter().map(|p| p.datasets.len()).sum();
        assert!(entries >= 300, "{entries} entries");
        assert_eq!(set.statuses.len(), entries);
        assert!(set
            .plans
            .iter()
            .all(|p| (1..=6).contains(&p.datasets.len())));
        let mut traps: HashMap<&str, usize> = HashMap::new();
        for t in set
            .truth
            .iter()
            .flat_map(|t| &t.traps)
            .chain(set.statuses.iter().flat_map(|s| &s.traps))
        {
            *traps.entry(t.as_str()).or_default() += 1;
        }
        for t in TRAPS {
            assert!(
                traps.get(t).copied().unwrap_or(0) >= 10,
                "trap {t}: {:?}",
                traps.get(t)
            );
        }
        assert!(traps.keys().all(|t| TRAPS.contains(t)), "{traps:?}");
        for s in STATUSES {
            let n = set.statuses.iter().filter(|x| x.status == *s).count();
            assert!(n >= 15, "status {s}: {n}");
        }
        for m in Method::ALL {
            assert!(
                set.truth.iter().filter(|t| t.method == m).count() >= 15,
                "{m:?}"
            );
        }
        let sharing: HashSet<_> = set
            .plans
            .iter()
            .flat_map(|p| &p.datasets)
            .filter_map(|d| d.sharing)
            .collect();
        assert_eq!(sharing.len(), SharingMethod::ALL.len());
        let sources: HashSet<_> = set.deposits.iter().map(|d| d.source).collect();
        assert_eq!(sources.len(), 4);
        for t in [
            "dois",
            "work",
            "RD",
            "jga-study",
            "jga-dataset",
            "sra-submission",
            "sra-run",
            "bioproject",
        ] {
            assert!(set.deposits.iter().any(|d| d.entry_type == t), "{t}");
        }
    }

    #[test]
    fn truth_names_existing_deposits_and_entries_and_no_paper() {
        let set = default_set();
        let ids: HashMap<&Identifier, &Deposit> = set.deposits.iter().map(|d| (&d.id, d)).collect();
        assert_eq!(ids.len(), set.deposits.len(), "deposit ids are unique");
        let entries: HashSet<EntryRef> = set
            .plans
            .iter()
            .flat_map(|p| p.datasets.iter().map(|d| EntryRef::new(p.id(), d.number)))
            .collect();
        let mut pairs = HashSet::new();
        for t in &set.truth {
            let d = ids
                .get(&t.deposit)
                .unwrap_or_else(|| panic!("{} is no deposit", t.deposit));
            assert!(entries.contains(&t.entry), "{}", t.entry);
            assert_ne!(
                d.resource_type_general.as_deref(),
                Some("JournalArticle"),
                "a paper is no link"
            );
            assert!(
                pairs.insert((&t.entry, &t.deposit)),
                "{} {} twice",
                t.entry,
                t.deposit
            );
        }
        // One entry per deposit: no deposit is truly linked twice.
        let linked: HashSet<&Identifier> = set.truth.iter().map(|t| &t.deposit).collect();
        assert_eq!(linked.len(), set.truth.len());
    }

    #[test]
    fn statuses_follow_the_rules_from_the_data() {
        let set = default_set();
        let ids: HashMap<&Identifier, &Deposit> = set.deposits.iter().map(|d| (&d.id, d)).collect();
        let mut linked: HashMap<&EntryRef, Vec<&Deposit>> = HashMap::new();
        for t in &set.truth {
            linked.entry(&t.entry).or_default().push(ids[&t.deposit]);
        }
        let statuses: HashMap<&EntryRef, &str> = set
            .statuses
            .iter()
            .map(|s| (&s.entry, s.status.as_str()))
            .collect();
        for p in &set.plans {
            for ds in &p.datasets {
                let e = EntryRef::new(p.id(), ds.number);
                let l = linked.get(&e).cloned().unwrap_or_default();
                assert_eq!(
                    statuses[&e],
                    status_of(&p.project, ds, &l, set.today),
                    "{e}"
                );
                for d in &l {
                    assert!(published(d).is_some_and(|x| x < set.today), "{}", d.id);
                }
            }
        }
    }

    #[test]
    fn plans_and_deposits_round_trip_through_json() {
        let set = default_set();
        for p in &set.plans {
            let back: Dmp = serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap();
            assert_eq!(&back, p);
        }
        for d in &set.deposits {
            let back: Deposit = serde_json::from_str(&serde_json::to_string(d).unwrap()).unwrap();
            assert_eq!(&back, d);
        }
        for t in &set.truth {
            let back: Truth = serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap();
            assert_eq!(&back, t);
        }
    }

    #[test]
    fn award_traps_parse_to_the_plan_and_lookalikes_do_not() {
        let set = default_set();
        let ids: HashMap<&Identifier, &Deposit> = set.deposits.iter().map(|d| (&d.id, d)).collect();
        let plans: HashMap<&str, &Dmp> = set.plans.iter().map(|p| (p.id(), p)).collect();
        let mut checked = 0;
        for t in &set.truth {
            let Some(trap) = t.traps.iter().find(|x| x.starts_with("award-")) else {
                continue;
            };
            let grant = AwardNumber::parse(plans[t.entry.plan.as_str()].id()).unwrap();
            let d = ids[&t.deposit];
            let written = d
                .funding
                .iter()
                .find_map(|f| f.award_number.as_deref())
                .unwrap();
            let a = AwardNumber::parse(written).unwrap_or_else(|| panic!("{trap}: {written}"));
            assert!(a.same_project(&grant), "{trap}: {written}");
            assert_eq!(d.funding[0].award_normalised, award::normalise(written));
            match trap.as_str() {
                "award-fullwidth" => assert!(!written.is_ascii()),
                "award-space" => assert!(written.starts_with("JP ")),
                "award-hyphen" => assert!(written.contains('-')),
                "award-no-jp" => assert!(!written.starts_with("JP") && written.len() == 11),
                "award-full-number" => assert_eq!(written, grant.to_string()),
                "award-other-year" => assert_ne!(a.year, grant.year),
                other => panic!("{other}"),
            }
            checked += 1;
        }
        assert!(checked >= 60);
        // No deposit outside the truth names a plan's project with AMED.
        let projects: HashSet<String> = set
            .plans
            .iter()
            .map(|p| AwardNumber::parse(p.id()).unwrap().project())
            .collect();
        let linked: HashSet<&Identifier> = set.truth.iter().map(|t| &t.deposit).collect();
        let funder = &CatalogConfig::builtin().funder;
        let plan_awards: Vec<AwardNumber> = set
            .plans
            .iter()
            .map(|p| AwardNumber::parse(p.id()).unwrap())
            .collect();
        let mut lookalikes = 0;
        for d in set.deposits.iter().filter(|d| !linked.contains(&d.id)) {
            for f in &d.funding {
                let parsed = f.award_number.as_deref().and_then(AwardNumber::parse);
                if let Some(a) = &parsed {
                    let paper = d.resource_type_general.as_deref() == Some("JournalArticle");
                    assert!(
                        paper || !projects.contains(&a.project()),
                        "{} names {}",
                        d.id,
                        a
                    );
                    for g in &plan_awards {
                        let serial = |x: &AwardNumber| x.serial.parse::<u32>().unwrap_or(0);
                        let other_code = g.serial == a.serial && g.programme != a.programme;
                        let one_off =
                            g.programme == a.programme && serial(g).abs_diff(serial(a)) == 1;
                        if other_code || one_off {
                            assert!(!a.same_project(g));
                            lookalikes += 1;
                        }
                    }
                } else if f
                    .award_number
                    .as_deref()
                    .is_some_and(|w| w.starts_with("JP") && w.contains('K'))
                {
                    assert!(!dmpgraph_model::funding::names_funder(f, funder));
                }
            }
        }
        assert!(lookalikes >= 20, "{lookalikes} look-alike numbers");
    }

    #[test]
    fn the_glossary_lists_every_pair_the_set_uses() {
        #[derive(Deserialize)]
        struct Glossary {
            terms: BTreeMap<String, Vec<String>>,
        }
        let g: Glossary = toml::from_str(GLOSSARY_TOML).unwrap();
        let has = |ja: &str, en: &str| g.terms.get(ja).is_some_and(|e| e.iter().any(|x| x == en));
        for (ja, en) in DISEASES.iter().zip(DISEASES_EN) {
            assert!(has(ja, en), "{ja} = {en}");
        }
        for (ja, en) in [
            ("全ゲノムシーケンス", "whole genome sequencing"),
            ("全エクソームシーケンス", "whole exome sequencing"),
            ("遺伝子発現", "gene expression"),
            ("単一細胞", "single-cell"),
            ("メチル化", "methylation"),
            ("要約統計量", "summary statistics"),
            ("臨床情報", "clinical data"),
            ("画像", "imaging"),
            ("病理画像", "pathology imaging"),
            ("メタボローム", "metabolome"),
            ("プロテオーム", "proteome"),
            ("コホート調査", "cohort survey"),
            ("腸内細菌叢", "gut microbiome"),
            ("メタゲノム", "metagenome"),
            ("全ゲノム", "whole genome"),
            ("解析結果", "analysis results"),
            ("データ", "data"),
            ("患者", "patients"),
            ("モデルマウス", "model mice"),
        ] {
            assert!(has(ja, en), "{ja} = {en}");
        }
    }

    #[test]
    fn orcids_are_valid() {
        let o = orcid(1234);
        assert_eq!(
            dmpgraph_model::funding::normalize_orcid(&o).as_deref(),
            Some(o.as_str())
        );
        // ISO 7064 11-2 on ORCID's own example, 0000-0002-1825-0097.
        let mut total = 0u32;
        for b in "000000021825009".bytes() {
            total = (total + u32::from(b - b'0')) * 2;
        }
        assert_eq!((12 - total % 11) % 11, 7);
    }

    /// The committed set must be what the generator writes now: run
    /// `cargo run -p dmpgraph-dev -- generate-linkset --out tests/linking` after changing it.
    #[test]
    fn committed_set_is_up_to_date() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/linking");
        let dir = tempfile::tempdir().unwrap();
        let opts = LinkSetOptions::default();
        write(&linkset(&opts), &opts, dir.path()).unwrap();
        for f in FILES {
            let fresh = std::fs::read(dir.path().join(f)).unwrap();
            let old = std::fs::read(committed.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(fresh == old, "tests/linking/{f} is stale: regenerate it");
        }
    }
}

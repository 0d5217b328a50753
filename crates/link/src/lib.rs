//! Which datasets that AMED-funded projects planned were deposited, where,
//! under which identifier and with which access.
//!
//! A plan lists its datasets (様式 別紙1, section 4: one **entry** per
//! dataset); the harvest brings what the repositories and DOI registries
//! hold (a [`Deposit`] per record). The linker proposes links between the
//! two, at the level of the single entry, each with its method, a score in
//! [0, 1] and the evidence it rests on:
//!
//! - **explicit**: the entry's DOI link, or an accession inside its
//!   repository URL or description, names the deposit;
//! - **funding**: the deposit's funding reference names AMED and an award
//!   number of the plan's grant (programme code and serial, any fiscal
//!   year of the project, any written form);
//! - **inferred**: which entry of the plan a grant-level match belongs to,
//!   from title, description, creators, institutions, data type, dates and
//!   repository;
//! - **hierarchy**: a deposit under, or a version or supplement of, a
//!   linked deposit (a JGA dataset under its study, a DRA run under its
//!   submission, a DOI version under its concept DOI, a dataset a funded
//!   paper cites), linked to the same entry with the relation kept.
//!
//! Links above [`LinkConfig::accept_at`] are accepted automatically; the
//! rest wait for a curator, whose decision survives every later run
//! ([`decide`]). The deposit report ([`report`]) applies AMED's rule to the
//! accepted links.
//!
//! No I/O: the pipeline reads plans and deposits from the store, and writes
//! the links back through the single writer.

pub mod linker;
pub mod report;
pub mod text;

use chrono::{DateTime, Utc};
use dmpgraph_model::deposit::Deposit;
use dmpgraph_model::identity::Identifier;
use dmpgraph_model::{Dmp, Funder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// One planned dataset: a plan (its 課題管理番号) and the entry's No.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntryRef {
    /// The plan's id (課題管理番号, trimmed).
    pub plan: String,
    /// The dataset's No. within the plan.
    pub dataset: u32,
}

impl EntryRef {
    /// The entry `dataset` of `plan`.
    pub fn new(plan: impl Into<String>, dataset: u32) -> EntryRef {
        EntryRef {
            plan: plan.into(),
            dataset,
        }
    }
}

impl fmt::Display for EntryRef {
    /// `21ek0109555h0001#2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.plan, self.dataset)
    }
}

/// How a link was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The entry names the deposit (DOI link, accession in a URL or text).
    Explicit,
    /// The deposit's funding reference names the plan's grant, and the
    /// plan has one entry it can belong to.
    Funding,
    /// A grant-level match placed on one entry of several by similarity.
    Inferred,
    /// Under, a version of, or a supplement of a linked deposit.
    Hierarchy,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 4] = [
        Method::Explicit,
        Method::Funding,
        Method::Inferred,
        Method::Hierarchy,
    ];

    /// `explicit`, `funding`, `inferred`, `hierarchy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Explicit => "explicit",
            Method::Funding => "funding",
            Method::Inferred => "inferred",
            Method::Hierarchy => "hierarchy",
        }
    }
}

/// Where a link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for a curator.
    Proposed,
    /// Accepted (automatically above the threshold, or by a curator).
    Accepted,
    /// Rejected by a curator.
    Rejected,
}

impl Status {
    /// `proposed`, `accepted`, `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        match s {
            "proposed" => Ok(Status::Proposed),
            "accepted" => Ok(Status::Accepted),
            "rejected" => Ok(Status::Rejected),
            other => Err(format!(
                "'{other}' is no link status (proposed, accepted, rejected)"
            )),
        }
    }
}

/// Who set a link's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decider {
    /// The linker (proposed, or accepted above the threshold).
    System,
    /// A curator (`dmpgraph link accept|reject`).
    Curator,
}

/// What a piece of evidence compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// The entry's DOI link and the deposit's DOI.
    Doi,
    /// An accession in the entry's repository URL or description.
    Accession,
    /// The deposit's funding reference names the funder.
    Funder,
    /// The award number cited and the plan's grant.
    Award,
    /// The entry's name and the deposit's title.
    Title,
    /// The entry's description and the deposit's title or description.
    Description,
    /// A person of the plan (PI, data manager, staff) among the creators.
    Creator,
    /// An institution of the plan among the creators' affiliations.
    Institution,
    /// The entry's data type (human, non-human; created, derived) and the
    /// deposit's resource type or archive.
    DataType,
    /// The entry's planned publication date and the deposit's dates.
    Date,
    /// The entry's repository and where the deposit is.
    Repository,
    /// The entry's sharing method and the deposit's access.
    Access,
    /// The plan has one entry left that the deposit can belong to.
    OnlyEntry,
    /// The deposit relates to a linked deposit.
    Relation,
}

/// One thing that matched (or, with a negative weight, that speaks against).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// What is compared.
    pub feature: Feature,
    /// The plan's value, as written.
    pub planned: String,
    /// The deposit's value, as written.
    pub deposited: String,
    /// How much it counts, in [-1, 1].
    pub weight: f64,
}

/// A link between a planned dataset and a deposit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Stable across runs: `link:` + a hash of the entry and the deposit.
    pub id: String,
    /// The planned dataset.
    pub entry: EntryRef,
    /// The deposit (`doi:10.…`, `jga:JGAD000001`).
    pub deposit: Identifier,
    /// How it was found.
    pub method: Method,
    /// The relation: `IsDepositOf` (the deposit is the planned dataset), or,
    /// for hierarchy links, the deposit's relation to [`Link::via`] in
    /// DataCite's terms (`IsPartOf`, `IsVersionOf`, `IsSupplementTo`).
    pub relation: String,
    /// The linked deposit a hierarchy link goes through.
    pub via: Option<Identifier>,
    /// In [0, 1].
    pub score: f64,
    /// What matched.
    pub evidence: Vec<Evidence>,
    /// Where it stands.
    pub status: Status,
    /// Who set the status.
    pub decided_by: Decider,
    /// When the link (or its last change) was made.
    pub made: DateTime<Utc>,
    /// A curator's note.
    pub note: Option<String>,
}

/// The relation of a direct link: the deposit is the planned dataset.
pub const IS_DEPOSIT_OF: &str = "IsDepositOf";

/// The id of the link between `entry` and `deposit`.
pub fn link_id(entry: &EntryRef, deposit: &Identifier) -> String {
    let mut h = Sha256::new();
    h.update(entry.to_string().as_bytes());
    h.update([0]);
    h.update(deposit.to_string().as_bytes());
    format!("link:{}", &hex::encode(h.finalize())[..16])
}

/// A link the linker proposes (before decisions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The planned dataset.
    pub entry: EntryRef,
    /// The deposit.
    pub deposit: Identifier,
    /// How it was found.
    pub method: Method,
    /// See [`Link::relation`].
    pub relation: String,
    /// See [`Link::via`].
    pub via: Option<Identifier>,
    /// In [0, 1].
    pub score: f64,
    /// What matched.
    pub evidence: Vec<Evidence>,
}

/// The linker's settings (`[link]` in the configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkConfig {
    /// Links scoring at least this are accepted automatically.
    pub accept_at: f64,
    /// Links scoring below this are not proposed at all.
    pub propose_at: f64,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig {
            accept_at: 0.9,
            propose_at: 0.3,
        }
    }
}

/// A `[link]` table that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{origin}: the [link] table")]
pub struct ConfigError {
    /// The file.
    pub origin: String,
    /// What was wrong.
    #[source]
    pub source: toml::de::Error,
}

impl LinkConfig {
    /// The `[link]` table of a configuration file's text (the defaults
    /// when it has none); `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<LinkConfig, ConfigError> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            link: LinkConfig,
        }
        let err = |source| ConfigError {
            origin: origin.to_string(),
            source,
        };
        let mut table: toml::Table = toml::from_str(text).map_err(err)?;
        let link = table.remove("link");
        let mut t = toml::Table::new();
        if let Some(l) = link {
            t.insert("link".into(), l);
        }
        let f: File = t.try_into().map_err(err)?;
        Ok(f.link)
    }
}

/// A stored plan as the linker sees it: its record id (the 課題管理番号 of
/// an AMED plan, the `dmp_id` of a maDMP one), under which its entries are
/// linked, and its content.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    /// The record id.
    pub id: &'a str,
    /// The plan.
    pub dmp: &'a Dmp,
    /// Whether the funder funds it (an AMED form; a maDMP plan whose
    /// funding names AMED), so that AMED's deposit rule applies to it
    /// ([`report::DepositStatus::OtherFunder`] otherwise).
    pub funded: bool,
}

impl<'a> Plan<'a> {
    /// An AMED plan under its grant number (its record id).
    pub fn of(dmp: &'a Dmp) -> Plan<'a> {
        Plan {
            id: dmp.id(),
            dmp,
            funded: true,
        }
    }
}

/// The version of the linker's rules: a change of how links are proposed
/// makes every plan's links stale, so that the next `link run` re-links
/// them all (see [`settings_fingerprint`]).
pub const VERSION: u32 = 2;

/// The fingerprint of what a run proposes by, besides plans and deposits:
/// the linker's rules ([`VERSION`]), its settings, glossary and funder.
/// A plan linked under other settings is linked again.
pub fn settings_fingerprint(
    config: &LinkConfig,
    glossary: &text::Glossary,
    funder: &Funder,
) -> String {
    let mut h = Sha256::new();
    h.update(format!("v{VERSION}\n{config:?}\n{funder:?}\n").as_bytes());
    h.update(glossary.fingerprint().as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The inputs of one linking run.
pub struct Inputs<'a> {
    /// The plans (each under its grant number, [`Plan::of`]).
    pub plans: &'a [Dmp],
    /// The harvested deposits.
    pub deposits: &'a [Deposit],
    /// The funder whose grants the plans are (AMED).
    pub funder: &'a Funder,
}

/// One linking run: proposals from `inputs` (those scoring below
/// [`LinkConfig::propose_at`] left out), decided against the links of the
/// previous run ([`decide`]).
pub fn run(
    inputs: &Inputs<'_>,
    glossary: &text::Glossary,
    previous: &[Link],
    config: &LinkConfig,
    now: DateTime<Utc>,
) -> Vec<Link> {
    let proposals: Vec<Proposal> = linker::propose(inputs, glossary)
        .into_iter()
        .filter(|p| p.score >= config.propose_at)
        .collect();
    decide(proposals, previous, config, now)
}

/// Turns a run's proposals into links, keeping what was decided before:
/// a curator's decision survives (its score and evidence refreshed); a
/// system link whose score and evidence did not change keeps its `made`;
/// system links no longer proposed go. Sorted by id; the same inputs give
/// the same links.
pub fn decide(
    proposals: Vec<Proposal>,
    previous: &[Link],
    config: &LinkConfig,
    now: DateTime<Utc>,
) -> Vec<Link> {
    let before: std::collections::HashMap<&str, &Link> =
        previous.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut out: Vec<Link> = Vec::with_capacity(proposals.len());
    let mut seen = std::collections::HashSet::new();
    for p in proposals {
        let id = link_id(&p.entry, &p.deposit);
        if !seen.insert(id.clone()) {
            continue;
        }
        let auto = if p.score >= config.accept_at {
            Status::Accepted
        } else {
            Status::Proposed
        };
        let mut link = Link {
            id: id.clone(),
            entry: p.entry,
            deposit: p.deposit,
            method: p.method,
            relation: p.relation,
            via: p.via,
            score: p.score,
            evidence: p.evidence,
            status: auto,
            decided_by: Decider::System,
            made: now,
            note: None,
        };
        if let Some(old) = before.get(id.as_str()) {
            if old.decided_by == Decider::Curator {
                link.status = old.status;
                link.decided_by = Decider::Curator;
                link.note = old.note.clone();
            }
            let same = old.score == link.score
                && old.evidence == link.evidence
                && old.method == link.method
                && old.relation == link.relation
                && old.via == link.via
                && old.status == link.status;
            if same {
                link.made = old.made;
            }
        }
        out.push(link);
    }
    // A curator's decision on a link no longer proposed survives as it was.
    for old in previous {
        if old.decided_by == Decider::Curator && !seen.contains(&old.id) {
            out.push(old.clone());
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(dataset: u32, doi: &str, score: f64) -> Proposal {
        Proposal {
            entry: EntryRef::new("21ek0109555h0001", dataset),
            deposit: Identifier::parse(doi),
            method: Method::Inferred,
            relation: IS_DEPOSIT_OF.into(),
            via: None,
            score,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn curator_decisions_survive_and_an_unchanged_run_changes_nothing() {
        let config = LinkConfig::default();
        let t0 = "2026-01-01T00:00:00Z".parse().unwrap();
        let t1 = "2026-02-01T00:00:00Z".parse().unwrap();
        let run = || {
            vec![
                proposal(1, "10.99999/a", 0.95),
                proposal(2, "10.99999/b", 0.5),
            ]
        };
        let first = decide(run(), &[], &config, t0);
        assert_eq!(first.len(), 2);
        let a = first.iter().find(|l| l.entry.dataset == 1).unwrap();
        let b = first.iter().find(|l| l.entry.dataset == 2).unwrap();
        assert_eq!(a.status, Status::Accepted);
        assert_eq!(b.status, Status::Proposed);
        // Twice: nothing changes, not even the times.
        assert_eq!(decide(run(), &first, &config, t1), first);
        // A curator rejects the accepted one and accepts the other.
        let mut curated = first.clone();
        for l in &mut curated {
            l.decided_by = Decider::Curator;
            l.status = if l.entry.dataset == 1 {
                Status::Rejected
            } else {
                Status::Accepted
            };
        }
        let again = decide(run(), &curated, &config, t1);
        assert_eq!(again, curated);
        // Even when the linker stops proposing one of them.
        let fewer = decide(vec![proposal(1, "10.99999/a", 0.95)], &curated, &config, t1);
        assert_eq!(fewer, curated);
    }

    #[test]
    fn link_ids_are_stable_and_distinct() {
        let e = EntryRef::new("21ek0109555h0001", 1);
        let a = link_id(&e, &Identifier::parse("10.99999/A"));
        assert_eq!(
            a,
            link_id(&e, &Identifier::parse("https://doi.org/10.99999/a"))
        );
        assert_ne!(
            a,
            link_id(
                &EntryRef::new("21ek0109555h0001", 2),
                &Identifier::parse("10.99999/a")
            )
        );
        assert!(a.starts_with("link:") && a.len() == 21);
    }
}

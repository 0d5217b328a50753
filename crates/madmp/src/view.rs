//! maDMP → the AMED form's model: what the linker and the deposit report
//! read of a maDMP plan (from any DMP tool or funder, versions 1.0–1.3), as
//! they read an AMED plan. The inverse of [`crate::amed_to_madmp`] for the
//! fields they use, read tolerantly from the document's JSON (a missing or
//! malformed key is left out, never an error):
//!
//! | model | maDMP |
//! |---|---|
//! | `project.grant_number` | the first `project[].funding[].grant_id.identifier` |
//! | `project.title` | `project[0].title`, else `dmp.title` |
//! | `project.start`, `end` | `project[0].start`, `end` (the day of a date-time) |
//! | `created` | `dmp.created` (the day) |
//! | `pi.name` | `contact.name` |
//! | `staff[].name`, `institution` | `contributor[].name`, `affiliation[0].name` |
//! | dataset `number` | its index + 1 (as its OAI-PMH item and record node `#dmp/dataset/{index}`) |
//! | `name`, `description` | `title`, `description` |
//! | `doi` | `dataset_id.identifier` (a DOI, URL or accession) |
//! | `repository_url` | every distribution's `access_url` and `download_url`, space-separated |
//! | `repository_name`, `repository_info` | the first host's `title`, the hosts' `url`s |
//! | `publication_date` | `issued` (the day) |
//! | `sharing` | the most open `data_access`: `open` → 非制限公開; `restricted`/`shared` → 制限公開; `closed` → 非公開 |
//! | `subject` | `personal_data` or `sensitive_data` `yes` → ヒト個人 |

use dmpgraph_model::{DataSubject, Dataset, Dmp, Person, Project, SharingMethod, StaffMember};
use serde_json::Value;

/// A funding entry of a maDMP plan, as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanFunding {
    /// `funder_name`.
    pub funder_name: Option<String>,
    /// `funder_id.identifier` (ROR, Crossref Funder ID, …).
    pub funder_id: Option<String>,
    /// `grant_id.identifier`.
    pub grant: Option<String>,
}

fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

fn owned(v: &Value, pointer: &str) -> Option<String> {
    text(v, pointer).map(str::to_string)
}

fn array<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The day of a maDMP date or date-time (`2024-04-01`, `2024-04-01T09:00:00+09:00`).
fn day(v: &Value, pointer: &str) -> Option<chrono::NaiveDate> {
    let t = text(v, pointer)?;
    chrono::NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()
}

/// Every funding entry of the plan's projects.
pub fn plan_funding(document: &Value) -> Vec<PlanFunding> {
    array(document, "/dmp/project")
        .iter()
        .flat_map(|p| array(p, "/funding"))
        .map(|f| PlanFunding {
            funder_name: owned(f, "/funder_name"),
            funder_id: owned(f, "/funder_id/identifier"),
            grant: owned(f, "/grant_id/identifier"),
        })
        .collect()
}

/// The AMED form's view of a maDMP document (see the module's table).
pub fn as_amed(document: &Value) -> Dmp {
    let project = array(document, "/dmp/project").first();
    let grant = plan_funding(document).into_iter().find_map(|f| f.grant);
    let title = project
        .and_then(|p| owned(p, "/title"))
        .or_else(|| owned(document, "/dmp/title"))
        .unwrap_or_default();
    let mut dmp = Dmp {
        created: day(document, "/dmp/created"),
        project: Project {
            grant_number: grant.unwrap_or_default(),
            title,
            start: project.and_then(|p| day(p, "/start")),
            end: project.and_then(|p| day(p, "/end")),
            ..Project::default()
        },
        pi: Person {
            name: owned(document, "/dmp/contact/name"),
            ..Person::default()
        },
        ..Dmp::default()
    };
    dmp.staff = array(document, "/dmp/contributor")
        .iter()
        .enumerate()
        .map(|(i, c)| StaffMember {
            number: u32::try_from(i + 1).ok(),
            name: owned(c, "/name"),
            institution: owned(c, "/affiliation/0/name"),
            ..StaffMember::default()
        })
        .collect();
    for (i, d) in array(document, "/dmp/dataset").iter().enumerate() {
        let Ok(number) = u32::try_from(i + 1) else {
            break;
        };
        let distributions = array(d, "/distribution");
        let urls: Vec<&str> = distributions
            .iter()
            .flat_map(|x| [text(x, "/access_url"), text(x, "/download_url")])
            .flatten()
            .collect();
        let hosts: Vec<&str> = distributions
            .iter()
            .filter_map(|x| text(x, "/host/url"))
            .collect();
        let sharing = distributions
            .iter()
            .filter_map(|x| text(x, "/data_access"))
            .filter_map(sharing_of)
            .min_by_key(|s| openness(*s));
        let yes = |key: &str| text(d, key).is_some_and(|v| v.eq_ignore_ascii_case("yes"));
        dmp.datasets.push(Dataset {
            number,
            name: owned(d, "/title"),
            description: owned(d, "/description"),
            doi: owned(d, "/dataset_id/identifier"),
            repository_url: (!urls.is_empty()).then(|| urls.join(" ")),
            repository_name: distributions.iter().find_map(|x| owned(x, "/host/title")),
            repository_info: (!hosts.is_empty()).then(|| hosts.join(" ")),
            publication_date: day(d, "/issued"),
            sharing,
            subject: (yes("/personal_data") || yes("/sensitive_data"))
                .then_some(DataSubject::HumanIndividual),
            ..Dataset::default()
        });
    }
    dmp
}

/// The AMED sharing method a maDMP `data_access` stands for (1.0–1.3 terms).
fn sharing_of(access: &str) -> Option<SharingMethod> {
    match access.to_ascii_lowercase().as_str() {
        "open" => Some(SharingMethod::UnrestrictedPublication),
        "restricted" | "shared" => Some(SharingMethod::RestrictedPublication),
        "closed" => Some(SharingMethod::NotPublished),
        _ => None,
    }
}

/// The order of openness (the most open first).
fn openness(s: SharingMethod) -> u8 {
    match s {
        SharingMethod::UnrestrictedPublication => 0,
        SharingMethod::RestrictedPublication => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_plan_reads_as_the_form_would_have_it() {
        let doc = json!({"dmp": {
        "title": "Plan", "created": "2024-04-01T09:00:00+09:00",
        "contact": {"name": "Sato Hanako", "mbox": "x@example.org"},
        "contributor": [{"name": "Ito Ken", "affiliation": [{"name": "Kyoto University"}]}],
        "project": [{"title": "膵がんオルガノイド", "start": "2024-04-01", "end": "2027-03-31",
            "funding": [{"funder_name": "JSPS", "funder_id": {"identifier": "https://ror.org/00hhkn466", "type": "ror"},
                         "grant_id": {"identifier": "24H01234", "type": "other"}}]}],
        "dataset": [
            {"title": "WES", "dataset_id": {"identifier": "https://ddbj.nig.ac.jp/search/entry/jga-dataset/JGAD000901", "type": "url"},
             "personal_data": "yes", "issued": "2026-04-01",
             "distribution": [
                {"title": "a", "data_access": "closed", "access_url": "https://example.org/a"},
                {"title": "b", "data_access": "shared", "download_url": "https://example.org/b",
                 "host": {"title": "JGA", "url": "https://www.ddbj.nig.ac.jp/jga/"}}]},
            {"title": "no distribution", "dataset_id": {"identifier": "10.5281/zenodo.1", "type": "doi"}},
            "not an object"
        ]}});
        let dmp = as_amed(&doc);
        assert_eq!(dmp.project.grant_number, "24H01234");
        assert_eq!(dmp.project.title, "膵がんオルガノイド");
        assert_eq!(dmp.project.end.unwrap().to_string(), "2027-03-31");
        assert_eq!(dmp.created.unwrap().to_string(), "2024-04-01");
        assert_eq!(dmp.pi.name.as_deref(), Some("Sato Hanako"));
        assert_eq!(
            dmp.staff[0].institution.as_deref(),
            Some("Kyoto University")
        );
        assert_eq!(dmp.datasets.len(), 3);
        let d = &dmp.datasets[0];
        assert_eq!(d.number, 1);
        assert!(d.doi.as_deref().unwrap().ends_with("JGAD000901"));
        assert_eq!(
            d.repository_url.as_deref(),
            Some("https://example.org/a https://example.org/b")
        );
        assert_eq!(d.repository_name.as_deref(), Some("JGA"));
        assert_eq!(d.sharing, Some(SharingMethod::RestrictedPublication));
        assert_eq!(d.subject, Some(DataSubject::HumanIndividual));
        assert_eq!(d.publication_date.unwrap().to_string(), "2026-04-01");
        assert_eq!(dmp.datasets[1].number, 2);
        assert_eq!(dmp.datasets[1].sharing, None);
        assert_eq!(dmp.datasets[2].name, None);
        assert_eq!(plan_funding(&doc)[0].funder_name.as_deref(), Some("JSPS"));
    }
}

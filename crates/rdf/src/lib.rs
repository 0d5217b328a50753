//! dmpgraph's model as RDF, driven by `mappings/rdf.toml`.
//!
//! A record is one named graph, split in two: the **public** quads (green
//! cells) and the **private** quads (blue cells, and staff who may not be
//! published). The split follows the model's marks ([`dmpgraph_model::Dmp::fields`]),
//! so a field cannot reach the public side by a mapping mistake.
//!
//! ```
//! use dmpgraph_model::Dmp;
//! use dmpgraph_rdf::{dmp_to_graphs, graphs_to_dmp, Base};
//!
//! let mut dmp = Dmp::new("21ek0109555h0001", "ゲノム解析研究");
//! dmp.pi.contact.email = Some("pi@example.ac.jp".into());
//! let base = Base::default();
//! let graphs = dmp_to_graphs(&dmp, &base);
//! assert!(graphs.public.iter().all(|q| !q.to_string().contains("pi@example.ac.jp")));
//! assert!(graphs.private.iter().any(|q| q.to_string().contains("pi@example.ac.jp")));
//! let all: Vec<_> = graphs.public.iter().chain(&graphs.private).cloned().collect();
//! assert_eq!(graphs_to_dmp(&all, &base).unwrap(), dmp);
//! ```

mod mapping;

pub use mapping::{Mapping, MappingError, BUILTIN_RDF_TOML};

use chrono::NaiveDate;
use dmpgraph_model::{
    DataClass, DataSubject, Dmp, Entity, Field, SharingMethod, Value, Visibility,
};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, Quad, Term};

/// The vocabulary of dmpgraph's own terms (`ontologies/dmpgraph.ttl`).
pub const DMPG: &str = "https://w3id.org/dmpgraph/ns#";
/// Where dmpgraph's SKOS concept schemes live (AMED's value lists).
pub const DMPG_CONCEPTS: &str = "https://w3id.org/dmpgraph/ns/";

/// The base IRI under which record IRIs are minted; it should be where the
/// server answers, so that record IRIs dereference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base(String);

impl Default for Base {
    fn default() -> Self {
        Base("http://localhost:8080/".into())
    }
}

impl Base {
    /// A base IRI; a missing trailing `/` is added. Fails on a non-absolute IRI.
    pub fn new(iri: &str) -> Result<Base, String> {
        let iri = if iri.ends_with('/') {
            iri.to_string()
        } else {
            format!("{iri}/")
        };
        NamedNode::new(&iri)
            .map_err(|e| format!("--base-iri '{iri}' is not an absolute IRI: {e}"))?;
        Ok(Base(iri))
    }
    /// The base as a string, ending in `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The IRI of a record, which is also its graph name.
    pub fn record_iri(&self, id: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}record/{}", self.0, iri_segment(id)))
    }
    /// The record id of a record IRI, when it is one of ours.
    pub fn record_id(&self, iri: &str) -> Option<String> {
        let rest = iri.strip_prefix(&self.0)?.strip_prefix("record/")?;
        Some(rest.split('#').next()?.to_string())
    }
}

/// Keeps an id usable as one IRI path segment.
fn iri_segment(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                c.to_string()
            } else {
                c.to_string().bytes().map(|b| format!("%{b:02X}")).collect()
            }
        })
        .collect()
}

/// A record's graph name and its public and private quads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordGraphs {
    /// The graph name (= the record IRI).
    pub graph: NamedNode,
    /// Quads that any interface may show.
    pub public: Vec<Quad>,
    /// Quads that only trusted exports may show.
    pub private: Vec<Quad>,
}

fn entity_fragment(e: Entity) -> String {
    match e {
        Entity::Dmp => "dmp".into(),
        Entity::Project => "project".into(),
        Entity::Pi => "pi".into(),
        Entity::Dataset(n) => format!("dataset-{n}"),
        Entity::DataManager(n) => format!("dataset-{n}-manager"),
        Entity::Staff(n) => format!("staff-{n}"),
    }
}

fn fragment_entity(f: &str) -> Option<Entity> {
    Some(match f {
        "dmp" => Entity::Dmp,
        "project" => Entity::Project,
        "pi" => Entity::Pi,
        _ => {
            if let Some(rest) = f.strip_prefix("dataset-") {
                match rest.strip_suffix("-manager") {
                    Some(n) => Entity::DataManager(n.parse().ok()?),
                    None => Entity::Dataset(rest.parse().ok()?),
                }
            } else {
                Entity::Staff(f.strip_prefix("staff-")?.parse().ok()?)
            }
        }
    })
}

fn entity_kind(e: Entity) -> &'static str {
    match e {
        Entity::Dmp => "dmp",
        Entity::Project => "project",
        Entity::Pi => "pi",
        Entity::Dataset(_) => "dataset",
        Entity::DataManager(_) => "manager",
        Entity::Staff(_) => "staff",
    }
}

fn parent(e: Entity) -> Option<Entity> {
    match e {
        Entity::Dmp => None,
        Entity::DataManager(n) => Some(Entity::Dataset(n)),
        _ => Some(Entity::Dmp),
    }
}

/// A language tag guessed from the script: Japanese when any kana or CJK
/// ideograph appears, English for other Latin text.
pub fn guess_language(text: &str) -> &'static str {
    let japanese = text.chars().any(|c| matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F));
    if japanese {
        "ja"
    } else {
        "en"
    }
}

fn concept(list: &str, code: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{DMPG_CONCEPTS}{list}/{code}"))
}

/// Maps a plan to its record graphs with the built-in mapping.
pub fn dmp_to_graphs(dmp: &Dmp, base: &Base) -> RecordGraphs {
    Mapping::builtin().dmp_to_graphs(dmp, base)
}

/// Rebuilds a plan from its record quads (public, private, or both) with the
/// built-in mapping.
pub fn graphs_to_dmp(quads: &[Quad], base: &Base) -> Result<Dmp, MappingError> {
    Mapping::builtin().graphs_to_dmp(quads, base)
}

impl Mapping {
    /// Maps a plan to its record graphs.
    pub fn dmp_to_graphs(&self, dmp: &Dmp, base: &Base) -> RecordGraphs {
        let graph = base.record_iri(dmp.id());
        let gname = GraphName::NamedNode(graph.clone());
        let node = |e: Entity| {
            NamedNode::new_unchecked(format!("{}#{}", graph.as_str(), entity_fragment(e)))
        };
        let mut public = Vec::new();
        let mut private = Vec::new();
        let values = dmp.fields();
        // Each side types and links exactly the entities it holds values of
        // (and their ancestors): a staff member who may not be published must
        // not appear on the public side even as a bare node.
        for side in [Visibility::Public, Visibility::Private] {
            let out = if side == Visibility::Public {
                &mut public
            } else {
                &mut private
            };
            let mut entities = std::collections::BTreeSet::new();
            for fv in values.iter().filter(|fv| fv.visibility == side) {
                let mut e = Some(fv.entity);
                while let Some(x) = e {
                    entities.insert(x);
                    e = parent(x);
                }
            }
            for e in entities {
                let s = node(e);
                for class in self.classes(entity_kind(e)) {
                    out.push(Quad::new(
                        s.clone(),
                        rdf::TYPE,
                        class.clone(),
                        gname.clone(),
                    ));
                }
                if let (Some(p), Some(link)) = (parent(e), self.link(entity_kind(e))) {
                    out.push(Quad::new(node(p), link.clone(), s, gname.clone()));
                }
            }
        }
        for fv in values {
            let out = if fv.visibility == Visibility::Public {
                &mut public
            } else {
                &mut private
            };
            let subject = node(fv.entity);
            let Some(prop) = self.property(fv.field) else {
                continue;
            };
            let object: Term = match &fv.value {
                Value::Text(t) if self.is_lang(fv.field) => {
                    Literal::new_language_tagged_literal_unchecked(t, guess_language(t)).into()
                }
                Value::Text(t) => Literal::new_simple_literal(t).into(),
                Value::Date(d) => Literal::new_typed_literal(d.to_string(), xsd::DATE).into(),
                Value::Integer(n) => Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into(),
                Value::Bool(b) => Literal::new_typed_literal(b.to_string(), xsd::BOOLEAN).into(),
                Value::Sharing(v) => concept("sharing-method", v.code()).into(),
                Value::Subject(v) => concept("data-subject", v.code()).into(),
                Value::Class(v) => concept("data-class", v.code()).into(),
            };
            out.push(Quad::new(subject, prop.clone(), object, gname.clone()));
        }
        RecordGraphs {
            graph,
            public,
            private,
        }
    }

    /// Rebuilds a plan from record quads. Quads of unknown entities or
    /// properties (types, links, other vocabularies) are skipped.
    pub fn graphs_to_dmp(&self, quads: &[Quad], base: &Base) -> Result<Dmp, MappingError> {
        let mut dmp = Dmp::default();
        for q in quads {
            let oxigraph::model::NamedOrBlankNode::NamedNode(s) = &q.subject else {
                continue;
            };
            let Some((_, frag)) = s.as_str().split_once('#') else {
                continue;
            };
            if base.record_id(s.as_str()).is_none() {
                continue;
            }
            let Some(entity) = fragment_entity(frag) else {
                continue;
            };
            let Some(field) = self.field_for(entity_kind(entity), q.predicate.as_ref()) else {
                continue;
            };
            let value = term_value(field, &q.object).ok_or_else(|| {
                MappingError(format!(
                    "{}: {} is no value of {}",
                    s,
                    q.object,
                    field.key()
                ))
            })?;
            dmp.set(entity, field, value)
                .map_err(|e| MappingError(e.to_string()))?;
        }
        Ok(dmp)
    }
}

fn term_value(field: Field, term: &Term) -> Option<Value> {
    match term {
        Term::NamedNode(n) => {
            let rest = n.as_str().strip_prefix(DMPG_CONCEPTS)?;
            let (list, code) = rest.split_once('/')?;
            match list {
                "sharing-method" => SharingMethod::from_code(code).map(Value::Sharing),
                "data-subject" => DataSubject::from_code(code).map(Value::Subject),
                "data-class" => DataClass::from_code(code).map(Value::Class),
                _ => None,
            }
        }
        Term::Literal(l) => {
            let dt = l.datatype();
            if dt == xsd::DATE {
                NaiveDate::parse_from_str(l.value(), "%Y-%m-%d")
                    .ok()
                    .map(Value::Date)
            } else if dt == xsd::INTEGER {
                l.value().parse().ok().map(Value::Integer)
            } else if dt == xsd::BOOLEAN {
                match l.value() {
                    "true" | "1" => Some(Value::Bool(true)),
                    "false" | "0" => Some(Value::Bool(false)),
                    _ => None,
                }
            } else {
                let _ = field;
                Some(Value::Text(l.value().to_string()))
            }
        }
        _ => None,
    }
}

/// `rdf:type`, for callers that walk record graphs.
pub const RDF_TYPE: NamedNodeRef<'static> = rdf::TYPE;

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_model::{Dataset, StaffMember};

    fn sample() -> Dmp {
        let mut dmp = Dmp::new("21ek0109555h0001", "希少疾患の全ゲノム解析");
        dmp.created = NaiveDate::from_ymd_opt(2023, 4, 1);
        dmp.pi.name = Some("山田 太郎".into());
        dmp.pi.contact.phone = Some("03-1234-5678".into());
        dmp.datasets.push(Dataset {
            number: 2,
            name: Some("WGS data".into()),
            sharing: Some(SharingMethod::RestrictedPublication),
            consent: Some(true),
            ..Dataset::default()
        });
        dmp.datasets[0].manager.contact.email = Some("dm@example.ac.jp".into());
        dmp.staff.push(StaffMember {
            name: Some("隠 れ子".into()),
            publishable: Some(false),
            ..Default::default()
        });
        dmp
    }

    #[test]
    fn private_values_never_reach_the_public_graph() {
        let g = dmp_to_graphs(&sample(), &Base::default());
        let public: String = g
            .public
            .iter()
            .map(|q| q.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        for secret in ["03-1234-5678", "dm@example.ac.jp", "隠 れ子", "#staff-1"] {
            assert!(
                !public.contains(secret),
                "{secret} in public graph:\n{public}"
            );
        }
        let private: String = g
            .private
            .iter()
            .map(|q| q.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(private.contains("#staff-1") && private.contains("隠 れ子"));
    }

    #[test]
    fn round_trip_is_lossless() {
        let base = Base::new("https://catalog.example.jp").unwrap();
        let g = dmp_to_graphs(&sample(), &base);
        let all: Vec<_> = g.public.iter().chain(&g.private).cloned().collect();
        assert_eq!(graphs_to_dmp(&all, &base).unwrap(), sample());
        assert_eq!(
            g.graph.as_str(),
            "https://catalog.example.jp/record/21ek0109555h0001"
        );
    }

    #[test]
    fn titles_carry_a_language_tag() {
        assert_eq!(guess_language("ゲノム"), "ja");
        assert_eq!(guess_language("WGS data"), "en");
        let g = dmp_to_graphs(&sample(), &Base::default());
        assert!(g
            .public
            .iter()
            .any(|q| q.object.to_string() == "\"WGS data\"@en"));
        assert!(g
            .public
            .iter()
            .any(|q| q.object.to_string() == "\"希少疾患の全ゲノム解析\"@ja"));
    }
}

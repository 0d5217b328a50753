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

pub mod deposit;
mod derive;
pub mod link;
mod madmp;
mod mapping;

pub use madmp::{madmp_document, public_document, MADMP_CONTEXT, MADMP_DOCUMENT};
pub use mapping::{
    replace_field_table, FieldMapping, Mapping, MappingError, Node, BUILTIN_RDF_TOML,
    FIELD_TABLE_BEGIN, FIELD_TABLE_END,
};

use chrono::NaiveDate;
use dmpgraph_model::{
    CatalogConfig, DataClass, DataSubject, Dmp, Entity, Field, SharingMethod, Value, Visibility,
};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, Quad, Term};
use std::collections::HashMap;

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
    /// The IRI of a harvested deposit's record, also its graph name
    /// (`{base}deposit/{id}`: a deposit's DOI may be a plan's `dmp_id` too,
    /// and the two records must not share a graph).
    pub fn deposit_iri(&self, id: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}deposit/{}", self.0, iri_segment(id)))
    }
    /// The graph IRI of a link record (`{base}link/{id}`).
    pub fn link_iri(&self, id: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}link/{}", self.0, iri_segment(id)))
    }
    /// The base a record graph IRI (`{base}record/{id}`) was minted under:
    /// what precedes its first `record/`.
    pub fn of_record(graph: &str) -> Result<Base, String> {
        Base::new(graph.split("record/").next().unwrap_or_default())
    }
    /// The record id of a record IRI, when it is one of ours.
    pub fn record_id(&self, iri: &str) -> Option<String> {
        let rest = iri.strip_prefix(&self.0)?.strip_prefix("record/")?;
        Some(rest.split('#').next()?.to_string())
    }
}

/// What stays as it is in an IRI segment or fragment dmpgraph mints: RFC
/// 3986's unreserved characters; everything else is percent-encoded (UTF-8).
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Keeps an id usable as one IRI path segment (or fragment part).
pub(crate) fn iri_segment(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, UNRESERVED).to_string()
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

/// Where a record came from and what it is published under: everything a
/// record's graphs need besides the plan itself.
#[derive(Debug, Clone, Copy)]
pub struct RecordContext<'a> {
    /// The base IRI of records.
    pub base: &'a Base,
    /// The catalog and its funder.
    pub catalog: &'a CatalogConfig,
    /// The source file's name (not its directory), for provenance.
    pub source: Option<&'a str>,
    /// The client that wrote it, when not an operator's command: the name
    /// of the maDMP API token it presented, for provenance.
    pub client: Option<&'a str>,
}

impl<'a> RecordContext<'a> {
    /// A context with the built-in catalog configuration and no source.
    pub fn new(base: &'a Base) -> RecordContext<'a> {
        RecordContext {
            base,
            catalog: CatalogConfig::builtin(),
            source: None,
            client: None,
        }
    }
}

/// Maps a plan to its record graphs with the built-in mapping and catalog.
pub fn dmp_to_graphs(dmp: &Dmp, base: &Base) -> RecordGraphs {
    Mapping::builtin().dmp_to_graphs(dmp, &RecordContext::new(base))
}

/// Rebuilds a plan from its record quads (public, private, or both) with the
/// built-in mapping.
pub fn graphs_to_dmp(quads: &[Quad], base: &Base) -> Result<Dmp, MappingError> {
    Mapping::builtin().graphs_to_dmp(quads, base)
}

/// The IRI of the catalog (`{base}catalog`), also its graph's name.
pub fn catalog_iri(base: &Base) -> NamedNode {
    NamedNode::new_unchecked(format!("{}catalog", base.as_str()))
}

fn ns(prefix: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{prefix}{local}"))
}

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const DCSO: &str = "https://w3id.org/dcso/ns/core#";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const PROV: &str = "http://www.w3.org/ns/prov#";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const EU_LANGUAGE: &str = "http://publications.europa.eu/resource/authority/language";
const ADMS_PUBLISHER_TYPE: &str = "http://purl.org/adms/publishertype/";
const EU_ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";

/// The English label of an ADMS publisher type
/// (`http://purl.org/adms/publishertype/…`), as the ADMS vocabulary gives
/// it; another IRI is labelled by its last segment.
fn publisher_type_label(iri: &str) -> String {
    let code = iri.rsplit(['/', '#']).next().unwrap_or(iri);
    match code {
        "Academia-ScientificOrganisation" => "Academia/Scientific organisation",
        "Company" => "Company",
        "IndustryConsortium" => "Industry consortium",
        "LocalAuthority" => "Local Authority",
        "NationalAuthority" => "National authority",
        "NonGovernmentalOrganisation" => "Non-Governmental Organisation",
        "NonProfitOrganisation" => "Non-Profit Organisation",
        "PrivateIndividual(s)" => "Private Individual(s)",
        "RegionalAuthority" => "Regional authority",
        "StandardisationBody" => "Standardisation body",
        "SupraNationalAuthority" => "Supra-national authority",
        other => other,
    }
    .to_string()
}

/// The catalog's own graph: the `dcat:Catalog` with its titles, publisher and
/// contact point, the funder, and the access-right concepts datasets cite.
/// Record graphs link their datasets to it (`dcat:dataset`).
pub fn catalog_graph(base: &Base, config: &CatalogConfig) -> (NamedNode, Vec<Quad>) {
    let catalog = catalog_iri(base);
    let g = GraphName::NamedNode(catalog.clone());
    let mut q = Vec::new();
    let mut add =
        |s: &NamedNode, p: NamedNode, o: Term| q.push(Quad::new(s.clone(), p, o, g.clone()));
    let ja = |t: &str| -> Term { Literal::new_language_tagged_literal_unchecked(t, "ja").into() };
    let en = |t: &str| -> Term { Literal::new_language_tagged_literal_unchecked(t, "en").into() };
    let c = &config.catalog;
    add(&catalog, rdf::TYPE.into_owned(), ns(DCAT, "Catalog").into());
    add(&catalog, ns(DCTERMS, "title"), ja(&c.title_ja));
    add(&catalog, ns(DCTERMS, "title"), en(&c.title_en));
    add(&catalog, ns(DCTERMS, "description"), ja(&c.description_ja));
    add(&catalog, ns(DCTERMS, "description"), en(&c.description_en));
    let publisher = ns(&format!("{}#", catalog.as_str()), "publisher");
    add(&catalog, ns(DCTERMS, "publisher"), publisher.clone().into());
    add(&publisher, rdf::TYPE.into_owned(), ns(FOAF, "Agent").into());
    add(
        &publisher,
        rdf::TYPE.into_owned(),
        ns(FOAF, "Organization").into(),
    );
    add(&publisher, ns(FOAF, "name"), ja(&c.publisher_name));
    add(&publisher, ns(FOAF, "name"), en(&c.publisher_name_en));
    if let Ok(home) = NamedNode::new(&c.publisher_url) {
        add(&publisher, ns(FOAF, "homepage"), home.into());
    }
    if let Some(kind) = c
        .publisher_type
        .as_deref()
        .and_then(|t| NamedNode::new(t).ok())
    {
        add(&publisher, ns(DCTERMS, "type"), kind.clone().into());
        add(&kind, rdf::TYPE.into_owned(), ns(SKOS, "Concept").into());
        add(
            &kind,
            ns(SKOS, "prefLabel"),
            en(&publisher_type_label(kind.as_str())),
        );
        if kind.as_str().starts_with(ADMS_PUBLISHER_TYPE) {
            let scheme = NamedNode::new_unchecked(format!("{ADMS_PUBLISHER_TYPE}1.0"));
            add(&kind, ns(SKOS, "inScheme"), scheme.clone().into());
            add(
                &scheme,
                rdf::TYPE.into_owned(),
                ns(SKOS, "ConceptScheme").into(),
            );
            add(
                &scheme,
                ns(DCTERMS, "title"),
                en("ADMS publisher type vocabulary"),
            );
        }
    }
    if let Some(home) = c.homepage.as_deref().and_then(|h| NamedNode::new(h).ok()) {
        add(&catalog, ns(FOAF, "homepage"), home.clone().into());
        add(&home, rdf::TYPE.into_owned(), ns(FOAF, "Document").into());
    }
    for language in c.languages.iter().filter_map(|l| NamedNode::new(l).ok()) {
        add(&catalog, ns(DCTERMS, "language"), language.clone().into());
        add(
            &language,
            rdf::TYPE.into_owned(),
            ns(DCTERMS, "LinguisticSystem").into(),
        );
        if language.as_str().starts_with(&format!("{EU_LANGUAGE}/")) {
            let scheme = NamedNode::new_unchecked(EU_LANGUAGE);
            add(&language, ns(SKOS, "inScheme"), scheme.clone().into());
            add(
                &scheme,
                rdf::TYPE.into_owned(),
                ns(SKOS, "ConceptScheme").into(),
            );
            add(&scheme, ns(DCTERMS, "title"), en("Languages"));
        }
    }
    let contact = contact_point(base);
    add(&catalog, ns(DCAT, "contactPoint"), contact.clone().into());
    add(
        &contact,
        rdf::TYPE.into_owned(),
        ns(VCARD, "Organization").into(),
    );
    // DCAT-AP checks the class of a contact point without reasoning.
    add(&contact, rdf::TYPE.into_owned(), ns(VCARD, "Kind").into());
    add(
        &contact,
        ns(VCARD, "fn"),
        Literal::new_simple_literal(&config.contact.name).into(),
    );
    add(
        &contact,
        ns(VCARD, "hasEmail"),
        NamedNode::new_unchecked(format!("mailto:{}", config.contact.mbox)).into(),
    );
    if let Ok(url) = NamedNode::new(&config.contact.url) {
        add(&contact, ns(VCARD, "hasURL"), url.into());
    }
    let f = &config.funder;
    if let Ok(funder) = NamedNode::new(&f.ror) {
        add(
            &funder,
            rdf::TYPE.into_owned(),
            ns(FOAF, "Organization").into(),
        );
        add(&funder, ns(FOAF, "name"), en(&f.name));
        add(&funder, ns(FOAF, "name"), ja(&f.name_ja));
        add(
            &funder,
            ns(DCTERMS, "alternative"),
            Literal::new_simple_literal(&f.abbreviation).into(),
        );
        if let Ok(fundref) = NamedNode::new(&f.crossref_funder_id) {
            add(
                &funder,
                NamedNode::new_unchecked("http://www.w3.org/2002/07/owl#sameAs"),
                fundref.into(),
            );
        }
    }
    // The EU access-right concepts datasets cite, with the labels of the
    // EU's authority list (DCAT-AP checks that a cited concept has one).
    for (right, label_en, label_ja) in [
        ("PUBLIC", "public", "公開"),
        ("RESTRICTED", "restricted", "制限付き"),
        ("NON_PUBLIC", "non-public", "非公開"),
    ] {
        let r = ns(EU_ACCESS_RIGHT, right);
        let pref_label = NamedNode::new_unchecked("http://www.w3.org/2004/02/skos/core#prefLabel");
        add(&r, pref_label.clone(), en(label_en));
        add(&r, pref_label, ja(label_ja));
        add(
            &r,
            NamedNode::new_unchecked("http://www.w3.org/2004/02/skos/core#inScheme"),
            NamedNode::new_unchecked(EU_ACCESS_RIGHT.trim_end_matches('/')).into(),
        );
        add(
            &r,
            rdf::TYPE.into_owned(),
            ns(DCTERMS, "RightsStatement").into(),
        );
        add(
            &r,
            rdf::TYPE.into_owned(),
            NamedNode::new_unchecked("http://www.w3.org/2004/02/skos/core#Concept").into(),
        );
    }
    (catalog, q)
}

/// dmpgraph's vocabulary, `ontologies/dmpgraph.ttl`.
pub const VOCABULARY_TTL: &str = include_str!("../../../ontologies/dmpgraph.ttl");

/// The name of the vocabulary's graph in the store: the ontology's IRI
/// without its `#`.
pub const VOCABULARY_GRAPH: &str = "https://w3id.org/dmpgraph/ns";

/// The vocabulary as quads of its graph, so that queries can use the labels
/// (`skos:prefLabel "制限公開"@ja`) and crosswalks of AMED's value lists.
pub fn vocabulary_graph() -> Result<(NamedNode, Vec<Quad>), MappingError> {
    let graph = NamedNode::new_unchecked(VOCABULARY_GRAPH);
    let quads = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .with_default_graph(graph.clone())
        .for_slice(VOCABULARY_TTL.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| MappingError::new(format!("ontologies/dmpgraph.ttl: {e}")))?;
    Ok((graph, skolemized(quads)))
}

/// The quads with every blank node (the ontology's RDF lists) replaced by
/// a well-known IRI numbered in order of appearance (RDF 1.1 §3.5): the
/// same on every load, so the store holds no blank nodes and any copy of it
/// (a dump loaded elsewhere, another parser) names them alike.
fn skolemized(quads: Vec<Quad>) -> Vec<Quad> {
    use oxigraph::model::{BlankNode, NamedOrBlankNode};
    let mut names: std::collections::HashMap<BlankNode, NamedNode> = Default::default();
    let mut name = |b: BlankNode| -> NamedNode {
        let n = names.len() + 1;
        names
            .entry(b)
            .or_insert_with(|| {
                NamedNode::new_unchecked(format!("{VOCABULARY_GRAPH}/.well-known/genid/{n}"))
            })
            .clone()
    };
    quads
        .into_iter()
        .map(|q| {
            let subject = match q.subject {
                NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::NamedNode(name(b)),
                s => s,
            };
            let object = match q.object {
                Term::BlankNode(b) => Term::NamedNode(name(b)),
                o => o,
            };
            Quad::new(subject, q.predicate, object, q.graph_name)
        })
        .collect()
}

/// The catalog's contact point, cited by every dataset.
pub fn contact_point(base: &Base) -> NamedNode {
    NamedNode::new_unchecked(format!("{}catalog#contact", base.as_str()))
}

/// The quads of one side (public or private) of a record, without repeats.
struct Side {
    graph: GraphName,
    quads: Vec<Quad>,
    seen: std::collections::HashSet<(NamedNode, NamedNode, Term)>,
}

impl Side {
    fn new(graph: &NamedNode) -> Side {
        Side {
            graph: GraphName::NamedNode(graph.clone()),
            quads: Vec::new(),
            seen: Default::default(),
        }
    }
    fn add(&mut self, s: &NamedNode, p: &NamedNode, o: Term) {
        if self.seen.insert((s.clone(), p.clone(), o.clone())) {
            self.quads
                .push(Quad::new(s.clone(), p.clone(), o, self.graph.clone()));
        }
    }
}

impl Mapping {
    /// Maps a plan to its record graphs.
    pub fn dmp_to_graphs(&self, dmp: &Dmp, ctx: &RecordContext<'_>) -> RecordGraphs {
        let graph = ctx.base.record_iri(dmp.id());
        let node = |e: Entity| {
            NamedNode::new_unchecked(format!("{}#{}", graph.as_str(), entity_fragment(e)))
        };
        let mut public = Side::new(&graph);
        let mut private = Side::new(&graph);
        let values = dmp.fields();
        let rdf_type = rdf::TYPE.into_owned();
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
                    out.add(&s, &rdf_type, class.clone().into());
                }
                if let (Some(p), Some(link)) = (parent(e), self.link(entity_kind(e))) {
                    out.add(&node(p), link, s.into());
                }
            }
        }
        for fv in &values {
            let out = if fv.visibility == Visibility::Public {
                &mut public
            } else {
                &mut private
            };
            let fm = self.field(fv.field);
            let object = self.object(fv.field, &fv.value);
            for path in std::iter::once(&fm.path).chain(&fm.also) {
                let mut subject = node(fv.entity);
                for step in &path[..path.len() - 1] {
                    let n = self.node(step).expect("checked when the table was read");
                    let next =
                        NamedNode::new_unchecked(format!("{}-{}", subject.as_str(), n.suffix));
                    out.add(&subject, step, next.clone().into());
                    for class in &n.classes {
                        out.add(&next, &rdf_type, class.clone().into());
                    }
                    for (p, v) in &n.constants {
                        out.add(&next, p, v.clone().into());
                    }
                    subject = next;
                }
                out.add(
                    &subject,
                    path.last().expect("paths are not empty"),
                    object.clone(),
                );
            }
            if let Value::Sharing(method) = fv.value {
                out.add(
                    &node(fv.entity),
                    &ns(DCTERMS, "accessRights"),
                    self.access_right(method).clone().into(),
                );
            }
        }
        self.add_context(dmp, ctx, &node, &mut public);
        let derived = derive::derived_facts(&GraphName::NamedNode(graph.clone()), &public.quads);
        public.quads.extend(derived);
        RecordGraphs {
            graph,
            public: public.quads,
            private: private.quads,
        }
    }

    /// Triples that come from the record's context rather than from a field:
    /// the catalog's links to the datasets, the funder, and provenance.
    fn add_context(
        &self,
        dmp: &Dmp,
        ctx: &RecordContext<'_>,
        node: &dyn Fn(Entity) -> NamedNode,
        public: &mut Side,
    ) {
        let rdf_type = rdf::TYPE.into_owned();
        let catalog = catalog_iri(ctx.base);
        let generated = ns(DMPG, GENERATED_VALUE_OF);
        for d in &dmp.datasets {
            let ds = node(Entity::Dataset(d.number));
            public.add(&catalog, &ns(DCAT, "dataset"), ds.clone().into());
            public.add(
                &ds,
                &ns(DCAT, "contactPoint"),
                contact_point(ctx.base).into(),
            );
            public.add(
                &ds,
                &ns(DCAT, "landingPage"),
                NamedNode::new_unchecked(ds.as_str().split('#').next().unwrap_or_default()).into(),
            );
            // DCAT requires a title and a description; the form allows a
            // dataset without them (with a warning). The stand-ins are marked
            // (dmpg:generatedValueOf), so reading the graph back ignores them.
            if d.name.is_none() {
                public.add(
                    &ds,
                    &ns(DCTERMS, "title"),
                    Literal::new_language_tagged_literal_unchecked(
                        format!("データ No.{}", d.number),
                        "ja",
                    )
                    .into(),
                );
                public.add(&ds, &generated, ns(DCTERMS, "title").into());
            }
            if d.description.is_none() {
                let text = match &d.name {
                    Some(name) => format!("{name}（データの説明は未記入）"),
                    None => format!("データ No.{}（データの説明は未記入）", d.number),
                };
                public.add(
                    &ds,
                    &ns(DCTERMS, "description"),
                    Literal::new_language_tagged_literal_unchecked(text, "ja").into(),
                );
                public.add(&ds, &generated, ns(DCTERMS, "description").into());
            }
            // Derived: the latest publication date AMED's rule allows (制限共有).
            if let Some(deadline) = d.publication_deadline(&dmp.project) {
                public.add(
                    &ds,
                    &ns(DMPG, "publicationDeadline"),
                    Literal::new_typed_literal(deadline.to_string(), xsd::DATE).into(),
                );
            }
            // A DCAT distribution is the data reachable at a URL: the
            // repository URL when it is an IRI.
            if d.repository_url
                .as_deref()
                .is_some_and(|u| looks_absolute(u) && NamedNode::new(u.trim()).is_ok())
            {
                let dist = NamedNode::new_unchecked(format!("{}-distribution", ds.as_str()));
                public.add(&ds, &ns(DCAT, "distribution"), dist.clone().into());
                public.add(&dist, &rdf_type, ns(DCAT, "Distribution").into());
                if let Some(method) = d.sharing {
                    public.add(
                        &dist,
                        &ns(DCTERMS, "accessRights"),
                        self.access_right(method).clone().into(),
                    );
                }
            }
        }
        let project = node(Entity::Project);
        let dmp_node = node(Entity::Dmp);
        public.add(&dmp_node, &rdf_type, ns(DCSO, "DMP").into());
        // The record IRI names the page about the plan (and the graph).
        let page =
            NamedNode::new_unchecked(dmp_node.as_str().split('#').next().unwrap_or_default());
        public.add(&page, &rdf_type, ns(FOAF, "Document").into());
        public.add(&page, &ns(FOAF, "primaryTopic"), dmp_node.clone().into());
        if let Ok(funder) = NamedNode::new(&ctx.catalog.funder.ror) {
            let funding = NamedNode::new_unchecked(format!("{}-funding", project.as_str()));
            let funder_id = NamedNode::new_unchecked(format!("{}-funder-id", funding.as_str()));
            public.add(&project, &ns(FOAF, "fundedBy"), funder.clone().into());
            public.add(
                &funding,
                &ns(DCSO, "fundingStatus"),
                Literal::new_simple_literal("granted").into(),
            );
            public.add(&funding, &ns(DCSO, "hasFunderId"), funder_id.clone().into());
            public.add(&funder_id, &rdf_type, ns(DCSO, "FunderId").into());
            public.add(
                &funder_id,
                &ns(DCSO, "identifier"),
                Literal::new_simple_literal(funder.as_str()).into(),
            );
            public.add(
                &funder_id,
                &ns(DCSO, "identifierType"),
                Literal::new_simple_literal("ror").into(),
            );
        }
        // PROV: the plan was derived from its source file and attributed to
        // its principal investigator; the ingest is the activity.
        let record = dmp_node.as_str().split('#').next().unwrap_or_default();
        record_provenance(record, &dmp_node, ctx.source, ctx.client, |s, p, o| {
            public.add(s, &p, o)
        });
        if dmp.pi.name.is_some() {
            public.add(
                &dmp_node,
                &ns(PROV, "wasAttributedTo"),
                node(Entity::Pi).into(),
            );
        }
    }

    fn object(&self, field: Field, value: &Value) -> Term {
        let fm = self.field(field);
        match value {
            Value::Text(t) if fm.iri && looks_absolute(t) => match NamedNode::new(t.trim()) {
                Ok(iri) => iri.into(),
                Err(_) => Literal::new_simple_literal(t).into(),
            },
            Value::Text(t) if fm.lang => {
                Literal::new_language_tagged_literal_unchecked(t, guess_language(t)).into()
            }
            Value::Text(t) => Literal::new_simple_literal(t).into(),
            Value::Date(d) => Literal::new_typed_literal(d.to_string(), xsd::DATE).into(),
            Value::Integer(n) => Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into(),
            Value::Bool(b) => Literal::new_typed_literal(b.to_string(), xsd::BOOLEAN).into(),
            Value::Sharing(v) => concept("sharing-method", v.code()).into(),
            Value::Subject(v) => concept("data-subject", v.code()).into(),
            Value::Class(v) => concept("data-class", v.code()).into(),
        }
    }

    /// Rebuilds a plan from record quads by following each field's path from
    /// each entity node. Quads of other vocabularies are ignored.
    pub fn graphs_to_dmp(&self, quads: &[Quad], base: &Base) -> Result<Dmp, MappingError> {
        let mut index: HashMap<(&str, &str), Vec<&Term>> = HashMap::new();
        let mut subjects = std::collections::BTreeSet::new();
        for q in quads {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(s) = &q.subject {
                index
                    .entry((s.as_str(), q.predicate.as_str()))
                    .or_default()
                    .push(&q.object);
                subjects.insert(s.as_str());
            }
        }
        let generated_key = format!("{DMPG}{GENERATED_VALUE_OF}");
        let generated: std::collections::HashSet<(&str, &str)> = quads
            .iter()
            .filter(|q| q.predicate.as_str() == generated_key)
            .filter_map(|q| match (&q.subject, &q.object) {
                (oxigraph::model::NamedOrBlankNode::NamedNode(s), Term::NamedNode(p)) => {
                    Some((s.as_str(), p.as_str()))
                }
                _ => None,
            })
            .collect();
        let mut dmp = Dmp::default();
        for s in subjects {
            let Some((_, frag)) = s.split_once('#') else {
                continue;
            };
            if base.record_id(s).is_none() {
                continue;
            }
            let Some(entity) = fragment_entity(frag) else {
                continue;
            };
            for &field in self.fields_of(entity_kind(entity)) {
                let path = &self.field(field).path;
                let mut at: Vec<&str> = vec![s];
                for step in &path[..path.len() - 1] {
                    at = at
                        .iter()
                        .flat_map(|n| index.get(&(*n, step.as_str())).into_iter().flatten())
                        .filter_map(|t| match t {
                            Term::NamedNode(n) => Some(n.as_str()),
                            _ => None,
                        })
                        .collect();
                }
                let last = path.last().expect("paths are not empty").as_str();
                for n in at {
                    if generated.contains(&(n, last)) {
                        continue;
                    }
                    for object in index.get(&(n, last)).into_iter().flatten() {
                        let value = term_value(field, object).ok_or_else(|| {
                            MappingError::new(format!(
                                "{s}: {object} is no value of {}",
                                field.key()
                            ))
                        })?;
                        dmp.set(entity, field, value)
                            .map_err(|e| MappingError::new(e.to_string()))?;
                    }
                }
            }
        }
        Ok(dmp)
    }
}

/// Local name of `dmpg:generatedValueOf`: a value of this property on this
/// node is a stand-in written for DCAT, not a value of the plan.
pub const GENERATED_VALUE_OF: &str = "generatedValueOf";

/// The agent of every ingest activity: dmpgraph itself.
/// A plan's provenance, the same for every kind of plan: `dmp` is a
/// `prov:Entity`, generated by the `#ingest` activity of `record`, which was
/// associated with dmpgraph;
/// with a `source`, the plan was derived from the `#source` file it used,
/// named by its file name (quads the store leaves out of content hashes).
pub(crate) fn record_provenance(
    record: &str,
    dmp: &NamedNode,
    source: Option<&str>,
    client: Option<&str>,
    mut add: impl FnMut(&NamedNode, NamedNode, Term),
) {
    let activity = NamedNode::new_unchecked(format!("{record}#ingest"));
    add(dmp, rdf::TYPE.into_owned(), ns(PROV, "Entity").into());
    add(dmp, ns(PROV, "wasGeneratedBy"), activity.clone().into());
    add(
        &activity,
        rdf::TYPE.into_owned(),
        ns(PROV, "Activity").into(),
    );
    add(
        &activity,
        ns(PROV, "wasAssociatedWith"),
        NamedNode::new_unchecked(DMPGRAPH_AGENT).into(),
    );
    if let Some(client) = client {
        // The writer's client, known by its token's name: the activity was
        // performed for it.
        let agent = NamedNode::new_unchecked(format!("{record}#client"));
        add(
            &activity,
            ns(PROV, "wasAssociatedWith"),
            agent.clone().into(),
        );
        add(
            &agent,
            rdf::TYPE.into_owned(),
            ns(PROV, "SoftwareAgent").into(),
        );
        add(
            &agent,
            ns(FOAF, "name"),
            Literal::new_simple_literal(client).into(),
        );
    }
    if let Some(source) = source {
        let file = NamedNode::new_unchecked(format!("{record}#source"));
        add(dmp, ns(PROV, "wasDerivedFrom"), file.clone().into());
        add(&activity, ns(PROV, "used"), file.clone().into());
        add(&file, rdf::TYPE.into_owned(), ns(PROV, "Entity").into());
        add(
            &file,
            ns(DCTERMS, "title"),
            Literal::new_simple_literal(source).into(),
        );
    }
}

pub const DMPGRAPH_AGENT: &str = "https://w3id.org/dmpgraph";

fn looks_absolute(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("http://") || t.starts_with("https://")
}

fn term_value(field: Field, term: &Term) -> Option<Value> {
    match term {
        Term::NamedNode(n) => match n.as_str().strip_prefix(DMPG_CONCEPTS) {
            Some(rest) => {
                let (list, code) = rest.split_once('/')?;
                match list {
                    "sharing-method" => SharingMethod::from_code(code).map(Value::Sharing),
                    "data-subject" => DataSubject::from_code(code).map(Value::Subject),
                    "data-class" => DataClass::from_code(code).map(Value::Class),
                    _ => None,
                }
            }
            None if Mapping::builtin().field(field).iri => {
                Some(Value::Text(n.as_str().to_string()))
            }
            None => None,
        },
        Term::Literal(l) => {
            let dt = l.datatype();
            if dt == xsd::DATE {
                NaiveDate::parse_from_str(l.value(), "%Y-%m-%d")
                    .ok()
                    .map(Value::Date)
            } else if dt == xsd::DATE_TIME {
                // A maDMP document's `created` and `modified` are date-times:
                // the model keeps the day, as the document wrote it (in its
                // own offset).
                l.value()
                    .get(..10)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .map(Value::Date)
                    .or_else(|| Some(Value::Text(l.value().to_string())))
            } else if dt == xsd::INTEGER {
                l.value().parse().ok().map(Value::Integer)
            } else if dt == xsd::BOOLEAN {
                match l.value() {
                    "true" | "1" => Some(Value::Bool(true)),
                    "false" | "0" => Some(Value::Bool(false)),
                    _ => None,
                }
            } else {
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

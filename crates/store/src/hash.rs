//! Content hashes over the canonical form of a graph (RDFC-1.0, sophia_c14n),
//! so that relabelled blank nodes or reordered quads are not a change.

use oxigraph::model::{NamedOrBlankNode, Quad, Term};
use sha2::{Digest, Sha256};
use sophia::api::term::{BnodeId, IriRef, LanguageTag, SimpleTerm};
use sophia::api::MownStr;
use std::collections::BTreeSet;

fn iri(s: &str) -> SimpleTerm<'_> {
    SimpleTerm::Iri(IriRef::new_unchecked(MownStr::from_ref(s)))
}

fn subject(s: &NamedOrBlankNode) -> SimpleTerm<'_> {
    match s {
        NamedOrBlankNode::NamedNode(n) => iri(n.as_str()),
        NamedOrBlankNode::BlankNode(b) => {
            SimpleTerm::BlankNode(BnodeId::new_unchecked(MownStr::from_ref(b.as_str())))
        }
    }
}

fn object(t: &Term) -> SimpleTerm<'_> {
    match t {
        Term::NamedNode(n) => iri(n.as_str()),
        Term::BlankNode(b) => {
            SimpleTerm::BlankNode(BnodeId::new_unchecked(MownStr::from_ref(b.as_str())))
        }
        Term::Literal(l) => match l.language() {
            Some(lang) => SimpleTerm::LiteralLanguage(
                MownStr::from_ref(l.value()),
                LanguageTag::new_unchecked(MownStr::from_ref(lang)),
                None,
            ),
            None => SimpleTerm::LiteralDatatype(
                MownStr::from_ref(l.value()),
                IriRef::new_unchecked(MownStr::from_ref(l.datatype().as_str())),
            ),
        },
        #[allow(unreachable_patterns)]
        other => SimpleTerm::LiteralDatatype(
            MownStr::from(other.to_string()),
            IriRef::new_unchecked(MownStr::from_ref("urn:dmpgraph:unsupported-term")),
        ),
    }
}

/// Whether a quad names the file a record was read from (`prov:used`,
/// `prov:wasDerivedFrom`, and what is said of the `#source` node). The same
/// plan read from its `.xlsx` or its `.ods` is the same content: these quads
/// are stored, but left out of the content hash, so that re-reading a plan
/// from another copy changes nothing.
pub fn is_source_provenance(q: &Quad) -> bool {
    const PROV: &str = "http://www.w3.org/ns/prov#";
    let p = q.predicate.as_str();
    p.strip_prefix(PROV)
        .is_some_and(|local| local == "used" || local == "wasDerivedFrom")
        || matches!(&q.subject, NamedOrBlankNode::NamedNode(n) if n.as_str().ends_with("#source"))
}

/// `sha256:` + hex of the SHA-256 of the RDFC-1.0 canonical N-Quads of the
/// quads taken as one graph (their graph names are ignored: a record's
/// content does not depend on where it is stored), without the quads that
/// only name the source file ([`is_source_provenance`]).
pub fn canonical_hash(quads: &[Quad]) -> String {
    let dataset: BTreeSet<([SimpleTerm<'_>; 3], Option<SimpleTerm<'_>>)> = quads
        .iter()
        .filter(|q| !is_source_provenance(q))
        .map(|q| {
            (
                [
                    subject(&q.subject),
                    iri(q.predicate.as_str()),
                    object(&q.object),
                ],
                None,
            )
        })
        .collect();
    let mut canonical = Vec::new();
    // Only IRIs and literals built from valid oxigraph terms reach here, so
    // canonicalisation cannot fail but on a blank-node structure too costly to
    // canonicalise; such a graph then hashes by its sorted N-Quads.
    if sophia_c14n::rdfc10::normalize(&dataset, &mut canonical).is_err() {
        let mut lines: Vec<String> = quads
            .iter()
            .map(|q| format!("{} {} {} .\n", q.subject, q.predicate, q.object))
            .collect();
        lines.sort();
        canonical = lines.concat().into_bytes();
    }
    format!("sha256:{}", hex::encode(Sha256::digest(&canonical)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, GraphName, Literal, NamedNode};

    fn q(s: NamedOrBlankNode, o: Term) -> Quad {
        Quad::new(
            s,
            NamedNode::new_unchecked("http://ex/p"),
            o,
            GraphName::DefaultGraph,
        )
    }

    #[test]
    fn relabelled_blank_nodes_and_order_do_not_change_the_hash() {
        let a = NamedNode::new_unchecked("http://ex/a");
        let b1 = BlankNode::new_unchecked("x1");
        let b2 = BlankNode::new_unchecked("other");
        let one = vec![
            q(a.clone().into(), b1.clone().into()),
            q(
                b1.into(),
                Literal::new_language_tagged_literal_unchecked("名前", "ja").into(),
            ),
        ];
        let two = vec![
            q(
                b2.clone().into(),
                Literal::new_language_tagged_literal_unchecked("名前", "ja").into(),
            ),
            q(a.into(), b2.into()),
        ];
        assert_eq!(canonical_hash(&one), canonical_hash(&two));
        let mut three = two.clone();
        three.push(q(
            NamedNode::new_unchecked("http://ex/c").into(),
            Literal::new_simple_literal("x").into(),
        ));
        assert_ne!(canonical_hash(&one), canonical_hash(&three));
    }

    #[test]
    fn graph_names_do_not_matter() {
        let s = NamedNode::new_unchecked("http://ex/a");
        let q1 = Quad::new(s.clone(), s.clone(), s.clone(), GraphName::DefaultGraph);
        let q2 = Quad::new(
            s.clone(),
            s.clone(),
            s.clone(),
            NamedNode::new_unchecked("http://ex/g"),
        );
        assert_eq!(canonical_hash(&[q1]), canonical_hash(&[q2]));
    }
}

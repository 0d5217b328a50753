"""Checks dmpgraph's maDMP exports with third-party tools (run by
crates/madmp/tests/python.rs, which passes the documents on stdin):

1. each document validates against the official maDMP schema of its version
   (jsonschema, with the validator class of the draft the schema declares,
   with format checking);
2. a JSON-LD 1.1 processor (PyLD) expands it with ontologies/madmp-context.jsonld,
   supplied inline, and no key is left unmapped;
3. a public document holds none of the plan's private values (those given
   with it; the Rust tests check the same);
4. the expansion converts to RDF that rdflib reads, with well-typed literals
   (xsd:date, xsd:dateTime, xsd:integer, xsd:boolean) and the DMP's datasets.

stdin: {"schemas": DIR, "context": FILE,
        "documents": [{"name", "version", "json", "forbidden": [private values],
                       "foreign_keys": [pointers of other tools' extension keys]}]}
Exit 0 when every document passes; otherwise one line per problem and exit 1.
"""

import json
import sys

import jsonschema
import rdflib
from pyld import jsonld

UNMAPPED = "urn:dmpgraph:unmapped:"
DCSO = "https://w3id.org/dcso/ns/core#"


def no_network(url, options=None):
    raise jsonld.JsonLdError(
        "the context is supplied inline; nothing may be fetched", "loading document failed",
        {"url": url})


def unmapped(node, path, found):
    """Pointers of expanded keys that only the catch-all @vocab mapped."""
    if isinstance(node, list):
        for item in node:
            unmapped(item, path, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith(UNMAPPED):
                found.append(f"{path}/{key[len(UNMAPPED):]}")
            if key == "@type":
                types = value if isinstance(value, list) else [value]
                found.extend(f"{path}/@type {t}" for t in types if t.startswith(UNMAPPED))
            unmapped(value, f"{path}/{key}", found)


def main():
    task = json.load(sys.stdin)
    jsonld.set_document_loader(no_network)
    with open(task["context"], encoding="utf-8") as f:
        context = json.load(f)["@context"]
    schemas = {}
    problems = []
    for doc in task["documents"]:
        name, version, instance = doc["name"], doc["version"], doc["json"]

        if version not in schemas:
            with open(f'{task["schemas"]}/maDMP-schema-{version}.json', encoding="utf-8") as f:
                schema = json.load(f)
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            schemas[version] = cls(schema, format_checker=cls.FORMAT_CHECKER)
            print(f"maDMP {version}: {schema.get('$schema')} -> {cls.__name__}")
        for error in schemas[version].iter_errors(instance):
            pointer = "/" + "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{name} ({version}): schema: {pointer}: {error.message}")

        text = json.dumps(instance, ensure_ascii=False)
        for secret in doc.get("forbidden", []):
            if secret in text:
                problems.append(f"{name} ({version}): private value {secret!r} in the export")

        # A catch-all @vocab turns any key the context does not map into an
        # IRI under UNMAPPED instead of dropping it silently.
        probe = dict(instance)
        probe["@context"] = [context, {"@vocab": UNMAPPED}]
        expanded = jsonld.expand(probe, {"base": "http://localhost:8080/"})
        found = []
        unmapped(expanded, "", found)
        # Another tool's own extension keys, kept from a maDMP document that
        # dmpgraph stored, have no meaning dmpgraph could map.
        foreign = set(doc.get("foreign_keys", []))
        problems.extend(f"{name} ({version}): JSON-LD: unmapped key {p}"
                        for p in found if p not in foreign)

        with_context = dict(instance)
        with_context["@context"] = context
        nquads = jsonld.to_rdf(with_context, {"format": "application/n-quads",
                                              "base": "http://localhost:8080/"})
        graph = rdflib.Graph()
        graph.parse(data=nquads, format="nquads")
        for _, _, obj in graph:
            if isinstance(obj, rdflib.Literal) and getattr(obj, "ill_typed", False):
                problems.append(f"{name} ({version}): RDF: ill-typed literal {obj.n3()}")
        datasets = len(list(graph.triples((None, rdflib.URIRef(DCSO + "hasDataset"), None))))
        expected = len(instance["dmp"]["dataset"])
        if datasets != expected:
            problems.append(f"{name} ({version}): RDF: {datasets} dcso:hasDataset, expected {expected}")

    for problem in problems:
        print(problem)
    print(f"{len(task['documents'])} documents checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

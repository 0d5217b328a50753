"""Drives a running `dmpgraph serve` with third-party SPARQL clients
(SPARQLWrapper and rdflib's SPARQLStore), run by crates/cli/tests/serve.rs.

stdin: {"endpoint": URL, "graph": IRI of one record graph,
        "titles": [every DMP title], "private": [values that must not appear]}
Prints one line per check and "N checks, 0 problems"; exit 1 on a problem.
"""

import json
import re
import sys

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, POST, RDFXML, TSV, TURTLE, XML, JSONLD, SPARQLWrapper

DCSO = "https://w3id.org/dcso/ns/core#"
TITLES = f"""PREFIX dcso: <{DCSO}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?title WHERE {{ ?dmp a dcso:DMP ; dcso:hasProject/dcterms:title ?title }} ORDER BY ?title"""


def reveals(text, value):
    """Whether text reveals the private value, by the Rust tests' rule
    (common::reveals): a value of ASCII letters and digits only (a phone
    extension) turns up by chance inside random tokens (blank-node labels,
    hashes), so it counts only where it stands apart from other ASCII letters
    and digits; any other value counts wherever it occurs."""
    if not re.fullmatch(r"[A-Za-z0-9]+", value):
        return value in text
    return re.search(r"(?<![A-Za-z0-9])" + re.escape(value) + r"(?![A-Za-z0-9])", text) is not None


def main():
    task = json.load(sys.stdin)
    endpoint, graph = task["endpoint"], task["graph"]
    expected = sorted(task["titles"])
    problems, checks = [], 0

    def check(name, ok, detail=""):
        nonlocal checks
        checks += 1
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
        if not ok:
            problems.append(name)

    def wrapper(query, fmt, method=None):
        w = SPARQLWrapper(endpoint)
        w.setQuery(query)
        w.setReturnFormat(fmt)
        if method:
            w.setMethod(method)
        return w

    # SELECT in the four results formats, by GET and by POST.
    for method in (None, POST):
        label = "POST" if method else "GET"
        res = wrapper(TITLES, JSON, method).queryAndConvert()
        got = sorted(b["title"]["value"] for b in res["results"]["bindings"])
        check(f"SPARQLWrapper SELECT JSON {label}", got == expected, f"{got} != {expected}")
    doc = wrapper(TITLES, XML).queryAndConvert()
    got = sorted(n.firstChild.data for n in doc.getElementsByTagName("literal"))
    check("SPARQLWrapper SELECT XML", got == expected, f"{got}")
    csv = wrapper(TITLES, CSV).queryAndConvert().decode("utf-8").splitlines()
    check("SPARQLWrapper SELECT CSV", csv[0] == "title" and len(csv) == len(expected) + 1, csv[:3])
    tsv = wrapper(TITLES, TSV).queryAndConvert().decode("utf-8").splitlines()
    check("SPARQLWrapper SELECT TSV", tsv[0] == "?title" and len(tsv) == len(expected) + 1, tsv[:3])

    # ASK.
    ask = wrapper(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", JSON).queryAndConvert()
    check("SPARQLWrapper ASK", ask.get("boolean") is True, ask)

    # CONSTRUCT and DESCRIBE in RDF formats: SPARQLWrapper parses them with rdflib.
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    sizes = {}
    for name, fmt in (("Turtle", TURTLE), ("RDF/XML", RDFXML), ("JSON-LD", JSONLD), ("N3", N3)):
        g = wrapper(construct, fmt).queryAndConvert()
        if isinstance(g, bytes):
            g = rdflib.Graph().parse(data=g, format="turtle" if fmt in (TURTLE, N3) else "json-ld")
        sizes[name] = len(g)
    check("SPARQLWrapper CONSTRUCT in Turtle, RDF/XML, JSON-LD", len(set(sizes.values())) == 1
          and next(iter(sizes.values())) > 20, sizes)
    described = wrapper(f"DESCRIBE <{graph}#dmp>", TURTLE).queryAndConvert()
    if isinstance(described, bytes):
        described = rdflib.Graph().parse(data=described, format="turtle")
    check("SPARQLWrapper DESCRIBE", len(described) > 3, len(described))

    # The protocol's dataset parameters: default-graph-uri / named-graph-uri.
    w = wrapper("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON)
    w.addDefaultGraph(graph)
    one = int(w.queryAndConvert()["results"]["bindings"][0]["n"]["value"])
    w = wrapper("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON)
    union = int(w.queryAndConvert()["results"]["bindings"][0]["n"]["value"])
    check("default-graph-uri narrows the default graph", 0 < one < union, (one, union))
    w = wrapper("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON)
    w.addNamedGraph(graph)
    named = [b["g"]["value"] for b in w.queryAndConvert()["results"]["bindings"]]
    check("named-graph-uri restricts GRAPH ?g", named == [graph], named)

    # Errors reach the client as the protocol's status codes.
    try:
        wrapper("SELECT * WHERE { ?s ?p }", JSON).queryAndConvert()
        check("malformed query is a 400", False, "no error")
    except Exception as e:  # SPARQLWrapper raises QueryBadFormed for 400
        check("malformed query is a 400", type(e).__name__ == "QueryBadFormed", type(e).__name__)

    # rdflib's SPARQLStore: a remote graph as if it were local.
    store = SPARQLStore(endpoint, returnFormat="json")
    remote = rdflib.Graph(store=store)
    got = sorted(str(r.title) for r in remote.query(TITLES))
    check("rdflib SPARQLStore SELECT", got == expected, got)
    dmps = list(remote.triples((None, rdflib.RDF.type, rdflib.URIRef(DCSO + "DMP"))))
    check("rdflib SPARQLStore triples()", len(dmps) >= len(expected), len(dmps))

    # No private value through any of it, whatever the graph.
    dump = wrapper("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", CSV).queryAndConvert().decode("utf-8")
    leaked = [v for v in task["private"] if reveals(dump, v)]
    check("no private value in GRAPH ?g over all graphs", not leaked, leaked[:5])

    print(f"{checks} checks, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

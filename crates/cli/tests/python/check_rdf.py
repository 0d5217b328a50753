"""Checks `dmpgraph export rdf` output with third-party tools (run by
crates/cli/tests/export.rs, which passes the task on stdin):

1. rdflib parses every file in its format and finds the expected number of
   triples (or quads, for datasets);
2. pyshacl validates the DCAT data against the DCAT-AP 3 SHACL shapes:
   zero violations; warnings and infos are listed, not failed.

stdin: {"files": [{"path", "format", "expect"}], "shacl": {"data": PATH,
        "format": FMT, "shapes": [PATH…]}}
"""

import json
import sys
from collections import Counter

import rdflib
from pyshacl import validate
from rdflib.namespace import SH


def main():
    task = json.load(sys.stdin)
    problems = []
    for f in task["files"]:
        fmt = f["format"]
        if fmt in ("nquads", "trig", "json-ld"):
            g = rdflib.Dataset()
            g.parse(f["path"], format=fmt)
            n = sum(len(c) for c in g.graphs() if len(c))
        else:
            g = rdflib.Graph()
            g.parse(f["path"], format=fmt)
            n = len(g)
        ok = n == f["expect"]
        print(f"{'ok  ' if ok else 'FAIL'} rdflib {fmt}: {n} statements (expected {f['expect']})")
        if not ok:
            problems.append(f"rdflib {fmt}")

    shacl = task.get("shacl")
    if shacl:
        data = rdflib.Graph()
        ds = rdflib.Dataset()
        ds.parse(shacl["data"], format=shacl["format"])
        for q in ds.quads((None, None, None, None)):
            data.add(q[:3])
        shapes = rdflib.Graph()
        for path in shacl["shapes"]:
            shapes.parse(path, format="turtle")
        conforms, report, text = validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True,
            advanced=True, meta_shacl=False)
        # Violations on these paths are listed but are no problem (a
        # deliberate exception the caller names).
        allowed = set(shacl.get("allowed_violation_paths", []))
        by_severity = Counter()
        # One line per (severity, focus class, path), with one example message.
        counts = Counter()
        example = {}
        unallowed = 0
        for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
            severity = report.value(result, SH.resultSeverity).split("#")[-1]
            by_severity[severity] += 1
            path = str(report.value(result, SH.resultPath))
            focus = report.value(result, SH.focusNode)
            msg = report.value(result, SH.resultMessage)
            cls = next(data.objects(focus, rdflib.RDF.type), None)
            key = (severity, str(cls), path)
            counts[key] += 1
            example.setdefault(key, str(msg))
            if severity == "Violation" and path not in allowed:
                unallowed += 1
        for key, n in sorted(counts.items()):
            severity, cls, path = key
            print(f"  {severity} x{n}: focus class {cls}, path {path}: e.g. {example[key]}")
        print(f"SHACL DCAT-AP 3: {len(data)} triples, "
              f"{by_severity['Violation']} violations "
              f"({unallowed} not allowed), {by_severity['Warning']} warnings, "
              f"{by_severity['Info']} infos")
        if unallowed:
            problems.append("SHACL violations")

    print(f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

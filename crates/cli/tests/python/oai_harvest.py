"""Harvests a running `dmpgraph serve` at /oai with sickle, a third-party
OAI-PMH harvester, run by crates/cli/tests/oai.rs.

stdin: {"endpoint": URL, "expected": {"": N, SET: N, ...}, "from": DATESTAMP,
        "changed": [oai identifiers changed at or after DATESTAMP]}
Harvests every set (and the whole repository) in every format, with
ListRecords and ListIdentifiers, to the end (a plan and each of its
datasets are items); then an incremental harvest
with `from`. Prints one line per check and "N checks, 0 problems"; exit 1
on a problem.
"""

import json
import sys

from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch


def main():
    task = json.load(sys.stdin)
    sickle = Sickle(task["endpoint"], max_retries=0)
    problems, checks = [], 0

    def check(name, ok, detail=""):
        nonlocal checks
        checks += 1
        print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail else ""))
        if not ok:
            problems.append(name)

    identify = sickle.Identify()
    check("Identify names the deleted-record policy", identify.deletedRecord == "persistent")
    formats = [f.metadataPrefix for f in sickle.ListMetadataFormats()]
    check("a format at least", bool(formats), str(formats))
    sets = [s.setSpec for s in sickle.ListSets()]
    for spec, expected in task["expected"].items():
        if spec:
            check(f"set {spec} is listed", spec in sets, str(sets))
    for prefix in formats:
        for spec, expected in task["expected"].items():
            args = {"metadataPrefix": prefix}
            if spec:
                args["set"] = spec
            records = list(sickle.ListRecords(ignore_deleted=False, **args))
            ids = [r.header.identifier for r in records]
            check(f"ListRecords {prefix} set={spec or '(all)'} takes {expected}",
                  len(ids) == expected and len(set(ids)) == expected, f"{len(ids)} harvested")
            headers = [h.identifier for h in sickle.ListIdentifiers(ignore_deleted=False, **args)]
            check(f"ListIdentifiers {prefix} set={spec or '(all)'} agrees", headers == ids)
            deleted = [r.header.identifier for r in records if r.deleted]
            check(f"no metadata on the deleted ({prefix})",
                  all(not getattr(r, "metadata", None) for r in records if r.deleted), str(deleted))
            if not spec:
                check(f"the deleted plan and its datasets are listed, deleted ({prefix})",
                      sorted(deleted) == sorted(task["changed"]), f"{deleted}")
    for prefix in formats:
        try:
            changed = sorted(h.identifier for h in sickle.ListIdentifiers(
                metadataPrefix=prefix, ignore_deleted=False, **{"from": task["from"]}))
        except NoRecordsMatch:
            changed = []
        check(f"an incremental harvest ({prefix}) takes exactly what changed since",
              changed == sorted(task["changed"]), f"{changed} vs {sorted(task['changed'])}")
    print(f"{checks} checks, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

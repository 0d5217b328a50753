"""The harvester of the `oai` benchmark (crates/cli/benches/oai.rs): a
plain Python OAI-PMH client, the same for every server.

    python3 harvest.py HOST PORT PREFIX SAMPLES

Takes a whole ListRecords harvest of PREFIX over one keep-alive HTTP/1.1
connection, one request at a time, following resumption tokens to the end;
then fetches the first 20 pages and the last 20 full pages again, SAMPLES
times each, in order. Prints JSON: records, seconds, first_ms and last_ms
(median ms per page), first_kib and last_kib (mean page size).
"""

import http.client
import json
import re
import sys
import time
import urllib.parse

TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>")
PAGES = 20


def main():
    host, port, prefix, samples = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    conn = http.client.HTTPConnection(host, port, timeout=600)

    def fetch(path):
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
        return body

    path = f"/oai?verb=ListRecords&metadataPrefix={prefix}"
    pages = []
    records = 0
    start = time.perf_counter()
    while True:
        body = fetch(path)
        n = body.count(b"<record>")
        if n == 0:
            raise SystemExit(f"an empty page at {path}: {body[:2000]!r}")
        records += n
        pages.append((path, n))
        m = TOKEN.search(body)
        if not m:
            break
        path = "/oai?verb=ListRecords&resumptionToken=" + urllib.parse.quote(m.group(1).decode(), safe="")
    seconds = time.perf_counter() - start
    full = pages[0][1]
    first = [p for p, _ in pages[:PAGES]]
    last = [p for p, n in pages if n == full][-PAGES:]

    def per_page(paths):
        runs = []
        size = 0
        for _ in range(samples):
            t = time.perf_counter()
            size = sum(len(fetch(p)) for p in paths)
            runs.append((time.perf_counter() - t) * 1000 / len(paths))
        runs.sort()
        return runs[len(runs) // 2], size / len(paths) / 1024

    first_ms, first_kib = per_page(first)
    last_ms, last_kib = per_page(last)
    print(json.dumps({"records": records, "seconds": seconds,
                      "first_ms": first_ms, "last_ms": last_ms,
                      "first_kib": first_kib, "last_kib": last_kib}))


if __name__ == "__main__":
    main()

"""pyoai's BatchingServer from memory, over HTTP: the peer of dmpgraph's
OAI-PMH provider in the `oai` benchmark (crates/cli/benches/oai.rs).

    python3 pyoai_server.py PORT RECORDS PAGE

Builds RECORDS oai_dc records in memory (the shape and size of dmpgraph's
dataset records: Japanese title and description, creator, subjects,
publisher, date, two types, identifiers, relation, rights), serves them with
pyoai's BatchingServer (PAGE per resumption batch) on 127.0.0.1:PORT, and
prints "ready" once listening.
"""

import sys
import urllib.parse
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import cgi  # noqa: E402  pyoai still calls cgi.parse_qs, gone from Python 3.8

cgi.parse_qs = urllib.parse.parse_qs

from oaipmh import common, metadata, server  # noqa: E402


class Memory:
    """IBatchingOAI over a list in memory."""

    def __init__(self, n):
        start = datetime(2026, 1, 1)
        self.records = []
        for i in range(n):
            header = common.Header(None, f"oai:pyoai.example.org:dataset:{i:06d}",
                                   start + timedelta(seconds=i // 50), ["type:dataset"], False)
            meta = common.Metadata(None, {
                "title": [f"膵臓がん患者の全ゲノムシークエンスデータ {i}"],
                "creator": ["田中 浩一"],
                "subject": ["革新的がん医療実用化研究事業", "ヒト個人"],
                "description": ["膵臓がん患者の腫瘍組織および正常組織由来DNAの全ゲノムシークエンスデータ（FASTQ、BAM、VCF）。"],
                "publisher": ["Japan Agency for Medical Research and Development", "国立研究開発法人日本医療研究開発機構"],
                "contributor": ["佐藤 美咲"],
                "date": ["2026-06-30"],
                "type": ["dataset", "http://purl.org/coar/resource_type/c_ddb1"],
                "identifier": [f"http://localhost:8080/record/gen{i:06d}#dataset-1",
                               "https://doi.org/10.18908/lsdba.nbdc04560-001"],
                "format": ["約100GB"],
                "relation": [f"http://localhost:8080/record/gen{i:06d}"],
                "rights": ["http://purl.org/coar/access_right/c_abf2", "open access"],
                "language": [], "source": [], "coverage": [],
            })
            self.records.append((header, meta, None))

    def identify(self):
        return common.Identify(
            repositoryName="pyoai", baseURL="http://127.0.0.1/oai", protocolVersion="2.0",
            adminEmails=["x@example.org"], earliestDatestamp=datetime(2026, 1, 1),
            deletedRecord="persistent", granularity="YYYY-MM-DDThh:mm:ssZ", compression=["identity"])

    def listMetadataFormats(self, identifier=None):
        return [("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                 "http://www.openarchives.org/OAI/2.0/oai_dc/")]

    def listSets(self, cursor=0, batch_size=10):
        return [("type:dataset", "datasets", "")]

    def _slice(self, cursor, batch_size):
        return self.records[cursor:cursor + batch_size]

    def listRecords(self, metadataPrefix, set=None, from_=None, until=None, cursor=0, batch_size=10):
        return self._slice(cursor, batch_size)

    def listIdentifiers(self, metadataPrefix, set=None, from_=None, until=None, cursor=0, batch_size=10):
        return [h for h, _, _ in self._slice(cursor, batch_size)]

    def getRecord(self, metadataPrefix, identifier):
        return self.records[0]


def main():
    port, n, page = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    registry = metadata.MetadataRegistry()
    registry.registerWriter("oai_dc", server.oai_dc_writer)
    oai = server.BatchingServer(Memory(n), metadata_registry=registry, resumption_batch_size=page)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            query = urllib.parse.urlparse(self.path).query
            args = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
            body = oai.handleRequest(args)
            if isinstance(body, str):
                body = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Quiet(HTTPServer):
        def handle_error(self, request, client_address):
            pass  # a harvester closing its keep-alive connection

    httpd = Quiet(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()

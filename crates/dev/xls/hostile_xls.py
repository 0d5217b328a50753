#!/usr/bin/env python3
"""Writes a hostile .xls for the reader's bounded-memory tests.

    python3 crates/dev/xls/hostile_xls.py vast OUT.xls
    python3 crates/dev/xls/hostile_xls.py lying-dimensions OUT.xls
    python3 crates/dev/xls/hostile_xls.py repeated-string OUT.xls

vast: sheet 'DMP' with one cell at A1 and one at IV65536, the last cell an
.xls sheet has (a dense grid of 16,777,216 cells from a 6 KiB file).

lying-dimensions: sheet 'DMP' with one cell at A1 and a DIMENSIONS record
declaring 4,294,967,295 rows by 255 columns, which a reader may reserve
memory for before it reads a cell.

repeated-string: sheet 'DMP' with 20,000 cells of one 30,000-character
string, stored once in the shared string table (over CONTINUE records) and
copied into each cell by a careless reader: 1.7 GiB.

(`dmpgraph_dev::write_hostile` runs this; needs xlwt, which .ci/run installs.)
"""

import sys

import xlwt
from xlwt import BIFFRecords, Worksheet


def lying_dimensions(self):
    # DimensionsRecord stores the last row + 1: 0xFFFFFFFF rows.
    return BIFFRecords.DimensionsRecord(0, 0xFFFFFFFE, 0, 254).get()


KINDS = ("vast", "lying-dimensions", "repeated-string")


def main(argv):
    if len(argv) != 3 or argv[1] not in KINDS:
        sys.stderr.write("usage: hostile_xls.py vast|lying-dimensions|repeated-string OUT.xls\n")
        return 2
    kind, out = argv[1], argv[2]
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DMP")
    sheet.write(0, 0, "課題管理番号")
    if kind == "vast":
        sheet.write(65535, 255, "end")
    elif kind == "lying-dimensions":
        Worksheet._Worksheet__dimensions_rec = lying_dimensions
    else:
        long = "あ" * 30000
        for row in range(1, 20001):
            sheet.write(row, 0, long)
    book.save(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

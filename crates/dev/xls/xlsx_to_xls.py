#!/usr/bin/env python3
"""Converts an xlsx workbook to the legacy .xls format, for the .xls examples.

rust_xlsxwriter cannot write .xls, and people still send DMPs as .xls, so
the .xls fixtures are made from the generated .xlsx files:

    pip install openpyxl xlwt
    python3 crates/dev/xls/xlsx_to_xls.py examples/amed/cancer-genome.xlsx examples/amed/cancer-genome.xls

(`dmpgraph-dev examples --xls` runs this for the chosen samples.)

Every cell of every sheet is copied in order: strings, numbers, blanks that
carry a fill, and date cells, which are written as real Excel dates with a
yyyy/m/d format (not as text). Fills, bold and column widths are kept so the
green/blue marking survives. xlwt writes no timestamp, so the output is the
same on every run.
"""

import datetime
import sys

import openpyxl
import xlwt

DATE_FORMAT = "yyyy/m/d"
# Custom palette slots (8..63 are free in BIFF8) for the fills the generator uses.
FIRST_FREE_COLOUR = 0x21


def fill_rgb(cell):
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = fill.fgColor.rgb if fill.fgColor is not None else None
    if not isinstance(rgb, str) or len(rgb) < 6:
        return None
    return rgb[-6:].upper()


def convert(src, dst):
    wb_in = openpyxl.load_workbook(src)
    wb_out = xlwt.Workbook(encoding="utf-8")
    colours = {}
    styles = {}

    def style_for(rgb, bold, is_date):
        key = (rgb, bold, is_date)
        if key in styles:
            return styles[key]
        style = xlwt.XFStyle()
        if rgb is not None:
            if rgb not in colours:
                index = FIRST_FREE_COLOUR + len(colours)
                name = "dmp_fill_%d" % index
                xlwt.add_palette_colour(name, index)
                wb_out.set_colour_RGB(index, int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16))
                colours[rgb] = index
            pattern = xlwt.Pattern()
            pattern.pattern = xlwt.Pattern.SOLID_PATTERN
            pattern.pattern_fore_colour = colours[rgb]
            style.pattern = pattern
            borders = xlwt.Borders()
            borders.left = borders.right = borders.top = borders.bottom = xlwt.Borders.THIN
            style.borders = borders
        if bold:
            font = xlwt.Font()
            font.bold = True
            style.font = font
        if is_date:
            style.num_format_str = DATE_FORMAT
        styles[key] = style
        return style

    for ws_in in wb_in.worksheets:
        ws_out = wb_out.add_sheet(ws_in.title, cell_overwrite_ok=False)
        for letter, dim in sorted(ws_in.column_dimensions.items()):
            if dim.width:
                index = openpyxl.utils.column_index_from_string(letter) - 1
                ws_out.col(index).width = int(dim.width * 256)
        for row in ws_in.iter_rows():
            for cell in row:
                value = cell.value
                rgb = fill_rgb(cell)
                bold = bool(cell.font is not None and cell.font.b)
                if value is None and rgb is None:
                    continue
                is_date = isinstance(value, (datetime.datetime, datetime.date))
                if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
                    value = value.date()
                ws_out.write(cell.row - 1, cell.column - 1, value, style_for(rgb, bold, is_date))
    wb_out.save(dst)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: xlsx_to_xls.py IN.xlsx OUT.xls\n")
        return 2
    convert(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

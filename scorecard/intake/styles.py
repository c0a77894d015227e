"""What calamine does not give: cell styles, read from the workbook's XML with the standard library.

Two things matter to a scorecard: a percentage number format (0.65 shown as 65% is 65) and a cell's
fill colour (a RAG rating kept as colour alone). A cell's style is its `s` attribute, an index into
`cellXfs` in xl/styles.xml, which names a number format and a fill; theme colours come from
xl/theme/theme1.xml.
"""
from __future__ import annotations

import colorsys
import re
import zipfile
from dataclasses import dataclass, field

_RE_NUMFMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_RE_CELLXFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_RE_XF = re.compile(rb"<xf\b([^>]*)")
_RE_ATTR = {k: re.compile(rb'\b' + k.encode() + rb'="([^"]*)"') for k in ("numFmtId", "fillId", "applyFill")}
_RE_FILLS = re.compile(rb"<fills\b[^>]*>(.*?)</fills>", re.S)
_RE_FILL = re.compile(rb"<fill>(.*?)</fill>|<fill/>", re.S)
_RE_PATTERN = re.compile(rb'<patternFill\b([^>]*)>(.*?)</patternFill>|<patternFill\b([^>]*)/>', re.S)
_RE_FG = re.compile(rb"<fgColor\b([^>]*)/?>")
_RE_COLOR_ATTR = re.compile(rb'\b(rgb|theme|indexed|tint)="([^"]*)"')
_RE_THEME_COLOURS = re.compile(rb"<a:clrScheme\b[^>]*>(.*?)</a:clrScheme>", re.S)
_RE_THEME_ENTRY = re.compile(rb'<a:(dk1|lt1|dk2|lt2|accent[1-6]|hlink|folHlink)>.*?(?:srgbClr val="([0-9A-Fa-f]{6})"|'
                             rb'sysClr\b[^>]*?lastClr="([0-9A-Fa-f]{6})")', re.S)
_BUILTIN_PERCENT = {9, 10}
# Excel's theme indexes: 0 lt1, 1 dk1, 2 lt2, 3 dk2, then the accents (the first two are swapped).
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")
_OFFICE_THEME = {"lt1": "FFFFFF", "dk1": "000000", "lt2": "E7E6E6", "dk2": "44546A", "accent1": "4472C4",
                 "accent2": "ED7D31", "accent3": "A5A5A5", "accent4": "FFC000", "accent5": "5B9BD5",
                 "accent6": "70AD47", "hlink": "0563C1", "folHlink": "954F72"}
# Excel's default indexed palette (the first 8 repeat at 8-15).
_INDEXED = ("000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF " * 2 +
            "800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 "
            "FF8080 0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF "
            "CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 "
            "969696 003366 339966 003300 333300 993300 993366 333399 333333").split()


@dataclass(frozen=True)
class Styles:
    percent: frozenset[int] = frozenset()              # style ids with a percentage number format
    fills: dict[int, str] = field(default_factory=dict)  # style id -> solid fill colour RRGGBB

    @property
    def wanted(self) -> set[int]:
        return set(self.percent) | set(self.fills)


def read_styles(zf: zipfile.ZipFile) -> Styles:
    try:
        xml = zf.read("xl/styles.xml")
    except KeyError:
        return Styles()
    percent_fmts = set(_BUILTIN_PERCENT)
    for fid, code in _RE_NUMFMT.findall(xml):
        if b"%" in re.sub(rb'\\%|"[^"]*"', b"", code):  # a literal % in quotes or escaped is not a percentage
            percent_fmts.add(int(fid))
    m = _RE_CELLXFS.search(xml)
    if not m:
        return Styles()
    fill_colours = _fill_colours(xml, _theme(zf))
    percent, fills = set(), {}
    for i, attrs in enumerate(_RE_XF.findall(m.group(1))):
        f = _RE_ATTR["numFmtId"].search(attrs)
        if f and int(f.group(1)) in percent_fmts:
            percent.add(i)
        fill = _RE_ATTR["fillId"].search(attrs)
        if fill and int(fill.group(1)) in fill_colours:
            fills[i] = fill_colours[int(fill.group(1))]
    return Styles(frozenset(percent), fills)


def _theme(zf: zipfile.ZipFile) -> list[str]:
    colours = dict(_OFFICE_THEME)
    try:
        xml = zf.read("xl/theme/theme1.xml")
    except KeyError:
        xml = b""
    m = _RE_THEME_COLOURS.search(xml)
    if m:
        for name, srgb, sys_clr in _RE_THEME_ENTRY.findall(m.group(1)):
            colours[name.decode()] = (srgb or sys_clr).decode().upper()
    return [colours[k] for k in _THEME_ORDER]


def _fill_colours(xml: bytes, theme: list[str]) -> dict[int, str]:
    """fillId -> RRGGBB for solid fills (pattern 'none' and 'gray125' are no fill)."""
    m = _RE_FILLS.search(xml)
    if not m:
        return {}
    out = {}
    for k, fill in enumerate(_RE_FILL.finditer(m.group(1))):
        body = fill.group(1) or b""
        p = _RE_PATTERN.search(body)
        if not p:
            continue
        attrs = p.group(1) or p.group(3) or b""
        if b'patternType="solid"' not in attrs:
            continue
        fg = _RE_FG.search(p.group(2) or b"")
        colour = _colour(dict(_RE_COLOR_ATTR.findall(fg.group(1))), theme) if fg else None
        if colour:
            out[k] = colour
    return out


def _colour(attrs: dict[bytes, bytes], theme: list[str]) -> str | None:
    if b"rgb" in attrs:
        rgb = attrs[b"rgb"].decode().upper()
        base = rgb[-6:] if len(rgb) >= 6 else None
    elif b"theme" in attrs:
        k = int(attrs[b"theme"])
        base = theme[k] if k < len(theme) else None
    elif b"indexed" in attrs:
        k = int(attrs[b"indexed"])
        base = _INDEXED[k] if k < len(_INDEXED) else None  # 64/65: system colours, no fill to read
    else:
        base = None
    if base is None:
        return None
    tint = float(attrs.get(b"tint", b"0") or 0)
    return _tinted(base, tint) if tint else base


def _tinted(rgb: str, tint: float) -> str:
    """Excel's tint: lighten (tint > 0) or darken (tint < 0) the colour's luminance."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, lum, s)
    return "".join(f"{round(c * 255):02X}" for c in (r, g, b))


_RE_CELL_ATTRS = re.compile(rb'<c\b([^>]*?)/?>')
_RE_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_RE_ATTR_S = re.compile(rb'\bs="(\d+)"')


def styled_cells(xml: bytes, style_ids: set[int]) -> dict[tuple[int, int], int]:
    """(row, column) -> style id, for the cells of a sheet whose style is one of style_ids."""
    from .read import column_index
    wanted = {str(i).encode(): i for i in style_ids}
    out = {}
    for attrs in _RE_CELL_ATTRS.findall(xml):
        s = _RE_ATTR_S.search(attrs)
        if s and s.group(1) in wanted:
            r = _RE_ATTR_R.search(attrs)
            if r:
                out[(int(r.group(2)) - 1, column_index(r.group(1).decode()))] = wanted[s.group(1)]
    return out


UNRATED_FILL = "Unrated"


def rating_of_fill(rgb: str) -> str | None:
    """The BRAG rating a fill colour stands for: the nearest of Blue, Green, Amber (orange, yellow) and Red;
    white and greys are Unrated; anything else (purple, pink, black, brown...) is None."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < 0.12 and v > 0.3:
        return UNRATED_FILL  # white, greys
    if v < 0.3:
        return None  # black and near-black: not a rating
    hue = h * 360
    if hue < 12 or hue >= 335:
        return "Red"      # includes Excel's "Bad" pink FFC7CE
    if hue < 65:
        return "Amber"    # orange, amber, gold, yellow (Excel's "Neutral" FFEB9C)
    if hue < 170:
        return "Green"    # includes Excel's "Good" C6EFCE and lime
    if hue < 255:
        return "Blue"     # light blue to dark blue
    return None           # purple, magenta, pink

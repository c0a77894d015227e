"""Text from a file, shown as text: never as Markdown, never as HTML, never as a Plotly tag.

Every string that comes from an uploaded file (plan, authority, code, measure, priority, focus area,
source, audit stream, ref, action, owner, start and due text, commentary, "children will say", file
name) goes through one of these on its way to the screen:

- `md()` where Streamlit renders Markdown: titles, headers, captions, `st.markdown` / `st.write`, alert
  boxes, widget, metric, tab and expander labels, `st.table` cells (`md_table()`); `md_code()` for text
  shown as inline code.
- `plot()` into a Plotly figure: its tick labels, annotations, hover and bar text read a few HTML tags
  (`<a href>`, `<b>`, `<br>`, `<span style>`...).
- `render()` for HTML built on purpose (the meeting strip, the board pack): Jinja2 templates under
  `scorecard/templates/`, autoescaped, so every value is escaped in this one place.

Select box and multiselect options and `st.dataframe` cells show text as it is and need none of this.
"""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pandas as pd

# Characters that open Markdown, or Streamlit's extensions of it, wherever they stand (links, images,
# emphasis, code, HTML, character references, math, tables, a heading's closing #, colour directives
# like :red[...], icons, emoji shortcodes): escaped with a backslash, which CommonMark allows before any
# ASCII punctuation and always reads as the character itself.
_MD_ANYWHERE = re.compile(r"[\\`*_\[\]<>&~$:|#]")
# Those that do so only at the start of a line (list items, ordered lists, setext underlines; indented
# code): escaped there, and the indentation, which HTML would not show anyway, dropped.
_MD_LINE_START = re.compile(r"^[ \t]*(?:([-+=])|(\d+)([.)])(?=\s|$))?", re.M)
# Some text becomes something else after escapes are read: web and e-mail addresses become links
# (http://..., www...., name@domain), and Streamlit turns ' -> ', ' <- ', ' <-> ', ' -- ', ' >= ', ' <= ',
# ' ~= ' into arrows and symbols, ':streamlit:' into its logo (an image) and ':material/...:' into an
# icon. An invisible WORD JOINER inside each keeps it as typed.
_REWRITTEN = re.compile(r"(?<=://)|(?i:(?<=www)(?=\.))|(?=@)|(?<=-)(?=[->])|(?<=<)(?=[-=])|(?<=[>~])(?==)"
                        r"|(?<=:streamlit)(?=:)|(?<=:material)(?=/)")
WORD_JOINER = "\u2060"
# Plotly decodes character references after reading its tags, so these show as typed; '%' as well, so
# that file text in a hover template cannot refer to the figure's data (%{x}).
_PLOT = {ord(c): f"&#{ord(c)};" for c in "&<>\"'%"}


def _shown(value):
    """What a template shows for a value: nothing for a missing one (None, NaN)."""
    return "" if value is None or (isinstance(value, float) and value != value) else value


_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                                autoescape=True, undefined=jinja2.StrictUndefined, finalize=_shown)


def md(text) -> str:
    """Text for Streamlit's Markdown that shows exactly as typed."""
    if text is None:
        return ""
    s = _REWRITTEN.sub(WORD_JOINER, str(text).replace("\r\n", "\n").replace("\r", "\n"))
    s = _MD_ANYWHERE.sub(lambda m: "\\" + m.group(), s)
    return _MD_LINE_START.sub(lambda m: ("\\" + m[1]) if m[1] else (m[2] + "\\" + m[3]) if m[2] else "", s)


def md_code(text) -> str:
    """Text as Markdown inline code, as typed: fenced by more backticks than it holds in a row."""
    s = str(text).replace(":material/", f":material{WORD_JOINER}/")  # Streamlit reads icons even in code
    fence = "`" * (max(map(len, re.findall("`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def md_table(df: pd.DataFrame) -> pd.DataFrame:
    """A frame for st.table, whose cells and row labels are Markdown: every text in it shown as typed."""
    shown = df.map(lambda v: md(v) if isinstance(v, str) else v)
    shown.index = df.index.map(lambda v: md(v) if isinstance(v, str) else v)
    return shown


def plot(text) -> str:
    """Text for a Plotly figure that shows exactly as typed."""
    return "" if text is None else str(text).translate(_PLOT)


def render(template: str, **values) -> str:
    """HTML from a template under scorecard/templates/, every value escaped (`|safe` marks trusted HTML)."""
    return _TEMPLATES.get_template(template).render(**values)

"""Scorecard: the improvement board's dashboard. Run with `make run`.

This file only wires navigation; each page calls scorecard.ui.sidebar_filters() for the
shared plan and as-at selectors, so a page behaves the same however it is reached.
"""
from pathlib import Path

import streamlit as st

from scorecard.ui import get_store

st.set_page_config(page_title="Scorecard", page_icon="📊", layout="wide")

HERE = Path(__file__).parent
PAGES = [
    ("pages/overview.py", "Overview", "🏠"),
    ("pages/kpis.py", "Compliance KPIs", "📈"),
    ("pages/audits.py", "Case-file audits", "🔍"),
    ("pages/actions.py", "Actions", "✅"),
    ("pages/upload.py", "Upload centre", "📤"),
]
nav = st.navigation([st.Page(str(HERE / path), title=title, icon=icon, default=(i == 0))
                     for i, (path, title, icon) in enumerate(PAGES)])
get_store()
nav.run()

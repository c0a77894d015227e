"""Scorecard: the improvement board's dashboard. Run with `make run`.

This file only wires navigation: the menu offers the pages the user's role allows, and
?mode=board turns the app into the board's meeting screen (pages/meeting.py). Each page
calls scorecard.access.gate() itself (so a role is enforced however the page is reached) and
scorecard.ui.sidebar_filters() for the shared plan and as-at selectors.
"""
from pathlib import Path

import streamlit as st

from scorecard import access
from scorecard.ui import get_store

st.set_page_config(page_title="Scorecard", page_icon="📊", layout="wide")

HERE = Path(__file__).parent
PAGES = [
    ("pages/overview.py", "Overview", "🏠"),
    ("pages/kpis.py", "Compliance KPIs", "📈"),
    ("pages/audits.py", "Case-file audits", "🔍"),
    ("pages/actions.py", "Actions", "✅"),
    ("pages/boardpack.py", "Board pack", "🗂️"),
    ("pages/upload.py", "Upload centre", "📤"),
    ("pages/admin.py", "Admin", "🛡️"),
]
MEETING = st.Page(str(HERE / "pages/meeting.py"), title="Meeting mode", icon="📺", url_path="meeting")
if st.query_params.get("mode") == "board":  # the board's screen: no menu, no sidebar
    nav = st.navigation([MEETING], position="hidden")
else:
    allowed = access.pages_for(access.current_user())
    nav = st.navigation([st.Page(str(HERE / path), title=title, icon=icon, default=(i == 0))
                         for i, (path, title, icon) in enumerate(PAGES) if Path(path).stem in allowed])
get_store()
nav.run()

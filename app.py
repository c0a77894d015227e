"""Scorecard: the improvement board's dashboard. Run with `make run`.

This file only wires navigation. Every page is registered, so that one opened by URL runs its own role
check (which records a refusal), but the menu shows only the pages the user's role allows, and none
before sign-in. A public bind without sign-in gets the one-line refusal and nothing else: a menu of no
pages (replacing the page list Streamlit's first run may have sent), and the store is not opened.
?mode=board turns the app into the board's meeting screen (pages/meeting.py). Each page calls
scorecard.access.gate() itself (so a role is enforced however the page is reached) and
scorecard.ui.sidebar_filters() for the shared plan and as-at selectors.
"""
from pathlib import Path

import streamlit as st

from scorecard import access
from scorecard.ui import get_store

st.set_page_config(page_title="Scorecard", page_icon="📊", layout="wide")
access.run_through_app()
refused = access.public_bind_problem()

HERE = Path(__file__).parent
if st.query_params.get("mode") == "board" and not refused:  # the board's screen: no menu, no sidebar
    nav = st.navigation([st.Page(str(HERE / "pages/meeting.py"), title="Meeting mode", icon="📺",
                                 url_path="meeting")], position="hidden")
else:
    shown = set() if refused else access.pages_for(access.current_user())
    nav = st.navigation([st.Page(str(HERE / "pages" / f"{name}.py"), title=title, icon=icon, default=(i == 0),
                                 visibility="visible" if name in shown else "hidden")
                         for i, (name, title, icon, _) in enumerate(access.PAGES)],
                        position="sidebar" if shown else "hidden")
if refused:
    st.error(refused)
    st.stop()
get_store()
nav.run()

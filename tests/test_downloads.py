"""Every download in the app is made when its button is clicked (a callable, recorded in the audit trail first:
scorecard.ui.logged), and the click must not rerun the page.

Why: the browser asks for the file and, for a button that reruns, sends the rerun beside it. Streamlit starts a
run by dropping the session's messages not yet sent, and the answer carrying the file's address is one of them
(streamlit/runtime/forward_msg_queue.py keeps only lifecycle messages). When the click's own run started in
the few milliseconds between the answer being made and sent, as a loaded server does, the answer was lost: the
button spun, disabled, for the browser's 180 s wait, and no file came (CI's audit-trail download, twice). A
button with on_click="ignore" (the proto's ignore_rerun, which the browser reads) sends no rerun, so nothing
can drop the answer.
"""
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # the app under AppTest, six pages

DOWNLOADS = {  # page: its download buttons, as the demo store shows them
    "kpis": ["Download CSV", "Download Excel"],
    "audits": ["Download CSV", "Download Excel"],
    "actions": ["Download CSV", "Download Excel"],
    "boardpack": ["Download the pack (HTML)", "Download the pack (PDF)"],
    "upload": ["Blank template", "Filled example", "Download the plan's workbook"],  # and the problem report:
    "admin": ["Download the audit trail (CSV)"],  # tests/test_app_upload.py
}


def test_no_download_click_reruns_the_page(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    from scorecard import boardpack, ui
    ui.get_store.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        for page, labels in DOWNLOADS.items():
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, (page, at.exception)
            buttons = at.get("download_button")
            shown = [label for label in labels if label != "Download the pack (PDF)" or boardpack.chromium()]
            assert [b.proto.label for b in buttons] == shown, page
            assert [b.proto.label for b in buttons if not b.proto.ignore_rerun] == [], page
    finally:
        ui.get_store.clear()

"""Who may do what: sign-in, roles, local mode, and the audit trail of what they did.

Roles, each including the ones before it: viewer (every read-only page), uploader (also upload,
preview, commit, mark SPC process changes), admin (also revert, the Admin page and its audit trail).

With an OIDC provider configured in `.streamlit/secrets.toml` (`[auth]`, e.g. Entra ID or Google
Workspace), people sign in with `st.login` and their role comes from `.streamlit/roles.toml`
(`SCORECARD_ROLES`), by e-mail, e-mail domain or group. Without one the app runs in local mode:
bound to 127.0.0.1 only, one local user with every role, and a banner saying so. Local mode on any
other address is refused.

Every page calls `gate(role)` first, so a role is enforced on the server however the page is
reached (menu, URL, AppTest); handlers that write call `require(role, what)` again before acting.

When the audit trail cannot be written (a full disk, say), pages still open: the failure is logged on
the server, the page carries a banner, the entry is written when the trail works again, and until then
`require()` refuses every change.
"""
from __future__ import annotations

import datetime as dt
import getpass
import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

ROLES = ("viewer", "uploader", "admin")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROLES_FILE = ROOT / ".streamlit" / "roles.toml"
PAGES = [  # file in pages/, title, icon, the role it needs (the page's gate() call checks it)
    ("overview", "Overview", "🏠", "viewer"),
    ("kpis", "Compliance KPIs", "📈", "viewer"),
    ("audits", "Case-file audits", "🔍", "viewer"),
    ("actions", "Actions", "✅", "viewer"),
    ("boardpack", "Board pack", "🗂️", "viewer"),
    ("upload", "Upload centre", "📤", "uploader"),
    ("admin", "Admin", "🛡️", "admin"),
]
UNRECORDED = "_audit_unrecorded"  # session state: this session's audit entries the trail could not take yet
logger = logging.getLogger("scorecard")


@dataclass(frozen=True)
class User:
    name: str
    email: str | None
    role: str | None  # None: signed in but given no role
    local: bool = False

    def can(self, role: str) -> bool:
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(role)


# -- configuration -------------------------------------------------------------------------------
def sign_in_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section for st.login."""
    try:
        from streamlit.auth_util import get_secrets_auth_section
        return bool(get_secrets_auth_section())
    except Exception:
        return False


def bind_address() -> str:
    return str(st.get_option("server.address") or "")


def is_loopback(address: str) -> bool:
    return address.strip().strip("[]") in LOOPBACK


def public_bind_problem() -> str | None:
    """bind_problem() for this server: its address, and whether sign-in is configured."""
    return bind_problem(bind_address(), sign_in_configured())


def bind_problem(address: str, signed_in: bool) -> str | None:
    """Why this combination may not start, in one line, or None."""
    if signed_in or is_loopback(address):
        return None
    shown = address or "every network interface"
    return (f"Refusing to serve on {shown} without sign-in: configure [auth] in .streamlit/secrets.toml, "
            "or set server.address to 127.0.0.1 for local mode.")


def roles_file() -> Path:
    return Path(os.environ.get("SCORECARD_ROLES") or DEFAULT_ROLES_FILE)


def load_roles(path: Path | None = None) -> dict:
    """`default = "viewer"` (or "none"), then `[emails]`, `[domains]` and `[groups]` tables of role names."""
    path = path or roles_file()
    if not path.is_file():
        return {"default": "none"}
    with path.open("rb") as f:
        cfg = tomllib.load(f)
    for table in ("emails", "domains", "groups"):
        for key, role in cfg.get(table, {}).items():
            if role not in ROLES:
                raise ValueError(f"{path.name}: [{table}] {key!r} has unknown role {role!r}; use {', '.join(ROLES)}")
    return cfg


def role_for(email: str | None, groups: list[str], cfg: dict) -> str | None:
    """The highest role the e-mail, its domain or any group is given; else the default (None for 'none')."""
    email = (email or "").strip().lower()
    found = []
    found += [r for k, r in cfg.get("emails", {}).items() if k.lower() == email]
    if "@" in email:
        found += [r for k, r in cfg.get("domains", {}).items() if k.lower().lstrip("@") == email.split("@", 1)[1]]
    found += [r for g in groups for k, r in cfg.get("groups", {}).items() if k == g]
    if found:
        return max(found, key=ROLES.index)
    default = cfg.get("default", "none")
    return default if default in ROLES else None


# -- the current user ----------------------------------------------------------------------------
def current_user() -> User | None:
    """The signed-in user (None when sign-in is configured and nobody is signed in yet)."""
    if not sign_in_configured():
        try:
            name = os.environ.get("SCORECARD_USER") or getpass.getuser()
        except Exception:
            name = "local user"
        return User(name=name, email=None, role="admin", local=True)
    if not st.user.get("is_logged_in"):
        return None
    email = st.user.get("email")
    groups = st.user.get("groups") or []
    groups = [groups] if isinstance(groups, str) else list(groups)
    return User(name=str(st.user.get("name") or email or "unknown"), email=email,
                role=role_for(email, groups, load_roles()))


@dataclass
class Entry:
    """One audit entry and when it happened (kept in the session while the trail cannot take it)."""
    who: str
    role: str | None
    event: str
    fields: dict
    at: dt.datetime = field(default_factory=dt.datetime.now)


def log(user: User | None, event: str, **fields) -> None:
    """Append one entry to the audit trail. If the trail cannot be written the failure is logged on the
    server and the page gets the banner; the entry waits in the session and is written, marked as late, on
    a later run (gate()) once the trail works again, and until then require() refuses changes. A download
    (generated outside the page's run) whose entry cannot be written fails instead."""
    entry = Entry(user.email or user.name if user else "anonymous", user.role if user else None, event, fields)
    if get_script_run_ctx(suppress_warning=True) is None:
        _write(entry, late=False)
        return
    waiting = st.session_state.setdefault(UNRECORDED, [])
    waiting.append(entry)
    if len(waiting) == 1 and (problem := _write_waiting(late=False)):  # else this run's gate() showed the banner
        _banner(problem)


def _write(entry: Entry, late: bool) -> None:
    from .ui import get_store
    fields = dict(entry.fields)
    if late:
        fields["detail"] = "; ".join(filter(None, [fields.get("detail"),
                                                   f"recorded late: it happened at {entry.at:%d/%m/%Y %H:%M:%S}"]))
    try:
        get_store().log_event(entry.who, entry.role, entry.event, **fields)
    except Exception as exc:
        logger.error("the audit trail cannot be written (%s by %s): %s", entry.event, entry.who, exc, exc_info=True)
        raise


def _write_waiting(late: bool) -> str | None:
    """Write this session's waiting entries in order; why the trail cannot be written, or None once all are in."""
    waiting = st.session_state.get(UNRECORDED) or []
    while waiting:
        try:
            _write(waiting[0], late)
        except Exception as exc:
            return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")
        waiting.pop(0)
    return None


def _banner(problem: str) -> None:
    st.error(f"The audit trail cannot be written: {problem}. Changes are refused until this is fixed (and "
             "downloads, as each one is recorded); pages can still be read.", icon="⚠️")


def run_through_app() -> None:
    """A fresh server's first run is in Streamlit's old pages-folder mode: it lists every file of pages/ in
    the sidebar (for every later visitor too, whatever their role), and when the first request is a link
    to a page (say /upload) it runs pages/upload.py on its own, skipping app.py. Called first by app.py
    and by gate(): leave that mode and rerun once, so that app.py decides what is shown. (AppTest
    re-enters that mode on every run; rerunning only once per session keeps a clicked button's click.)"""
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get("_ran_through_app"):
            st.session_state["_ran_through_app"] = True
            st.rerun()


def gate(role: str = "viewer") -> User:
    """Run first on every page: refuse a public bind without sign-in, sign the user in, show the local-mode
    banner, record the sign-in, and stop the page (recording the refusal) unless the user has `role`."""
    run_through_app()
    problem = public_bind_problem()
    if problem:
        st.error(problem)
        st.stop()
    user = current_user()
    if user is None:
        st.title("Scorecard")
        st.write("Sign in with your council account to see the improvement board's dashboard.")
        st.button("Sign in", on_click=st.login, type="primary", key="sign_in")
        st.stop()
    problem = _write_waiting(late=True)
    if problem:
        _banner(problem)
    if not st.session_state.get("_signed_in_logged"):
        st.session_state["_signed_in_logged"] = True
        log(user, "sign-in", detail="local mode" if user.local else None)
    if user.local:
        st.sidebar.caption(f"🔓 **Local mode**: no sign-in is configured, so the app only listens on this "
                           f"computer (127.0.0.1) and {user.name} has every role.")
    else:
        st.sidebar.caption(f"Signed in as {user.email or user.name} · {user.role or 'no role'}")
        st.sidebar.button("Sign out", on_click=st.logout, key="sign_out")
    _role_or_stop(user, role, f"open the {page_title()} page")
    return user


def require(user: User, role: str, what: str) -> None:
    """Before a change: stop here, and record the attempt, unless the user has the role; and refuse it while
    the audit trail cannot be written."""
    _role_or_stop(user, role, what)
    if st.session_state.get(UNRECORDED):
        st.error(f"Nothing was changed: the audit trail cannot be written, so you cannot {what} until this is "
                 "fixed.")
        st.stop()


def _role_or_stop(user: User, role: str, what: str) -> None:
    """Stop here, and record the attempt, unless the user has the role."""
    if user.can(role):
        return
    log(user, "denied", detail=f"tried to {what}; needs {role}")
    if user.role is None:
        st.error("Your account has not been given a role for this dashboard yet. Ask an admin to add you.")
    else:
        st.error(f"This needs the **{role}** role; you are signed in as a **{user.role}**.")
    st.stop()


def page_title() -> str:
    """The title of the page being run: the page st.navigation picked, or the script run on its own."""
    ctx = get_script_run_ctx()
    page = ctx.pages_manager.get_pages().get(ctx.page_script_hash) or {}
    stem = Path(page.get("script_path") or ctx.main_script_path).stem
    return next((title for name, title, _, _ in PAGES if name == stem), stem)


def logged(user: User, event: str, make, **fields):
    """Wrap a download's data callable so that each download is recorded in the audit trail."""
    def run():
        log(user, event, **fields)
        return make()
    return run


def pages_for(user: User | None) -> set[str]:
    """The pages the menu shows (every page checks the role again itself); none to someone not signed in
    or without a role, whose only screen is the sign-in button or the message."""
    if user is None:
        return set()
    return {name for name, _, _, role in PAGES if user.can(role)}

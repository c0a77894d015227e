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
"""
from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROLES = ("viewer", "uploader", "admin")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROLES_FILE = ROOT / ".streamlit" / "roles.toml"


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


def log(user: User | None, event: str, **fields) -> None:
    from .ui import get_store
    get_store().log_event(user.email or user.name if user else "anonymous", user.role if user else None,
                          event, **fields)


def _run_through_app() -> None:
    """When a fresh server's first request is a link to a page (say /upload), Streamlit still runs in its
    old pages-folder mode: it runs pages/upload.py on its own, skipping app.py, and lists every file of
    pages/ in the sidebar for every later visitor too, whatever their role. Leave that mode and rerun
    once, so that app.py builds the navigation and runs the page. (AppTest re-enters that mode on every
    run; rerunning only once per session keeps a clicked button's click.)"""
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get("_ran_through_app"):
            st.session_state["_ran_through_app"] = True
            st.rerun()


def gate(role: str = "viewer") -> User:
    """Run first on every page: refuse a public bind without sign-in, sign the user in, show the local-mode
    banner, record the sign-in, and stop the page unless the user has `role`."""
    _run_through_app()
    signed_in = sign_in_configured()
    problem = bind_problem(bind_address(), signed_in)
    if problem:
        st.error(problem)
        st.stop()
    user = current_user()
    if user is None:
        st.title("Scorecard")
        st.write("Sign in with your council account to see the improvement board's dashboard.")
        st.button("Sign in", on_click=st.login, type="primary", key="sign_in")
        st.stop()
    if not st.session_state.get("_signed_in_logged"):
        st.session_state["_signed_in_logged"] = True
        log(user, "sign-in", detail="local mode" if user.local else None)
    if user.local:
        st.sidebar.caption(f"🔓 **Local mode**: no sign-in is configured, so the app only listens on this "
                           f"computer (127.0.0.1) and {user.name} has every role.")
    else:
        st.sidebar.caption(f"Signed in as {user.email or user.name} · {user.role or 'no role'}")
        st.sidebar.button("Sign out", on_click=st.logout, key="sign_out")
    require(user, role, f"open the {role} page")
    return user


def require(user: User, role: str, what: str) -> None:
    """Stop here, and record the attempt, unless the user has the role."""
    if user.can(role):
        return
    log(user, "denied", detail=f"tried to {what}; needs {role}")
    if user.role is None:
        st.error("Your account has not been given a role for this dashboard yet. Ask an admin to add you.")
    else:
        st.error(f"This needs the **{role}** role; you are signed in as a **{user.role}**.")
    st.stop()


def logged(user: User, event: str, make, **fields):
    """Wrap a download's data callable so that each download is recorded in the audit trail."""
    def run():
        log(user, event, **fields)
        return make()
    return run


def pages_for(user: User | None) -> set[str]:
    """Which pages the navigation offers (the pages check the role again themselves)."""
    if user is None or not user.can("viewer"):
        return {"overview"}  # which signs them in, or tells them they have no role
    out = {"overview", "kpis", "audits", "actions", "boardpack"}
    if user.can("uploader"):
        out.add("upload")
    if user.can("admin"):
        out.add("admin")
    return out

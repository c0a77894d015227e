"""Who may do what: roles, the roles file, local mode and the bind check, as plain rules (no Streamlit).

Roles, each including the ones before it: viewer (every read-only page), uploader (also upload,
preview, commit, mark SPC process changes), admin (also revert, the Admin page and its audit trail).

With an OIDC provider configured in `.streamlit/secrets.toml` (`[auth]`, e.g. Entra ID or Google
Workspace), people sign in and their role comes from `.streamlit/roles.toml` (`SCORECARD_ROLES`), by
e-mail, e-mail domain or group. Without one the app runs in local mode: bound to 127.0.0.1 only, one
local user with every role. Local mode on any other address is refused.

The pages enforce these rules through scorecard/ui.py (`gate`, `require`), which also records what
people do in the audit trail.
"""
from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def who(self) -> str:
        """How the audit trail names this person."""
        return self.email or self.name


# -- starting a server ---------------------------------------------------------------------------
def is_loopback(address: str) -> bool:
    return address.strip().strip("[]") in LOOPBACK


def bind_problem(address: str, signed_in: bool) -> str | None:
    """Why this combination may not start, in one line, or None."""
    if signed_in or is_loopback(address):
        return None
    shown = address or "every network interface"
    return (f"Refusing to serve on {shown} without sign-in: configure [auth] in .streamlit/secrets.toml, "
            "or set server.address to 127.0.0.1 for local mode.")


# -- roles -------------------------------------------------------------------------------------
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


# -- who is there ------------------------------------------------------------------------------
def local_user() -> User:
    """Local mode's one user (SCORECARD_USER, else the login name), who has every role."""
    try:
        name = os.environ.get("SCORECARD_USER") or getpass.getuser()
    except Exception:
        name = "local user"
    return User(name=name, email=None, role="admin", local=True)


def signed_in_user(claims: Mapping, cfg: dict) -> User | None:
    """The person the identity provider's claims describe, with the role the roles file gives them; None
    when nobody is signed in."""
    if not claims.get("is_logged_in"):
        return None
    email = claims.get("email")
    groups = claims.get("groups") or []
    groups = [groups] if isinstance(groups, str) else list(groups)
    return User(name=str(claims.get("name") or email or "unknown"), email=email, role=role_for(email, groups, cfg))


def pages_for(user: User | None, needs: Mapping[str, str]) -> set[str]:
    """Of the pages (each with the role it needs), those the menu shows this user (every page checks the role
    again itself); none to someone not signed in or without a role, whose only screen is the sign-in button
    or the message."""
    if user is None:
        return set()
    return {page for page, role in needs.items() if user.can(role)}

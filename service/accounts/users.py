"""Tenants, users and rosters: the operations the CLI and the admin routes share."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from service.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    generate_password,
    hash_password,
)
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.store.models import Challenge, Person, Role, Tenant, User, utcnow
from service.store.tenancy import belongs_to_tenant_id, select_visible_to

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}")
EMAIL = re.compile(r"[^@\s\x00-\x1f]{1,64}@[^@\s\x00-\x1f]{1,189}\.[A-Za-z]{2,63}")
DEFAULT_CHALLENGE = ("gmsc", "Give Me Some Credit")
# The store's column lengths: longer values are refused up front (PostgreSQL would fail the insert).
MAX_TENANT_NAME_LENGTH = Tenant.__table__.c.name.type.length
MAX_EMAIL_LENGTH = User.__table__.c.email.type.length


def create_tenant(slug: str, name: str | None = None, commit: bool = True) -> Tenant:
    """A new class with its default challenge and an invite link."""
    if not SLUG.fullmatch(slug):
        raise InvalidInput("a tenant slug is 2-64 lowercase letters, digits or '-'")
    if name is not None and len(name) > MAX_TENANT_NAME_LENGTH:
        raise InvalidInput(
            f"name: a tenant name has at most {MAX_TENANT_NAME_LENGTH} characters, not {len(name)}"
        )
    if db.session.scalar(select(Tenant).where(Tenant.slug == slug)):
        raise Conflict(f"tenant {slug!r} exists already")
    tenant = Tenant(slug=slug, name=name or slug, join_code=new_join_code())
    challenge_slug, title = DEFAULT_CHALLENGE
    db.session.add_all([tenant, Challenge(tenant=tenant, slug=challenge_slug, title=title)])
    if commit:
        db.session.commit()
    return tenant


def tenant_by_slug(slug: str) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise NotFound(f"no tenant {slug!r}")
    return tenant


def user_by_username(username: str, tenant_slug: str | None = None) -> User:
    """The user of that name (in that class, when named; names repeat across classes)."""
    query = select(User).where(User.username == username)
    if tenant_slug is not None:
        query = query.where(User.tenant_id == tenant_by_slug(tenant_slug).id)
    found = db.session.scalars(query.limit(2)).all()
    if not found:
        raise NotFound(f"no user {username!r}" + (f" in {tenant_slug}" if tenant_slug else ""))
    if len(found) > 1:
        raise InvalidInput(f"several classes have a user {username!r}: name the class (--tenant)")
    return found[0]


def new_join_code() -> str:
    return secrets.token_urlsafe(12)


def check_new_account(username: str, password: str) -> None:
    """The rules a new account's name and password follow, checked before anything costly."""
    if not USERNAME.fullmatch(username):
        raise InvalidInput(
            f"{username!r}: a username is 2-64 letters, digits or . _ @ -, starting alphanumeric"
        )
    check_password_rules(password)


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"a password has {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters")


def new_member(
    username: str,
    password: str,
    tenant: Tenant | None,
    role: Role,
    email: str | None = None,
    password_chosen: bool = False,
) -> User:
    """A new person, and their membership of `tenant` with `role` (not yet added to the session)."""
    check_new_account(username, password)
    if email and len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInput(
            f"email: an email address has at most {MAX_EMAIL_LENGTH} characters, not {len(email)}"
        )
    if email and not EMAIL.fullmatch(email):
        raise InvalidInput(f"{email!r} is not an email address")
    if role is not Role.ADMIN and tenant is None:
        raise InvalidInput("students and teachers belong to a tenant")
    person = Person(username=username, password_hash=hash_password(password), password_chosen=password_chosen)
    return User(username=username, email=email or None, role=role, tenant=tenant, person=person)


def create_user(
    username: str, password: str, tenant: Tenant | None, role: Role, email: str | None = None
) -> User:
    if names_taken([username]):
        raise Conflict(f"the username {username!r} is taken; choose another")
    user = new_member(username, password, tenant, role, email)
    db.session.add(user)
    commit_or_conflict(f"the username {username!r} is taken; choose another")
    return user


def enrol_user(
    username: str, password: str | None, tenant: Tenant | None, role: Role, email: str | None = None
) -> tuple[User, str | None]:
    """Create a user with `password`, or a generated one, which is answered (once) beside the user.

    Someone removed from the class comes back instead, with their own password (None answered)."""
    removed = db.session.scalar(
        select(User).where(User.tenant_id == tenant.id, User.username == username, User.removed_at.is_not(None))
    ) if tenant is not None else None  # fmt: skip
    if removed is not None:
        removed.removed_at, removed.role = None, role
        db.session.commit()
        return removed, None
    generated = None if password else generate_password()
    return create_user(username, password or generated, tenant, role, email), generated


def names_taken(usernames: list[str]) -> set[str]:
    """Which of `usernames` an account has already. A name is one person's across the service, as on
    Kaggle or GitHub (people from before that rule may share one, and sign in naming their class)."""
    if not usernames:
        return set()
    return set(db.session.scalars(select(Person.username).where(Person.username.in_(usernames))))


def commit_or_conflict(detail: str) -> None:
    """Commit; a unique constraint that a concurrent request won is a conflict, not a failure."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(detail) from None


@dataclass(frozen=True)
class RosterEntry:
    username: str
    email: str | None
    generated_password: str | None  # only when the roster gave none: for the teacher to hand out


def import_roster(roster: bytes, tenant: Tenant, may_generate: bool = True) -> list[RosterEntry]:
    """Create a student per row of `username,email[,password]`; all of them or, on any problem, none.

    Empty passwords are generated, unless `may_generate` is False (nowhere to hand them out).
    """
    try:
        text = roster.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the roster is not UTF-8 text") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise InvalidInput(f"the roster is not valid CSV: {exc}") from None
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["username", "email"]:
        rows = rows[1:]
    if not rows:
        raise InvalidInput("the roster has no students; expected rows of username,email[,password]")
    problems, users, entries = [], [], []
    existing = names_taken([row[0].strip() for row in rows if row])
    seen: set[str] = set()
    for line, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row] + ["", ""]
        username, email, password = cells[0], cells[1], cells[2]
        if username in existing or username in seen:
            problems.append(f"row {line}: the username {username!r} is taken")
            continue
        seen.add(username)
        if not password and not may_generate:
            problems.append(f"row {line}: no password, and no file to receive a generated one (--out)")
            continue
        generated = None if password else generate_password()
        try:
            users.append(new_member(username, password or generated, tenant, Role.STUDENT, email))
        except InvalidInput as exc:
            problems.append(f"row {line}: {exc.detail}")
            continue
        entries.append(RosterEntry(username, email or None, generated))
    if problems:
        raise InvalidInput("; ".join(problems[:20]), problems=problems[:20], total_problems=len(problems))
    db.session.add_all(users)
    commit_or_conflict("a username of the roster was taken while it was imported; send it again")
    return entries


def reset_password(user: User, password: str | None = None, by: User | None = None) -> str:
    """Set `password`, or a generated one; returns it so the teacher can hand it over.

    The password is the person's, for every class: staff of one class may set it only for someone
    they may manage who belongs to no other class. Tokens issued before the reset stop working, in
    every class: whoever knew the old password is out.
    """
    if by is not None:
        check_may_manage(by, user)
        if by.role is not Role.ADMIN and any(m.tenant_id != user.tenant_id for m in user.person.memberships):
            raise Forbidden(
                f"{user.username} also belongs to another class: only they, or the operator, "
                "may change their password"
            )
    new_password = password or generate_password()
    check_password_rules(new_password)
    set_password(user.person, new_password, chosen=False)  # whoever reset it knows it
    db.session.commit()
    return new_password


def set_password(person: Person, password: str, chosen: bool) -> None:
    """Give `person` a new password: every token of theirs, in every class, stops working (each
    membership's token version is raised in SQL, so two changes at once cannot share a version)."""
    person.password_hash, person.password_chosen = hash_password(password), chosen
    db.session.execute(
        update(User).where(User.person_id == person.id).values(token_version=User.token_version + 1)
    )


def check_may_manage(actor: User, member: User) -> None:
    """Staff manage the members of their class below them: a teacher its assistants and students,
    an assistant its students; the operator, everyone."""
    below = {Role.TEACHER: {Role.ASSISTANT, Role.STUDENT}, Role.ASSISTANT: {Role.STUDENT}}
    if actor.role is Role.ADMIN:
        return
    if member.tenant_id != actor.tenant_id or member.role not in below.get(actor.role, set()):
        raise Forbidden(f"you may not manage {member.username}'s account")


def disable_user(user: User, by: User | None = None) -> None:
    """A disabled user can no longer sign in to this class, and their tokens for it stop at once."""
    if by is not None:
        check_may_manage(by, user)
    user.disabled = True
    _end_tokens(user)
    db.session.commit()


def enable_user(user: User, by: User | None = None) -> None:
    """A disabled user may sign in again; tokens from before the disable stay refused."""
    if by is not None:
        check_may_manage(by, user)
    user.disabled = False
    db.session.commit()


def remove_member(user: User, by: User) -> None:
    """Take someone out of the class: they can no longer act in it; their submissions stay, marked."""
    check_may_manage(by, user)
    user.removed_at = utcnow()
    _end_tokens(user)
    db.session.commit()


def all_users(tenant: Tenant | None = None) -> list[User]:
    """Every user, by class and name (of one class, when given): for the operator's CLI."""
    query = select(User).outerjoin(Tenant, Tenant.id == User.tenant_id).order_by(Tenant.slug, User.username)
    if tenant is not None:
        query = query.where(belongs_to_tenant_id(User, tenant.id))
    return list(db.session.scalars(query))


def _end_tokens(user: User) -> None:
    # Incremented in SQL, so two resets at once cannot both write the same next version.
    user.token_version = User.token_version + 1


def list_users(viewer: User, tenant: Tenant | None) -> list[User]:
    """The users `viewer` may see (see `tenancy.select_visible_to`), of one tenant when named."""
    statement = select_visible_to(User, viewer).order_by(User.username)
    if tenant is not None:
        statement = statement.where(belongs_to_tenant_id(User, tenant.id))
    return list(db.session.scalars(statement))


def list_tenants() -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).order_by(Tenant.slug)))

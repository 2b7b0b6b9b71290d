"""Classes a person belongs to: making one, adding staff, and the invite link students join by.

A membership (`User`) gives a person a role in one class; one sign-in serves each of them, a token
acting for one class at a time (see `sign_in.switch_class`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from service.accounts.passwords import generate_password
from service.accounts.users import (
    check_new_account,
    commit_or_conflict,
    create_tenant,
    names_taken,
    new_join_code,
    new_member,
)
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.extensions import db
from service.store.models import InvitedName, Person, Role, Tenant, User, utcnow

STAFF_ROLES = (Role.TEACHER, Role.ASSISTANT)
MAX_INVITED_NAMES = 2000
MAX_INVITED_NAME_LENGTH = InvitedName.__table__.c.name.type.length
# One answer for a code that is wrong, expired or turned off: it tells nothing of which.
NO_SUCH_LINK = (
    "this invite link does not work: it is wrong, expired or turned off; ask your teacher for a new one"
)


def memberships_of(person: Person) -> list[User]:
    """The classes the person may act in (each a membership, with its role), in the order they
    joined them; a class that disabled or removed them is not among them."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.tenant))
            .where(User.person_id == person.id, User.tenant_id.is_not(None))
            .where(User.removed_at.is_(None), User.disabled.is_(False))
            .order_by(User.id)
        )
    )


def may_create_classes(person: Person) -> bool:
    """Teachers make classes: a person who teaches one may open another."""
    return any(m.role is Role.TEACHER and m.active for m in person.memberships)


def create_class(person: Person, slug: str, title: str | None) -> User:
    """A new class with its practice challenge and an invite link, run by `person` as its teacher."""
    if not may_create_classes(person):
        raise Forbidden("only teachers make classes: ask the operator for a teacher account")
    tenant = create_tenant(slug, title, commit=False)
    teacher = _membership(person, tenant, Role.TEACHER)
    db.session.add(teacher)
    commit_or_conflict(f"class {slug!r} exists already")
    return teacher


def open_class_for_teacher(slug: str, title: str | None, username: str) -> tuple[User, str]:
    """The operator's: a new class and a new teacher account for it, with a generated password
    (answered once, for the operator to hand over)."""
    if names_taken([username]):
        raise Conflict(f"the username {username!r} is taken; choose another")
    tenant = create_tenant(slug, title, commit=False)
    password = generate_password()
    teacher = new_member(username, password, tenant, Role.TEACHER)
    db.session.add(teacher)
    commit_or_conflict(f"class {slug!r} or the username {username!r} was taken meanwhile; try again")
    return teacher, password


def membership_in(person: Person, slug: str) -> User:
    """The person's active membership in the class `slug`; another class looks like no class."""
    member = db.session.scalar(
        select(User)
        .join(Tenant, Tenant.id == User.tenant_id)
        .where(User.person_id == person.id, Tenant.slug == slug, User.removed_at.is_(None))
    )
    if member is None or member.disabled:
        raise NotFound(f"you are not in a class {slug!r}")
    return member


def teacher_of(person: Person, slug: str) -> User:
    member = membership_in(person, slug)
    if member.role is not Role.TEACHER:
        raise Forbidden(f"only a teacher of {slug} may do this")
    return member


def add_staff(by: User, username: str, role: Role, from_class: str | None = None) -> User:
    """Make an existing person (named, and by their class when the name repeats) a teacher or an
    assistant of `by`'s class; someone already in the class gets the new role."""
    if by.role is not Role.TEACHER:
        raise Forbidden("only a teacher adds teachers and assistants")
    if role not in STAFF_ROLES:
        raise InvalidInput("role: teacher or assistant (students join by the invite link or the roster)")
    people = select(Person).where(Person.username == username)
    if from_class is not None:
        people = people.join(User, User.person_id == Person.id).join(Tenant, Tenant.id == User.tenant_id)
        people = people.where(Tenant.slug == from_class)
    found = db.session.scalars(people.limit(2)).unique().all()
    if len(found) != 1:
        raise (NotFound if not found else Conflict)(
            f"no one named {username!r}" if not found else
            f"several people are named {username!r}: name one of their classes as from_class"
        )  # fmt: skip
    member = db.session.scalar(
        select(User).where(User.person_id == found[0].id, User.tenant_id == by.tenant_id)
    )
    if member is None:
        _check_may_enter_another_class(found[0])
        _check_name_free_in(by.tenant, username)
        member = _membership(found[0], by.tenant, role)
        db.session.add(member)
    elif member.role is Role.TEACHER and role is not Role.TEACHER:
        raise Conflict(f"{username} teaches this class; a teacher is not made an assistant")
    member.role, member.removed_at = role, None
    commit_or_conflict(f"someone in this class is already named {username!r}")
    return member


def _check_may_enter_another_class(person: Person) -> None:
    """Staff who set a person's password know it: until the person chooses their own, their account
    enters no other class, where those staff would otherwise act as them."""
    if not person.password_chosen:
        raise Forbidden(
            f"{person.username} must first choose their own password (POST /me/password, or Your classes "
            "on the web): the one they have was set by a teacher or the operator"
        )


def _check_name_free_in(tenant: Tenant, username: str) -> None:
    if db.session.scalar(select(User.id).where(User.tenant_id == tenant.id, User.username == username)):
        raise Conflict(f"someone in this class is already named {username!r}")


def replace_join_link(
    tenant: Tenant, expires_at: datetime | None = None, listed_only: bool = False
) -> Tenant:
    """A new invite link; the old one stops working at once."""
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput("expires_at: the link would expire before it is sent; give a time to come")
    tenant.join_code, tenant.join_expires_at, tenant.join_listed_only = (
        new_join_code(),
        expires_at,
        listed_only,
    )
    db.session.commit()
    return tenant


def turn_off_join_link(tenant: Tenant) -> None:
    tenant.join_code = None
    db.session.commit()


def set_invited_names(tenant: Tenant, names: list[str]) -> list[InvitedName]:
    """The names (or student numbers) that may join by a listed-only link: those not yet claimed are
    replaced by `names`; claimed ones stay claimed."""
    cleaned = [" ".join(name.split()) for name in names]
    problems = [f"{name!r}: 1 to {MAX_INVITED_NAME_LENGTH} characters" for name in cleaned
                if not 0 < len(name) <= MAX_INVITED_NAME_LENGTH]  # fmt: skip
    if len(cleaned) > MAX_INVITED_NAMES:
        problems.append(f"at most {MAX_INVITED_NAMES} names, not {len(cleaned)}")
    if problems:
        raise InvalidInput("; ".join(problems[:20]), total_problems=len(problems))
    # One statement: a name claimed while this runs keeps its claim.
    db.session.execute(
        delete(InvitedName).where(InvitedName.tenant_id == tenant.id, InvitedName.claimed_by_id.is_(None))
    )
    seen = {entry.name.casefold() for entry in invited_names(tenant)}
    for name in cleaned:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            db.session.add(InvitedName(tenant_id=tenant.id, name=name))
    db.session.commit()
    return invited_names(tenant)


def invited_names(tenant: Tenant) -> list[InvitedName]:
    return list(
        db.session.scalars(
            select(InvitedName).where(InvitedName.tenant_id == tenant.id).order_by(InvitedName.name)
        )
    )


def class_of_join_code(code: str) -> Tenant:
    """The class whose live invite link this is; a wrong, expired or turned-off code looks the same."""
    tenant = db.session.scalar(select(Tenant).where(Tenant.join_code == code)) if code else None
    if tenant is None or (tenant.join_expires_at is not None and tenant.join_expires_at <= utcnow()):
        raise NotFound(NO_SUCH_LINK)
    return tenant


def join(code: str, person: Person | None = None, username: str | None = None, password: str | None = None,
         listed_name: str | None = None) -> User:  # fmt: skip
    """Join a class by its invite link: `person` (signed in) gains a student membership, or a new
    account is made with `username` and `password`. A listed-only link takes a listed name, once."""
    tenant = class_of_join_code(code)
    if person is None:
        if not username or not password:
            raise InvalidInput("give a username and a password for your new account, or sign in first")
        check_new_account(username, password)
        if names_taken([username]):
            raise Conflict(
                f"the username {username!r} is taken; choose another (or sign in first, if it is yours)"
            )
    else:
        existing = db.session.scalar(
            select(User).where(User.person_id == person.id, User.tenant_id == tenant.id)
        )
        if existing is not None and existing.removed_at is None:
            return existing  # joining twice changes nothing
        if existing is not None:
            raise Forbidden("you were removed from this class; ask its teacher to add you again")
        _check_may_enter_another_class(person)
        username = person.username
        _check_name_free_in(tenant, username)
    member = new_member(username, password, tenant, Role.STUDENT, password_chosen=True) if person is None else (
        _membership(person, tenant, Role.STUDENT))  # fmt: skip
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError:  # the name was taken by a concurrent join
        db.session.rollback()
        raise Conflict(f"the username {username!r} was taken meanwhile; choose another") from None
    if tenant.join_listed_only and not _claim_listed_name(tenant, listed_name, member):
        db.session.rollback()
        raise Forbidden(
            "this class lets in the names its teacher listed, each once: give yours as listed_name, as the "
            "teacher wrote it; if it is refused, ask your teacher"
        )
    commit_or_conflict(f"the username {username!r} was taken meanwhile; choose another")
    return member


def _claim_listed_name(tenant: Tenant, listed_name: str | None, member: User) -> bool:
    """Claim the listed name for `member`, in one conditional statement: of two joiners with the same
    name one wins. False for a name not listed and for one claimed already alike."""
    wanted = " ".join((listed_name or "").split()).casefold()
    entry = next((e for e in invited_names(tenant) if wanted and e.name.casefold() == wanted), None)
    return entry is not None and bool(
        db.session.execute(
            update(InvitedName)
            .where(InvitedName.id == entry.id, InvitedName.claimed_by_id.is_(None))
            .values(claimed_by_id=member.id, claimed_at=utcnow())
        ).rowcount
    )


def _membership(person: Person, tenant: Tenant, role: Role) -> User:
    return User(person=person, username=person.username, tenant=tenant, role=role)

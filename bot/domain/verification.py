"""Deciding whether what a member entered matches the union's roster.

Outcomes and why the thresholds are where they are:

* **verified** — the member number matches exactly (after normalisation), the name matches
  exactly (after normalisation: full-width, spaces, case, traditional characters written as
  simplified ones — "陳麗華" is 陈丽华 — on both sides), the employer is clearly the same
  (score ≥ 90; an abbreviation contained in the full name scores 100: "上海电气" in
  "上海电气集团股份有限公司"), and the phone matches when the roster has one.
* **pending** (a person decides) — the member number matches but something else is a near miss:
  a name that differs by a character or so (score ≥ 50: one wrong character in a three-character
  Chinese name scores 67, a different name of the same length scores 0–33), an employer written
  quite differently (60–89), or a phone number the roster does not have (people change numbers).
  Chinese names are short, so one different character may be a typo or another person: a human
  looks rather than a threshold deciding.
* **rejected** — no roster entry has that member number, or the name or employer is far off.
  The member is told which part did not match and may try again.

A member number already linked to another account is never confirmed to someone who does not
know whose it is: the claimant hears what they would hear were the number free (``told``), and a
name far off hears the same as a number not on the roster — so trying colleagues' numbers with
made-up names tells nobody who uses 会会. Only a claim that would otherwise verify (the owner on
a new account, or someone who knows the owner's name, number and employer) hears that the number
is taken. Every such try waits in /review for the union's organisers and its owner is told.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.domain import N_
from bot.domain.text import compact, simplified

NAME_PENDING = 50.0
EMPLOYER_VERIFIED = 90.0
EMPLOYER_PENDING = 60.0


class Outcome(enum.StrEnum):
    VERIFIED = "verified"
    PENDING = "pending"
    REJECTED = "rejected"


class Reason(enum.StrEnum):
    """Why verification did not simply succeed; shown to the member and to reviewers."""

    NUMBER_UNKNOWN = "number_unknown"
    NUMBER_TAKEN = "number_taken"
    NAME_DIFFERS = "name_differs"
    NAME_CLOSE = "name_close"
    EMPLOYER_DIFFERS = "employer_differs"
    EMPLOYER_CLOSE = "employer_close"
    PHONE_DIFFERS = "phone_differs"
    # What a claimant hears for an unknown number or a name far off: the two must read alike.
    NO_MATCH = "no_match"


# Reasons that reject a claim on their own; the others only ask a person to look.
REJECTING = frozenset({Reason.NUMBER_UNKNOWN, Reason.NAME_DIFFERS, Reason.EMPLOYER_DIFFERS})
# Reasons that would say the number exists on the roster.
REVEALING = frozenset({Reason.NUMBER_UNKNOWN, Reason.NAME_DIFFERS})
_REASONS = frozenset(reason.value for reason in Reason)
# Outcomes stored once a person decided, as the claimant heard them.
AFTER_REVIEW = {"approved_on_review": Outcome.VERIFIED, "rejected_on_review": Outcome.REJECTED}


@dataclass(frozen=True)
class Claim:
    """What the member entered (the phone from their own Telegram contact)."""

    real_name: str
    member_number: str
    employer: str
    phone: str | None


@dataclass(frozen=True)
class RosterRecord:
    real_name: str
    employer: str
    phone: str | None


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    name_score: float = 0.0
    employer_score: float = 0.0


def name_score(claimed: str, recorded: str) -> float:
    return fuzz.ratio(_comparable(claimed), _comparable(recorded))


def employer_score(claimed: str, recorded: str) -> float:
    """An employer is often written as part of its full name ("申通地铁" for "上海申通地铁集团有限
    公司"), so a name contained in the other scores 100 and, from four characters on, the best
    matching stretch of the longer name counts ("上海电器集团" ~ "上海电气集团…" scores 83)."""
    a, b = _comparable(claimed), _comparable(recorded)
    if not a or not b:
        return 0.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 2 and shorter in longer:
        return 100.0
    if len(shorter) >= 4:
        return max(fuzz.ratio(a, b), fuzz.partial_ratio(shorter, longer))
    return fuzz.ratio(a, b)


def _comparable(text: str) -> str:
    # Members from Hong Kong, Macau and Taiwan, and phones set to traditional input, write
    # 陳麗華 where the roster says 陈丽华 (or the other way round).
    return simplified(compact(text))


def decide(claim: Claim, record: RosterRecord | None, *, taken: bool = False) -> Decision:
    """``record`` is the roster entry with the claimed member number, if any; ``taken`` says it
    is already bound to another Telegram account: then a person looks, whatever the claim, and
    the reasons say what the claim would have met were the number free (see ``told``)."""
    if record is None:
        return Decision(Outcome.REJECTED, (Reason.NUMBER_UNKNOWN,))
    free = _against(claim, record)
    if not taken:
        return free
    reasons = (Reason.NUMBER_TAKEN, *free.reasons)
    return Decision(Outcome.PENDING, reasons, free.name_score, free.employer_score)


def told(outcome: str, reasons: Sequence[str]) -> Decision:
    """What the claimant of a stored decision (its ``outcome`` and ``reasons``) was told.

    A number taken by another account answers as the claim would were the number free, except
    that a claim that would verify hears it is taken; an unknown number and a name far off both
    hear ``NO_MATCH``. So neither whether a number exists nor whether someone uses it shows."""
    known = tuple(Reason(r) for r in reasons if r in _REASONS)
    result = AFTER_REVIEW.get(outcome) or Outcome(outcome)
    if Reason.NUMBER_TAKEN in known and result != Outcome.VERIFIED:
        known = tuple(r for r in known if r != Reason.NUMBER_TAKEN)
        if not known:
            return Decision(Outcome.REJECTED, (Reason.NUMBER_TAKEN,))
        if REJECTING & set(known):
            result = Outcome.REJECTED
    if REVEALING & set(known):
        return Decision(Outcome.REJECTED, (Reason.NO_MATCH,))
    return Decision(result, known)


def _against(claim: Claim, record: RosterRecord) -> Decision:
    names = name_score(claim.real_name, record.real_name)
    employers = employer_score(claim.employer, record.employer)
    rejected = []
    if names < NAME_PENDING:
        rejected.append(Reason.NAME_DIFFERS)
    if employers < EMPLOYER_PENDING:
        rejected.append(Reason.EMPLOYER_DIFFERS)
    if rejected:
        return Decision(Outcome.REJECTED, tuple(rejected), names, employers)
    doubts = []
    if names < 100:
        doubts.append(Reason.NAME_CLOSE)
    if employers < EMPLOYER_VERIFIED:
        doubts.append(Reason.EMPLOYER_CLOSE)
    if record.phone and claim.phone != record.phone:
        doubts.append(Reason.PHONE_DIFFERS)
    outcome = Outcome.PENDING if doubts else Outcome.VERIFIED
    return Decision(outcome, tuple(doubts), names, employers)


# Why a reviewer rejects: key → (the reviewer's button, what the member is told).
# A reviewer's reason for a rejection: its label, and what the member is told (the whole of
# it: a general "could not confirm" before it said the same twice).
REJECTION_REASONS: dict[str, tuple[str, str]] = {
    "mismatch": (
        N_("Details do not match"),
        N_(
            "Your details do not match the union's roster. Please check them and try again, "
            "or ask your union to correct the roster."
        ),
    ),
    "not_member": (
        N_("Not our member"),
        N_(
            "The union could not confirm that you are its member. If you think this is a "
            "mistake, please get in touch with your union."
        ),
    ),
}


# What a claimant must enter again after a rejection, by what they were told: only the parts
# that did not match (the phone comes from their own Telegram account and stays). ``NO_MATCH``
# does not say which of name and number was wrong, so both are asked again.
_REDO = {
    Reason.NUMBER_UNKNOWN: ("real_name", "member_number"),
    Reason.NAME_DIFFERS: ("real_name", "member_number"),
    Reason.NO_MATCH: ("real_name", "member_number"),
    Reason.NUMBER_TAKEN: ("real_name", "member_number"),
    Reason.EMPLOYER_DIFFERS: ("employer",),
}
CLAIM_PARTS = ("real_name", "member_number", "employer")


def parts_to_redo(reasons: Sequence[Reason]) -> tuple[str, ...]:
    """The parts of a claim to ask again after the claimant heard ``reasons``, in the order the
    questions come (all of them when the reasons say nothing about any part)."""
    wanted = {part for reason in reasons for part in _REDO.get(reason, ())}
    return tuple(part for part in CLAIM_PARTS if part in wanted) or CLAIM_PARTS


# How people say they do not know their member number, instead of giving one.
_NOT_KNOWN = (
    "不记得",
    "记不得",
    "记不清",
    "忘了",
    "忘记",
    "不知道",
    "不清楚",
    "不晓得",
    "没有会员号",
    "没会员号",
    "查不到",
    "找不到",
    "在哪",
    "哪里",
    "是什么",
    "啥",
    "怎么查",
    "don't know",
    "dont know",
    "do not know",
    "forgot",
    "no idea",
    "where",
)


def does_not_know(text: str) -> bool:
    """Whether an answer to "what is your member number" says the member does not know it (a
    member number itself has only letters and digits)."""
    plain = text.strip().lower()
    return plain in {"?", "？", "??", "？？"} or any(words in plain for words in _NOT_KNOWN)


# "为什么不对？", "什么意思": asking about a rejection, not correcting a part of it.
_ASKING = re.compile(r"[?？]|为什么|为啥|怎么|什么意思|啥意思|哪里不对|why|what")


def asks_about_it(text: str) -> bool:
    """Whether words typed after a rejection ask about it rather than correct a part."""
    return _ASKING.search(text.lower()) is not None

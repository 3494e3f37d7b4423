"""What the user is asking for right now: the latest message read against the catalog,
completed with what the conversation already established (slots).

Names are matched against the catalog at query time (catalog.queries /
catalog.provinces / vntext.lexicon), so a school or programme added by an
admissions office is understood without retraining the NLU model.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from catalog import db, provinces, queries
from catalog.matching import GENERIC_WORDS as GENERIC_NAME_WORDS
from catalog.provinces import ProvinceMatch
from vntext import folding, lexicon

ANYWHERE = "toan_quoc"
_ANYWHERE_PHRASES = ("toan quoc", "dau cung duoc", "tinh nao cung duoc", "o dau cung duoc", "ca nuoc", "bat ky")


@dataclass
class Request:
    message: str
    intent: str
    province: ProvinceMatch | None = None  # None = not said (see province_anywhere)
    province_anywhere: bool = False
    province_from_message: bool = False
    other_provinces: list[str] = field(default_factory=list)  # "ở Lào Cai với Cần Thơ": Cần Thơ
    occupation: str | None = None  # a catalog programme name
    occupations: list[str] = field(default_factory=list)  # every programme the message names equally well
    fields: list[str] = field(default_factory=list)
    level: str | None = None
    school: queries.InstitutionInfo | None = None
    school_from_message: bool = False
    groups: list[str] = field(default_factory=list)
    excluded_groups: list[str] = field(default_factory=list)  # "không thuộc hộ nghèo", "người Kinh"
    details: list[str] = field(default_factory=list)
    entities: dict = field(default_factory=dict)

    @property
    def asks_support(self) -> bool:
        """Words about state support ("hỗ trợ", "miễn học phí", "học bổng") in the message."""
        return lexicon.asks_support(self.message)

    @property
    def province_name(self) -> str | None:
        return None if self.province_anywhere or self.province is None else self.province.name


def entity_values(tracker: Tracker) -> dict:
    """Entities of the latest message, e.g. those carried by button payloads."""
    return {e["entity"]: e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity")}


@dataclass(frozen=True)
class Reading:
    """What the latest message itself says, read against the catalog once per turn (every
    action of the turn, and the follow-up check before it, share it)."""

    place: ProvinceMatch | None = None
    also: tuple[str, ...] = ()  # more provinces named: "ở Lào Cai với Cần Thơ"
    anywhere: bool = False
    school: queries.InstitutionInfo | None = None
    names: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    level: str | None = None
    groups: tuple[str, ...] = ()
    excluded_groups: tuple[str, ...] = ()
    details: tuple[str, ...] = ()


_READING = "_gdnn_reading"  # where the turn's reading travels with rasa-sdk's tracker of this call


def reading(tracker: Tracker) -> Reading:
    """The latest message's reading, computed on first use in this action call and kept on
    the tracker object, so the follow-up check, the answer and any answer it hands over to
    read the message once."""
    message = tracker.latest_message.get("text") or ""
    entities = entity_values(tracker)
    kept = getattr(tracker, _READING, None)
    if kept is not None and kept[0] == (message, tuple(sorted(entities.items(), key=str))):
        return kept[1]
    found = read_message(message, entities)
    setattr(tracker, _READING, ((message, tuple(sorted(entities.items(), key=str))), found))
    return found


RECENT_SECONDS = 60.0  # how long a reading is kept for the turn's record (POST /turns)
RECENT_AT_MOST = 256
_recent: OrderedDict[tuple, tuple[float, Reading]] = OrderedDict()
_recent_lock = threading.Lock()


def read_message(message: str, entities: dict) -> Reading:
    """`reading_of(message, entities)`, kept for a minute per catalog version.

    Why: the turn's record (actions.counselling.asked_about, POST /turns, in a worker thread
    about half a second after the reply) reads the same message again; against a national
    catalog that second reading took as long as the first, and ran beside the next turn's
    answer. Keyed by the catalog (database and version), so an import is read afresh; kept no longer than
    RECENT_SECONDS (the message's words are the student's)."""
    key = (db.database_url(), queries.catalog_version(), message, tuple(sorted(entities.items(), key=str)))
    now = time.monotonic()
    with _recent_lock:
        while _recent and (len(_recent) > RECENT_AT_MOST or now - next(iter(_recent.values()))[0] > RECENT_SECONDS):
            _recent.popitem(last=False)
        kept = _recent.get(key)
    if kept is not None:
        return kept[1]
    found = reading_of(message, entities)
    with _recent_lock:
        _recent[key] = (now, found)
    return found


def reading_of(message: str, entities: dict) -> Reading:
    """Province (current, former, short; or "anywhere"), school, programme names, fields, level,
    learner groups said and denied, details asked. A place word inside a school's name is the
    school's ("Vịnh Ngọc" is not Vinh); the school's own words are not a level or a trade; the
    words asking a detail are not a trade ("số điện thoại" is not "điện")."""
    message = folding.untelex_text(message)  # Telex leftovers: "truwowngf nao day ke toans" → "truong nao day ke toan"
    folded = f" {folding.key(message)} "
    place, rest, also = None, "", []
    if message and not message.startswith("/"):
        # a commune's or district's name ("xã Quảng Điền") is neither a trade nor a province
        place, rest = provinces.split_province(lexicon.without_local_places(message))
        if place is None:
            place = provinces.split_province(message)[0]
        also = []
        second, after = provinces.split_province(rest) if place is not None else (None, rest)
        while second is not None and second.name != place.name and second.name not in also and len(also) < 2:
            also.append(second.name)
            rest = after
            second, after = provinces.split_province(rest)
    if place is not None and place.via_short_form and _hp_is_tuition(message):
        place, rest = None, folding.key(message)  # "hp bn z ad": học phí, not Hải Phòng
    if entities.get("province"):
        place = provinces.resolve(entities["province"]) or place
    anywhere = place is None and (any(f" {p} " in folded for p in _ANYWHERE_PHRASES) or entities.get("province") == ANYWHERE)
    if message.startswith("/"):
        return Reading(place=place, anywhere=anywhere)
    # the province's words are not read as part of a programme or school name
    school = queries.institution_mentioned(rest, typed=message)
    if place is not None and place.via_short_form and not entities.get("province"):
        # "Vịnh Ngọc" is a school's name, not the city of Vinh: the whole message names a school
        whole = queries.institution_mentioned(message)
        said = set(folding.key(message).split())
        taken = said - set(rest.split())  # the short form's words
        own = set(folding.key(whole.name).split()) & said - taken - GENERIC_NAME_WORDS if whole else set()
        # "Vịnh Ngọc": "ngọc" is the school's own word; "ở Sài Gòn": only the city's words
        if whole is not None and own and (school is None or whole.code != school.code):
            school, rest, place = whole, folding.key(message), None
    asked = lexicon.without_details(without_name(rest, school.name) if school else rest)
    names = queries.programme_names_mentioned(asked, within=queries.EQUALLY_NAMED, typed=message)
    for part in lexicon.alternatives(asked):
        # "hàn hoặc sửa ô tô": every alternative named, not only the best-matching one
        names += [
            n for n in queries.programme_names_mentioned(part, within=queries.EQUALLY_NAMED, typed=message) if n not in names
        ]
    for part in _named_together(asked, names):
        # "phân vân giữa tiếng Hàn và hướng dẫn du lịch": both trades, not only the best-matching one
        names += [
            n for n in queries.programme_names_mentioned(part, within=queries.EQUALLY_NAMED, typed=message) if n not in names
        ]
    groups, excluded = lexicon.learner_groups_said(message)
    if skips_upper_secondary(message):
        # "không thích học cấp 3 nữa": a learner who stops after lớp 9, not one who finished THPT
        groups = [g for g in groups if g != "tot_nghiep_thpt"] + ([] if "tot_nghiep_thcs" in groups else ["tot_nghiep_thcs"])
    return Reading(
        place=place,
        also=tuple(also) if place is not None else (),
        anywhere=anywhere,
        school=school,
        names=tuple(names),
        fields=tuple(lexicon.fields_in(asked)),
        level=lexicon.level_in(without_name(message, school.name) if school else message),
        groups=tuple(groups),
        excluded_groups=tuple(excluded),
        details=tuple(details_asked(message, school is not None)),
    )


_TOGETHER = ("va", "voi", "giua", "cung")


def _named_together(asked: str, names: list[str]) -> list[str]:
    """The parts of a message that names trades side by side ("giữa tiếng Hàn và hướng dẫn du
    lịch", "hàn với điện"), or [] when it names none. A joining word that belongs to a name
    already matched ("máy lạnh và điều hòa") does not split."""
    if not names:
        return []
    inside = {w for n in names for w in folding.key(n).split()}
    joins = [w for w in _TOGETHER if w not in inside]
    return lexicon.split_at(folding.expand_teencode(asked).split(), joins)


_DEADLINE_WORDS = ("han nop", "han chot", "het han", "han cuoi", "thoi han nop", "han ho so")
_WHERE_WORDS = ("tinh nao", "cho nao", "dia chi", "nam o dau", "thanh pho nao")


def details_asked(message: str, names_school: bool = False) -> list[str]:
    """The details asked (lexicon.details_in), completed with two readings the phrase list
    misses: "hạn nộp hồ sơ thế nào" asks the deadline too (not only how to apply), and "trường
    đó ở tỉnh nào" / "<trường> ở chỗ nào" asks where the school is."""
    details = list(lexicon.details_in(message))
    folded = f" {folding.expand_teencode(folding.untelex_text(message))} "
    if "deadline" not in details and any(f" {w} " in folded for w in _DEADLINE_WORDS):
        details.append("deadline")
    if "address" not in details and (names_school or lexicon.refers_back(message)):
        if any(f" {w} " in folded for w in _WHERE_WORDS):
            details.append("address")
    return details


_NOT_UPPER_SECONDARY = re.compile(
    r"\b(?:khong|chang|bo|nghi|truot|thoi)\b(?: \w+){0,3}? (?<!\bsau )(?:cap 3|cap ba|thpt|lop 10)\b"
)


def skips_upper_secondary(message: str) -> bool:
    """ "không (thích/muốn) học cấp 3", "bỏ cấp 3", "trượt lớp 10": the learner leaves school
    after lớp 9 (THCS), so only what is open after lớp 9 fits."""
    return bool(_NOT_UPPER_SECONDARY.search(folding.expand_teencode(folding.untelex_text(message))))


def _hp_is_tuition(message: str) -> bool:
    """ "hp" is Hải Phòng or học phí (shared/research/student-language.md): followed by an amount
    question ("hp bn", "hp 1 năm", "hp ngành này") or after a fee word it is the fee; the rule
    is the one every province lookup follows (`catalog.provinces.short_form_is_fee`)."""
    words = folding.key(message).split()
    if "hp" not in words or "hai phong" in " ".join(words):
        return False
    # every "hp" is the fee, and no other province is named ("hp bn ở hn" is Hà Nội's fee)
    fee = all(provinces.short_form_is_fee(words, at) for at, word in enumerate(words) if word == "hp")
    return fee and provinces.split_province(message)[0] is None


def read(tracker: Tracker, *, continuing: bool = False) -> Request:
    """The request in the latest message; `continuing` (a follow-up like "còn ở Hải Phòng
    thì sao" or a filled form) also reuses the occupation, level and school discussed."""
    message = tracker.latest_message.get("text") or ""
    entities = entity_values(tracker)
    request = Request(message=message, intent=(tracker.latest_message.get("intent") or {}).get("name") or "", entities=entities)
    said = reading(tracker)
    if said.place:
        request.province, request.province_from_message = said.place, True
        request.other_provinces = list(said.also)
    elif said.anywhere:
        request.province_anywhere = True
    else:
        slot = tracker.get_slot("province")
        if slot == ANYWHERE:
            request.province_anywhere = True
        elif slot:
            request.province = provinces.resolve(slot)
    request.school = said.school
    request.school_from_message = said.school is not None
    request.occupations = list(said.names)
    request.occupation = request.occupations[0] if request.occupations else None
    request.fields = list(said.fields)
    request.level = said.level
    request.groups, request.excluded_groups = list(said.groups), list(said.excluded_groups)
    request.details = list(said.details)
    for key, attribute in (("level", "level"), ("detail", "details"), ("learner_group", "groups")):
        if entities.get(key):
            value = entities[key]
            setattr(request, attribute, value if key == "level" else [value])
    if entities.get("school_code"):
        request.school = queries.get_institution(entities["school_code"])
        request.school_from_message = request.school is not None
    if entities.get("occupation"):
        request.occupation = _whole_name(str(entities["occupation"]))
        request.occupations = [request.occupation]
    if entities.get("field"):
        request.fields = [entities["field"]]

    if continuing:
        if not request.fields and not request.occupation:  # a new field ("còn ngành may thì sao") replaces it
            request.occupation = tracker.get_slot("occupation")
            request.occupations = [request.occupation] if request.occupation else []
        request.level = request.level or tracker.get_slot("level")
        if not request.fields and not request.occupation and tracker.get_slot("field"):
            request.fields = [tracker.get_slot("field")]
    if request.school is None and tracker.get_slot("last_school") and (not request.occupation or lexicon.refers_back(message)):
        request.school = queries.get_institution(tracker.get_slot("last_school"))
    if not request.groups and tracker.get_slot("learner_groups"):
        request.groups = [g for g in tracker.get_slot("learner_groups") if g not in request.excluded_groups]
    return request


def _whole_name(value: str) -> str:
    """A trade name a button shortened ("Kỹ thuật máy lạnh và điều…") as the catalog writes it,
    so that no heading repeats the cut."""
    if not value.endswith("…"):
        return value
    cut = value.rstrip("…").strip()
    prefix = folding.key(cut)
    named = queries.programme_names_mentioned(cut, limit=5)
    return next((name for name in named if folding.key(name).startswith(prefix)), cut)


def without_name(message: str, name: str) -> str:
    """The message (folded) without the longest run of words that belong to a school's name:
    "truong cao dang viet han co nganh cao dang nao" keeps only "co nganh cao dang nao"."""
    words = folding.expand_teencode(message).split()
    name_words = set(folding.expand_teencode(name).split())
    start, end, i = 0, 0, 0
    while i < len(words):
        j = i
        while j < len(words) and words[j] in name_words:
            j += 1
        if j - i > end - start:
            start, end = i, j
        i = max(j, i + 1)
    return " ".join(words[:start] + words[end:])


def remember(
    request: Request,
    *,
    topic: str | None = None,
    school: str | None = None,
    programme: str | None = None,
    more: list[str] | None = None,
) -> list:
    """Slot events that keep the context of an answer for follow-up questions."""
    events = [SlotSet("miss_count", 0.0)]
    if request.province_anywhere:
        events.append(SlotSet("province", ANYWHERE))
    elif request.province is not None:
        events.append(SlotSet("province", request.province.name))
    if topic == "search":
        # a search defines what is being looked for: keep exactly that for follow-ups
        field = request.fields[0] if request.fields and not request.occupation else None
        events += [SlotSet("occupation", request.occupation), SlotSet("field", field), SlotSet("level", request.level)]
    else:
        if request.occupation:
            events.append(SlotSet("occupation", request.occupation))
        if request.level:
            events.append(SlotSet("level", request.level))
        if request.fields:
            events.append(SlotSet("field", request.fields[0]))
    if request.groups:
        events.append(SlotSet("learner_groups", request.groups))
    if topic:
        events.append(SlotSet("last_topic", topic))
    if school:
        events.append(SlotSet("last_school", school))
    if programme:
        events.append(SlotSet("last_programme", programme))
    events.append(SlotSet("more", more or None))
    return events


def former_province_note(request: Request) -> str:
    """ "Hải Dương nay thuộc Hải Phòng." when the user named a merged province."""
    if request.province and request.province.is_former and request.province_from_message:
        return f"{request.province.former_name} nay thuộc {request.province.name}. "
    return ""

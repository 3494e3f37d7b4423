"""What an unanswered question is about, so the gaps page can gather questions by meaning.

Students ask the same thing in many wordings ("hồ sơ gồm những gì", "nộp giấy tờ gì ạ",
"can mang gi khi nhap hoc"); a counsellor wants to read "12 câu về hồ sơ nhập học", not twelve
rows. A question is filed under the first thing it names, in this order: a topic (the detail
phrases of vntext.lexicon, plus state support and open days), a school of the catalog, a trade
of the occupations database, a province. Questions that name none of these
are left to the gaps report's (strict) comparison of wordings.

The catalog lookups are the ones the actions use (catalog.queries), on the configured catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog import provinces, queries
from vntext import lexicon

# Detail codes of vntext.lexicon.DETAIL_PHRASES (plus state support and open days) that make a
# topic, with the words a counsellor reads, in order of precedence when a question names
# several; codes that share a title are one topic. A topic comes before the school or trade a
# question names ("học phí nghề hàn" is about fees, "thợ hàn lương bao nhiêu" about pay): the
# topic is closer to the intent the counsellor will label the group with. Left out: contact
# details (a masked "[số điện thoại]" reads as "số điện thoại") and the vague ones ("là gì",
# "làm gì", "ở đâu") that say nothing about what is asked.
TOPICS = {
    "documents": "hồ sơ nhập học",
    "apply": "hồ sơ nhập học",
    "online": "đăng ký trực tuyến",
    "deadline": "hạn nộp hồ sơ",
    "tuition": "học phí",
    "scholarships": "học bổng",
    "support": "miễn giảm, hỗ trợ của nhà nước",
    "dormitory": "ký túc xá",
    "start": "ngày nhập học",
    "entry": "điều kiện vào học",
    "method": "cách xét tuyển",
    "quota": "chỉ tiêu tuyển sinh",
    "ownership": "trường công lập hay tư thục",
    "event": "ngày hội tuyển sinh",
    "income": "thu nhập",
    "employment": "việc làm",
    "duration": "thời gian học",
}
_MASKED = re.compile(r"\[[^\]]*\]")  # "[số điện thoại]", "[email]": what privacy.mask left


@dataclass(frozen=True)
class Subject:
    key: str  # what groups are made of: "topic:hồ sơ nhập học", "occupation:520123"…
    title: str  # what the group is about, after "câu về": "hồ sơ nhập học", "nghề Hàn"


def _topics(text: str) -> set[str]:
    found = set(lexicon.details_in(text))
    if lexicon.asks_support(text):
        found.add("support")
    if lexicon.asks_event(text):
        found.add("event")
    return found


def of(text: str) -> Subject | None:
    """The subject of a (masked) question, or None when it names nothing we know."""
    text = _MASKED.sub(" ", text)
    found = _topics(text)
    topic = next((title for code, title in TOPICS.items() if code in found), None)
    if topic:
        return Subject(f"topic:{topic}", topic)
    place, rest = provinces.split_province(text)
    # the school first: "Việt Hàn" is a school's name, not the trade Hàn
    school = queries.institution_mentioned(rest, typed=text)
    if school is not None:
        return Subject(f"school:{school.code}", school.name)
    occupations = queries.occupations_mentioned(lexicon.without_details(rest), typed=text, limit=1)
    if occupations:
        return Subject(f"occupation:{occupations[0].code}", f"nghề {occupations[0].name}")
    if place is not None:
        return Subject(f"province:{place.name}", place.name)
    return None

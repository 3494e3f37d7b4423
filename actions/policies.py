"""Support policies for the learner's group, level and province, each with its legal basis."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions import focus as focus_
from actions import replies
from actions.follow_up import FollowsFocus
from actions.policy_rules import excluded, fit
from actions.request import Request, former_province_note, read, reading, remember
from actions.search import search
from actions.voice import Answer, Voice
from catalog import queries
from vntext import folding, lexicon

GROUP_BUTTONS = ("dan_toc_thieu_so", "ho_ngheo", "khuyet_tat", "bo_doi_xuat_ngu", "tot_nghiep_thcs")
# Policies tied to none of the groups the learner named, after theirs: not "for every learner",
# since some are for learners no group names (their titles say whom)
OTHER_POLICIES = "Chính sách khác, không theo nhóm bạn nêu (tên mỗi chính sách ghi ai được hưởng):"


class ActionPolicies(FollowsFocus, Answer):
    def name(self) -> str:
        return "action_policies"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        return policies_answer(dispatcher, tracker)


def policies_answer(dispatcher, tracker: Tracker) -> list:
    request = read(tracker)
    if "scholarships" in request.details and not request.groups:
        return scholarships_answer(dispatcher, request)
    if (request.occupations or request.fields) and request.province_from_message:
        # "cháu người Mông ở Lào Cai muốn học thú y, có được miễn học phí không": where it is
        # taught, with every part asked (fees, boarding) and the policies for the learner's groups
        return search(dispatcher, request)
    where = _programmes_asked_too(request)
    if not reading(tracker).groups:
        # "có vay vốn đi học được không": the policy the message names, whatever group was said before
        named = queries.policies_mentioned(request.message, level=request.level, province=request.province_name)
        named = [p for p in named if not excluded(p, request)]
        if named and request.groups:
            first, rest = replies.paged([replies.policy_text(p, full=True) for p in named], replies.POLICY_CHARS)
            dispatcher.utter_message(text=where + "Chính sách liên quan đang có hiệu lực:\n\n" + "\n\n".join(first))
            return remember(request, topic="policies", more=rest)
    if not request.groups:
        named = queries.policies_mentioned(request.message, level=request.level, province=request.province_name)
        named = [p for p in named if not excluded(p, request)]
        if named:
            first, rest = replies.paged([replies.policy_text(p) for p in named], replies.POLICY_CHARS)
            dispatcher.utter_message(
                text=where + _left_out(request) + "Chính sách liên quan đang có hiệu lực:\n\n" + "\n\n".join(first)
            )
            return remember(request, topic="policies", more=rest)
        dispatcher.utter_message(
            text=where
            + _left_out(request)
            + "Chính sách hỗ trợ tùy vào bạn thuộc nhóm nào. Bạn thuộc nhóm nào dưới đây (hoặc gõ, ví dụ: em là người dân tộc thiểu số)?",
            buttons=[
                replies.button(replies.GROUP_NAMES[g].capitalize(), f'/ask_policies{{"learner_group":"{g}"}}')
                for g in GROUP_BUTTONS
                if g not in request.excluded_groups
            ],
        )
        return remember(request, topic="policies")
    if request.level is None:
        # support asked after looking at programmes of one level ("khóa sơ cấp lái máy xúc"): that level
        request.level = _level_in_focus(tracker)
    found = queries.find_policies(learner_groups=request.groups, level=request.level, province=request.province_name)
    found = [p for p in found if not excluded(p, request)]
    who = ", ".join(replies.GROUP_NAMES[g] for g in request.groups)
    level = f" học {replies.LEVEL_NAMES[request.level]}" if request.level else ""
    # the learner's own group first, under its heading; policies for every learner under theirs
    specific = [p for p in found if set(p.learner_groups) & set(request.groups)]
    about_scholarships = "scholarships" in request.details or tracker.get_slot("last_topic") == "scholarships"
    specific.sort(key=lambda p: _relevance(p, request, about_scholarships))
    general = [p for p in found if p not in specific]
    if not specific:
        head = f"Danh mục chưa có chính sách riêng cho {who}{level}."
        if general:
            # not "for every learner": a policy without learner groups may still be for some
            # learners only (its title says whom: children of a work-accident victim, cử tuyển…)
            head += " Các chính sách khác đang có hiệu lực (tên mỗi chính sách ghi ai được hưởng):"
        else:
            head += " Bạn hỏi phòng tuyển sinh của trường nhé."
    else:
        head = f"Chính sách cho {who}{level} đang có hiệu lực:"
    blocks = [replies.policy_text(p, groups=request.groups, denied=request.excluded_groups) for p in specific]
    if specific and general:
        blocks.append(OTHER_POLICIES)
    blocks += [replies.policy_text(p) for p in general]
    first, rest = replies.paged(blocks, replies.POLICY_CHARS - NOTES_CHARS)
    if first and first[-1] == OTHER_POLICIES:
        first, rest = first[:-1], [first[-1], *rest]
    text = f"{where or former_province_note(request)}{_left_out(request)}{head}"
    if first:
        text += "\n\n" + "\n\n".join(first)
    if any(replies.NEEDS_CONFIRMATION in line or "cần xác nhận" in line for line in first):
        text += '\n\nMục ghi "cần xác nhận" là thông tin chưa chắc chắn, bạn hỏi lại nhà trường trước khi làm hồ sơ.'
    buttons = replies.more_buttons(rest)
    if lexicon.asks_which_trade(request.message):
        # "em bị khuyết tật chân thì học nghề gì được": the trade is asked too
        text += (
            "\n\nVề nghề nên học: danh mục chưa ghi nghề nào dành riêng cho "
            f"{who}; nghề hợp tùy sức khỏe và sở thích của bạn. Bạn thử bài trắc nghiệm chọn nghề, "
            "rồi hỏi trường về điều kiện sức khỏe của ngành bạn thích nhé."
        )
        buttons.append(replies.button("Trắc nghiệm chọn nghề", "/start_quiz"))
    if not request.level:
        buttons += [
            replies.button(
                f"Học {replies.LEVEL_NAMES[lv]}", f'/ask_policies{{"level":"{lv}","learner_group":"{request.groups[0]}"}}'
            )
            for lv in ("trung_cap", "cao_dang")
        ]
    dispatcher.utter_message(text=text, buttons=buttons)
    return remember(request, topic="policies", more=rest)


def _level_in_focus(tracker: Tracker) -> str | None:
    shown = focus_.load(tracker.get_slot("focus"))
    if shown is None or shown.kind != focus_.PROGRAMMES:
        return None
    levels = {p.level for p in focus_.programmes(shown.seen or shown.items)}
    return levels.pop() if len(levels) == 1 else None


NOTES_CHARS = 120  # the heading and the "cần xác nhận" note around a page of policies


def _relevance(policy: queries.PolicyInfo, request: Request, about_scholarships: bool) -> tuple:
    """Most relevant first: fitting every group and the level stated (policy_rules.fit), a
    scholarship when one is asked (now or in the question the bot is answering), then those
    matching more of the stated groups, with fewest other conditions."""
    scholarship = about_scholarships and "hoc bong" in folding.key(f"{policy.title} {policy.benefit}")
    partial, matched, others = fit(policy, request)
    return (partial, not scholarship, matched, others)


def _left_out(request: Request) -> str:
    if not request.excluded_groups:
        return ""
    names = ", ".join(replies.GROUP_NAMES[g] for g in request.excluded_groups)
    return f"Mình không tính các chính sách dành riêng cho {names}, vì bạn nói không thuộc nhóm đó. "


def _programmes_asked_too(request) -> str:
    """A parent asking support for a trade in a province ("cháu người Dao muốn học may ở Lạng
    Sơn, có được miễn học phí không") also gets where it is taught, first."""
    if not (request.occupations or request.fields) or request.province is None:
        return ""
    found = queries.find_programmes(
        occupation=request.occupations or None,
        field=request.fields if not request.occupations else None,
        level=request.level,
        province=request.province_name,
        limit=3,
    )
    if not found:
        return ""
    lines = [replies.programme_line(p) for p in found]
    return f"{former_province_note(request)}Nơi dạy ở {request.province_name}:\n" + "\n".join(lines) + "\n\n"


def scholarships_answer(dispatcher, request: Request) -> list:
    """ "Học bổng": the school's own scholarships (the school asked about, or schools of the
    province) and the state policies that pay one, together."""
    school = request.school
    if school is not None:
        own = replies.school_detail(school, "scholarships").replace("của trường", f"của {school.name}", 1)
        parts = [own + ("\n" + replies.contact(school) if own.endswith(replies.UNKNOWN) else "")]
    else:
        schools = queries.schools_with_scholarships(province=request.province_name, limit=3)
        where = f" ở {request.province_name}" if request.province_name else ""
        if schools:
            lines = [f"• {s.name}: {replies.short(s.scholarships or '', 120)}" for s in schools]
            parts = [f"Học bổng riêng của trường{where}:\n" + "\n".join(lines)]
        else:
            parts = [f"Danh mục chưa có trường nào{where} ghi học bổng riêng."]
    policies = queries.scholarship_policies(level=request.level, province=request.province_name)
    if policies:
        lines = [replies.policy_text(p) for p in policies]
        parts.append("Học bổng của Nhà nước:\n" + "\n\n".join(lines))
    else:
        parts.append("Danh mục chưa có chính sách học bổng nào của Nhà nước.")
    buttons = [
        replies.button(replies.GROUP_NAMES[g].capitalize(), f'/ask_policies{{"learner_group":"{g}"}}') for g in GROUP_BUTTONS[:3]
    ]
    dispatcher.utter_message(text="\n\n".join(parts), buttons=buttons)
    return remember(request, topic="scholarships", school=school.code if school else None)

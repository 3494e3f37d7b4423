"""Support policies for the learner's group, level and province, each with its legal basis."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions import replies
from actions.request import former_province_note, read, remember
from actions.voice import Answer, Voice
from catalog import queries

GROUP_BUTTONS = ("dan_toc_thieu_so", "ho_ngheo", "khuyet_tat", "bo_doi_xuat_ngu", "tot_nghiep_thcs")


class ActionPolicies(Answer):
    def name(self) -> str:
        return "action_policies"

    def answer(self, dispatcher: Voice, tracker: Tracker, domain: dict) -> list:
        request = read(tracker)
        where = _programmes_asked_too(request)
        if not request.groups:
            named = queries.policies_mentioned(request.message, level=request.level, province=request.province_name)
            if named:
                first, rest = replies.paged([replies.policy_text(p) for p in named], replies.POLICY_CHARS)
                dispatcher.utter_message(text=where + "Chính sách liên quan đang có hiệu lực:\n\n" + "\n\n".join(first))
                return remember(request, topic="policies", more=rest)
            dispatcher.utter_message(
                text=where
                + "Chính sách hỗ trợ tùy vào bạn thuộc nhóm nào. Bạn thuộc nhóm nào dưới đây (hoặc gõ, ví dụ: em là người dân tộc thiểu số)?",
                buttons=[
                    replies.button(replies.GROUP_NAMES[g].capitalize(), f'/ask_policies{{"learner_group":"{g}"}}')
                    for g in GROUP_BUTTONS
                ],
            )
            return remember(request, topic="policies")
        found = queries.find_policies(learner_groups=request.groups, level=request.level, province=request.province_name)
        who = ", ".join(replies.GROUP_NAMES[g] for g in request.groups)
        level = f" học {replies.LEVEL_NAMES[request.level]}" if request.level else ""
        if not found:
            dispatcher.utter_message(
                text=f"Danh mục chưa có chính sách nào cho {who}{level}. Bạn hỏi phòng tuyển sinh của trường nhé."
            )
            return remember(request, topic="policies")
        # policies naming the group first, then those for every learner; the page fills up to 900 characters
        specific = [p for p in found if set(p.learner_groups) & set(request.groups)]
        ordered = specific + [p for p in found if p not in specific]
        first, rest = replies.paged([replies.policy_text(p) for p in ordered], replies.POLICY_CHARS)
        text = f"{where or former_province_note(request)}Chính sách cho {who}{level} đang có hiệu lực:\n\n" + "\n\n".join(first)
        if any(replies.NEEDS_CONFIRMATION in line for line in first):
            text += '\n\nMục ghi "cần xác nhận" là thông tin chưa chắc chắn, bạn hỏi lại nhà trường trước khi làm hồ sơ.'
        buttons = replies.more_buttons(rest)
        if not request.level:
            buttons += [
                replies.button(
                    f"Học {replies.LEVEL_NAMES[lv]}", f'/ask_policies{{"level":"{lv}","learner_group":"{request.groups[0]}"}}'
                )
                for lv in ("trung_cap", "cao_dang")
            ]
        dispatcher.utter_message(text=text, buttons=buttons)
        return remember(request, topic="policies", more=rest)


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

"""The general answers to pathway questions (after grade 9 or 12, the training levels, 9+),
with their legal basis. actions/pathways.py sends them when the question names no trade
or province; kept here rather than in domain.yml so the parent/student voice applies."""

PATHWAY_ANSWERS = {
    "ask_after_grade9": {
        "text": "Sau lớp 9 (tốt nghiệp THCS), bạn có thể:\n• Học trung cấp (1–2 năm), từ tốt nghiệp THCS trở lên.\n• Học theo mô hình 9+: học trung cấp song song với các môn văn hóa THPT (khoảng 3 năm); ra trường có bằng trung cấp và, nếu thi đạt, bằng THPT.\n• Học sơ cấp (từ 3 tháng đến dưới 1 năm) để có nghề nhanh.\n• Học trung học nghề – cấp học mới tương đương THPT, vào sau THCS, có bằng riêng và học tiếp lên trung cấp, cao đẳng, đại học (Luật Giáo dục sửa đổi 123/2025/QH15).\nMuốn lên cao đẳng, bạn cần học và thi đạt các môn văn hóa THPT.\nCăn cứ: Luật Giáo dục nghề nghiệp 74/2014/QH13 (Điều 32–33); luật này đã được thay bằng Luật Giáo dục nghề nghiệp 124/2025/QH15 từ 01/01/2026 – chi tiết theo luật mới bạn nên xác nhận với nhà trường.",
        "buttons": [
            {"title": "Mô hình 9+ là gì?", "payload": "/ask_9plus"},
            {"title": "Trường trung cấp gần em", "payload": '/ask_schools{"level":"trung_cap"}'},
            {"title": "Chính sách cho HS lớp 9", "payload": '/ask_policies{"learner_group":"tot_nghiep_thcs"}'},
        ],
    },
    "ask_after_grade12": {
        "text": "Sau lớp 12 (tốt nghiệp THPT), bạn có thể:\n• Học cao đẳng (2–3 năm), hoặc trung cấp nếu muốn ra nghề sớm hơn.\n• Học sơ cấp (từ 3 tháng đến dưới 1 năm) để có nghề nhanh.\n• Sau cao đẳng có thể học liên thông lên đại học.\nCăn cứ: Luật Giáo dục nghề nghiệp 74/2014/QH13 (Điều 32–33), nay đã được thay bằng Luật Giáo dục nghề nghiệp 124/2025/QH15 (hiệu lực 01/01/2026) – chi tiết theo luật mới bạn nên xác nhận với nhà trường.",
        "buttons": [
            {"title": "Trường cao đẳng", "payload": '/ask_schools{"level":"cao_dang"}'},
            {"title": "Liên thông lên đại học", "payload": "/ask_lien_thong"},
        ],
    },
    "ask_levels": {
        "text": "Ba trình độ đào tạo nghề:\n• Sơ cấp: từ 3 tháng đến dưới 1 năm (ít nhất 300 giờ), xét tuyển.\n• Trung cấp: 1–2 năm, nhận người tốt nghiệp THCS trở lên.\n• Cao đẳng: 2–3 năm sau THPT, hoặc 1–2 năm sau trung cấp cùng ngành.\nCăn cứ: Luật Giáo dục nghề nghiệp 74/2014/QH13 (Điều 32–33) và Thông tư 05/2021/TT-BLĐTBXH (Điều 3); từ 01/01/2026 áp dụng Luật Giáo dục nghề nghiệp 124/2025/QH15 – chi tiết theo luật mới bạn nên xác nhận với nhà trường.",
        "buttons": [
            {"title": "Sau lớp 9 học gì?", "payload": "/ask_after_grade9"},
            {"title": "Sau lớp 12 học gì?", "payload": "/ask_after_grade12"},
        ],
    },
    "ask_9plus": {
        "text": "Mô hình 9+ dành cho học sinh đã tốt nghiệp THCS: bạn học trung cấp nghề song song với các môn văn hóa THPT theo chương trình giáo dục thường xuyên, khoảng 3 năm. Học xong bạn có bằng trung cấp và, nếu thi đạt, bằng tốt nghiệp THPT – sau đó có thể học tiếp cao đẳng.",
        "buttons": [
            {"title": "Trường trung cấp", "payload": '/ask_schools{"level":"trung_cap"}'},
            {"title": "Chính sách cho HS lớp 9", "payload": '/ask_policies{"learner_group":"tot_nghiep_thcs"}'},
        ],
    },
}


def choosing_levels(groups: list[str]) -> str:
    """ "Nên học trung cấp hay cao đẳng": what the learner's stated grade allows, from the same
    rules as the levels text above (Luật Giáo dục nghề nghiệp), then the trade decides."""
    if "tot_nghiep_thcs" in groups:
        head = (
            "Nên chọn thế nào: đã xong lớp 9 thì học được trung cấp (hoặc mô hình 9+) hay sơ cấp; "
            "cao đẳng cần tốt nghiệp THPT, hoặc học tiếp 1–2 năm sau khi có bằng trung cấp cùng ngành."
        )
    elif "tot_nghiep_thpt" in groups:
        head = (
            "Nên chọn thế nào: đã xong lớp 12 thì học được cả hai. Trung cấp (1–2 năm) ra nghề sớm hơn; "
            "cao đẳng (2–3 năm) học sâu hơn, có bằng cao hơn và dễ liên thông lên đại học."
        )
    else:
        head = (
            "Nên chọn thế nào: tùy đã xong lớp mấy. Xong lớp 9: trung cấp (hoặc 9+) hay sơ cấp. "
            "Xong lớp 12: cao đẳng (2–3 năm, bằng cao hơn) hoặc trung cấp (1–2 năm, ra nghề sớm hơn)."
        )
    return (
        head
        + " Sau đó chọn theo nghề hợp với mình: bạn thử bài trắc nghiệm chọn nghề, hoặc hỏi học phí, trường của nghề bạn thích."
    )

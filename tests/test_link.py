"""Linking: records of one type never overlap (longest span wins, then the earliest)."""
from pipeline.document import Record
from pipeline.link import _drop_overlaps

# 区法院 / 天河区人民法院 style overlaps, from the Tianhe report's sentence
SENT = "区法院联合区市场监管局开展知识产权保护，审结案件1246件，同比增长12.5%。"


def spans(records):
    return [(r.type, SENT[r.start:r.end]) for r in records]


def rec(rtype, text, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = SENT.index(text, start + 1)
    return Record(rtype, start, start + len(text), {})


def test_longest_span_of_a_type_wins_and_other_types_may_overlap():
    records = [rec("agency", "区法院"), rec("agency", "法院"), rec("agency", "区市场监管局"),
               rec("agency", "市场监管"), rec("quantity", "1246件"), rec("quantity", "46件"),
               rec("case", "区法院联合"), rec("quantity", "12.5%")]
    assert spans(_drop_overlaps(records)) == [
        ("agency", "区法院"), ("case", "区法院联合"), ("agency", "区市场监管局"),
        ("quantity", "1246件"), ("quantity", "12.5%")]


def test_equal_lengths_keep_the_earlier_span_and_touching_spans_both_stay():
    records = [rec("agency", "市场监管局"), rec("agency", "联合区市场"), rec("agency", "区法院"),
               rec("agency", "联合")]
    # 联合区市场 (earlier, same length) beats 市场监管局; 区法院 ends where 联合 starts
    assert spans(_drop_overlaps(records)) == [("agency", "区法院"), ("agency", "联合区市场")]


def test_many_records_in_a_row():
    records = [Record("quantity", i, i + 2, {}) for i in range(0, 20000)]
    kept = _drop_overlaps(records)
    assert [(r.start, r.end) for r in kept] == [(i, i + 2) for i in range(0, 20000, 2)]

"""Web captures and bodies that lost their line breaks (issue 9, cause 1), on real text."""
from pathlib import Path

from pipeline.ingest import read_document
from pipeline.ingest.capture import split_run_in, strip_capture
from pipeline.sections import find_sections, section_path_at

DATA = Path(__file__).resolve().parent / "data" / "capture"


def tree(doc):
    return [(s.marker, s.title, s.level) for s in find_sections(doc)]


def test_crawler_header_fields_and_navigation_are_dropped_and_title_kept():
    # the Pingtan natural-resources summary as a crawler saved it: header fields, a
    # breadcrumb, a font-size bar, and the whole body on one line
    doc = read_document(DATA / "pingtan-natural-resources-2022-capture.txt")
    for furniture in ("栏目", "原文链接", "本地目录", "当前位置", "字体", "打印本页", "分享到"):
        assert furniture not in doc.text
    t = tree(doc)
    assert doc.title == "平潭综合实验区自然资源与生态环境局2022年工作总结及2023年工作计划"
    assert not any(x[1].startswith(("标题", "栏目", "原文链接")) for x in t)


def test_run_in_headings_of_a_one_line_body_are_found():
    doc = read_document(DATA / "pingtan-natural-resources-2022-capture.txt")
    t = tree(doc)
    # headings run into each other with no punctuation between them
    assert t[:4] == [("一、", "2022年主要工作开展情况", 1), ("（一）", "保护优先进一步加强", 2),
                     ("1.", "自然资源家底调查取得成果", 3), ("2.", "各类规划编制有序推进", 3)]
    assert ("二、", "2023年工作计划", 1) in t and ("（三）", "要素保障方面", 2) in t
    # a figure sits under its heading
    secs = find_sections(doc)
    i = doc.text.index("8.3万宗")
    assert section_path_at(secs, i)[1] == ["2022年主要工作开展情况", "保护优先进一步加强", "自然资源家底调查取得成果"]


def test_one_line_report_with_page_numbers_between_sentences():
    # Zaozhuang's work report has no line break at all and page numbers ("— 12 —") inline
    doc = read_document(DATA / "gov-work-report-zaozhuang-2024.txt")
    t = tree(doc)
    assert ("（三）", "聚力拓展市场空间，构建高水平开放格局", 2) in t
    assert ("三、", "加强政府自身建设", 1) in t
    # 一是… after a sentence and a space opened a paragraph in the source
    assert ("一是", "综合实力稳步提升", 2) in t


def test_list_items_run_into_a_sentence_stay_in_their_paragraph():
    line = ("统筹生态环境保护和经济社会发展，推动实验区取得一定成效。" * 60
            + "一是扎实完成2021年度国土变更调查工作，调查成果通过上级审核。二是完成全区约8.3万宗农村地籍调查。")
    assert split_run_in(line)[-1].startswith("一是扎实完成") is False
    assert len(split_run_in(line)) == 1


def test_a_plain_report_is_not_a_capture():
    lines = ["各位代表：", "现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员和其他列席人员提出意见。",
             "来源：市政府办公室"]
    title, out, capture = strip_capture(lines)
    assert (title, out, capture) == (None, lines, False)

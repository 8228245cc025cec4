"""Sections: heading forms of GUIDE.md section 1 on real reports."""
from pathlib import Path

from pipeline.document import Document
from pipeline.ingest import assemble, read_document
from pipeline.sections import find_sections, section_path_at

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def doc_of(*paragraphs, fmt="txt"):
    doc = Document(source="t.txt", format=fmt, encoding="utf-8", sha256="0" * 64)
    assemble(doc, [(p, {"paragraph": i}) for i, p in enumerate(paragraphs, start=1)])
    return doc


def titles(secs):
    return [(s.marker, s.title, s.level) for s in secs]


def test_seed_report_tree():
    doc = read_document(CORPUS / "tianhe-ip-2023.txt")
    secs = find_sections(doc)
    t = titles(secs)
    assert t[:5] == [("一、", "知识产权创造", 1), ("", "专利", 2), ("", "商标", 2), ("", "版权", 2),
                     ("二、", "知识产权保护", 1)]
    assert ("（一）", "司法保护", 2) in t
    assert ("", "加强知识产权审判工作", 3) in t
    assert ("一是", "与广州知识产权法院合作，首创知识产权诉讼案件转为行政投诉案件的办案新模式", 4) in t
    i = doc.text.index("19298件")
    assert section_path_at(secs, i)[1] == ["知识产权创造", "专利"]
    # the preamble belongs to the root
    assert section_path_at(secs, 5) == (None, [])


def test_lead_sentences_inside_a_numbered_paragraph():
    doc = read_document(CORPUS / "gov-work-report-hangzhou-2024.txt")
    t = titles(find_sections(doc))
    i = t.index(("（二）", "坚决打赢经济翻身仗，经济运行持续好转", 2))
    assert t[i + 1:i + 5] == [("", "惠企政策直达快享", 3), ("", "重大项目支撑有力", 3),
                              ("", "产业结构不断优化", 3), ("", "消费市场回暖向好", 3)]


def test_listed_short_achievements_are_not_lead_sentences():
    doc = read_document(CORPUS / "gov-work-report-changsha-2024.docx")
    t = [x[1] for x in titles(find_sections(doc))]
    assert "自贸试验区长沙片区创新发展成效明显" in t and "重点领域改革纵深推进" in t
    for achievement in ("湘琼先进制造业共建产业园首开区启动建设", "VFS联合签证中心落户试运营",
                        "新型易货贸易交易管理平台建成投用", "黄花综保区连续三年进位"):
        assert achievement not in t


def test_dash_paragraph_is_heading_only_with_title_sentence():
    doc = doc_of("一、2023年工作回顾",
                 "——城区人口突破千万，实现从特大城市到超大城市的大跨越。2015年，杭州首次跻身全国特大城市。",
                 "——全球研发中心城市建设扬帆启航，全社会研发投入强度首次超过3%，人才总量突破300万。")
    t = titles(find_sections(doc))
    assert t == [("一、", "2023年工作回顾", 1), ("——", "城区人口突破千万，实现从特大城市到超大城市的大跨越", 2)]


def test_numbered_long_paragraph_is_not_a_heading():
    doc = doc_of("裁判要点",
                 "1.作为特定区域内唯一合法经营有线电视传输业务的经营者及电视节目集中播控者，在市场准入、市场份额、"
                 "经营地位、经营规模等各要素上均具有优势，可以认定该经营者占有市场支配地位。")
    assert all(s.marker != "1." for s in find_sections(doc))


def test_greeting_and_speech_colons_are_not_labels():
    doc = doc_of("各位代表：", "现在，我代表市人民政府向大会报告工作。", "原告吴小秦诉称：2012年5月10日，其前往缴纳费用。")
    assert find_sections(doc) == []


def test_markdown_levels_and_title():
    doc = read_document(CORPUS / "other-shaanxi-2017.md")
    secs = find_sections(doc)
    assert doc.title == "市场支配者捆绑销售服务，侵害了消费者的消费选择权"
    t = titles(secs)
    assert ("", "裁判要点", 2) in [(m, x, l) for m, x, l in t] or ("", "裁判要点", 1) in t
    one = next(s for s in secs if s.marker == "一、")
    parent = next(s for s in secs if s.id == one.parent)
    assert parent.title == "裁判理由"


def test_section_ranges_nest():
    doc = read_document(CORPUS / "gov-work-report-hangzhou-2024.txt")
    secs = find_sections(doc)
    by_id = {s.id: s for s in secs}
    for s in secs:
        assert s.start < s.end
        if s.parent:
            p = by_id[s.parent]
            assert p.start <= s.start and s.end <= p.end and p.level == s.level - 1


# --- budget and disclosure PDFs (issue 9, cause 2) ---------------------------------------

def test_budget_pdf_table_of_contents_is_not_headings_and_page_titles_are():
    doc = read_document(CORPUS / "other-shanghai-putuo-wanli-2025.pdf")
    t = titles(find_sections(doc))
    heads = [x[1] for x in t]
    # the contents page (一、部门主要职能 ……… with leaders) gives no heading
    assert not any("…" in h for h in heads)
    assert heads.count("部门主要职能") == 0
    # the pages' titles, set in a larger type, are headings; the one that was followed
    # on the same line width by the body is not run into it
    assert ("", "上海市普陀区人民政府万里街道办事处（部门）主要职能", 1) in t
    assert ("", "上海市普陀区人民政府万里街道办事处（部门）机构设置", 1) in t
    assert ("", "名词解释", 1) in t and ("", "2025年部门预算编制说明", 1) in t
    # label headings of the glossary are cut at the colon
    assert ("（二）", "事业收入", 2) in t
    # the page-1 title in large type is the document's title, and 预算主管部门：… no label
    assert doc.title == "上海市普陀区2025年区级部门预算"
    assert "预算主管部门" not in heads


def test_contents_lines_after_a_contents_title_are_skipped():
    doc = doc_of("上海市普陀区2025年区级部门预算", "目 录", "一、部门主要职能", "二、部门机构设置",
                 "三、名词解释", "1. 2025年部门财务收支预算总表", "上海市普陀区商务委员会主要职能",
                 "上海市普陀区商务委员会是主管全区产业经济的区政府工作部门 ，为正处级，加挂上海市普陀区经济委员会牌子。",
                 "一、部门主要职能", "主要职能包括：……")
    t = titles(find_sections(doc))
    assert [x[1] for x in t].count("部门主要职能") == 1
    assert ("一、", "名词解释") not in [x[:2] for x in t]


def test_numbered_item_stating_an_amount_is_not_a_heading():
    doc = doc_of("财政拨款支出主要内容如下：",
                 "1. “一般公共服务支出（类）商贸事务（款）行政运行（项）”938.99万元，主要用于机关行政运行和机关人员经费支出 。",
                 "（三）公务接待费1.00万元，与2024年预算持平。",
                 "（一）2023年工作回顾",
                 "1、贯彻执行国家和本市有关工商业、内外贸、粮食流通等方面的方针、政策和法律、法规及规章，并结合本区实际,制订具体实施意见。")
    t = titles(find_sections(doc))
    assert [x[1] for x in t] == ["2023年工作回顾"]


def test_a_sentence_telling_one_event_is_not_a_lead_sentence(tmp_path):
    """Shenzhen's 2024 work report: the lead sentence 节能降耗成效明显 titles the run of
    facts after it; 深圳入选国家首批碳达峰试点城市 (one event, no word that sums a field up)
    is the first of those facts, not a heading of its own."""
    text = ("（七）全面加强生态环境保护。大气环境质量稳中有升。深圳空气质量在全国168个重点城市中位居前列，"
            "臭氧年均浓度下降10.9%，PM2.5年均浓度17.6微克/立方米。完成公共领域车辆、作业机械清洁化替代357台，"
            "淘汰国三以下老旧车6.1万辆。建设世界一流“超充之城”，出台充电基础设施建设三年行动规划，"
            "新增新能源汽车充电桩16.1万个、累计28.7万个，建成投用超级快充站161座、车网互动站70座、"
            "综合能源补给站30座。面向全球发布数字能源白皮书。节能降耗成效明显。深圳入选国家首批碳达峰试点城市。"
            "新增绿色建筑2500万平方米、装配式建筑2380万平方米，建成超低能耗、近零能耗、零碳建筑68万平方米。"
            "创建国家级绿色工厂29家、绿色供应链3家，获评国家级工业产品绿色设计示范企业3家。\n")
    path = tmp_path / "shenzhen.txt"
    path.write_text(text, encoding="utf-8")
    got = [title for _, title, _ in titles(find_sections(read_document(path)))]
    assert "节能降耗成效明显" in got and "大气环境质量稳中有升" in got
    assert "深圳入选国家首批碳达峰试点城市" not in got

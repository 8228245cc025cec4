"""Web pages: the report body of real government-site pages, without the site around it."""
from pathlib import Path

import pytest

from pipeline.document import InputError
from pipeline.ingest import read_document
from pipeline.ingest.html import decode_html, read_html
from pipeline.process import process_file

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ECONOMY = CORPUS / "stats-communique-pingtan-economy-2021.html"
RESOURCES = CORPUS / "other-pingtan-natural-resources-2022.html"
APPROVAL = CORPUS / "other-pingtan-admin-approval-2022.html"

# Text of the site's header, menus, share box, footer and scripts on every page.
FURNITURE = ["闽政通APP", "网站支持IPV6", "QQ空间", "当前位置", "浏览量", "版权所有",
             "首页", "政务公开", "require(", "function", "放大字体", "SiteInfo"]


def _quantities(out: dict) -> set[tuple[str, float, str]]:
    return {(r["text"], r["value"], r["unit"]) for r in out["records"] if r["type"] == "quantity"}


def _check_page(path: Path, title: str, headings: list[str], figures: list[tuple[str, float, str]]):
    out = process_file(path, use_model=False)
    text = out["document"]["text"]
    assert out["document"]["format"] == "html" and out["document"]["encoding"] == "utf-8"
    assert out["document"]["title"] == title
    assert [w for w in FURNITURE if w in text] == []
    found = [s["title"] for s in out["sections"]]
    assert [h for h in headings if h not in found] == []
    assert [f for f in figures if f not in _quantities(out)] == []
    assert all(r["paragraph"] for r in out["records"])     # provenance: paragraph numbers
    return out


def test_statistical_communique_page():
    out = _check_page(
        ECONOMY, "2021年平潭综合实验区国民经济和社会发展统计公报",
        ["综合", "农业", "国内贸易、对外经济", "资源、环境和安全生产"],
        [("339.20亿元", 33920000000, "元"), ("5.8%", 5.8, "%"),      # 全年实现生产总值339.20亿元…增长5.8%
         ("60.74亿元", 6074000000, "元")])                             # 社会消费品零售总额60.74亿元
    text = out["document"]["text"]
    # Word-pasted markup: <o:p>, MSO conditional comments and empty <br> paragraphs leave nothing.
    assert "<" not in text and "[if" not in text and "\n\n" not in text
    assert text.endswith("增速按可比价格计算。")                     # the closing 注： notes are body


def test_natural_resources_work_summary_page():
    out = _check_page(
        RESOURCES, "平潭综合实验区自然资源与生态环境局2022年工作总结及2023年工作计划",
        ["2022年主要工作开展情况", "保护优先进一步加强", "自然资源家底调查取得成果", "2023年工作计划"],
        [("8.3万宗", 83000, "宗"), ("11个", 11, "个")])
    assert out["document"]["year"] == 2022


def test_administrative_approval_work_summary_page():
    _check_page(
        APPROVAL, "平潭综合实验区行政审批局2022年工作总结及2023年工作计划",
        ["主要成效", "政务服务综合能力显著提升", "存在问题", "2023年工作计划", "总体目标"],
        [("12场", 12, "场")])                # 全年联合承办各类行业性分享交流会12场


def test_html_is_sniffed_by_content_under_another_name(tmp_path):
    page = tmp_path / "communique.txt"
    page.write_bytes(ECONOMY.read_bytes())
    doc = read_document(page)
    assert doc.format == "html" and "339.20亿元" in doc.text and "闽政通APP" not in doc.text


@pytest.mark.parametrize("declared", ["gb2312", "GBK"])
def test_declared_gbk_charset_is_honoured(tmp_path, declared):
    page = ECONOMY.read_text(encoding="utf-8").replace('<meta charset="utf-8"', f'<meta charset="{declared}"')
    path = tmp_path / "gbk.html"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gbk"
    assert doc.text == read_document(ECONOMY).text


def test_http_equiv_charset_without_meta_charset():
    raw = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
           '</head><body><p>全年居民消费价格（CPI）比上年上涨1.1％，涨幅比2020年缩小0.4个百分点。</p>'
           '</body></html>').encode("gbk")
    assert decode_html(raw)[1] == "gbk"
    parts, _ = read_html(raw)
    assert parts[-1][0].startswith("全年居民消费价格（CPI）比上年上涨1.1％")


def test_headings_bold_leads_and_tables_become_hints_and_cells():
    # Sentences of the communiqué page, laid out as a site's editor would.
    raw = """<html><head><title>2021年平潭统计公报_平潭综合实验区党工委管委会</title></head><body>
      <div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
      <div class="content">
        <h2>一、综合</h2>
        <p><strong>初步核算，</strong>全年实现生产总值339.20亿元，按可比价格计算，比上年增长5.8%。</p>
        <p>其中：第一产业增加值40.30亿元，同比增长5.9%；<br>第二产业增加值81.45亿元，同比下降9.3%。</p>
        <table><tr><th>指标</th><th colspan="2">绝对数</th><th>增长（%）</th></tr>
               <tr><td>社会消费品零售总额（亿元）</td><td>60.74</td><td></td><td>3.3</td></tr></table>
      </div>
      <div class="share_box"><a href="#">微信</a><a href="#">微博</a></div>
      <div class="footer">版权所有：平潭综合实验区党工委管委会</div></body></html>""".encode()
    parts, encoding = read_html(raw)
    texts = [t for t, _ in parts]
    assert texts[0] == "2021年平潭统计公报" and parts[0][1]["heading_level"] == 0
    assert ("一、综合", {"paragraph": 2, "kind": "heading", "heading_level": 2}) in parts
    lead = next(a for t, a in parts if t.startswith("初步核算"))
    assert lead["lead_bold"] == len("初步核算，")
    assert "第二产业增加值81.45亿元，同比下降9.3%。" in texts       # <br> ends a paragraph
    cells = {(a["row"], a["col"]): t for t, a in parts if a.get("kind") == "table_cell"}
    assert cells == {(1, 1): "指标", (1, 2): "绝对数", (1, 4): "增长（%）",
                     (2, 1): "社会消费品零售总额（亿元）", (2, 2): "60.74", (2, 4): "3.3"}
    assert not any(w in t for t in texts for w in ("首页", "微信", "版权所有"))


def test_truncated_page_is_refused_in_one_line(tmp_path):
    path = tmp_path / "cut.html"
    data = ECONOMY.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated HTML"):
        read_document(path)


def test_page_without_report_text_is_refused(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text('<html><body><ul class="menu"><li><a href="/">首页</a></li></ul></body></html>',
                    encoding="utf-8")
    with pytest.raises(InputError, match="no report text"):
        read_document(path)

"""govreport review: the HTML page, checked as markup and in a real headless Chromium.

The browser tests need /usr/bin/chromium (Debian package ``chromium``) and the Playwright
Python package; they skip without them, and FAIL instead when GOVREPORT_REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.qa import review

DATA = Path(__file__).resolve().parent / "data" / "qa"
TIANHE = DATA / "outputs" / "tianhe-ip-2023.txt.json"
CHROMIUM = os.environ.get("GOVREPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

# A report that tries to run code: in its text, a section title and a record's fields.
HOSTILE_TEXT = ("一、知识产权创造<script>window.__pwned = 1</script>\n"
                "专利：全年全区专利授权量19298件<img src=x onerror=\"window.__pwned = 2\">，"
                "其中发明专利授权量9438件。</script><script>window.__pwned = 3</script><!-- {{js}} &amp;\n")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def hostile_output() -> dict:
    text = HOSTILE_TEXT
    s1, s2 = text.index("19298件"), text.index("9438件")
    return {
        "schema_version": "1.0", "pipeline_version": "0.1.0", "rules_version": "</script><b>x",
        "document": {"source": "evil<script>.txt", "format": "txt", "title": "<script>window.__pwned=4</script>",
                     "sha256": "0" * 64, "region": {"name": "<i>天河区</i>"}, "year": 2023, "text": text},
        "sections": [{"id": "s1", "marker": "一、", "title": "知识产权创造<script>window.__pwned = 1</script>",
                      "level": 1, "start": 0, "end": len(text), "parent": None}],
        "records": [
            {"id": "q-1\"><script>window.__pwned=5</script>", "type": "quantity", "text": "19298件",
             "start": s1, "end": s1 + 7, "sentence": text[:s1 + 7], "sentence_start": 0,
             "sentence_end": s1 + 7, "section_path": ["知识产权创造<script>window.__pwned = 1</script>"],
             "section_id": "s1", "page": None, "paragraph": 2, "source": "rule", "value": 19298,
             "value_max": None, "unit": "件", "kind": "count", "role": "level", "direction": None,
             "qualifier": None, "metric": "</script><script>window.__pwned=6</script>"},
            {"id": "q-2", "type": "quantity", "text": "9438件", "start": s2, "end": s2 + 6,
             "sentence": None, "sentence_start": None, "sentence_end": None, "section_path": [],
             "section_id": None, "page": None, "paragraph": 2, "source": "rule", "value": 9438,
             "value_max": None, "unit": "件", "kind": "count", "role": "level", "direction": None,
             "qualifier": None, "metric": "<!--"},
        ]}


# ---------------------------------------------------------------- markup (no browser)

class TagBalance(HTMLParser):
    VOID = {"meta", "br", "input", "img", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.scripts = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_crossing_records_are_split_into_well_formed_pieces():
    text = "区公安分局全年累计侦破知识产权案件80宗，占比63%。"
    a = review.Element(0, 5, "agency", "mark", {"id": "a"}, {"class": "cont"})
    b = review.Element(3, 20, "quantity", "mark", {"id": "b"}, {"class": "cont"})   # crosses a
    c = review.Element(0, len(text), "sentence", "span", {"id": "s"}, {})
    out = review.render_text(text, [b, a, c])
    assert re.sub(r"<[^>]+>", "", out) == text
    assert out.startswith('<span id="s"><mark id="a">区公安')
    assert out.count('id="b"') == 1 and '<mark class="cont">' in out
    p = TagBalance()
    p.feed(out)
    assert p.errors == [] and p.stack == []


def test_document_text_is_escaped():
    out = review.render_text("<script>alert(1)</script> & “案”", [])
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “案”"


def test_json_data_block_cannot_end_its_script():
    obj = {"metric": "</script><!-- <script>x</script>", "amp": "&lt;", "sep": "a\u2028b"}
    s = review.json_for_script(obj)
    assert "</" not in s and "<!--" not in s and "<" not in s and "\u2028" not in s
    assert json.loads(s) == obj


def test_page_is_self_contained_and_allows_only_its_own_blocks():
    page = review.review_page(load(TIANHE))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    js = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(js) == 1

    def digest(s):
        return base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest(css)}'" in csp
    assert f"script-src 'sha256-{digest(js[0])}'" in csp


def test_hostile_report_stays_text_in_the_markup():
    page = review.review_page(hostile_output())
    p = TagBalance()
    p.feed(page)
    assert p.errors == [] and p.stack == []
    # only the data block and the page's own script
    assert [s.get("type") for s in p.scripts] == ["application/json", None]
    assert page.count("<script") == 2
    assert "onerror=" not in page.replace("onerror=&quot;", "")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "{{js}}" in page          # placeholders inside the document are left alone


def test_every_record_is_highlighted_and_listed():
    out = load(TIANHE)
    page = review.review_page(out)
    n = len(out["records"])
    assert len(re.findall(r'<mark class="rec t-\w+" id="r-\d+"', page)) == n
    assert len(re.findall(r"<tr tabindex", page)) == n
    for i, s in enumerate(out["sections"]):
        assert f'id="sec-{i}"' in page and f'href="#sec-{i}"' in page


def test_outline_parents():
    secs = [{"id": "s1", "level": 1}, {"id": "s2", "level": 2, "parent": "s1"},
            {"id": "s3", "level": 3}, {"id": "s4", "level": 1, "parent": None}, {"id": "s5", "level": 2}]
    assert review._parents(secs) == [None, 0, 1, None, 3]


def test_cli_pages(tmp_path, capsys):
    page = tmp_path / "page.html"
    assert main(["review", str(TIANHE), "-o", str(page)]) == 0
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    new = load(TIANHE)
    new["records"][5]["value"] = 123456
    (tmp_path / "new.json").write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    assert main(["review", "--diff", str(TIANHE), str(tmp_path / "new.json"), "-o", str(tmp_path / "d.html")]) == 0
    d = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert d.count('data-status="changed"') == 1 and 'id="f-status"' in d
    assert main(["review", str(DATA / "outputs"), "-o", str(tmp_path / "pages")]) == 0
    assert (tmp_path / "pages" / "index.html").exists()
    # one page per output document, plus the index
    assert len(list((tmp_path / "pages").glob("*.html"))) == len(list((DATA / "outputs").glob("*.json"))) + 1
    assert main(["review", str(DATA / "outputs")]) == 2
    assert main(["review", "--diff", str(TIANHE)]) == 2
    assert main(["review", str(tmp_path / "missing.json")]) == 2


# ---------------------------------------------------------------- in a real browser

@pytest.fixture(scope="module")
def browser():
    required = os.environ.get("GOVREPORT_REQUIRE_BROWSER") == "1"
    why = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        why = "the playwright package is not installed"
    if why is None and not Path(CHROMIUM).exists():
        why = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if why:
        if required:
            pytest.fail(f"GOVREPORT_REQUIRE_BROWSER=1 but {why}")
        pytest.skip(why)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Opened:
    """A page opened from a file, with everything it logged and every request it made."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def visible_rows(self):
        return self.page.locator("#records tbody tr:not([hidden])")


@pytest.fixture
def tianhe_page(browser, tmp_path):
    path = tmp_path / "tianhe.html"
    path.write_text(review.review_page(load(TIANHE)), encoding="utf-8")
    o = Opened(browser, path)
    yield o
    o.page.close()


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.top >= 0 && r.left >= 0 &&
               r.bottom <= window.innerHeight && r.right <= window.innerWidth;
    }""")


def test_page_opens_without_errors_or_network(tianhe_page):
    pg = tianhe_page.page
    assert pg.title().startswith("Review: 2023年")
    assert pg.locator("mark.rec").count() >= 156
    assert pg.locator("#row-count").inner_text() == "156 of 156 records"
    assert tianhe_page.errors == []
    assert tianhe_page.requests == [tianhe_page.url]


def test_table_filters(tianhe_page):
    pg = tianhe_page.page
    out = load(TIANHE)
    pg.select_option("#f-type", "agency")
    agencies = sum(1 for r in out["records"] if r["type"] == "agency")
    assert tianhe_page.visible_rows().count() == agencies
    assert set(tianhe_page.visible_rows().evaluate_all("rs => rs.map(r => r.dataset.type)")) == {"agency"}
    assert pg.locator("#row-count").inner_text() == f"{agencies} of 156 records"
    pg.select_option("#f-type", "quantity")
    pg.select_option("#f-kind", "percent")
    percents = sum(1 for r in out["records"] if r.get("kind") == "percent")
    assert tianhe_page.visible_rows().count() == percents > 0
    # a section takes its subsections with it
    pg.select_option("#f-type", "")
    pg.select_option("#f-kind", "")
    idx = next(i for i, s in enumerate(out["sections"]) if s["title"] == "知识产权保护")
    pg.select_option("#f-section", str(idx))
    subtree = {out["sections"][idx]["id"]}
    for sec in out["sections"]:
        if sec["parent"] in subtree:
            subtree.add(sec["id"])
    inside = sum(1 for r in out["records"] if r["section_id"] in subtree)
    assert tianhe_page.visible_rows().count() == inside > 50
    pg.fill("#f-text", "区公安分局")
    texts = tianhe_page.visible_rows().evaluate_all("rs => rs.map(r => r.textContent)")
    assert texts and all("区公安分局" in t for t in texts)
    assert tianhe_page.errors == []


def test_table_sorts_by_value(tianhe_page):
    pg = tianhe_page.page
    pg.select_option("#f-type", "quantity")
    pg.click("#records th[data-key=value]")
    values = [float(v) for v in tianhe_page.visible_rows().evaluate_all(
        "rs => rs.map(r => r.querySelector('td:nth-child(4)').textContent)") if v]
    assert values == sorted(values) and values[0] < values[-1]
    pg.click("#records th[data-key=value]")
    values = [float(v) for v in tianhe_page.visible_rows().evaluate_all(
        "rs => rs.map(r => r.querySelector('td:nth-child(4)').textContent)") if v]
    assert values == sorted(values, reverse=True)


def test_clicking_a_record_scrolls_to_it(tianhe_page):
    pg = tianhe_page.page
    last = tianhe_page.visible_rows().last
    n = last.get_attribute("data-n")
    assert not in_viewport(pg, f"#r-{n}")           # far down the report at first
    last.scroll_into_view_if_needed()
    last.click()
    pg.wait_for_function(f"""() => {{
        const r = document.getElementById('r-{n}').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight; }}""", timeout=5000)
    assert in_viewport(pg, f"#r-{n}")
    assert "current" in pg.get_attribute(f"#r-{n}", "class")
    assert pg.locator(".sent.current").count() == 1
    assert in_viewport(pg, ".sent.current mark.current") or in_viewport(pg, f"#r-{n}")
    assert pg.locator("#detail").is_visible()
    # and back: clicking a highlighted record selects its row
    pg.click("#r-0")
    assert "current" in pg.get_attribute("#records tbody tr[data-n='0']", "class")


def test_outline_scrolls_to_its_section(tianhe_page):
    pg = tianhe_page.page
    last = pg.locator("#outline a").last
    target = last.get_attribute("data-target")
    assert not in_viewport(pg, f"#{target}")
    last.click()
    pg.wait_for_function(f"""() => {{
        const r = document.getElementById('{target}').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight; }}""", timeout=5000)
    assert tianhe_page.errors == []


def test_script_in_the_document_does_not_run(browser, tmp_path):
    path = tmp_path / "evil.html"
    path.write_text(review.review_page(hostile_output()), encoding="utf-8")
    o = Opened(browser, path)
    pg = o.page
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    doc = pg.locator("#doc").inner_text()
    assert "<script>window.__pwned = 1</script>" in doc
    assert '<img src=x onerror="window.__pwned = 2">' in doc
    assert pg.locator("#doc img, #doc script").count() == 0
    assert "<script>window.__pwned = 1</script>" in pg.locator("#outline").inner_text()
    # the record data went through the JSON block and comes out as text
    pg.click("#records tbody tr[data-n='0']")
    assert "</script><script>window.__pwned=6</script>" in pg.locator("#detail").inner_text()
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert pg.title().startswith("Review: <script>")
    assert o.errors == [] and o.requests == [o.url]
    o.page.close()


def test_diff_page_colours_changes(browser, tmp_path):
    old = load(TIANHE)
    new = copy.deepcopy(old)
    recs = new["records"]
    q = [r for r in recs if r["type"] == "quantity"]
    q[3]["value"] += 45                         # changed
    removed = q[6]
    recs.remove(removed)                        # removed
    added = dict(q[10], id="q-added", start=q[10]["end"] + 1, end=q[10]["end"] + 3)
    added["text"] = new["document"]["text"][added["start"]:added["end"]]
    recs.append(added)                          # added
    recs.sort(key=lambda r: (r["start"], r["end"], r["type"]))
    path = tmp_path / "diff.html"
    path.write_text(review.diff_page(old, new), encoding="utf-8")
    o = Opened(browser, path)
    pg = o.page
    assert o.errors == [] and o.requests == [o.url]
    assert o.visible_rows().count() == 3                  # "any change" is the default filter
    statuses = o.visible_rows().evaluate_all("rs => rs.map(r => r.dataset.status)")
    assert sorted(statuses) == ["added", "changed", "removed"]
    colours = {s: pg.eval_on_selector(f"mark.st-{s}", "el => getComputedStyle(el).backgroundColor")
               for s in ("added", "removed", "changed")}
    assert len(set(colours.values())) == 3 and "rgba(0, 0, 0, 0)" not in colours.values()
    assert pg.eval_on_selector("mark.st-removed", "el => getComputedStyle(el).textDecorationLine") == "line-through"
    assert pg.locator("mark.st-removed").inner_text() == removed["text"]
    pg.select_option("#f-status", "")
    assert o.visible_rows().count() == len(recs) + 1
    o.page.close()


@pytest.fixture
def timed_page(browser, tmp_path):
    """A work report's review page: its figures are results, estimates and targets."""
    out = load(Path(__file__).resolve().parent.parent / "outputs" / "gov-work-report-hangzhou-2024.txt.json")
    path = tmp_path / "hangzhou.html"
    path.write_text(review.review_page(out), encoding="utf-8")
    o = Opened(browser, path)
    yield o, out
    o.page.close()


def test_period_and_status_shown_and_filtered(timed_page):
    opened, out = timed_page
    pg = opened.page
    quantities = [r for r in out["records"] if r["type"] == "quantity"]
    targets = [r for r in quantities if r["status"] == "target"]
    assert 0 < len(targets) < len(quantities)
    head = pg.locator("#records thead th").all_inner_texts()
    assert "period" in head and "status" in head
    pg.select_option("#f-fstatus", "target")
    assert opened.visible_rows().count() == len(targets)
    assert set(opened.visible_rows().evaluate_all("rs => rs.map(r => r.dataset.fstatus)")) == {"target"}
    first = opened.visible_rows().first.inner_text()
    assert targets[0]["period"] in first and "target" in first
    pg.select_option("#f-fstatus", "")
    assert opened.visible_rows().count() == len(out["records"])
    assert opened.errors == []


NANJING = Path(__file__).resolve().parent.parent / "outputs" / "stats-communique-nanjing-2021-2024.docx.json"


def test_table_figures_are_laid_out_as_their_tables():
    out = load(NANJING)
    page = review.review_page(out)
    table_recs = [r for r in out["records"] if r.get("table")]
    assert len(re.findall(r'<td class="fig num" data-n="\d+"', page)) == len(table_recs) > 500
    assert len(re.findall(r'<table class="figures"', page)) == len({r["table"]["index"] for r in table_recs})
    # the grid of 表2: row labels down the side, header texts across, figures in their cells
    grid = re.search(r'<table class="figures" data-table="2">(.*?)</table>', page).group(1)
    assert "2022年主要工业产品产量情况" in grid and "比上年增长（%）" in grid
    assert re.search(r'<th scope="row">水泥</th><td[^>]*>6400703</td><td[^>]*>-12.5</td>', grid)
    parser = TagBalance()
    parser.feed(page)
    assert parser.errors == []


def test_clicking_a_table_figure_selects_its_record(browser, tmp_path):
    path = tmp_path / "nanjing.html"
    path.write_text(review.review_page(load(NANJING)), encoding="utf-8")
    o = Opened(browser, path)
    pg = o.page
    cell = pg.locator("table.figures[data-table='2'] td.fig").first
    n = cell.get_attribute("data-n")
    cell.scroll_into_view_if_needed()
    cell.click()
    assert "current" in cell.get_attribute("class")
    assert "current" in pg.get_attribute(f"#r-{n}", "class")
    assert "current" in pg.get_attribute(f"#records tbody tr[data-n='{n}']", "class")
    assert "水泥" in pg.locator("#detail").inner_text()
    assert o.errors == []
    o.page.close()

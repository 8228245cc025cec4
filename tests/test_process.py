"""Document-level facts the chain derives: the report's year."""
from pipeline.process import report_year


def test_year_from_title_even_without_nian():
    # hefei communique: the title line lost its words, the dateline is the publication date
    assert report_year("2024 [1]", "合肥市统计局 国家统计局合肥调查队\n2025 年3月28日\n2024 年，全市上下", "a.txt") == 2024


def test_publication_date_is_not_the_report_year():
    head = "洛阳市统计局\n2024年4月30日\n2023年，面对严峻复杂的国际国内环境"
    assert report_year("", head, "x.txt") == 2023


def test_year_from_file_name_last():
    assert report_year("", "各位代表：现在，我代表市人民政府向大会报告工作", "gov-work-report-sanya-2024.txt") == 2024
    assert report_year("", "各位代表：", "report.txt") is None


def test_a_report_that_lost_its_full_stops_gives_records_with_bounded_sentences(tmp_path):
    """The Tianhe report on one line without 。！？: figures are still read, each record
    carries a clause-sized piece, not the whole line, and the output stays a small
    multiple of the text."""
    import json
    from pathlib import Path

    from pipeline.output import dumps
    from pipeline.process import process_file
    from pipeline.segment import PIECE
    text = (Path(__file__).resolve().parent.parent / "corpus" / "tianhe-ip-2023.txt").read_text(
        encoding="utf-8")
    line = "".join(ch for ch in text if ch not in "。！？\n")
    p = tmp_path / "tianhe-one-line.txt"
    p.write_text(line + "\n", encoding="utf-8")
    obj = process_file(p, use_model=False)
    grants = [r for r in obj["records"] if r["type"] == "quantity" and r["value"] == 19298]
    assert grants and grants[0]["unit"] == "件"
    assert max(len(r["sentence"]) for r in obj["records"]) <= PIECE
    assert len(dumps(obj).encode("utf-8")) <= 20 * len(line.encode("utf-8"))
    json.loads(dumps(obj))

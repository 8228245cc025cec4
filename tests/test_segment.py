"""Sentence splitting and jieba words with the project dictionary."""
from pipeline.segment import split_sentences, words


def sents(text):
    return [text[a:b] for a, b in split_sentences(text, 0, len(text))]


def test_splits_on_chinese_terminators():
    text = "全年全区商标申请量75214件，商标有效注册量544197件。版权：全年全区作品登记总量29148件！还有吗？"
    assert sents(text) == ["全年全区商标申请量75214件，商标有效注册量544197件。",
                           "版权：全年全区作品登记总量29148件！", "还有吗？"]


def test_terminator_inside_quotes_does_not_split():
    text = "派员参加“2023年岭南知识产权诉讼大会。案例授课”，达到良好效果。下一句。"
    assert sents(text) == ["派员参加“2023年岭南知识产权诉讼大会。案例授课”，达到良好效果。", "下一句。"]


def test_closing_quote_after_terminator_stays_with_sentence():
    text = "他说：“要加强保护。”随后离开。"
    assert sents(text) == ["他说：“要加强保护。”", "随后离开。"]


def test_unmatched_bracket_does_not_swallow_the_paragraph():
    text = "全市生产总值（初步核算。" + "增长5.6%。" * 40
    assert len(sents(text)) > 10


def test_jieba_keeps_dictionary_terms_whole():
    toks = [w for w, _, _ in words("全年全区专利授权量19298件，城镇化率提高0.94个百分点，区市场监管局")]
    assert "授权量" in toks                 # rules/quantities.yaml jieba_words
    assert "市场监管局" in toks             # rules/agencies.yaml short_forms
    assert "城镇化率" in toks
    assert "个百分点" in toks


def test_word_offsets_tile_the_text():
    text = "区市场监管局查处商标侵权案件100宗"
    ws = words(text)
    assert "".join(w for w, _, _ in ws) == text
    assert all(text[a:b] == w for w, a, b in ws)


def test_a_report_without_full_stops_is_cut_into_clauses_not_one_sentence():
    """A file that lost its line breaks and full stops: the whole Tianhe report on one
    line. Pieces stay clause-sized and end at a comma or semicolon; nothing is lost."""
    from pathlib import Path

    from pipeline.segment import MAX_SENTENCE, PIECE
    text = (Path(__file__).resolve().parent.parent / "corpus" / "tianhe-ip-2023.txt").read_text(
        encoding="utf-8")
    line = "".join(ch for ch in text if ch not in "。！？\n")
    assert len(line) > 4 * MAX_SENTENCE
    spans = split_sentences(line, 0, len(line))
    assert "".join(line[a:b] for a, b in spans) == line
    assert all(b - a <= PIECE for a, b in spans)
    assert sum(line[b - 1] in "，；、：" for a, b in spans[:-1]) >= 0.9 * (len(spans) - 1)
    assert any("全年全区专利授权量19298件，" in line[a:b] for a, b in spans)


def test_a_long_real_sentence_under_the_limit_stays_whole():
    # the Tianhe report's longest sentence: a list of figures joined by semicolons
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "corpus" / "tianhe-ip-2023.txt").read_text(
        encoding="utf-8")
    para = text.splitlines()[2]
    longest = max(sents(para), key=len)
    assert len(longest) > 100 and longest.startswith("专利：全年全区专利授权量19298件")

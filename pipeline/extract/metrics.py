"""Metrics: the words of a sentence that name what a quantity measures (GUIDE.md section 2).

The metric is copied from the sentence, in its shortest form that still names the
figure. Where it sits depends on how the sentence is built:

- ``专利授权量19298件`` — the noun phrase before the number (the common case), cleaned
  of time and place openers (全年, 全市, 其中), linking verbs (达到, 为) and the verb of
  the clause (``侦破知识产权案件`` → after 累计…);
- ``捣毁5个制售假电池窝点`` — after a verb, the noun phrase after the unit;
- ``同比增长29.6%``, ``占全市15.3%`` — a change or share with no name of its own takes
  the metric of the figure before it; ``A、B分别增长30%、24.5%`` gives each its part;
- ``总数达302家`` — a word that refers back (总数, 总量) takes the earlier metric;
- ranks: the words between the ranking verb and 第N (百强县第4), else those before the
  verb (``…评价居全国第五``).

Word boundaries come from the pipeline's jieba tokenizer (pipeline.segment), whose
dictionary includes the domain words of rules/quantities.yaml, so that cuts never split a
term such as 拥有量.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["assign_metrics", "tokens", "pos_tokens"]

_PUNCT_STOP = set("，。；：！？,;:!?、")
# a verb followed by one of these is part of a noun (解决率, 拥有量, 完成额)
_NOUN_SUFFIX = set("率量额数值费面度")


@lru_cache(maxsize=4096)
def _cut(s: str) -> tuple:
    from pipeline.segment import pos_tagger
    pos = pos_tagger()
    out, i = [], 0
    for p in pos.cut(s, HMM=True):
        out.append((p.word, p.flag, i, i + len(p.word)))
        i += len(p.word)
    return tuple(out)


def pos_tokens(s: str) -> list[tuple[str, str, int, int]]:
    """(word, POS flag, start, end) for ``s``."""
    return list(_cut(s))


def tokens(s: str) -> list[tuple[str, int, int]]:
    """(word, start, end) for ``s``."""
    return [(w, a, b) for w, _, a, b in _cut(s)]


@lru_cache(maxsize=1)
def _compiled():
    from pipeline.extract.quantities import _alternation, load_rules
    r = load_rules()
    m = r.metric
    return {
        "link_words": sorted(set(m["link_words"]), key=len, reverse=True),
        "paren_drop": re.compile(r"[（(](?:" + _alternation(m["drop_paren_starting"])
                                 + r")[^（()）]*[）)]$"),
        "lead_words": sorted(set(m["lead_words"] + m["time_words"]), key=len, reverse=True),
        "time_words": set(m["time_words"]),
        "lead_verbs": set(m["lead_verbs"]),
        "anaphora": set(m["anaphora"]),
        "np_stop": set(m["np_stop"]),
        "np_lead": tuple(m["np_lead"]),
        "not_places": set(m["not_places"]),
        # a noun phrase never starts with a linking, change or share word (增加到1万)
        "no_np_start": tuple(w for w in m["link_words"] + r.change_words if len(w) >= 2),
        "place_verbs": set(r.rank_verbs) - set(r.rank_verbs_award),
        "date": re.compile(r"(?:截至|截止|到)?(?:\d{4}年|[〇○零一二三四五六七八九]{4}年|\d{1,2}月|"
                           r"\d{1,2}日|[上下]半年|年底|年末|年初|底|末|初|以来|份)+"),
        "rate_tail": re.compile(r"(?:每[^每，。；、]{1,4})+$"),
        "date_tail": re.compile(r"(?:已|自|从|于|在|由|将由)*"
                                r"(?:(?:\d{4}年|[〇○零一二三四五六七八九]{4}年)(?:\d{1,2}月)?|\d{1,2}月)"
                                r"(?:\d{1,2}日)?(?:起|以来|开始|前后|底|末|初)?$"),
        "scope_tail": re.compile("(?:" + _alternation(r.roles_scopes) + ")$"),
        "time_tail": re.compile("(?:" + _alternation(m["time_words"]) + ")$"),
    }


def _starts(text: str) -> set[int]:
    """Offsets where a jieba word starts in ``text`` (and its end)."""
    out = {len(text)}
    for _, _, a, _ in _cut(text):
        out.add(a)
    return out


def _strip_tail(text: str) -> str:
    """Drop what links a name to its number: 达到, 分别为, 的, 每月, footnote digits, and a
    trailing scope (居全国). A word is dropped only where a jieba word starts, so 成为
    keeps its 为."""
    c = _compiled()
    starts = _starts(text)
    changed = True
    while changed and text:
        changed = False
        t2 = text.rstrip("，、,：:（(—-")
        t2 = re.sub(r"(?<=[^\d.])\d+$", "", t2)         # footnote marks: 生产总值2达到
        t2 = re.sub(r"(?:\[\d{1,3}\]|[①-⑳])+$", "", t2)  # 人均服务性消费支出[64], 生产总值②
        m = c["rate_tail"].search(t2)
        if m:
            t2 = t2[:m.start()]                       # 每月25元: 每月 is the rate's
        m = c["date_tail"].search(t2)
        if m:
            t2 = t2[:m.start()]                       # 已从2012年3月起由25元
        if t2 != text:
            text, changed = t2, True
            continue
        for w in c["link_words"]:
            if text.endswith(w) and (len(text) - len(w)) in starts:
                text, changed = text[:-len(w)], True
                break
        else:
            m = c["scope_tail"].search(text) or c["time_tail"].search(text)
            if m and m.start() > 0 and m.start() in starts:
                text, changed = text[:m.start()], True
                continue
            # 拓展至, 延长到: a verb that leads to the new level
            m = re.search(r"(?:到|至)$", text)
            if m and m.start() in starts:
                toks = _cut(text[:m.start()])
                if toks and toks[-1][1].startswith("v"):
                    text, changed = text[:toks[-1][2]], True
    return text


def _cut_after_time(text: str) -> str:
    """The words after the last time word or date (全年, 年末, 2023年) that leave a name."""
    c = _compiled()
    best = 0
    for w, _, a, b in _cut(text):
        if w in c["time_words"] and len(text) - b >= 3:
            best = b
    for om in re.finditer(r"第[\d零〇一二三四五六七八九十百]+[届批次期轮]", text):
        if len(text) - om.end() >= 2:
            best = max(best, om.end())           # 第二十四届中国专利奖 → 中国专利奖
    for dm in c["date"].finditer(text):
        g = dm.group(0)
        if g and re.search(r"\d|半年|年", g) and len(text) - dm.end() >= 3:
            best = max(best, dm.end())
    return text[best:]


def _strip_lead(text: str) -> str:
    """Drop openers at the start: 全市, 其中, 在, 对, a place name (杭州经济总量) …"""
    c = _compiled()
    changed = True
    while changed:
        changed = False
        if text in c["lead_words"]:
            return ""                        # 按可比价格 says how, not what
        toks = _cut(text)
        if toks and toks[0][1] == "ns" and toks[0][0] not in c["not_places"] \
                and len(text) - toks[0][3] >= 3 and text[toks[0][3]] not in "市区县省州镇乡村":
            text, changed = text[toks[0][3]:], True
            continue
        starts = _starts(text)
        for w in c["lead_words"]:
            if text.startswith(w) and len(text) - len(w) >= 2 and len(w) in starts:
                text, changed = text[len(w):], True
                break
    return text


def _cut_after_verb(text: str) -> str:
    """The object after the first clause verb (完成城市环境品质提升项目 → 城市环境…项目),
    when it leaves at least three characters."""
    c = _compiled()
    for w, _, a, b in _cut(text):
        if w in c["lead_verbs"] and len(text) - b >= 3 and text[b] not in _NOUN_SUFFIX:
            return text[b:]
    return text


def _cut_long(text: str) -> str:
    """A long phrase keeps what follows its last verb (…工作人员告知吴小秦每月最低收费标准
    → 吴小秦每月最低收费标准), when that leaves a name of four characters or more."""
    best = 0
    for w, flag, a, b in _cut(text):
        if flag == "v" and len(text) - b >= 4:
            best = b
    return text[best:]


def clean_name(text: str) -> str:
    """Shortest form of the words before a number that still names the figure."""
    c = _compiled()
    text = text.strip("|").lstrip("、，,：:；;—-（(")
    # a trailing remark (含离退休人员) is not part of the name; one inside the name stays,
    # so that the metric is still a copy of the sentence
    text = c["paren_drop"].sub("", text)
    text = _strip_tail(text)
    if not text:
        return ""
    text = _cut_after_time(text)
    k = text.rfind("——")
    if 0 <= k and len(text) - k - 2 >= 2:
        text = text[k + 2:]                  # …收费项目——数字电视基本收视维护费
    k = text.rfind("、")
    if k >= 0:
        rest = text[k + 1:]
        toks = _cut(rest)
        if toks and toks[0][0] in c["lead_verbs"]:
            text = rest                      # 参加亚运会、开展赛事 → 开展赛事
    text = _strip_lead(text)
    text = _strip_tail(text)
    text = _cut_after_verb(text)
    text = _strip_tail(text)
    if len(text) > 14:
        text = _cut_long(text)
    if text in c["lead_words"] or text in c["time_words"]:
        return ""
    if text.startswith("）") or text.startswith(")"):
        text = text[1:]
    text = text.strip("的| ")
    # figures of the row before (a PDF table read as lines: '56.95 1.87%') name nothing
    return text if any(ch.isalpha() for ch in text) else ""


def _prefers_following(pre: str) -> bool:
    """Whether the words before a number end in a verb, a preposition, an enumeration
    (等), a conjunction or a quoted list, so the number counts the noun phrase after it
    (捣毁5个窝点, 与5个城市, 肯尼亚、津巴布韦等4个国家, 入城口、139条道路)."""
    c = _compiled()
    t = pre.rstrip("了过着")
    if not t or t[-1] in "、和及与或等”》":
        return True
    if any(t.endswith(w) for w in c["np_lead"]):
        return True                           # 培育首批22家数字经济特色产业园区
    if t[-1] in "由从自":
        return False                          # 由8300万增加到…: the figure it starts from
    for cand in (t, _strip_tail(t)):
        if not cand:
            return True
        if cand[-1] in "等和及与或":
            return True
        toks = _cut(cand)
        if not toks:
            return True
        w, flag, _, _ = toks[-1]
        if w in c["lead_verbs"] or (len(w) == 1 and w in c["lead_words"]):
            return True
        if (flag in ("v", "p", "ns", "r") or flag.startswith("v") and flag not in ("vn", "vd")) \
                and len(w) <= 4:
            return True
    return False


def _outside_quotes(seg: str, ch: str) -> list[int]:
    out, depth = [], 0
    for i, x in enumerate(seg):
        if x in "“《":
            depth += 1
        elif x in "”》":
            depth = max(0, depth - 1)
        elif x == ch and depth == 0:
            out.append(i)
    return out


def following_np(s: str, p: int, limit: int | None = None) -> tuple[str, int]:
    """The noun phrase right after a quantity and where it ends
    (5个协办城市协调联动 → 协办城市; 组织6场覆盖…的知识产权培训 → 知识产权培训…;
    连续17年获评“…城市” → 获评“…城市”)."""
    limit = len(s) if limit is None else limit
    if p >= limit:
        return "", p
    c = _compiled()
    end = p
    while end < limit and s[end] not in _PUNCT_STOP:
        if s[end].isdigit():
            k = end
            while k < limit and s[k].isdigit():
                k += 1
            if k < limit and s[k] == "强" and end > p:
                end = k + 1                  # 境外世界500强企业: part of the name
                continue
            break
        end += 1
    seg = s[p:end]
    if not seg or seg[0] in "以左上下余多来内中（(":
        return "", p
    if not (seg[0].isalnum() or seg[0] in "“‘《"):
        return "", p                          # |, /, ·: table or code debris
    if any(seg.startswith(w) for w in c["no_np_start"]):
        return "", p                          # 增加到1万, 增长5%: a verb of the figure
    offset = 0
    if seg[0] == "的":
        offset, seg = 1, seg[1:]              # 提供过每月25元的收费服务
    toks = _cut(seg)
    des = [k for k in _outside_quotes(seg, "的") if k > 0]
    if des and toks:
        first_w, first_flag = toks[0][0], toks[0][1]
        if first_flag.startswith("v") and first_flag != "vn" or first_w in c["lead_verbs"]:
            offset = des[-1] + 1                 # a relative clause: …的知识产权培训
            seg = seg[offset:]
        else:
            seg = seg[:des[0]]                   # 六个方面的工作 → 方面
        toks = _cut(seg)
    if not toks:
        return "", p
    out = []
    w0, f0 = toks[0][0], toks[0][1]
    if f0 in ("p", "c", "d", "u", "uj", "ul", "r") or w0 in ("和", "及", "与", "或", "的"):
        return "", p
    verb_first = f0.startswith("v") and f0 != "vn" or w0 in c["np_stop"]
    if verb_first and w0 in c["place_verbs"]:
        return "", p                             # 连续21年居全国首位: the rank says it
    depth = 0
    for j, (w, flag, a, b) in enumerate(toks):
        if j == 0 and verb_first:
            out.append(w)                        # 40天开工, 6个月具备开工条件
        elif depth == 0 and out and (w in c["np_stop"] or flag in ("p", "d", "c", "uj", "ul")):
            break
        else:
            out.append(w)
        depth += w.count("“") + w.count("《") - w.count("”") - w.count("》")
    np_ = "".join(out)[:24]
    return np_, p + offset + len(np_)


def _split_parts(name: str, n: int) -> list[str] | None:
    """A、B (和C) → [A, B, C] when it has exactly n parts."""
    if n < 2:
        return None
    parts = [x for x in name.split("、") if x]
    if len(parts) == n - 1 and re.search("和|及|与", parts[-1]):
        last = parts.pop()
        k = max(last.rfind("和"), last.rfind("及"), last.rfind("与"))
        parts += [last[:k], last[k + 1:]]
    if len(parts) != n or any(not x for x in parts):
        return None
    return parts


def _previous_metric(found, i) -> str | None:
    for j in range(i - 1, -1, -1):
        if found[j].metric:
            return found[j].metric
    return None


def assign_metrics(s: str, found: list, r) -> None:
    """Set ``metric`` on every quantity of sentence ``s`` (found is in text order)."""
    from pipeline.extract.quantities import _clause_start
    c = _compiled()
    run_len: dict[int, int] = {}
    for q in found:
        if q.run_head >= 0:
            run_len[q.run_head] = run_len.get(q.run_head, 1) + 1
    parts_of: dict[int, list[str]] = {}
    consumed = -1            # end of a noun phrase after a number already used as its metric
    for i, q in enumerate(found):
        prev = found[i - 1] if i else None
        if q.run_head >= 0:
            head = found[q.run_head]
            k = i - q.run_head
            parts = parts_of.get(q.run_head)
            q.metric = parts[k] if parts and k < len(parts) else head.metric
            continue
        cs = _clause_start(s, q.q_start)
        lo = cs
        for p_ in found[:i]:
            if p_.q_end <= q.q_start:
                lo = max(lo, p_.q_end)
        if consumed > lo and consumed <= q.q_start:
            lo = consumed
        if q.kind == "rank":
            lo_v = cs
            for p_ in found[:i]:
                if p_.q_end <= q.rank_verb_at:
                    lo_v = max(lo_v, p_.q_end)
            if q.role == "level":
                q.metric = _rank_metric(s, q, lo_v, r) or _previous_metric(found, i)
            else:                                    # 前移一位
                q.metric = clean_name(s[lo_v:q.rank_verb_at]) or _previous_metric(found, i)
            continue
        if q.role == "share" and q.share_at >= 0:
            name = clean_name(s[lo:q.share_at]) if q.share_at > lo else ""
            q.metric = name or _previous_metric(found, i)
            continue
        pre = s[lo:q.q_start]
        if q.role == "change":
            m = r.change_re.search(pre) or r.change_noun_re.search(pre)
            if m:
                pre = pre[:m.start()]
            name = clean_name(pre)
            if name in c["anaphora"]:
                name = ""
            if name and i + 1 < len(found) and found[i + 1].run_head == i:
                parts = _split_parts(name, run_len.get(i, 1))
                if parts:
                    parts_of[i] = parts
                    name = parts[0]
            q.metric = name or _previous_metric(found, i)
            continue
        # level (and shares named without 占: 比重为, 的)
        name = clean_name(pre)
        if name and "、" in name and i + 1 < len(found) and found[i + 1].run_head == i:
            parts = _split_parts(name, run_len.get(i, 1))
            if parts:                                 # 解决率、满意率分别达到95.5%和96.1%
                parts_of[i] = parts
                q.metric = parts[0]
                continue
        if name in c["anaphora"]:
            q.metric = _previous_metric(found, i) or name
            continue
        nxt, nxt_end = following_np(s, q.q_end, found[i + 1].q_start if i + 1 < len(found)
                                    else None)
        if nxt and (not name or q.kind == "duration" or _prefers_following(pre)):
            q.metric = nxt
            consumed = nxt_end
            continue
        q.metric = name or (_previous_metric(found, i) if prev is not None else None)


def _rank_metric(s: str, q, lo: int, r) -> str:
    """居全国第五: the words before the verb; 跃居…百强城市第六位: the words between."""
    verb_at = max(q.rank_verb_at, lo)
    verb_end = verb_at
    for w in sorted(r.rank_verbs, key=len, reverse=True):
        if s.startswith(w, verb_at):
            verb_end = verb_at + len(w)
            break
    between = s[verb_end:q.q_start]
    b = r.scope_lead_re.sub("", between) if between else ""
    b = _strip_tail(b)
    if len(b) >= 3 and not re.search(r"\d", b):
        return between
    return clean_name(s[lo:verb_at])

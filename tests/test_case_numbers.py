"""Case numbers (GUIDE 4, Case numbers): docket numbers as written, with their parts."""

from pipeline.extract.case_numbers import find_case_numbers
from pipeline.process import process_file


def numbers(s):
    return [(n["text"], n["year"], n["court_code"], n["case_type"], n["serial"]) for n in find_case_numbers(s)]


def test_numbers_of_a_guiding_case():
    # other-shaanxi-2017.md (corpus): first instance, appeal and retrial
    s = "最高人民法院于2016年5月31日作出（2016）最高法民再98号民事判决：1.撤销陕西省高级人民法院（2013）陕民三终字第38号民事判决；2.维持陕西省西安市中级人民法院（2012）西民四初字第438号民事判决。"
    assert numbers(s) == [("（2016）最高法民再98号", 2016, "最高法", "民再", 98),
                          ("（2013）陕民三终字第38号", 2013, "陕", "民三终", 38),
                          ("（2012）西民四初字第438号", 2012, "西", "民四初", 438)]


def test_numbers_of_today_with_digit_court_codes():
    assert numbers("审结(2023)粤0106民初12345号案件") == [("(2023)粤0106民初12345号", 2023, "粤0106", "民初", 12345)]
    assert numbers("（2019）最高法知民终1号") == [("（2019）最高法知民终1号", 2019, "最高法", "知民终", 1)]
    assert numbers("（2020）京73民初1234号、（2021）京民终56号") == [
        ("（2020）京73民初1234号", 2020, "京73", "民初", 1234), ("（2021）京民终56号", 2021, "京", "民终", 56)]
    assert numbers("（2009）民申字第1065号") == [("（2009）民申字第1065号", 2009, None, "民申", 1065)]


def test_government_document_numbers_are_not_case_numbers():
    assert numbers("根据《国务院办公厅关于加强知识产权保护的意见》（国办发〔2021〕12号）") == []
    assert numbers("粤府〔2023〕1号") == []
    # other-case-chengdu-wenjiang-nd.md: a land bureau's decision numbered with （）
    assert numbers("2018年11月5日，原温江区国土局作出温国土资发（2018）366号《决定书》") == []


def test_case_records_name_the_number_next_to_them(tmp_path):
    src = tmp_path / "court.txt"
    src.write_text("审结某某公司诉某某网络公司侵害商标权纠纷案〔（2019）最高法知民终1号〕，判赔500万元。\n"
                   "审结“青花椒”商标侵权纠纷一案，案号（2021）川01民初1234号。\n"
                   "根据《意见》（国办发〔2021〕12号）审结李某某受贿案。\n", encoding="utf-8")
    out = process_file(src, use_model=False)
    recs = [(r["type"], r["text"], r.get("case_number")) for r in out["records"] if r["type"].startswith("case")]
    assert recs == [("case", "某某公司诉某某网络公司侵害商标权纠纷案", "（2019）最高法知民终1号"),
                    ("case_number", "（2019）最高法知民终1号", None),
                    ("case", "“青花椒”商标侵权纠纷一案", "（2021）川01民初1234号"),
                    ("case_number", "（2021）川01民初1234号", None),
                    ("case", "李某某受贿案", None)]
    n = next(r for r in out["records"] if r["type"] == "case_number")
    assert (n["year"], n["court_code"], n["case_type"], n["serial"], n["id"][:2]) == (2019, "最高法", "知民终", 1, "n-")


def test_case_numbers_reach_the_exported_tables(tmp_path):
    import csv

    from pipeline.export.files import export_csv
    from pipeline.output import dumps

    src = tmp_path / "court.txt"
    src.write_text("审结某某公司诉某某网络公司侵害商标权纠纷案（（2019）最高法知民终1号）。\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "court.txt.json").write_text(dumps(process_file(src, use_model=False)), encoding="utf-8")
    export_csv(tmp_path / "out", tmp_path / "csv")
    with open(tmp_path / "csv" / "records.csv", encoding="utf-8") as f:
        rows = {r["type"]: r for r in csv.DictReader(f)}
    assert rows["case"]["case_number"] == "（2019）最高法知民终1号"
    n = rows["case_number"]
    assert (n["year"], n["court_code"], n["case_type"], n["serial"]) == ("2019", "最高法", "知民终", "1")


def test_the_court_may_stand_between_a_name_and_its_number(tmp_path):
    # the form of the yearly lists of ten IP cases: name〔court (number)judgment〕
    src = tmp_path / "ten-cases.txt"
    src.write_text("二、中外制药株式会社与温州海鹤药业有限公司确认是否落入专利权保护范围纠纷案"
                   "〔最高人民法院(2022)最高法知民终905号民事判决书〕\n"
                   "四、上海万翠堂餐饮管理有限公司与温江五阿婆青花椒鱼火锅店侵害商标权纠纷案"
                   "〔四川省高级人民法院(2021)川知民终2152号民事判决书〕\n", encoding="utf-8")
    out = process_file(src, use_model=False)
    got = [(r["text"], r["case_number"]) for r in out["records"] if r["type"] == "case"]
    assert got == [("中外制药株式会社与温州海鹤药业有限公司确认是否落入专利权保护范围纠纷案", "(2022)最高法知民终905号"),
                   ("上海万翠堂餐饮管理有限公司与温江五阿婆青花椒鱼火锅店侵害商标权纠纷案", "(2021)川知民终2152号")]


def test_old_numbers_ranges_and_long_serials():
    assert numbers("（2013）粤高法民三终字第123号") == [("（2013）粤高法民三终字第123号", 2013, "粤高法", "民三终", 123)]
    assert numbers("(2020)粤73知民初1号") == [("(2020)粤73知民初1号", 2020, "粤73", "知民初", 1)]
    assert numbers("（2023）粤0106民初12345-12350号") == [("（2023）粤0106民初12345-12350号", 2023, "粤0106", "民初", 12345)]
    assert numbers("（2022）最高法刑核12345678号")[0][3:] == ("刑核", 12345678)
    assert numbers("京检行公建〔2021〕1号") == []        # a procuratorate's document number

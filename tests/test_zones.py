"""Development zones as a report's region, their bodies, and linking (issue 9, causes 4-5),
on sentences of the Pingtan zone's own reports (corpus/other-pingtan-*.html)."""
from pathlib import Path

from pipeline.extract.agencies import find_agencies, link_canonicals
from pipeline.ingest import read_document
from pipeline.region import detect_region
from pipeline.sections import find_sections

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PINGTAN = {"name": "平潭综合实验区", "district": "平潭综合实验区", "city": "福州市",
           "province": "福建省", "level": "district"}


def canon(sentence, region=PINGTAN):
    return [(a["text"], a["canonical"]) for a in find_agencies(sentence, region)]


def test_a_comprehensive_pilot_zone_is_the_region_of_its_reports():
    for name in ("other-pingtan-admin-approval-2022.html", "other-pingtan-natural-resources-2022.html",
                 "stats-communique-pingtan-economy-2021.html"):
        doc = read_document(CORPUS / name)
        find_sections(doc)
        assert detect_region(f"{doc.title}\n{doc.text[:1500]}", doc.source) == PINGTAN, name


def test_a_mention_of_taiwan_is_never_the_region():
    # the admin-approval summary speaks of 台胞台企 and 台湾专才, not of 台湾省
    head = ("联合区台湾工作部等单位，建立对台服务政策制定运行双向机制。"
            "试点对台工作人员“包片”联络服务，鼓励台湾专才、社区营造师、台籍社工等积极参与基层治理。")
    assert detect_region(head) is None


def test_zone_short_forms_take_the_zones_name():
    assert canon("区行政审批局在区党工委、管委会的坚强领导下，以迎接宣传贯彻党的二十大为主线。") == [
        ("区行政审批局", "平潭综合实验区行政审批局"),
        ("区党工委", "中国共产党平潭综合实验区工作委员会"),
        ("管委会", "平潭综合实验区管理委员会")]
    got = dict(canon("协调区公安局、区检察院、区人民法院在区林长办建立工作站。"))
    assert got["区公安局"] == "平潭综合实验区公安局"
    assert got["区人民法院"] == "平潭综合实验区人民法院"
    assert got["区检察院"] == "平潭综合实验区人民检察院"


def test_province_short_forms_filled_from_the_zones_province():
    assert ("省生态环境厅", "福建省生态环境厅") in canon("经省生态环境厅评审，位列全省第4名。")
    assert ("省自然资源厅", "福建省自然资源厅") in canon("争取在省自然资源厅协调帮助下，购买跨省域增减挂钩指标800亩。")


def test_another_zones_committee_is_not_the_regions():
    # in a district report a park's committee keeps the park's name
    tianhe = {"name": "天河区", "district": "天河区", "city": "广州市", "province": "广东省", "level": "district"}
    assert canon("科技园管委会开展活动。", tianhe) == [("科技园管委会", "天河科技园管理委员会")]


def test_linking_never_maps_one_body_onto_another():
    out = link_canonicals(["天河区人民政府外事办公室", "天河区人民政府办公室",
                           "天河区知识产权工作领导小组", "天河区知识产权领导小组"])
    assert out == ["天河区人民政府外事办公室", "天河区人民政府办公室",
                   "天河区知识产权工作领导小组", "天河区知识产权工作领导小组"]


def test_a_long_name_is_not_cut_short():
    assert canon("市政府研究室牵头开展调研。", {"name": "杭州市", "district": None, "city": "杭州市",
                                          "province": "浙江省", "level": "city"}) == [
        ("市政府研究室", "杭州市人民政府研究室")]

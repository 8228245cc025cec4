"""Region detection on the openings of real reports (corpus/real, corpus/seed)."""
from pipeline.region import detect_region, find_places, match_place


def test_district_from_the_body_that_speaks():
    head = ("2023年，广州市天河区知识产权工作领导小组各成员单位深入学习贯彻党的“二十大”精神，"
            "全面落实党中央、国务院知识产权强国战略，围绕国家、省、市知识产权局关于知识产权工作的决策部署，"
            "紧扣区委、区政府中心工作")
    r = detect_region(head, "tianhe-ip-2023.txt")
    assert r == {"name": "天河区", "district": "天河区", "city": "广州市", "province": "广东省",
                 "level": "district"}


def test_city_from_the_mayors_line():
    head = ("（2024年1月29日在杭州市第十四届人民代表大会第四次会议上）\n\n杭州市人民政府市长  姚高员\n\n"
            "各位代表：\n\n现在，我代表市人民政府向大会报告工作，请予审议。习近平总书记亲临浙江考察")
    r = detect_region(head, "gov-work-report-hangzhou-2024.txt")
    assert (r["name"], r["city"], r["province"], r["level"]) == ("杭州市", "杭州市", "浙江省", "city")


def test_city_from_a_communique_title():
    head = "2023年洛阳市国民经济和社会发展统计公报①\n\n洛阳市统计局\n\n国家统计局洛阳调查队\n\n2024年4月30日"
    r = detect_region(head, "stats-communique-luoyang-2023.txt")
    assert (r["name"], r["province"]) == ("洛阳市", "河南省")


def test_city_named_only_by_its_stem_and_the_file_name():
    # Changsha's report opens with '市人民政府' and names the city only as 长沙
    head = ("各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议，并请各位政协委员提出意见。\n"
            "——全球研发中心城市建设扬帆启航，全社会研发投入强度首次超过3%，人才总量突破300万，"
            "获评2023中国年度最佳引才城市，创新要素资源加速向长沙集聚。")
    r = detect_region(head, "gov-work-report-changsha-2024.docx")
    assert (r["name"], r["province"]) == ("长沙市", "湖南省")
    assert detect_region(head, "")["name"] == "长沙市"


def test_autonomous_prefecture_keeps_its_full_name():
    head = "政府工作报告\n（2024年1月31日在黔东南州第十五届人民代表大会第四次会议上）\n州长  杨光杰"
    r = detect_region(head, "gov-work-report-qiandongnan-2024.docx")
    assert r["name"] == "黔东南苗族侗族自治州" and r["province"] == "贵州省"


def test_district_of_a_municipality():
    head = "上海市普陀区2025年区级部门预算\n预算主管部门：上海市普陀区商务委员会"
    r = detect_region(head, "other-shanghai-putuo-commerce-2025.pdf")
    assert (r["district"], r["city"], r["province"]) == ("普陀区", "上海市", "上海市")


def test_district_not_in_the_gazetteer_after_its_city():
    r = detect_region("淮安市洪泽区人民政府2023年政府信息公开工作年度报告", "")
    assert (r["district"], r["city"], r["province"]) == ("洪泽区", "淮安市", "江苏省")


def test_national_report():
    head = "政府工作报告——2018年3月5日在第十三届全国人民代表大会第一次会议上\n国务院总理 李克强"
    assert detect_region(head, "gov-work-report-china-2018.txt")["level"] == "national"


def test_province_of_a_court_case():
    head = ("广电公司辩称：广电公司作为陕西省内唯一电视节目集中播控者，向选择收看基本收视节目之外的消费者收取费用；"
            "广电公司是经陕西省政府批准，陕西境内唯一合法经营有线电视传输业务的经营者。")
    r = detect_region(head, "other-shaanxi-2017.md")
    assert (r["name"], r["level"]) == ("陕西省", "province")


def test_nothing_to_find():
    assert detect_region("各位代表：现在，我代表市人民政府向大会报告工作。", "") is None


def test_place_chains():
    pm = match_place("陕西省西安市中级人民法院", 0)
    assert pm.place.name == "西安市" and [p.name for p in pm.chain] == ["陕西省", "西安市"]
    # '公安局天河区' is an agency then a district, not one county name
    names = [p.place.name for p in find_places("广州市公安局天河区分局")]
    assert names == ["广州市", "天河区"]
    # 市 in 杭州市市长 does not start a county-level unit
    assert match_place("杭州市市长", 0).place.name == "杭州市"

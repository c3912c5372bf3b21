

def test_a_library_entry_is_cited_as_the_library_not_the_web_page():
    from training.domain.records import IndicatorRow

    row = IndicatorRow(source="library_indicators.jsonl", table=0, row=0, doc="http://www.example.com/63.html", level3="场地租赁费",
                       publisher="www.example.com", origin="library", sector="会议培训类")
    assert row.citation == "指标库 会议培训类"
    table_row = IndicatorRow(source="a.xlsx", table=0, row=0, doc="a", level3="培训人数", publisher="郑州市", year=2020, project="科普")
    assert table_row.citation == "郑州市 2020年 科普"


def test_a_citation_carries_no_web_address_and_names_a_repository_as_such():
    from training.domain.records import IndicatorRow

    row = IndicatorRow(source="library_indicators.jsonl", table=0, row=0, doc="d", level3="会场租赁费", origin="library",
                       sector="会议类项目（www.clix4bitcoin.com）")
    assert row.citation == "指标库 会议类项目"
    repository = IndicatorRow(source="repository_indicators.jsonl", table=0, row=0, doc="d", level3="网络覆盖率",
                              publisher="github:hktianyi/Meeting")
    assert repository.citation == "公开代码库数据（hktianyi/Meeting）"

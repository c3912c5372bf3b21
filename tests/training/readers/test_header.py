"""Headers found by role vocabulary: alias rank, sub-headers, the annual target column."""

from training.readers.header import find_header, header_at, looks_like_header


def test_the_first_alias_wins_a_role(taxonomy):
    header = find_header([["项目名称", "乡村培训"], ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]], taxonomy)
    assert (header.index, header.end) == (1, 2)
    assert header.roles["level3"] == 3 and header.label_columns == [0]


def test_a_sub_header_completes_the_cell_it_stands_under(taxonomy):
    rows = [["一级指标", "二级指标", "三级指标", "指标值", "", "指标值说明"], ["", "", "", "中期目标", "年度目标", ""]]
    header = header_at(rows, 0, taxonomy)
    assert header.end == 2
    assert header.roles["target"] == 4 and header.period == "annual"
    assert header.labels[3:5] == ["指标值/中期目标", "指标值/年度目标"]


def test_a_body_row_under_a_header_is_no_sub_header(taxonomy):
    header = header_at([["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "培训人次", "≥300人次"]], 0, taxonomy)
    assert header.end == 1


def test_a_lone_label_is_no_header(taxonomy):
    assert not looks_like_header(["绩效指标", ""], taxonomy)
    assert looks_like_header(["序号", "指标名称"], taxonomy)
    assert find_header([["说明", "三级指标很重要"]], taxonomy) is None

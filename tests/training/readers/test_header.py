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


def test_level_names_in_the_second_row_under_a_merged_label(taxonomy):
    """The official template: 绩效指标 merged over the three level columns, 指标值 … merged down over both rows."""
    rows = [["绩效指标", "", "", "指标值", "计量单位", "分值"], ["一级指标", "二级指标", "三级指标", "", "", ""],
            ["产出指标", "数量指标", "新建集中供水工程", "3", "处", "10"]]
    header = find_header(rows, taxonomy)
    assert (header.index, header.end) == (0, 2)
    assert header.roles == {"level1": 0, "level2": 1, "level3": 2, "target": 3, "unit": 4, "weight": 5}


def test_roles_merged_down_from_the_row_above_the_level_names(taxonomy):
    """The same with a label the vocabulary does not know (指标) over the levels: the header is the second row, and
    the first row's 指标值, 计量单位 and 分值 belong to it."""
    rows = [["指标", "", "", "指标值", "计量单位", "分值"], ["一级指标", "二级指标", "三级指标", "", "", ""],
            ["产出指标", "数量指标", "新建集中供水工程", "3", "处", "10"]]
    header = find_header(rows, taxonomy)
    assert (header.index, header.end) == (1, 2)
    assert header.roles == {"level1": 0, "level2": 1, "level3": 2, "target": 3, "unit": 4, "weight": 5}
    # a row above holding anything but column names (a title, metadata) lends the header nothing
    rows[0] = ["项目名称：供水工程", "", "", "指标值", "", ""]
    assert "target" not in find_header(rows, taxonomy).roles


def test_target_columns_named_with_a_year_a_unit_or_another_word(taxonomy):
    for name in ("2024年度目标值", "2024年指标值", "指标值及单位", "目标值及计量单位", "预期指标值", "绩效目标值"):
        assert taxonomy.column_role(name) == "target", name
    assert taxonomy.column_role("实际完成指标值") == "actual" and taxonomy.column_role("指标值说明") == "explanation"
    assert taxonomy.column_role("2025年度") is None and taxonomy.column_role("完成目标值") is None
    header = find_header([["三级指标", "分值", "预期指标值"]], taxonomy)
    assert header.roles["target"] == 2

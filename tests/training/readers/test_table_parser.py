"""The table rules every format shares, on CSV and text tables: what is an indicator, where its cells are, what was guessed."""

import pytest

from training.readers import read_file
from training.readers.table_parser import compose_target


def read_csv(lines: list[str], name: str = "t.csv"):
    return read_file(name, data="\n".join(lines).encode(), name=name)


HEADER = "一级指标,二级指标,三级指标,指标值,指标值说明"


def test_rows_that_are_not_indicators_are_left_out_and_leave_the_levels_alone():
    result = read_csv([
        "2025年度项目支出绩效目标表,,,,", ",,,,单位：万元", HEADER,
        "产出指标,数量指标,培训人次,≥300人次,",
        "注：指标值应尽量量化。,,,,",
        ",,培训班次,=6次,",
        "第 1 页 共 2 页,,,,", "- 2 -,,,,", "单位：万元,,,,",
        "合计,,,,", ",,,总分,100",
        "效益指标,社会效益指标,群众知晓率,≥90%,",
        "填表人：张三,,联系电话：123,,",
        "说明：本表由项目单位填报,,,,",
    ])
    assert [(r.level1_raw, r.level2_raw, r.level3) for r in result.rows] == [
        ("产出指标", "数量指标", "培训人次"), ("产出指标", "数量指标", "培训班次"), ("效益指标", "社会效益指标", "群众知晓率")]
    assert all(not r.issues for r in result.rows)


def wrapped_layout(lines: list[str]):
    """Rows as a layout that reads lines as rows (PDF text, the seed text files) would give them."""
    from training.domain.taxonomy import load_taxonomy
    from training.readers.sections import Section
    from training.readers.table_parser import FileContext, parse_section

    section = Section(title=None, rows=[line.split(",") for line in lines], wrapped_names=True)
    return parse_section(section, FileContext(source="t.pdf", doc="t.pdf", taxonomy=load_taxonomy()))


def test_a_name_wrapped_onto_the_next_row_is_joined_and_reported():
    rows = wrapped_layout([HEADER, "产出指标,数量指标,新建农村公路,≥120公里,", ",,里程,,", ",,培训人次,≥300人次,"])
    assert [r.level3 for r in rows] == ["新建农村公路里程", "培训人次"]
    assert rows[0].issues == ["name continued on the next row and joined: '新建农村公路' + '里程' (guessed)"]
    assert rows[1].issues == []


def test_a_repeated_header_continues_the_table_and_its_level_cells():
    result = read_csv([
        "一级指标,二级指标,指标名称,目标值", "产出指标,数量指标,培训人次,≥300人次",
        "一级指标,二级指标,指标名称,目标值", ",,培训班次,=6次",
    ])
    assert [(r.level2, r.level3) for r in result.rows] == [("数量指标", "培训人次"), ("数量指标", "培训班次")]
    assert result.tables == 1


def test_long_term_and_annual_blocks_are_told_apart():
    result = read_csv([
        "中长期绩效指标,,,", "一级指标,二级指标,三级指标,中长期指标值", "产出指标,数量指标,新建里程,≥360公里",
        "年度绩效指标,,,", "一级指标,二级指标,三级指标,年度指标值", "产出指标,数量指标,新建里程,≥120公里",
    ])
    assert [(r.period, r.target.text) for r in result.rows] == [("long_term", "≥360公里"), ("annual", "≥120公里")]
    assert result.tables == 2


def test_two_row_header_takes_the_annual_value():
    rows = read_csv([
        "一级指标,二级指标,三级指标,指标值,,指标值说明",
        ",,,中期目标（2025-2027年）,年度目标,",
        "产出指标,数量指标,新建里程,≥360公里,≥120公里,年度计划",
    ]).rows
    assert [(r.level3, r.target.text, r.period, r.description) for r in rows] == [("新建里程", "≥120公里", "annual", "年度计划")]
    assert rows[0].input["指标值/中期目标（2025-2027年）"] == "≥360公里"


def test_split_targets_are_composed_and_weights_are_never_targets():
    rows = read_csv([
        "一级指标,二级指标,三级指标,指标性质,指标值,度量单位,权重（%）,指标解释",
        "产出指标,数量指标,新建里程,≥,120,公里,20,",
        ",质量指标,验收合格率,＝,100,%,15,",
        ",数量指标,培训人次,,≥800,人次,10,",
        "效益指标,社会效益指标,出行条件,定性,有效改善,,15,定性指标",
        ",,,,,,30,",
    ]).rows
    assert [r.target.text for r in rows] == ["≥120公里", "=100%", "≥800人次", "有效改善"]


def test_compose_target_keeps_what_needs_no_completion():
    assert compose_target("≥90%（满意度）", "≥", "%") == "≥90%（满意度）"
    assert compose_target("2025年11月30日", "≤", "") == "2025年11月30日"
    assert compose_target("120公里", "大于等于", "公里") == "≥120公里"
    assert compose_target("", "≥", "人") == ""


def test_self_evaluation_table_keeps_target_and_actual_apart():
    rows = read_csv([
        "项目支出绩效自评表,,,,,,,", "（2024年度）,,,,,,,",
        "绩效指标,一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分",
        ",产出指标（50分）,数量指标,新建里程,≥120公里,122公里,15,15",
        ",满意度指标（10分）,服务对象满意度指标,群众满意度,≥90%,93%,10,10",
        "总分,,,,,,100,97.7",
    ]).rows
    assert [(r.level3, r.target.text, r.actual, r.level1, r.period, r.year) for r in rows] == [
        ("新建里程", "≥120公里", "122公里", "产出指标", "annual", 2024),
        ("群众满意度", "≥90%", "93%", "满意度指标", "annual", 2024)]


CATEGORY_WORD_NAMES = [
    "一级指标\t二级指标\t三级指标\t指标值",
    "成本指标\t社会成本指标\t社会成本\t施工期间对沿线居民出行无明显不利影响",
    "满意度指标\t服务对象满意度指标\t满意度\t较上年有所提高",
]


def test_header_columns_win_over_the_vocabulary_guess_in_a_grid():
    rows = read_file("t.csv", data="\n".join(line.replace("\t", ",") for line in CATEGORY_WORD_NAMES).encode(), name="t.csv").rows
    assert [(r.level3, r.target_raw, r.issues) for r in rows] == [
        ("社会成本", "施工期间对沿线居民出行无明显不利影响", []), ("满意度", "较上年有所提高", [])]


def test_the_vocabulary_guess_is_for_text_layouts_and_is_reported():
    rows = read_file("t.txt", data="\n".join(["\t产出目标\t数量", "\t\t培训人次\t≥300人次", *CATEGORY_WORD_NAMES]).encode(),
                     name="t.txt").rows
    guessed = [r for r in rows if r.issues]
    assert guessed and all("placed by the vocabulary of level names (guessed)" in r.issues[0] for r in guessed)


def test_metadata_rows_between_tables_belong_to_the_next_table():
    rows = read_csv([
        "项目名称,乡村培训,,", "一级指标,二级指标,三级指标,指标值", "产出指标,数量指标,培训人次,≥300人次",
        "项目名称,道路养护,,", "一级指标,二级指标,三级指标,指标值", "产出指标,数量指标,养护里程,≥50公里",
    ]).rows
    assert [(r.project, r.level3) for r in rows] == [("乡村培训", "培训人次"), ("道路养护", "养护里程")]


def test_an_indicator_without_a_target_is_never_merged_into_the_row_above():
    rows = read_csv([HEADER, "产出指标,数量指标,新建农村公路里程,≥120公里,", ",,培训合格率,,", ",,培训结业人数超过计划人数的比例,,"]).rows
    assert [r.level3 for r in rows] == ["新建农村公路里程", "培训合格率", "培训结业人数超过计划人数的比例"]  # CSV keeps wraps in cells
    rows = wrapped_layout([HEADER, "产出指标,数量指标,群众知晓率,,", ",,里程,,"])  # the row above has no target: not a wrap
    assert [r.level3 for r in rows] == ["群众知晓率", "里程"]
    rows = wrapped_layout([HEADER, "产出指标,数量指标,培训人次,≥300人次,", ",,培训结业人数超过计划人数的比例,,"])  # too long for a wrap
    assert [r.level3 for r in rows] == ["培训人次", "培训结业人数超过计划人数的比例"]


def test_spreadsheet_rows_are_never_joined(tmp_path):
    from tests.training.readers.builders import xlsx_bytes

    data = xlsx_bytes([["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "新建农村公路", "≥120公里"],
                       [None, None, "里程", None]])
    rows = read_file("t.xlsx", data=data, name="t.xlsx").rows
    assert [r.level3 for r in rows] == ["新建农村公路", "里程"]


@pytest.mark.parametrize(("title", "project", "period"), [
    ("2024年度公路养护项目绩效目标表", "公路养护", None),  # was 年度公路养护
    ("2024年度 文化惠民工程 项目绩效目标表", "文化惠民工程", None),  # was "年度 文化惠民工程 "
    ("1.乡村振兴项目绩效目标表", "乡村振兴", None),
    ("2023—2025年中期绩效目标表", None, "long_term"),  # was project —2025年中期, its period unread
    ("高标准农田建设项目 绩效目标表（2025年）", "高标准农田建设", None),  # the year after the title: had no project
    ("高标准农田建设项目绩效目标表(2025年度)", "高标准农田建设", None),
])
def test_the_project_a_title_names(title, project, period):
    (row,) = read_csv([title, "三级指标,指标值", "培训人次,≥300人次"]).rows
    assert (row.project, row.period) == (project, period)


def test_a_deadline_is_no_budget_year():
    """The review page showed year 2025 for a table whose only year was in a target (2025年6月底前)."""
    (row,) = read_csv(["三级指标,指标值", "项目完成时间,2025年6月底前"]).rows
    assert row.year is None
    (row,) = read_csv(["2024年度项目支出绩效目标表", "三级指标,指标值", "项目完成时间,2025年6月底前"]).rows
    assert row.year == 2024


def test_the_filing_unit_is_the_unit():
    (row,) = read_csv(["填报单位（盖章）：某某县农业农村局", "三级指标,指标值", "培训人数,≥100人"]).rows
    assert row.unit_name == "某某县农业农村局"


def test_a_lists_numbering_is_no_part_of_the_name():
    rows = read_csv(["三级指标,指标值", "3.严重精神障碍患者规范管理率,≥80%", "（2）培训人次,≥300人次", "1.5万亩高标准农田建设,=1.5万亩"]).rows
    assert [r.level3 for r in rows] == ["严重精神障碍患者规范管理率", "培训人次", "1.5万亩高标准农田建设"]


def test_the_reviewers_own_export_reads_back_with_its_published_labels():
    """原一级指标 and 原二级指标 (the annotated CSV's columns) are the labels: a re-uploaded export had lost them."""
    (row,) = read_csv(["来源文件,原一级指标,原二级指标,三级指标,指标值,预测一级指标,预测二级指标",
                       "a.csv,产出指标,质量指标,验收合格率,'=100%,产出指标,数量指标"]).rows
    assert (row.level1, row.level2, row.level3, row.target.text) == ("产出指标", "质量指标", "验收合格率", "=100%")


def test_none_in_the_target_column_is_kept_as_written():
    (row,) = read_csv(["一级指标,二级指标,三级指标,指标值", "成本指标,社会成本指标,对周边居民生活影响,无"]).rows
    assert row.target_raw == "无" and row.target.kind == "empty"


def test_a_project_named_in_the_title_is_no_unit():
    """汇总 had shown 单位 = 城区道路维修改造工程 for a table titled with its project (a final trial, 2026-12-01)."""
    (row,) = read_csv(["2025年度 城区道路维修改造工程 项目绩效目标表", "项目名称,城区道路维修改造工程", "主管部门,某县住房和城乡建设局",
                       "三级指标,指标值", "道路维修面积,≥5000平方米"]).rows
    assert row.project == "城区道路维修改造工程" and row.unit_name != "城区道路维修改造工程"


def test_a_project_column_naming_several_projects_gives_one_table_each():
    """A trial's csv of three projects was one table, its missing categories worked out over all three."""
    result = read_csv([
        "项目名称,一级指标,二级指标,三级指标,指标值",
        "城市道路照明维护,产出指标,数量指标,维护路灯数量,≥500盏",
        "城市道路照明维护,产出指标,质量指标,路灯亮灯率,≥98%",
        "消防救援装备购置,产出指标,数量指标,购置消防车辆数量,≥2辆",
        ",产出指标,质量指标,装备验收合格率,=100%",  # a blank project cell stays with the project above
        "城乡居民医疗救助,效益指标,社会效益指标,困难群众救助覆盖率,=100%",
    ])
    assert [(r.table, r.project) for r in result.rows] == [
        (0, "城市道路照明维护"), (0, "城市道路照明维护"), (1, "消防救援装备购置"), (1, None), (2, "城乡居民医疗救助")]

"""Bulk annotation: every input row back in order, published labels filled down, weak targets replaced."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service.bulk import annotate_upload, check_output_path, classify_file, classify_tables, render, write_output


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    path = tmp_path_factory.mktemp("bulk") / "legacy.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
        writer.writerow(["产出指标", "数量指标", "培训人次", "≥300人次"])
        writer.writerow(["", "", "培训合格率", "有所提高"])
        writer.writerow(["满意度指标", "服务对象满意度指标", "学员满意度", ""])
    return path


def test_every_row_back_in_order_with_labels_filled_down(fake_predictor, table):
    records = classify_file(table, fake_predictor)
    assert [r["三级指标"] for r in records] == ["培训人次", "培训合格率", "学员满意度"]
    assert records[1]["published_level1"] == "产出指标" and records[1]["published_level2"] == "数量指标"
    assert all(r["pred_level2"] for r in records)
    assert isinstance(records[0]["alternatives"], list) and {"level1", "level2", "confidence"} <= set(records[0]["alternatives"][0])


def test_weak_targets_get_a_suggestion_and_a_reason(fake_predictor, table):
    records = classify_file(table, fake_predictor)
    assert records[0]["suggested_target"] == "≥300人次" and records[0]["target_warning"] is None
    assert records[1]["target_warning"] and records[1]["suggested_target"]
    assert records[2]["target_warning"] == "missing" and records[2]["suggested_target"]


def test_weak_targets_get_a_target_in_the_unit_their_name_measures(fake_predictor, tmp_path):
    path = tmp_path / "weak.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["一级指标", "二级指标", "三级指标", "指标值"])
        for name, target in [("新建高标准农田面积", ""), ("农村公路新改建里程", "有所提高"), ("项目完工时间", "及时"), ("培训人数", "逐步完善"),
                             ("科普讲座次数", ""), ("科普展览次数", "=2次"), ("科技活动次数", "=5次")]:
            writer.writerow(["产出指标", "数量指标", name, target])
    records = {r["三级指标"]: r for r in classify_file(path, fake_predictor)}
    lexicon = fake_predictor.targets.lexicon
    from training.domain.targets import parse_target

    def family(name):
        return lexicon.family_of_target(parse_target(records[name]["suggested_target"].replace("__", "1")))

    assert [family(n) for n in ("新建高标准农田面积", "农村公路新改建里程", "项目完工时间", "培训人数")] == ["area", "length", "deadline", "people"]
    assert all(records[n]["target_warning"] for n in ("新建高标准农田面积", "农村公路新改建里程", "项目完工时间", "培训人数"))
    # The table writes "=" for its counts of events, so the missing one gets "=" too.
    assert records["科普讲座次数"]["suggested_target"].startswith("=")
    assert records["科普展览次数"]["suggested_target"] == "=2次" and records["科普展览次数"]["target_warning"] is None


def test_outputs_in_every_format(fake_predictor, table, tmp_path):
    tables = classify_tables(table, fake_predictor)
    for suffix in (".csv", ".xlsx", ".jsonl"):
        write_output(tables, tmp_path / f"out{suffix}")
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[0].startswith("来源文件,表序号,所属项目,原一级指标,原二级指标")
    workbook = load_workbook(tmp_path / "out.xlsx")
    assert workbook.sheetnames == ["汇总", "1 legacy.csv"] and len(workbook["1 legacy.csv"]["A"]) == 4
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])["三级指标"] == "培训人次"
    with pytest.raises(ValueError, match="must end in"):
        check_output_path(tmp_path / "out.pdf")


def test_upload_is_annotated_in_memory(fake_predictor, table):
    annotated = annotate_upload(table.read_bytes(), "legacy.csv", fake_predictor)
    assert annotated.summary["rows"] == 3 and annotated.summary["weak_targets"] == 2
    assert annotated.summary["targets"] == {"missing": 1, "vague": 1, "unmeasurable": 0}
    assert len(annotated.tables) == 1 and annotated.tables[0].records == annotated.records
    assert load_workbook(io.BytesIO(render(annotated.tables, "xlsx"))).worksheets[1].max_row == 4


def test_repeated_rows_are_classified_once_and_every_row_keeps_its_own_record(fake_predictor, monkeypatch):
    """Tables repeat whole rows; annotate classifies each distinct input once (the pipeline reads no project)."""
    from service.bulk import annotate
    from training.domain.records import IndicatorRow
    from training.domain.targets import parse_target

    def row(number: int, name: str, target: str, project: str) -> IndicatorRow:
        return IndicatorRow(source="t.xlsx", table=0, row=number, doc="d", level3=name, level1_raw="产出指标", level2_raw="质量指标",
                            target_raw=target, target=parse_target(target), project=project)

    rows = [row(1, "资金拨付及时率", "=100%", "甲"), row(2, "资金拨付及时率", "=100%", "乙"), row(3, "资金拨付及时率", "较好", "丙"),
            row(4, "培训人次", "≥800人次", "甲")]
    seen = []
    original = fake_predictor.classify
    monkeypatch.setattr(fake_predictor, "classify", lambda indicators, *a, **k: seen.extend(i.name for i in indicators) or original(indicators, *a, **k))
    records = annotate(rows, fake_predictor)
    assert sorted(seen) == ["培训人次", "资金拨付及时率", "资金拨付及时率"]  # rows 1 and 2 are one input
    assert [r["row"] for r in records] == [1, 2, 3, 4]
    assert records[0]["pred_level2"] == records[1]["pred_level2"] and records[0] is not records[1]
    assert records[2]["target_warning"] and not records[0]["target_warning"]  # the target advice is per row
    assert "project" not in str(fake_predictor.model.named_steps["features"].transformers)  # what makes the dedupe safe


@pytest.mark.parametrize("disagrees", [False, True])
def test_a_weak_target_is_written_for_the_published_category_unless_the_label_is_disputed(fake_predictor, monkeypatch, tmp_path,
                                                                                          disagrees):
    classify = fake_predictor.classify

    def forced(*args, **kwargs):  # the classifier reads the row as a count of training sessions
        results = classify(*args, **kwargs)
        for result in results:
            result.update(category="数量指标", level1="产出指标", level2="数量指标", label_disagrees=disagrees)
        return results

    monkeypatch.setattr(fake_predictor, "classify", forced)
    path = tmp_path / "timely.csv"
    path.write_text("一级指标,二级指标,三级指标,指标值\n产出指标,时效指标,开展工伤预防培训,\n", encoding="utf-8")
    record = classify_file(path, fake_predictor)[0]
    from training.domain.targets import parse_target

    family = fake_predictor.targets.lexicon.family_of_target(parse_target(record["suggested_target"].replace("__", "1")))
    if disagrees:  # the reviewer is told the label looks wrong; the target follows the predicted category
        assert family not in ("deadline", "duration")
    else:
        assert family in ("deadline", "percent", "duration")  # what a 时效指标 is measured in (data/units.json)


def test_a_name_out_of_its_column_is_shown_under_the_indicator_column(fake_predictor):
    from tests.conftest import ZHENGZHOU

    records = classify_file(ZHENGZHOU, fake_predictor)
    placed = [r for r in records if "placed by the vocabulary" in (r.get("error") or "")]
    assert len(placed) >= 5
    names = {r.get("三级指标") for r in placed}
    assert "培训达标率" in names and "郑州市青少年机器人竞赛参赛获奖人数" in names and "" not in names
    unplaced = [r for r in records if not r.get("error") and "三级指标" in r]
    assert unplaced and all(r["三级指标"] for r in unplaced)  # rows read as written keep their cells


def test_a_target_lacking_only_its_operator_or_unit_keeps_its_value(fake_predictor):
    data = "一级指标,二级指标,三级指标,指标值\n产出指标,质量指标,工程验收合格率,100%\n产出指标,数量指标,资金拨付率,98.5%\n" \
           "效益指标,社会效益指标,家庭经济困难学生因贫辍学率,=0\n产出指标,数量指标,参赛学生数量,2500\n".encode()
    records = classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")
    suggested = {r["三级指标"]: r["suggested_target"] for r in records}
    assert suggested["工程验收合格率"][0] in "≥≤=" and suggested["工程验收合格率"][1:] == "100%"
    assert suggested["资金拨付率"][0] in "≥≤=" and suggested["资金拨付率"][1:] == "98.5%"
    assert suggested["家庭经济困难学生因贫辍学率"].startswith("=0")
    assert suggested["参赛学生数量"][0] in "≥≤=" and suggested["参赛学生数量"][1:] == "2500人"  # neither: both from the suggestion
    assert all(r["target_warning"] for r in records)  # the reader is still told what was missing


def test_a_target_in_another_measure_than_the_name_is_flagged_and_replaced(fake_predictor):
    data = "三级指标,指标值\n绿化面积,95%\n项目完成时间,100%\n培训人数,≥100人\n生态效益增长率,≥95生态总体效益增长\n".encode()
    records = {r["三级指标"]: r for r in classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")}
    area = records["绿化面积"]
    assert area["target_warning"] == "unit does not fit the name: the target is in 比例, the name measures 面积"
    assert area["suggested_target"] != "≥95%" and not area["suggested_target"].endswith("%")
    assert records["项目完成时间"]["target_warning"].startswith("unit does not fit the name")
    assert records["培训人数"]["target_warning"] is None and records["培训人数"]["suggested_target"] == "≥100人"
    glued = records["生态效益增长率"]  # 95 and words: the value is kept, the unit it lacks is suggested
    assert glued["target_warning"] == "no unit" and glued["suggested_target"][:3] == "≥95" and "生" not in glued["suggested_target"]


def test_a_specific_qualitative_social_or_ecological_cost_is_kept(fake_predictor):
    data = ("一级指标,二级指标,三级指标,指标值\n成本指标,社会成本指标,施工对沿线居民出行的影响,施工期间对沿线居民出行无明显不利影响\n"
            "成本指标,生态环境成本指标,施工扬尘和噪声,符合环保部门要求\n成本指标,生态环境成本指标,环境影响,有所改善\n").encode()
    records = {r["三级指标"]: r for r in classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")}
    assert records["施工对沿线居民出行的影响"]["suggested_target"] == "施工期间对沿线居民出行无明显不利影响"
    assert records["施工扬尘和噪声"]["suggested_target"] == "符合环保部门要求"
    assert records["施工扬尘和噪声"]["target_warning"].startswith("qualitative")
    assert records["环境影响"]["suggested_target"] != "有所改善"  # vague: a checkable form is suggested


def test_every_chunk_of_weak_targets_is_primed_in_one_model_call(fake_predictor, monkeypatch):
    from service import bulk

    monkeypatch.setattr(bulk, "BATCH", 8)  # several chunks
    forms = fake_predictor.targets.forms
    forms._families.clear()
    forms._operators.clear()
    calls = []
    original = forms.operators.predict_proba
    monkeypatch.setattr(forms.operators, "predict_proba", lambda frame: calls.append(len(frame)) or original(frame))
    names = [f"第{i}批培训人数" for i in range(30)]
    data = ("三级指标,指标值\n" + "".join(f"{n},有所提高\n" for n in names)).encode()
    records = classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")
    assert len(records) == 30 and all(r["suggested_target"] for r in records)
    assert len(calls) == 4  # one per chunk of 8, none per row


def test_a_lone_surrogate_in_json_lines_is_replaced_not_a_crash(fake_predictor):
    data = '{"三级指标": "培训\\ud800人数", "指标值": "≥100人", "备\\udfff注": "x\\ud83d"}\n{"三级指标": "笑脸\\ud83d\\ude00", "指标值": "≥1个"}\n'
    tables = classify_tables(Path("s.jsonl"), fake_predictor, data=data.encode(), name="s.jsonl")
    records = [r for t in tables for r in t.records]
    assert [r["三级指标"] for r in records] == ["培训\ufffd人数", "笑脸😀"] and all(r["pred_level2"] for r in records)
    assert render(tables, "csv").decode("utf-8-sig").count("\ufffd") == 3 and render(tables, "xlsx")


def test_a_target_the_reader_found_no_column_for_is_not_blamed_on_the_unit(fake_predictor):
    from service.review.texts import target_warning_zh

    data = "三级指标,分值,计划数\n培训人次,10,≥500人次\n".encode()
    (record,) = classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")
    assert record["target_warning"] == "not read: no target column"
    assert target_warning_zh(record["target_warning"]) == "未读取：表头中没有可识别的指标值列"
    assert record["suggested_target"]  # still a suggestion, with the reason beside it


def test_the_checkable_form_of_what_cannot_be_counted_is_no_weakness(fake_predictor):
    data = ("一级指标,二级指标,三级指标,指标值\n效益指标,可持续影响指标,长效管护机制,建立并运行\n"
            "产出指标,质量指标,资金是否全部纳入医保统筹,是\n效益指标,生态效益指标,是否对当地生态环境造成影响,否\n"
            "效益指标,社会效益指标,群众获得感,有效提升\n").encode()
    records = {r["三级指标"]: r for r in classify_file(Path("q.csv"), fake_predictor, data=data, name="q.csv")}
    for name, target in [("长效管护机制", "建立并运行"), ("资金是否全部纳入医保统筹", "是"), ("是否对当地生态环境造成影响", "否")]:
        assert (records[name]["target_warning"], records[name]["suggested_target"]) == (None, target), records[name]
    assert records["群众获得感"]["target_warning"].startswith("vague")


def test_each_target_column_keeps_its_own_cells(fake_predictor):
    """Every column whose role is a target had been overwritten with the one target read (中期目标值 ≥30个 shown as ≥10个)."""
    data = "一级指标,二级指标,三级指标,中期目标值,年度目标值\n产出指标,数量指标,改造老旧小区数量,≥30个,≥10个\n".encode()
    (record,) = classify_file(Path("a.csv"), fake_predictor, data=data, name="a.csv")
    assert (record["中期目标值"], record["年度目标值"], record["target"]) == ("≥30个", "≥10个", "≥10个")
    split = "三级指标,指标值,计量单位\n新建里程,≥120,公里\n".encode()  # a target composed from two columns is shown whole
    (record,) = classify_file(Path("b.csv"), fake_predictor, data=split, name="b.csv")
    assert record["指标值"] == "≥120公里"


def test_other_rows_habit_does_not_turn_a_cost_or_a_harm(fake_predictor):
    """A satisfaction rate's ≥90% had made a cost ≥12345.68元; a 1:1 ratio's implied = had made a cost =12345.68万元; a
    table writing = had made a complaint rate =5% and an accident count =1次."""
    data = ("一级指标,二级指标,三级指标,指标值\n效益指标,社会效益指标,群众知晓率,≥90%\n成本指标,经济成本指标,补助资金总额,12345.68\n"
            "产出指标,数量指标,配套资金比例,1:1\n成本指标,经济成本指标,项目总成本,\"12,345.68万元\"\n效益指标,社会效益指标,投诉率,5%\n"
            "产出指标,质量指标,验收合格率,=100%\n产出指标,数量指标,安全事故发生次数,1\n").encode()
    records = {r["三级指标"]: r for r in classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")}
    assert records["补助资金总额"]["suggested_target"].startswith("≤12345.68")
    assert records["补助资金总额"]["target_warning"] == "no operator (≥, ≤, =) and no unit"
    assert records["项目总成本"]["suggested_target"] == "≤12345.68万元"
    assert records["投诉率"]["suggested_target"] == "≤5%"
    assert records["安全事故发生次数"]["suggested_target"].startswith("≤1")  # its unit depends on the fake encoder's neighbours
    assert records["配套资金比例"]["suggested_target"] == "1:1" and records["配套资金比例"]["target_warning"] is None


def test_a_target_formula_without_its_value_is_not_read_not_missing(fake_predictor):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in (["三级指标", "指标值"], ["培训人数", "=D3"]):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    (record,) = classify_file(Path("f.xlsx"), fake_predictor, data=buffer.getvalue(), name="f.xlsx")
    assert record["target_warning"] == "not read: a formula without its value"


def test_a_complaint_rate_in_a_table_that_writes_equals_keeps_its_ceiling(fake_predictor):
    data = ("一级指标,二级指标,三级指标,指标值\n产出指标,数量指标,培训场次,=10场\n产出指标,数量指标,培训人数,=500人\n"
            "产出指标,质量指标,验收合格率,=100%\n效益指标,社会效益指标,群众投诉率,5%\n").encode()
    records = {r["三级指标"]: r for r in classify_file(Path("e.csv"), fake_predictor, data=data, name="e.csv")}
    assert records["群众投诉率"]["suggested_target"] == "≤5%"  # it was =5%


def test_none_for_a_social_cost_is_kept_and_said_to_be_qualitative(fake_predictor, tmp_path):
    """对周边居民生活影响 无 (no impact): what the 2021 guideline lets a social cost say; it had been 未填写 and ≥90%."""
    path = tmp_path / "cost.csv"
    path.write_text("一级指标,二级指标,三级指标,指标值\n成本指标,社会成本指标,对周边居民生活影响,无\n"
                    "成本指标,社会成本指标,施工对居民出行影响,无不良影响\n", encoding="utf-8")
    records = classify_file(path, fake_predictor)
    assert [r["suggested_target"] for r in records] == ["无", "无不良影响"]
    assert all(r["target_warning"].startswith("qualitative") for r in records)


def test_the_summary_says_when_in_beijing_time(fake_predictor, table, tmp_path):
    """The 汇总 sheet's time had been the machine's zone (UTC on a server), unlabelled, beside a page in 北京时间."""
    import datetime

    from service.bulk import about_zh

    out = tmp_path / "out.xlsx"
    write_output(classify_tables(table, fake_predictor), out, about=about_zh("v1", "2021"))
    summary = {row[0]: row[1] for row in load_workbook(out)["汇总"].iter_rows(values_only=True) if row[0]}
    shown = datetime.datetime.strptime(summary["生成时间（北京时间）"], "%Y-%m-%d %H:%M")
    beijing_now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(hours=8)
    assert abs((beijing_now - shown).total_seconds()) < 600
    assert "可持续影响指标" in summary["框架说明"] and "框架说明" not in about_zh("v1", "2015")  # 2015 keeps the category


def test_the_annotated_workbook_and_csv_read_back_without_the_guidelines_year(fake_predictor, tmp_path):
    """A re-read export had taken 2021 (from 汇总's "2021 年指引") as every row's year, then warned its deadlines as
    before the budget year; the CSV had lost 所属项目."""
    from service.bulk import about_zh
    from training.readers import read_file

    path = tmp_path / "t.csv"
    path.write_text("2018年度高标准农田建设项目绩效目标表\n三级指标,指标值\n项目完成时间,2018年12月底前\n", encoding="utf-8")
    tables = classify_tables(path, fake_predictor)
    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"out.{suffix}"
        write_output(tables, out, about=about_zh("v1", "2021"))
        (row,) = read_file(out).rows
        assert row.year != 2021 and row.target.text == "2018年12月底前", suffix
    assert read_file(tmp_path / "out.csv").rows[0].project == "高标准农田建设"


def test_a_second_trials_rows_read_and_advised_as_written(fake_predictor):
    """A second newcomer's trial: a name without words had got a deadline; -5 beside 吨 in the unit column had lost its
    unit; ≥ alone had been called 无法识别 in 读取问题 while 指标值问题 said 缺少数值; a named standard is kept."""
    data = ("二级指标,三级指标,指标值,计量单位\n"
            "数量指标,。，！？,,\n"
            "生态效益指标,化学需氧量削减,-5,吨\n"
            "数量指标,培训人数,≥,人\n"
            "质量指标,出水水质,达到国家一级A标准,\n").encode()
    (table,) = classify_tables(Path("sewage.csv"), fake_predictor, data=data, name="sewage.csv")
    nameless, fall, bare, standard = table.records
    assert nameless["suggested_target"] is None and nameless["needs_review"]
    assert fall["target"] == "-5吨" and fall["target_warning"] is None
    assert bare["target"] == "≥人" and bare["target_warning"] == "no value: only an operator and a unit"
    assert "not understood" not in (bare["error"] or "")
    assert standard["target_warning"] is None and standard["suggested_target"] == "达到国家一级A标准"


def test_an_operator_and_a_unit_without_the_figure_keep_both(fake_predictor):
    """A third trial: 生均公用经费标准 ≥ with 元/生 in the unit column had been suggested ≤__万元, 公交线路新增条数 ≥ 条 ≥__公里."""
    data = "三级指标,指标值,计量单位\n生均公用经费标准,≥,元/生\n公交线路新增条数,≥,条\n".encode()
    (table,) = classify_tables(Path("nv.csv"), fake_predictor, data=data, name="nv.csv")
    assert [r["suggested_target"] for r in table.records] == ["≥__元/生", "≥__条"]


def test_a_cold_store_below_zero_is_read_with_its_unit_column(fake_predictor):
    """A fourth trial: ≤-18 with ℃ in the unit column had stayed ≤-18, without its unit."""
    data = "三级指标,指标值,计量单位\n冷库温度,≤-18,℃\n冷库温度,-18,℃\n".encode()
    (table,) = classify_tables(Path("cold.csv"), fake_predictor, data=data, name="cold.csv")
    first, second = table.records
    assert first["target"] == "≤-18℃" and first["target_warning"] is None
    assert second["target"] == "-18℃" and second["suggested_target"] == "≤-18℃"


def test_a_weak_target_is_suggested_in_the_unit_the_unit_column_gives(fake_predictor):
    """改造提升泵站 (blank, 座) had been given ≥5% from an exhibition hall's rate, 培训基层水管员 (若干, 人次) ≥1次, and
    工程验收合格率 100% ≥100% (a third trial, 2026-12-01)."""
    data = ("一级指标,二级指标,三级指标,指标值,计量单位\n产出指标,数量指标,改造提升泵站,,座\n产出指标,数量指标,培训基层水管员,若干,人次\n"
            "产出指标,质量指标,工程验收合格率,100%,%\n").encode()
    suggested = {r["三级指标"]: r["suggested_target"] for r in classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")}
    assert suggested["改造提升泵站"] == "≥__座" and suggested["培训基层水管员"] == "≥__人次"
    assert suggested["工程验收合格率"] == "=100%"


def test_a_bulk_target_that_cannot_be_meant_is_replaced_even_once_completed(fake_predictor):
    data = "一级指标,二级指标,三级指标,指标值\n效益指标,生态效益指标,森林覆盖率,100000%\n效益指标,生态效益指标,植被覆盖率,1e5\n".encode()
    records = classify_file(Path("t.csv"), fake_predictor, data=data, name="t.csv")
    assert all("100000" not in (r["suggested_target"] or "") for r in records), [r["suggested_target"] for r in records]
    assert all(r["target_warning"] == "a share over 100%" for r in records), [r["target_warning"] for r in records]


def test_a_level1_with_one_level2_names_it_when_merged_across_both(fake_predictor, tmp_path):
    """A trial's workbook merged 满意度指标 over the 一级 and 二级 columns: published_level2 had been empty."""
    from openpyxl import Workbook

    from service.bulk import annotate_upload

    book = Workbook()
    sheet = book.active
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值"])
    sheet.append(["产出指标", "数量指标", "助餐服务人次", "≥5000人次"])
    sheet.append(["满意度指标", None, "服务老年人满意度", "≥90%"])
    sheet.append(["效益指标", None, "受益人数", "≥100人"])  # 效益 has several level 2s: none is implied
    sheet.merge_cells("A3:B3")
    path = tmp_path / "h.xlsx"
    book.save(path)
    records = annotate_upload(path.read_bytes(), "h.xlsx", fake_predictor).records
    assert [r["published_level2"] for r in records] == ["数量指标", "服务对象满意度指标", None]

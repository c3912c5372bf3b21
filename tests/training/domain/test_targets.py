"""The target grammar on every form the domain primer lists."""

import unicodedata

import pytest

from training.domain.targets import format_number, is_change, parse_target, target_weakness


@pytest.mark.parametrize(
    ("raw", "operator", "value", "unit"),
    [
        ("≥95%", "≥", 95, "%"),
        ("=100%", "=", 100, "%"),
        ("≥120000人", "≥", 120000, "人"),
        ("≤90万元", "≤", 90, "万元"),
        ("≥2个/家", "≥", 2, "个/家"),
        ("17元/人.每天", None, 17, "元/人.每天"),
        ("=600人/次", "=", 600, "人/次"),
        ("≧300人", "≥", 300, "人"),
        (">=95%", "≥", 95, "%"),
        ("大于等于1次", "≥", 1, "次"),
        ("不低于90%", "≥", 90, "%"),
        ("95%以上", "≥", 95, "%"),
        ("≦1000元/人", "≤", 1000, "元/人"),
        ("<=6962人", "≤", 6962, "人"),
        ("不超过30万元", "≤", 30, "万元"),
        ("小于等于12万元", "≤", 12, "万元"),
        ("＝100%", "=", 100, "%"),
        ("═100%", "=", 100, "%"),
        ("等于100%", "=", 100, "%"),
        ("≥98百分比", "≥", 98, "%"),
        ("≥0.97比例", "≥", 97, "%"),
        ("±3%以内", "±", 3, "%"),
        ("≤7工作日", "≤", 7, "工作日"),
        ("<24小时", "<", 24, "小时"),
        ("≥1万人次", "≥", 1, "万人次"),
        ("780元/生/年", None, 780, "元/生/年"),
        ("2,022.00", None, 2022, None),
    ],
)
def test_quantities(raw, operator, value, unit):
    target = parse_target(raw)
    assert target.kind == "quantitative"
    assert (target.operator, target.value, target.unit) == (operator, value, unit)
    assert target.measurable


def test_note_in_brackets_is_kept_apart():
    target = parse_target("≥90%(优秀等级项目数量的优良率)")
    assert (target.operator, target.value, target.unit, target.text) == ("≥", 90, "%", "≥90%")
    assert target.note == "优秀等级项目数量的优良率"
    nested = parse_target("≥10种（开展科普宣传形式的多样性品种或数量（次）")
    assert nested.text == "≥10种" and nested.note.startswith("开展科普宣传")


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("12月底前", "12月底前"),
        ("2023年12月31日前", "2023年12月31日前"),
        ("2025年10月底前", "2025年10月底前"),
        ("2023年年底前", "2023年年底前"),
        ("11月底之前", "11月底之前"),
        ("2020.1.1-2020.12.31", "2020.1.1-2020.12.31"),
        ("2021年1月-12月", "2021年1月-12月"),
        ("按月", "按月"),
    ],
)
def test_deadlines(raw, text):
    target = parse_target(raw)
    assert target.kind == "deadline"
    assert target.text == text
    assert target.measurable


def test_deadline_with_trailing_quantity_keeps_it_as_note():
    target = parse_target("12月底前100%到位")
    assert (target.kind, target.text, target.note) == ("deadline", "12月底前", "100%到位")


@pytest.mark.parametrize(
    ("raw", "vague"),
    [("及时", False), ("合理", False), ("有效", False), ("健全", False), ("合规", False), ("达标", False),
     ("是", False), ("否", False), ("提升", True), ("长期", True), ("有效提高", True)],
)
def test_qualitative_words(raw, vague):
    target = parse_target(raw)
    assert target.kind == "qualitative"
    assert target.vague is vague
    assert not target.measurable


def test_coded_target_resolves_through_its_explanation():
    target = parse_target("1", "1=及时；2=不及时")
    assert (target.kind, target.value, target.text) == ("coded", 1, "及时")
    other = parse_target("2", "1=达标；2=不达标；")
    assert other.text == "不达标"


def test_bare_number_takes_operator_and_unit_from_explanation():
    assert parse_target("95", "≥95%").text == "≥95%"
    assert parse_target("90%", "大于等于90%").text == "≥90%"
    # A different number in the explanation is not borrowed.
    assert parse_target("95", "≥90%").text == "95"


def test_empty_and_unreadable_targets():
    assert parse_target(None).kind == "empty"
    assert parse_target("　").kind == "empty"
    assert parse_target("%").kind == "unparsed"


@pytest.mark.parametrize(
    ("raw", "operator", "value", "unit"),
    [
        ("≥1,200人次", "≥", 1200, "人次"),  # \b would see no boundary between 200 and 人
        ("≥3,000亩", "≥", 3000, "亩"),
        ("≤1,500元/亩", "≤", 1500, "元/亩"),
        ("≤1,234,567.5万元", "≤", 1234567.5, "万元"),
        ("1,200", None, 1200, None),
    ],
)
def test_thousands_separators_before_a_unit(raw, operator, value, unit):
    target = parse_target(raw)
    assert (target.kind, target.operator, target.value, target.unit) == ("quantitative", operator, value, unit)


def test_a_comma_between_two_numbers_is_no_thousands_separator():
    assert parse_target("≥12,34人").value == 12


@pytest.mark.parametrize(
    ("raw", "text", "operator"),
    [
        ("2025-11-30", "2025年11月30日", None),
        ("2025/11/30前", "2025年11月30日前", "≤"),
        ("2025.12.31", "2025年12月31日", None),
        ("2020.1.1-2020.12.31", "2020.1.1-2020.12.31", "≤"),  # a range stays a range
    ],
)
def test_numeric_dates_read_as_deadlines(raw, text, operator):
    target = parse_target(raw)
    assert (target.kind, target.text, target.operator) == ("deadline", text, operator)


def test_operator_cells_of_split_target_tables():
    from training.domain.targets import operator_of

    assert [operator_of(s) for s in ("≥", "大于等于", "＝", "<=", "不超过")] == ["≥", "≥", "=", "≤", "≤"]
    assert [operator_of(s) for s in ("定性", "正向", "", None, "≥90%")] == [None] * 5


@pytest.mark.parametrize(
    ("raw", "text", "value"),
    [
        ("12,345.68万元", "12345.68万元", 12345.68),  # ``:g`` wrote 12345.7: a given figure changed
        ("≤1234567.5元", "≤1234567.5元", 1234567.5),
        ("0.1234567%", "0.123457%", 0.123457),  # six decimals are kept, no more
        ("1e5", "100000", 100000.0),  # a program's exponent form; it was read as 1 and a note "e5"
        ("≥1.5E+03人", "≥1500人", 1500.0),
    ],
)
def test_numbers_are_written_back_as_given(raw, text, value):
    target = parse_target(raw)
    assert (target.text, target.value) == (text, value)


@pytest.mark.parametrize("raw", ["9" * 400, "1e999"])
def test_a_number_no_float_holds_is_not_a_quantity(raw):
    # It was ≥inf人 in a suggestion's text (and Infinity in JSON).
    target = parse_target(raw)
    assert target.kind == "unparsed" and target.value is None and not target.measurable


def test_format_number_never_rounds_to_six_significant_digits():
    assert format_number(98765432.1) == "98765432.1"
    assert format_number(100.0) == "100"
    assert format_number(1e20) == "1e+20"


@pytest.mark.parametrize(
    ("raw", "text", "operator", "value", "unit"),
    [
        ("≤30个工作日", "≤30个工作日", "≤", 30, "个工作日"),  # was ≤30个, then flagged as a count for a 时限
        ("＜＝30个工作日", "≤30个工作日", "≤", 30, "个工作日"),
        ("2小时内", "≤2小时", "≤", 2, "小时"),  # 内: within
        ("30个工作日内", "≤30个工作日", "≤", 30, "个工作日"),
        ("5个内容", "5个", None, 5, "个"),  # 内容 is no "within"
        ("500余人", "≥500人", "≥", 500, "人"),  # 余: more than; the unit was lost
        ("30多场", "≥30场", "≥", 30, "场"),
        ("1 200人", "1200人", None, 1200, "人"),  # a space between digit groups; it was read as 1
        ("12 345.6万元", "12345.6万元", None, 12345.6, "万元"),
        ("≥0.5个百分点", "≥0.5个百分点", "≥", 0.5, "个百分点"),  # was ≥0.5个, then ≥0.5% (a change of a rate is not a rate)
        ("1:1", "1:1", "=", 100, "%"),  # a ratio (配套资金比例); it was 1, completed as ≥1%
        ("≥1:4", "≥1:4", "≥", 25, "%"),
    ],
)
def test_durations_ratios_and_figures_as_tables_write_them(raw, text, operator, value, unit):
    target = parse_target(raw)
    assert (target.kind, target.text, target.operator, target.value, target.unit) == ("quantitative", text, operator, value, unit)


def test_a_decimal_followed_by_another_number_is_no_digit_group():
    assert parse_target("95.5 100").value == 95.5


@pytest.mark.parametrize(("raw", "text", "low", "high", "unit"), [
    ("3-5万人", "3–5万人", 3, 5, "万人"),  # it was 3 with its unit lost, then ≥3人: 10,000 × off
    ("1000-2000亩", "1000–2000亩", 1000, 2000, "亩"),
    ("5~10次", "5–10次", 5, 10, "次"),
    ("20%-30%", "20%–30%", 20, 30, "%"),
])
def test_a_range_keeps_both_bounds_and_its_unit(raw, text, low, high, unit):
    target = parse_target(raw)
    assert (target.kind, target.text, target.value, target.upper, target.unit) == ("quantitative", text, low, high, unit)
    assert target_weakness(target) == "a range; write one bound with an operator"


def test_a_month_typed_into_a_spreadsheet_is_a_deadline():
    target = parse_target("2024-12")
    assert (target.kind, target.text) == ("deadline", "2024年12月")


@pytest.mark.parametrize(("raw", "text"), [
    ("≥1.2万个", "≥1.2万个"),  # was ≥1.2万: the 个 dropped
    ("1.5万册", "1.5万册"),
    ("每季度末前", "每季度末前"),  # was 每季度: the deadline dropped
    ("每月1次", "每月1次"),  # was 每月
])
def test_no_word_of_a_target_is_dropped_when_it_is_rewritten(raw, text):
    assert parse_target(raw).text == text


# From a newcomer's trial (a reviewer's realistic tables): units and forms that had been lost or changed.
@pytest.mark.parametrize(
    ("raw", "value", "upper", "unit", "text"),
    [
        ("80-120元/吨", 80, 120, "元/吨", "80–120元/吨"),  # had lost its unit, then been completed as ≤80万元
        ("3-5千户", 3, 5, "千户", "3–5千户"),  # had lost 千
        ("≥250万公斤", 250, None, "万公斤", "≥250万公斤"),  # had become ≥250万
        ("20眼", 20, None, "眼", "20眼"),  # wells: had become ≥20台
        ("0.5个等级", 0.5, None, "个等级", "0.5个等级"),
        ("≥1个百分点", 1, None, "个百分点", "≥1个百分点"),  # had become ≥1%: a change of a rate is not a rate
        ("10/10万", 10, None, "/10万", "10/10万"),  # per 100,000: had become ≤10%
    ],
)
def test_units_as_reviewers_tables_write_them(raw, value, upper, unit, text):
    target = parse_target(raw)
    assert (target.kind, target.value, target.upper, target.unit, target.text) == ("quantitative", value, upper, unit, text)


@pytest.mark.parametrize("raw", ["2025年13月", "13月底前", "2025年2月30日前", "2025年2月29日前", "2025年0月", "2025-02-30"])
def test_a_date_that_does_not_exist_is_no_deadline(raw):
    target = parse_target(raw)
    assert target.kind == "unparsed" and target_weakness(target) == "a date that does not exist"


@pytest.mark.parametrize("raw", ["2024年2月29日前", "2月29日前", "2025年4月30日前", "12月底前"])
def test_real_dates_stay_deadlines(raw):
    assert parse_target(raw).kind == "deadline"


@pytest.mark.parametrize(("raw", "text"), [("第四季度", "第四季度"), ("2025年第三季度末前", "2025年第三季度末前"), ("第4季度完成", "第4季度完成")])
def test_a_quarter_is_a_deadline(raw, text):
    target = parse_target(raw)
    assert (target.kind, target.operator, target.text) == ("deadline", "≤", text)


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [("提高2个百分点", 2, "个百分点"), ("较上年下降10%", 10, "%"), ("同比增长5%", 5, "%"), ("比上年增加100人", 100, "人")],
)
def test_a_change_against_a_base_is_measurable_as_written(raw, value, unit):
    """提高2个百分点 had been vague and 较上年下降10% not understood."""
    target = parse_target(raw)
    assert (target.kind, target.operator, target.value, target.unit, target.text) == ("quantitative", "≥", value, unit, raw)
    assert target_weakness(target) is None


@pytest.mark.parametrize(("raw", "value", "unit"), [("+3台", 3, "台"), ("＋ 2个", 2, "个"), ("-5万元", 5, "万元"), ("－10%", 10, "%")])
def test_a_signed_figure_is_a_change(raw, value, unit):
    """+3台 and -5万元 had not been understood."""
    target = parse_target(raw)
    assert (target.kind, target.operator, target.value, target.unit) == ("quantitative", "≥", value, unit)
    assert is_change(target) and target_weakness(target) is None
    assert target.text == unicodedata.normalize("NFKC", raw).replace(" ", "")  # full-width signs in half width, as every target


def test_a_signed_temperature_is_a_level_not_a_change_and_a_signed_zero_is_neither():
    assert not is_change(parse_target("-18℃"))
    assert parse_target("-0%").kind == "unparsed"  # as published in a repository's table


def test_a_comparison_with_last_year_is_checkable_and_a_change_without_a_figure_is_vague():
    for raw in ("不低于上年", "不低于上年水平", "不降低", "持平"):
        target = parse_target(raw)
        assert target.kind == "qualitative" and not target.vague, raw
    for raw in ("下降", "较上年提高", "降低3-5%"):
        assert parse_target(raw).vague, raw


# From a second trial: 万 before any measure word, a scale on both bounds, 约, 零事故, 年内
@pytest.mark.parametrize(("raw", "value", "upper", "unit"), [
    ("3万头", 3, None, "万头"), ("50万尾", 50, None, "万尾"), ("200万羽", 200, None, "万羽"), ("500万千瓦时", 500, None, "万千瓦时"),
    ("15口", 15, None, "口"), ("1万-1.5万人", 1, 1.5, "万人"), ("约3.2万人", 3.2, None, "万人"), ("5千米", 5, None, "千米"),
])
def test_ten_thousands_of_anything_and_about(raw, value, upper, unit):
    target = parse_target(raw)
    assert (target.kind, target.value, target.upper, target.unit) == ("quantitative", value, upper, unit)


def test_none_at_all_is_zero_and_within_the_year_is_a_deadline():
    assert (parse_target("零事故").operator, parse_target("零事故").value, parse_target("零事故").text) == ("=", 0, "零事故")
    assert target_weakness(parse_target("零投诉")) is None
    for raw in ("年内", "当年完成", "本年度内"):
        assert (parse_target(raw).kind, parse_target(raw).operator) == ("deadline", "≤"), raw


@pytest.mark.parametrize(("raw", "weakness"), [("≥", "no value: only an operator"), (">=", "no value: only an operator"),
                                               ("≥人", "no value: only an operator and a unit"),
                                               ("≤ 万元", "no value: only an operator and a unit"), ("≥abc", "not understood")])
def test_an_operator_without_a_figure_lacks_its_value(raw, weakness):
    """A newcomer's trial: ≥ with its unit in a column of its own had been 无法识别."""
    assert target_weakness(parse_target(raw)) == weakness


@pytest.mark.parametrize(("raw", "weakness"), [("达到国家一级A标准", None), ("符合GB18918-2002一级A", None), ("达到Ⅲ类水质", None),
                                               ("符合要求", "qualitative; a number with an operator and a unit is easier to check"),
                                               ("基本达到国家标准", "vague; prefer a number with an operator and a unit, or a deadline")])
def test_a_named_standard_is_checkable_as_written(raw, weakness):
    """出水水质 达到国家一级A标准 had been 无法识别, then a soft qualitative; a standard with a name or grade says what to
    measure and how much. 符合要求 names none, and 基本 (basically) hedges."""
    assert target_weakness(parse_target(raw)) == weakness


@pytest.mark.parametrize("raw", ["稳中有增", "稳中有升", "稳步提升"])
def test_steady_growth_without_a_figure_is_vague(raw):
    """A third trial: 稳中有增 had been a qualitative target, where 有所提高 is vague."""
    assert parse_target(raw).vague


@pytest.mark.parametrize(("raw", "text"), [("100元每亩", "100元/亩"), ("≤100元每亩", "≤100元/亩"), ("\u22125万元", "-5万元")])
def test_a_fourth_trials_spellings(raw, text):
    """100元每亩 had stayed ≤100元每亩, and − (U+2212) had not read as the minus sign －/- do."""
    assert parse_target(raw).text == text


@pytest.mark.parametrize(("raw", "operator", "value"), [("≤-18℃", "≤", -18), ("-18°C", None, -18), ("零下18摄氏度", None, -18),
                                                         ("≤25摄氏度", "≤", 25), ("25℃以下", "≤", 25), ("≥-5℃", "≥", -5),
                                                         ("-18度", None, -18), ("≤-18度", "≤", -18), ("零下18度", None, -18)])
def test_a_temperature_is_a_level_that_may_be_below_zero(raw, operator, value):
    """A fourth trial: -18℃ had been 无法识别 and ≤25℃ had lost its unit (then ≤25人)."""
    target = parse_target(raw)
    assert (target.kind, target.operator, target.value, target.unit) == ("quantitative", operator, value, "℃")
    assert not is_change(target)


def test_degrees_without_a_sign_are_not_read_as_a_temperature():
    """-18度 can only be a temperature; 25度 may as well be kilowatt-hours or an angle, so it keeps its own unit."""
    assert parse_target("25度").unit == "度"


@pytest.mark.parametrize(("raw", "text"), [("人均300元/月", "300元/人/月"), ("户均500元", "500元/户"), ("生均800元/年", "800元/生/年"),
                                           ("人均≥300元", "≥300元/人"), ("≥亩均1000斤", "≥1000斤/亩")])
def test_an_average_written_first_is_a_unit_cost(raw, text):
    """人均300元/月 had been 无法识别 (a helper's trial, 2026-12-01); it is written as 每人每月300元 is."""
    target = parse_target(raw)
    assert target.kind == "quantitative" and target.text == text


@pytest.mark.parametrize("raw", ["若干", "较少", "丰富", "内容丰富", "大量"])
def test_words_of_amount_without_a_figure_are_vague_not_unread(raw):
    """若干, 较少 and 丰富 had been 无法识别, telling the reviewer the file was misread (a newcomer's trial, 2026-12-01)."""
    target = parse_target(raw)
    assert target.kind == "qualitative" and target.vague


def test_sets_of_equipment_keep_their_measure_word():
    """设备采购数量 10台套 had become ≥10台 (套 lost; a third trial, 2026-12-01)."""
    assert parse_target("10台套").unit == "台套" and parse_target("≥10台套").text == "≥10台套"


@pytest.mark.parametrize(("raw", "text", "unit"), [
    ("≥60km/h", "≥60公里/小时", "公里/小时"),  # a trial: read as ≥60公里, the /h lost
    ("60KM/H", "60公里/小时", "公里/小时"),
    ("≤5m3/h", "≤5立方米/小时", "立方米/小时"),
    ("24h", "24小时", "小时"),
    ("10kg/m2", "10千克/平方米", "千克/平方米"),
])
def test_a_compound_unit_keeps_every_part_in_chinese(raw, text, unit):
    target = parse_target(raw)
    assert (target.text, target.unit) == (text, unit)


@pytest.mark.parametrize(("raw", "text", "unit"), [("提升至20年一遇", "≥20年一遇", "年一遇"), ("50年一遇", "50年一遇", "年一遇"),
                                                  ("提高到95%", "≥95%", "%")])
def test_a_level_to_reach_and_a_flood_standard(raw, text, unit):
    """河道行洪能力 提升至20年一遇 (a valid standard) had been replaced by ≥__公里 (an expert's judgement, 2026-12-01)."""
    target = parse_target(raw)
    assert (target.kind, target.text, target.unit) == ("quantitative", text, unit)

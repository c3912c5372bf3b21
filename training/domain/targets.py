"""Grammar of indicator targets (指标值).

A published target is one of: a quantity with an operator and a unit
(``≥95%``), a deadline (``12月底前``), a qualitative word (``及时``), or a code
whose meaning sits in the explanation column (``1`` with ``1=及时；2=不及时``).
Parsing turns all spellings into one structure so that targets can be compared,
counted and suggested.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import asdict, dataclass

# Longest spellings first: the alternation is tried left to right.
_OPERATOR_SPELLINGS: list[tuple[str, str]] = [
    ("大于或等于", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
    ("至少", "≥"), (">=", "≥"), ("≥", "≥"), ("≧", "≥"), ("⩾", "≥"),
    ("小于或等于", "≤"), ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不大于", "≤"),
    ("不多于", "≤"), ("控制在", "≤"), ("<=", "≤"), ("≤", "≤"), ("≦", "≤"), ("⩽", "≤"),
    ("大于", ">"), ("高于", ">"), ("超过", ">"), (">", ">"),
    ("小于", "<"), ("低于", "<"), ("<", "<"),
    ("提升至", "≥"), ("提高至", "≥"), ("提升到", "≥"), ("提高到", "≥"),  # 提升至20年一遇: a level to reach
    ("等于", "="), ("==", "="), ("=", "="), ("═", "="), ("达到", "≥"), ("达", "≥"),
    ("±", "±"), ("+-", "±"),
]
_SUFFIX_OPERATORS: list[tuple[str, str]] = [
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"), ("内", "≤"),
]
# 内 alone (2小时内, 30个工作日内) only where no word goes on (内容 is no "within")
_SUFFIX_PATTERNS = {"内": "内(?![\u4e00-\u9fff])"}

# Units, longest first so that 万人次 wins over 万 and 人次 over 人.
_UNITS = sorted(
    {
        "%", "‰", "百分比", "百分点", "比例", "人次", "万人次", "人", "万人", "名", "人天", "人日", "户", "万户",
        "次", "场", "场次", "批", "批次", "期", "版", "条", "张", "份", "万份", "部", "册", "本", "篇", "项",
        "个", "家", "所", "种", "类", "组", "台", "套", "台套", "辆", "艘", "只", "头", "羽", "株", "棵", "万株",
        "亩", "万亩", "公顷", "平方米", "万平方米", "平方公里", "立方米", "万立方米", "米", "延米", "公里",
        "千米", "km", "吨", "万吨", "公斤", "千克", "元", "万元", "亿元", "万", "亿", "天", "日", "工作日",
        "小时", "分钟", "月", "个月", "年", "周", "季度", "村", "镇", "乡", "县", "单", "起", "件", "门",
        "课时", "学时", "班", "处", "座", "间", "栋", "块", "倍", "分", "千瓦", "kw", "kva", "度", "所学校",
        "站", "点", "生", "宗", "例", "床", "盏", "根", "公里/年", "k", "g", "kg", "mg", "t", "个工作日", "个小时",
        "个百分点", "微克/立方米", "μg/m³", "μg/m3", "ug/m³", "ug/m3", "毫克/立方米", "mg/m³", "mg/m3", "毫克/升", "mg/L", "立方厘米",
        "万公斤", "万千克", "斤", "万斤", "亿斤", "千", "千人", "千户", "眼", "个等级", "等级", "/10万", "/十万", "/万", "/千", "/100万", "‱", "尾", "口", "千瓦时", "度电",
        "分贝", "dB", "℃", "°C", "摄氏度", "m", "m2", "m²", "㎡", "km2", "km²", "㎢", "m3", "m³", "㎥", "㎞", "㎏", "kwh", "kw·h", "hm2", "ha", "h", "秒", "页", "餐", "Mbps", "Gbps", "支", "年一遇",
    },
    key=len,
    reverse=True,
)
_KNOWN_UNITS = frozenset(_UNITS)
_UNIT_JOINERS = "/／.、·每"

_QUALITATIVE_MEASURABLE = [
    "及时", "按时", "按期", "准时", "合规", "规范", "达标", "合格", "健全", "完善", "完备", "完整", "齐全",
    "完成", "建立", "到位", "可控", "准确", "安全", "无", "有", "是", "否", "能", "不能", "符合", "满意",
    "优良", "优秀", "良好", "完好", "正常", "通过", "全覆盖", "应改尽改", "应发尽发", "清晰", "明确",
    "合理", "有效", "实现", "保障", "落实", "不超预算", "覆盖", "紧密",
    # no harm done, what a social or ecological cost may state
    "无不良影响", "无负面影响", "无明显影响", "无明显不利影响", "无不利影响", "无影响",
    # against last year's figure, checkable once it is known
    "不低于上年", "不低于去年", "不低于上一年", "不少于上年", "不高于上年", "不超过上年", "持平", "不减少", "不下降", "不降低",
]
_QUALITATIVE_VAGUE = [
    "提升", "提高", "增强", "加强", "改善", "促进", "增加", "减少", "降低", "扩大", "弥补", "明显",
    "显著", "较好", "较高", "较大", "高", "优异", "长期", "长远", "持续", "可持续", "稳定", "积极",
    "巩固", "支撑", "反响", "影响", "带动", "推动", "优化", "逐步", "进一步", "程度", "正面", "有力",
    "有所", "一定", "良性", "美化", "关爱", "充分", "控制", "定期", "参照", "下降", "上升", "基本", "稳中有", "稳步",
    "若干", "较少", "较多", "丰富", "多样", "适量", "少量", "大量",  # a newcomer's trial: 若干, 较少, 丰富 had been 无法识别
]

# A decimal number, with an exponent as programs write one (1e5, 1.2E+06; not 1e: no digits after it).
_NUMBER = r"\d+(?:\.\d+)?(?:[eE][+-]?\d{1,3}(?![A-Za-z\d]))?"
_OP_ALTERNATION = "|".join(re.escape(s) for s, _ in _OPERATOR_SPELLINGS)
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in _UNITS)
_SUFFIX_ALTERNATION = "|".join(_SUFFIX_PATTERNS.get(s, re.escape(s)) for s, _ in _SUFFIX_OPERATORS)
# a unit as written: 万个, 元/吨, 万元/公里, 人/次 (per-something units joined by / or 每)
_UNIT_WRITTEN = (rf"(?:[万亿]|千(?![米克瓦]))?(?:{_UNIT_ALTERNATION})"  # 万头, 200万羽, 1.2万个, 3千户: ten thousands of anything
                 rf"(?:\s*[{_UNIT_JOINERS}]\s*(?:{_UNIT_ALTERNATION}|每天|每年|每人|每次))*")
_QUANTITY = re.compile(
    rf"^(?P<op>{_OP_ALTERNATION})?\s*(?P<num>{_NUMBER})\s*(?P<more>余|多(?![元万]))?\s*"
    rf"(?P<unit>{_UNIT_WRITTEN})?"
    rf"\s*(?P<suffix>{_SUFFIX_ALTERNATION})?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_RANGE = re.compile(rf"(?P<a>\d+(?:\.\d+)?)\s*(?P<unit_a>{_UNIT_WRITTEN})?\s*[-—~～至到]\s*(?P<b>\d+(?:\.\d+)?)\s*"
                    rf"(?P<unit_b>{_UNIT_WRITTEN})?")
_RATIO = re.compile(rf"(?P<op>{_OP_ALTERNATION})?\s*(?P<a>\d+(?:\.\d+)?)\s*[:：]\s*(?P<b>\d+(?:\.\d+)?)")
_CODE_MEANING = re.compile(r"(\d+)\s*[=＝═:：]\s*([^；;，,。\s\d=]+)")
_DEADLINE = re.compile(
    r"^(?P<when>(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号])?|年)?\s*"
    r"(?:底|末|中旬|上旬|下旬|初|全年|年底|年末|月底|月末)?)\s*(?P<rel>前|之前|以前|内|止|完成|截止)?(?P<rest>.*)$"
)
_DATE = r"\d{4}[.\-/年]\d{1,2}月?(?:[.\-/]?\d{1,2}[日号]?)?"
_DATE_RANGE = re.compile(rf"^{_DATE}\s*[-—~至到]+\s*(?:\d{{4}}[.\-/年])?\d{{1,2}}月?(?:[.\-/]?\d{{1,2}}[日号]?)?")
_PERIODIC = re.compile(r"^(按月|按季|按季度|按年|按周|每月|每季度|每年|每周|按日|每日|实时|当天|当日)")
_BRACKETS = "()（）[]【】"
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# 1 200 and 12 345.6: digit groups split by a (thin) space, only in a number's integer part (95.5 100 stays apart)
_SPACED_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u2009\u202f]\d{3})+(?![\d,])")
_NUMERIC_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
# 第四季度, 2025年第三季度末前: a quarter is a deadline (its end)
_QUARTER = re.compile(r"^(?P<when>(?:\d{4}年)?第[一二三四1-4]季度(?:末|底)?)(?P<rel>前|之前|以前|内|完成|结束前)?(?P<rest>.*)$")
# a change against a base: 提高2个百分点, 较上年下降10%, 同比增长5%
_CHANGE = re.compile(r"^(?P<base>(?:较|比|同比|相比|与)?(?:上年度|上一年|上年同期|上年|去年同期|去年|基期|\d{4}年)?(?:同期)?(?:相比)?)"
                     r"(?P<verb>提高|提升|增长|增加|上升|下降|降低|减少|缩短|压缩|节约)了?(?P<amount>.+)$")


@dataclass
class Target:
    """A parsed target. ``text`` is the canonical spelling, ``raw`` what was written."""

    kind: str  # quantitative | qualitative | deadline | coded | empty | unparsed
    raw: str = ""
    operator: str | None = None
    value: float | None = None
    unit: str | None = None
    text: str = ""
    note: str | None = None
    vague: bool = False
    upper: float | None = None  # a range's upper bound (3-5万人: value 3, upper 5); None for one figure

    @property
    def measurable(self) -> bool:
        return self.kind == "deadline" or (self.kind == "quantitative" and self.value is not None)

    @classmethod
    def from_dict(cls, data: dict) -> Target:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def as_dict(self) -> dict:
        data = asdict(self)
        data["measurable"] = self.measurable
        return data


def normalize_text(text: str) -> str:
    """Full-width digits, letters and signs to ASCII; keep Chinese punctuation that carries meaning."""
    out = []
    for ch in text:
        if ch in "＝％＞＜＋－．，０１２３４５６７８９／":
            ch = unicodedata.normalize("NFKC", ch)
        out.append(ch)
    text = "".join(out).replace("\u3000", " ").replace("\xa0", " ").replace("\u2212", "-")  # − (minus sign) as -
    # Thousands separators: 1,200人次 and 2,022.00 are one number. ``\b`` would not do:
    # a Chinese unit is a word character, so 1,200人次 has no boundary after 200.
    text = _SPACED_GROUPS.sub(lambda m: re.sub(r"[ \u2009\u202f]", "", m.group(0)), text)
    return _THOUSANDS.sub("", text).strip()


def operator_of(text: str | None) -> str | None:
    """The canonical operator (≥ ≤ > < = ±) a cell spells, alone: ``大于等于``, ``＝``, ``不低于``; None for anything else (定性, 正向)."""
    if not text:
        return None
    return _canonical_operator(normalize_text(text).strip())


def _canonical_operator(spelling: str | None) -> str | None:
    if not spelling:
        return None
    for written, canonical in _OPERATOR_SPELLINGS:
        if spelling == written:
            return canonical
    return None


SCALE_WORDS = ("万", "千", "百", "亿", "百万", "千万")
# Latin and squared symbols as tables write them (3000㎡, 2.5km, 10m³; any case): the Chinese unit the lexicon knows
_LATIN_UNITS = {"km": "公里", "㎞": "公里", "m2": "平方米", "m²": "平方米", "㎡": "平方米", "km2": "平方公里", "km²": "平方公里",
                "㎢": "平方公里", "m3": "立方米", "m³": "立方米", "㎥": "立方米", "kg": "千克", "㎏": "千克", "kwh": "千瓦时",
                "kw·h": "千瓦时", "ha": "公顷", "hm2": "公顷", "m": "米", "°c": "℃", "摄氏度": "℃", "db": "分贝",
                "h": "小时"}


def _canonical_unit(unit: str | None) -> str | None:
    if not unit:
        return None
    unit = re.sub(r"\s+", "", unit)
    if unit == "百分比":
        return "%"
    if unit == "百分点":  # a change of a rate (提高2个百分点), not a rate: kept apart from %
        return "个百分点"
    if unit.lower() in _LATIN_UNITS:
        return _LATIN_UNITS[unit.lower()]
    if unit in _KNOWN_UNITS:  # a unit of its own (μg/m³, 公里/年)
        return unit
    # a compound unit: each part as the lexicon knows it (km/h → 公里/小时; a trial found ≥60km/h read as ≥60公里)
    parts = re.split(r"([/／])", unit)
    return "".join(_LATIN_UNITS.get(part.lower(), part) for part in parts) if len(parts) > 1 else unit


def _strip_note(rest: str) -> str | None:
    rest = rest.strip().strip("。;；,，")
    while len(rest) >= 2 and rest[0] in _BRACKETS and rest[-1] in _BRACKETS:
        rest = rest[1:-1].strip()
    if rest and rest[0] in _BRACKETS:
        rest = rest[1:].strip()
    return rest or None


def format_number(value: float) -> str:
    """A target's number as written back, never rounded beyond the six decimals a target keeps.

    ``100.0`` → ``100``, ``98.5`` → ``98.5``, ``12345.68`` → ``12345.68`` (``:g`` gave ``12345.7``),
    ``1e5`` → ``100000``. Numbers of 10**15 and more are written in exponent form (``1e+20``).
    """
    value = float(value)
    if abs(value) >= 1e15:
        return f"{value:.15g}"
    if value.is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def format_quantity(operator: str | None, value: float, unit: str | None) -> str:
    return f"{operator or ''}{format_number(value)}{unit or ''}"


def _parse_ratio(text: str) -> Target | None:
    """``1:1`` (配套资金比例), ``≥1:3``: a ratio, measurable as written; its value is the percentage it stands for
    (1:1 → 100, in %), its operator ``=`` unless one is written. It was read as the number 1 and completed as ≥1%."""
    match = _RATIO.fullmatch(text)
    if not match or float(match.group("b")) == 0:
        return None
    operator = _canonical_operator(match.group("op"))
    a, b = match.group("a"), match.group("b")
    return Target(kind="quantitative", raw=text, operator=operator or "=", value=round(float(a) / float(b) * 100, 6), unit="%",
                  text=f"{operator or ''}{a}:{b}")


def _parse_range(text: str) -> Target | None:
    """``3-5万人``, ``20%-30%``, ``5~10次``, ``1000至2000亩``: a range, its lower bound in ``value`` and its upper in
    ``upper``, in the unit written after the second number (or after the first, when only it has one). No operator:
    which bound counts depends on the direction (``target_weakness`` says it is a range). It had been read as its first
    number, its unit lost (3-5万人 → ≥3人)."""
    match = _RANGE.fullmatch(text)
    if not match:
        return None
    low, high = float(match.group("a")), float(match.group("b"))
    unit = _canonical_unit(match.group("unit_b") or match.group("unit_a"))
    unit_a, unit_b = match.group("unit_a"), match.group("unit_b")
    if unit_a and unit_b and unit_a != unit_b and unit_a in SCALE_WORDS and unit_b.startswith(unit_a):
        unit_a = unit_b  # 1万-1.5万人: the scale written on both bounds, the unit after the second
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low or (unit_a and unit_b and unit_a != unit_b):
        return None
    first = unit if unit_a else ""
    shown = f"{format_number(low)}{first or ''}–{format_number(high)}{unit or ''}"
    return Target(kind="quantitative", raw=text, operator=None, value=round(low, 6), unit=unit, text=shown, upper=round(high, 6))


_TEMPERATURE = re.compile(rf"^(?P<op>{_OP_ALTERNATION})?\s*(?P<below>零下)?\s*(?P<sign>[-−])?\s*(?P<num>\d+(?:\.\d+)?)\s*"
                          r"(?P<unit>℃|°C|摄氏度|度)\s*(?P<rest>以下|以上|以内|之间)?$", re.IGNORECASE)


def _parse_temperature(text: str) -> Target | None:
    """``≤-18℃``, ``-18°C``, ``零下18摄氏度``, ``-18度``, ``25℃以下``: a temperature, a level that may be below zero (a fall of 18
    would be a change; a cold store's -18℃ is not). These had been 无法识别, or ``≤25℃`` had lost its unit."""
    match = _TEMPERATURE.match(re.sub(r"\s+", "", text))
    if match is None or match["rest"] == "之间":
        return None
    if match["unit"] == "度" and not (match["below"] or match["sign"]):
        return None  # 25度 may be a temperature, kilowatt-hours or an angle; -18度 and 零下18度 are only temperatures
    value = float(match["num"]) * (-1 if match["below"] or match["sign"] else 1)
    operator = operator_of(match["op"]) if match["op"] else {"以下": "≤", "以内": "≤", "以上": "≥"}.get(match["rest"] or "")
    shown = f"{operator or ''}{format_number(value)}℃"
    return Target(kind="quantitative", raw=text, operator=operator, value=round(value, 6), unit="℃", text=shown)


def _parse_change(text: str) -> Target | None:
    """``提高2个百分点``, ``较上年下降10%``, ``同比增长5%``, ``+3台``: a change against a base, measurable as written. Its figure is
    the least change asked for (operator ``≥`` unless one is written: ``下降不少于10%``); ``text`` keeps the words, so the
    base and the direction stay. These had been read as vague (提高) or not understood (较上年下降10%)."""
    compact = re.sub(r"\s+", "", text)
    signed = _SIGNED.match(compact)
    if signed and not compact.endswith(_SIGNED_LEVEL_UNITS):
        # +3台, -5万元 (a table's column of changes): the sign is the verb; -18℃ is a level, not a fall
        compact = ("增加" if signed.group(1) in "+＋" else "减少") + compact[signed.end():]
    match = _CHANGE.match(compact)
    if not match:
        return None
    amount = _parse_quantity(match.group("amount"))
    if amount is None or amount.upper is not None or amount.note or amount.operator not in (None, "≥", ">"):
        return None
    if signed and not amount.value:
        return None  # -0%: no change is stated
    operator = amount.operator or "≥"
    return Target(kind="quantitative", raw=text, operator=operator, value=amount.value, unit=amount.unit,
                  text=re.sub(r"\s+", "", text), note=CHANGE_NOTE + (match.group("base") or "a base"))


_SIGNED = re.compile(r"^([+＋\-－−])(?=\d)")
_SIGNED_LEVEL_UNITS = ("℃", "°C", "度", "摄氏度")  # a signed value in these is a level (冷库温度 -18℃)
CHANGE_NOTE = "a change against "  # the note of a target that states a change (is_change)


def is_change(target: Target) -> bool:
    """Whether a target states a change against a base (提高2个百分点, 较上年下降10%), not a level."""
    return bool(target.note and target.note.startswith(CHANGE_NOTE))


NONE_AT_ALL = "none at all"  # the note of 零事故, 零投诉: measurable as written
_ABOUT = re.compile(r"^(?:约为|大约|约)\s*(?=\d)")
# 零事故, 零投诉: none at all, = 0 (the unit comes from the name's measure: =0次, =0%)
_NONE_AT_ALL = re.compile(r"^零(事故|投诉|伤亡|死亡|差错|失误|违规|违纪|违法|上访|信访|发生|缺陷|故障|污染|事件|返工|辍学)$")


def _parse_quantity(text: str) -> Target | None:
    none_at_all = _NONE_AT_ALL.fullmatch(text.strip())
    if none_at_all:
        return Target(kind="quantitative", raw=text, operator="=", value=0.0, unit=None, text=text.strip(), note=NONE_AT_ALL)
    text = _ABOUT.sub("", text, count=1)  # 约3.2万人: about, the figure as the plan (it had not been understood)
    ratio = _parse_ratio(text) or _parse_range(text)
    if ratio is not None:
        return ratio
    match = _QUANTITY.match(text)
    if not match:
        return None
    rest = match.group("rest") or ""
    # A number followed by 月/年/日 date parts is a deadline, not a quantity.
    if re.match(r"^\s*(月|年\d|日前|号前)", rest) or re.match(r"^\d{4}年", text):
        return None
    operator = _canonical_operator(match.group("op"))
    suffix = match.group("suffix")
    if suffix and operator is None:
        operator = dict(_SUFFIX_OPERATORS)[suffix]
    if match.group("more") and operator is None:
        operator = "≥"  # 500余人, 30多场: more than the figure
    if operator is None:
        leading_suffix = re.match(rf"^\s*({_SUFFIX_ALTERNATION})", rest)
        if leading_suffix:
            operator = dict(_SUFFIX_OPERATORS)[leading_suffix.group(1)]
            rest = rest[leading_suffix.end():]
    value = float(match.group("num"))
    if not math.isfinite(value):  # 400 nines, 1e999: no number a target can hold
        return None
    unit = _canonical_unit(match.group("unit"))
    if unit == "比例" and value <= 1:
        value, unit = value * 100, "%"
    return Target(
        kind="quantitative",
        raw=text,
        operator=operator,
        value=round(value, 6),
        unit=unit,
        text=format_quantity(operator, value, unit),
        note=_strip_note(rest),
    )


def _real_date(year: int | None, month: int | None, day: int | None) -> bool:
    """Whether a written date exists: month 1–12, the day within its month (29 February only in a leap year, or with no
    year written)."""
    if month is not None and not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if month is None:
        return 1 <= day <= 31
    days = calendar.monthrange(year if year else 2024, month)[1]  # 2024: a leap year, when none is written
    return 1 <= day <= days


def _no_such_date(raw: str) -> Target:
    """A deadline whose date does not exist (13月底前, 2025年2月30日前): not understood, said why."""
    return Target(kind="unparsed", raw=raw, text=re.sub(r"\s+", "", raw), note=NO_SUCH_DATE)


NO_SUCH_DATE = "no such date"
NO_VALUE = "no value"  # the note of a target that is only an operator (and a unit): ≥, ≥人
_OPERATOR_ONLY = re.compile(rf"\s*(?P<op>{_OP_ALTERNATION})\s*(?P<unit>{_UNIT_WRITTEN})?\s*", re.IGNORECASE)


def _parse_deadline(text: str) -> Target | None:
    compact = re.sub(r"\s+", "", text)
    quarter = _QUARTER.match(compact)
    if quarter:
        return Target(kind="deadline", raw=text, operator="≤", text=quarter.group("when") + (quarter.group("rel") or ""),
                      note=_strip_note(quarter.group("rest")))
    year_month = re.fullmatch(r"(20\d{2})[-/.](\d{1,2})", compact)
    if year_month and 1 <= int(year_month.group(2)) <= 12:  # 2024-12 (a month typed into a spreadsheet): 2024年12月
        compact = f"{year_month.group(1)}年{int(year_month.group(2))}月"
        text = compact
    numeric_date = _NUMERIC_DATE.match(compact)
    if numeric_date and not re.match(r"[-—~至到]", compact[numeric_date.end():]):
        # 2025-11-30, 2025/11/30, 2025.11.30 (a date typed into a spreadsheet) read as 2025年11月30日.
        year, month, day = (int(g) for g in numeric_date.groups())
        if not _real_date(year, month, day):
            return _no_such_date(text)
        compact = f"{year}年{month}月{day}日" + compact[numeric_date.end():]
    if re.fullmatch(r"(?:本|当)?年度?内(?:完成)?|当年(?:完成|内)?|本年度(?:内|完成)?", compact):
        # 年内, 当年完成: by the end of the budget year
        return Target(kind="deadline", raw=text, operator="≤", text=compact)
    if _PERIODIC.match(compact):
        # the whole of it is the target (每季度末前, 每月1次): the period alone dropped its deadline or count
        return Target(kind="deadline", raw=text, text=compact, note=None)
    range_match = _DATE_RANGE.match(compact)
    if range_match:
        return Target(kind="deadline", raw=text, operator="≤", text=range_match.group(0), note=_strip_note(compact[range_match.end():]))
    if not re.match(r"^(\d{4}年|\d{1,2}月|年底|年末|\d{4}\.\d{1,2}|\d{4}-\d{1,2})", compact):
        return None
    match = _DEADLINE.match(compact)
    if not match or not match.group("when"):
        return None
    when, relation, rest = match.group("when"), match.group("rel"), match.group("rest")
    if not re.search(r"[月底末旬全年]|\d{4}年", when):
        return None
    written = re.fullmatch(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})[日号])?.*", when)
    year, month, day = (int(g) if g else None for g in written.groups())
    if not _real_date(year, month, day):
        return _no_such_date(text)
    text_form = when + (relation or "")
    operator = "≤" if relation in ("前", "之前", "以前", "内", "止", "截止") or when.endswith(("底", "末")) else None
    return Target(kind="deadline", raw=text, operator=operator, text=text_form, note=_strip_note(rest))


def _match_words(text: str, words: list[str]) -> list[str]:
    return [w for w in words if w in text]


STANDARD = "a named standard"  # the note of 达到国家一级A标准: checkable as written, as a measured figure is
# a standard with a name, a number or a grade (国家, GB…, 一级A, Ⅲ类): 符合要求 alone names none
_NAMED_STANDARD = re.compile(r"国家|国标|行业|省级|地方|GB|HJ|CJ|[一二三四五12345ⅠⅡⅢⅣⅤ][级类]", re.IGNORECASE)
_STANDARD_REACHED = re.compile(r"(达到|符合|满足).{0,20}(标准|等级|[一二三四五12345ⅠⅡⅢⅣⅤ][级类]|规范|要求)")


def _parse_qualitative(text: str) -> Target | None:
    compact = re.sub(r"\s+", "", text).strip("。")
    measurable_words = _match_words(compact, _QUALITATIVE_MEASURABLE)
    standard = _STANDARD_REACHED.search(compact)
    if standard:
        measurable_words.append("达到标准")  # 达到国家一级A标准, 符合GB18918-2002一级A: a named standard is checkable
    # 不降低 and 不减少 are checkable, though 降低 and 减少 alone are vague
    vague_words = [w for w in _match_words(compact, _QUALITATIVE_VAGUE) if not any(w in m for m in measurable_words)]
    if not measurable_words and not vague_words:
        return None
    # A binary word alone (及时, 合规, 是) is checkable; comparative words without a number are not.
    vague = bool(vague_words) or (len(compact) > 12 and not standard)
    named = standard is not None and not vague and _NAMED_STANDARD.search(compact) is not None
    return Target(kind="qualitative", raw=text, text=compact, vague=vague, note=STANDARD if named else None)


def resolve_code(code: str, explanation: str | None) -> str | None:
    """The meaning of a code such as ``1`` in ``1=及时；2=不及时``."""
    if not explanation:
        return None
    for number, meaning in _CODE_MEANING.findall(normalize_text(explanation)):
        if number == code:
            return meaning
    return None


_PER_FIRST = re.compile(r"^(?P<op>[≥≤=<>]?)每(?P<per>[\u4e00-\u9fff]{1,2}?)(?:每(?P<per2>[\u4e00-\u9fff]{1,2}?))?"
                        r"(?P<number>\d+(?:\.\d+)?)(?P<unit>万元|元|万斤|斤|公斤|千克|万吨|吨)(?P<rest>[^/]*)$")  # money, weight: 每月1次 stays


# 人均300元/月 → 300元/人/月, 户均500元 → 500元/户 (the average written first, as 每人每月 is)
_AVERAGE_FIRST = re.compile(r"^(?P<op>[≥≤=<>]?)(?P<per>人|户|生|亩|次)均(?P<op2>[≥≤=<>]?)(?P<number>\d+(?:\.\d+)?)"
                            r"(?P<unit>万元|元|万斤|斤|公斤|千克|万吨|吨)(?:/(?P<per2>月|年|天|日|次))?(?P<rest>(?:以上|以下|以内)?)$")


_PER_AFTER = re.compile(r"^(?P<head>[≥≤=<>]?\d+(?:\.\d+)?(?:万元|元|万斤|斤|公斤|千克|万吨|吨))每(?P<per>[\u4e00-\u9fff]{1,2}?)"
                        r"(?P<rest>(?:以上|以下|以内)?)$")


def parse_target(raw: str | None, explanation: str | None = None) -> Target:
    """Parse what a table wrote as the target, using the explanation column when it carries the real value.

    Henan's tables write ``95`` with ``≥95%`` in 指标值说明, and ``1`` with
    ``1=及时；2=不及时``; both are resolved through the explanation.
    """
    if raw is None or not str(raw).strip() or str(raw).strip() in ("　", "/", "-", "—", "无"):
        explained = parse_target(explanation) if explanation and str(explanation).strip() else None
        if explained and explained.kind in ("quantitative", "deadline"):
            explained.note = (explained.note or "") + " (from the explanation column)" if explained.note else "from the explanation column"
            return explained
        return Target(kind="empty", raw="" if raw is None else str(raw))
    text = normalize_text(str(raw))
    original = str(raw).strip()

    if re.fullmatch(r"\d{1,2}", text):
        meaning = resolve_code(text, explanation)
        if meaning:
            inner = _parse_qualitative(meaning)
            return Target(kind="coded", raw=original, value=float(text), text=meaning,
                          note=normalize_text(explanation or ""), vague=inner.vague if inner else True)

    # 每亩100元 → 100元/亩, 每人每月300元 → 300元/人/月, 每亩100斤 → 100斤/亩 (a frequency, 每月1次, is kept as written)
    text = _PER_FIRST.sub(lambda m: f"{m['op']}{m['number']}{m['unit']}/{m['per']}" + (f"/{m['per2']}" if m["per2"] else "")
                          + m["rest"], text)
    text = _AVERAGE_FIRST.sub(lambda m: f"{m['op'] or m['op2']}{m['number']}{m['unit']}/{m['per']}"
                              + (f"/{m['per2']}" if m["per2"] else "") + m["rest"], text)
    text = _PER_AFTER.sub(lambda m: f"{m['head']}/{m['per']}{m['rest']}", text)  # 100元每亩 → 100元/亩
    for parser in (_parse_deadline, _parse_temperature, _parse_change, _parse_quantity, _parse_qualitative):
        target = parser(text)
        if target is not None:
            target.raw = original
            break
    else:
        # ≥ alone, or ≥人 (the figure left out, the unit in a column of its own): no value, not "not understood"
        bare = _OPERATOR_ONLY.fullmatch(text)
        if bare is None:
            return Target(kind="unparsed", raw=original, text=text)
        # the operator and the unit as written, so that only the value is to be filled (≥元/生 → ≥__元/生)
        return Target(kind="unparsed", raw=original, text=text, note=NO_VALUE, operator=operator_of(bare["op"]),
                      unit=_canonical_unit(bare["unit"]))

    if target.kind == "quantitative" and explanation:
        explained = _parse_quantity(normalize_text(explanation))
        if explained and explained.value == target.value and target.operator is None and explained.operator:
            target.operator = explained.operator
            target.unit = target.unit or explained.unit
            target.text = format_quantity(target.operator, target.value, target.unit)
    return target


QUALITATIVE_WEAKNESS = "qualitative; a number with an operator and a unit is easier to check"


def target_weakness(target: Target) -> str | None:
    """Why a target falls short of the guideline's measurable form, or None when it does not."""
    if target.kind == "coded":
        return f"a code meaning {target.text!r}; write a measurable value or a deadline instead"
    if target.kind == "qualitative" and target.note == STANDARD:
        return None  # 达到国家一级A标准: the standard says what to measure and how much
    if target.kind == "qualitative":
        if target.vague:
            return "vague; prefer a number with an operator and a unit, or a deadline"
        return QUALITATIVE_WEAKNESS
    if target.kind == "unparsed" and target.note == NO_SUCH_DATE:
        return "a date that does not exist"
    if target.kind == "unparsed" and target.note == NO_VALUE:
        return "no value: only an operator" + (" and a unit" if re.search(r"[^\s≥≤=<>＞＜≧≦]", target.text or "") and len(target.text) > 1 else "")
    if target.kind == "unparsed":
        return "not understood"
    if target.kind == "empty":
        return "missing"
    if target.kind == "quantitative" and target.note == NONE_AT_ALL:
        return None  # 零事故: zero of whatever the name counts
    if target.kind == "quantitative" and target.upper is not None:
        return "a range; write one bound with an operator"
    unitless = not target.unit or target.unit in SCALE_WORDS  # 100万: 万 is a scale, not what is counted
    if target.kind == "quantitative" and not target.operator and unitless:
        return "no operator (≥, ≤, =) and no unit"
    if target.kind == "quantitative" and not target.operator:
        return "no operator (≥, ≤, =)"
    if target.kind == "quantitative" and unitless:
        return "no unit"
    return None

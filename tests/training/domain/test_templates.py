"""Indicators composed from a project's own name: the object found in the name, and the templates of data/project_templates.json."""

from __future__ import annotations

import json

import pytest

from training.domain.templates import ProjectTemplates, load_templates


@pytest.mark.parametrize(("project", "found"), [
    ("乡村道路建设养护项目", "乡村道路建设养护"),
    ("检疫犬经费", "检疫犬"),
    ("检验检疫专项业务费", "检验检疫"),
    ("2020年非营利性民办园房租补贴", "非营利性民办园房租补贴"),
    ("郑州市“乡村振兴实用人才培养”项目", "乡村振兴实用人才培养"),
    ("学生资助补助经费(中等职业学校国家助学金和免学费补助资金)", "学生资助"),
    ("河南省科技馆新馆2020年运维保障经费", "科技馆新馆"),
    ("高标准农田建设", "高标准农田建设"),
    ("社区服务中心运行", "社区服务中心运行"),  # 社区 is no place name: one character before 区
])
def test_the_object_is_the_name_without_year_place_and_fund_words(project, found):
    assert load_templates().project_object(project) == found


@pytest.mark.parametrize("project", ["专项经费", "部门整体支出", "项目", "经费", "", "2025年", "A"])
def test_a_name_that_names_no_object_composes_nothing(project):
    templates = load_templates()
    assert templates.project_object(project) is None
    assert templates.compose(project) == []


def test_works_are_accepted_and_services_meet_a_standard():
    templates = load_templates()
    roads = dict((t.group, name) for t, name in templates.compose("乡村道路建设养护项目"))
    assert roads == {"数量指标": "乡村道路建设养护任务完成率", "质量指标": "乡村道路建设养护验收合格率",
                     "时效指标": "乡村道路建设养护完成及时率", "成本指标": "乡村道路建设养护总成本",
                     "效益指标": "乡村道路建设养护受益人数", "满意度指标": "乡村道路建设养护服务对象满意度"}
    dogs = dict((t.group, name) for t, name in templates.compose("检疫犬经费"))
    assert dogs["质量指标"] == "检疫犬工作达标率"  # nothing to accept on delivery


def test_per_group_and_an_object_that_already_ends_in_the_measure(tmp_path):
    spec = {"version": "t", "strip_prefixes": [], "strip_suffixes": ["项目"], "strip_trailing": [], "generic_objects": [],
            "min_object_chars": 2,
            "templates": [{"group": "满意度指标", "level2": "服务对象满意度指标", "suffix": "满意度"},
                          {"group": "满意度指标", "level2": "服务对象满意度指标", "suffix": "群众满意度"},
                          {"group": "成本指标", "level2": "经济成本指标", "suffix": "总成本"}]}
    path = tmp_path / "templates.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    templates = ProjectTemplates.load(path)
    assert [name for _, name in templates.compose("窗口服务项目", per_group=2)] == ["窗口服务满意度", "窗口服务群众满意度", "窗口服务总成本"]
    assert [name for _, name in templates.compose("窗口服务项目")] == ["窗口服务满意度", "窗口服务总成本"]
    # an object ending in a measure is not given it again (…满意度满意度); this group has no other template
    assert [name for _, name in templates.compose("群众满意度项目")] == ["群众满意度总成本"]


def test_the_shipped_file_covers_every_group():
    from training.model.projects import REQUIRED_GROUPS

    templates = load_templates()
    assert {t.group for t in templates.templates} == {group for group, _ in REQUIRED_GROUPS}
    assert all(any(not t.when for t in templates.templates if t.group == group) for group, _ in REQUIRED_GROUPS)

-- 成德同城化重大项目管理：数据库结构（唯一来源）。
-- The store applies this file to a new database and sets PRAGMA user_version to the
-- version below; older files are brought up to it by desktop_app/store/migrations.py.
-- Conventions: dates are ISO text (YYYY-MM-DD), periods are 'YYYY-MM', money is 万元 as REAL
-- rounded to 4 decimals (one 元) by domain.money.round_wan, percent is 0–100.
-- schema-version: 8

CREATE TABLE plan (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    doc_no      TEXT,
    start_year  INTEGER NOT NULL,
    end_year    INTEGER NOT NULL,
    CHECK (end_year >= start_year)
);

-- Chapters (章), sections (节) and boxed lists (专栏) of a plan.
CREATE TABLE plan_section (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('章', '节', '专栏')),
    number      INTEGER NOT NULL CHECK (number >= 1),
    title       TEXT NOT NULL,
    parent_id   INTEGER REFERENCES plan_section(id),
    UNIQUE (plan_id, key),
    UNIQUE (plan_id, kind, parent_id, number)
);

CREATE TABLE unit (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    short_name      TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('区县', '功能区', '市级部门', '其他')),
    contact_person  TEXT,
    contact_phone   TEXT,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    merged_into_id  INTEGER REFERENCES unit(id),
    sort            INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
);

CREATE TABLE project (
    id                  TEXT PRIMARY KEY,                      -- UUID, stable across renames
    code                TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    name                TEXT NOT NULL CHECK (length(trim(name)) > 0),
    plan_id             INTEGER REFERENCES plan(id),
    section_id          INTEGER REFERENCES plan_section(id),   -- the 专栏 (or 章) it is listed in
    category            TEXT,
    stage               TEXT DEFAULT '储备' CHECK (stage IS NULL OR stage IN ('储备', '前期', '在建', '竣工')),  -- NULL: 待填报
    district_id         INTEGER REFERENCES unit(id),           -- location (区县)
    scope               TEXT,                                  -- 建设内容
    total_investment    REAL CHECK (total_investment IS NULL OR total_investment >= 0),
    planned_start       TEXT CHECK (planned_start IS NULL OR date(planned_start) IS planned_start),
    planned_end         TEXT CHECK (planned_end IS NULL OR date(planned_end) IS planned_end),
    actual_start        TEXT CHECK (actual_start IS NULL OR date(actual_start) IS actual_start),
    actual_end          TEXT CHECK (actual_end IS NULL OR date(actual_end) IS actual_end),
    percent_complete    REAL CHECK (percent_complete IS NULL OR percent_complete BETWEEN 0 AND 100),
    investment_to_date  REAL CHECK (investment_to_date IS NULL OR investment_to_date >= 0),  -- 累计完成投资
    source_text         TEXT,                                  -- the plan's own words
    notes               TEXT,
    is_demo             INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    deleted             INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    CHECK (planned_start IS NULL OR planned_end IS NULL OR planned_start <= planned_end),
    CHECK (actual_start IS NULL OR actual_end IS NULL OR actual_start <= actual_end)
);
CREATE INDEX project_section ON project(section_id);
CREATE INDEX project_district ON project(district_id);
CREATE INDEX project_stage ON project(stage);

-- 年度目标: the annual investment plan and goal of a project.
CREATE TABLE project_annual_target (
    project_id          TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    year                INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    planned_investment  REAL CHECK (planned_investment IS NULL OR planned_investment >= 0),
    goal                TEXT,
    PRIMARY KEY (project_id, year)
);

CREATE TABLE project_unit (
    project_id  TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    role        TEXT NOT NULL CHECK (role IN ('牵头', '责任', '配合')),
    PRIMARY KEY (project_id, unit_id)
);
CREATE UNIQUE INDEX project_unit_one_lead ON project_unit(project_id) WHERE role = '牵头';
CREATE INDEX project_unit_unit ON project_unit(unit_id, role);

-- 关键节点
CREATE TABLE milestone (
    id            INTEGER PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    planned_date  TEXT CHECK (planned_date IS NULL OR date(planned_date) IS planned_date),
    actual_date   TEXT CHECK (actual_date IS NULL OR date(actual_date) IS actual_date),
    sort          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX milestone_project ON milestone(project_id, sort);

-- One import of one file (a unit's return, or a register load).
CREATE TABLE import_batch (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    user        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('return', 'register', 'indicators')),
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    unit_id     INTEGER REFERENCES unit(id),
    period      TEXT CHECK (period IS NULL OR period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    template_id TEXT,
    counts      TEXT NOT NULL DEFAULT '{}'                -- JSON: updated, unchanged, refused, conflicts, proposals
);
CREATE INDEX import_batch_sha ON import_batch(sha256);
CREATE INDEX import_batch_period ON import_batch(period, unit_id);

-- 进度填报: one report per project per period.
CREATE TABLE progress_report (
    id                    INTEGER PRIMARY KEY,
    project_id            TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    period                TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    reported_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    percent_complete      REAL CHECK (percent_complete IS NULL OR percent_complete BETWEEN 0 AND 100),
    investment_to_date    REAL CHECK (investment_to_date IS NULL OR investment_to_date >= 0),
    investment_this_year  REAL CHECK (investment_this_year IS NULL OR investment_this_year >= 0),
    progress_text         TEXT,
    problems              TEXT,
    next_steps            TEXT,
    source                TEXT NOT NULL DEFAULT '手工' CHECK (source IN ('手工', '导入', '演示')),
    batch_id              INTEGER REFERENCES import_batch(id),
    UNIQUE (project_id, period)
);
CREATE INDEX progress_report_period ON progress_report(period);

-- 主要指标
CREATE TABLE indicator (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    category     TEXT,
    name         TEXT NOT NULL,
    unit         TEXT,
    base_value   TEXT,
    operator     TEXT NOT NULL CHECK (operator IN ('≥', '>', '=', '≤', '<')),
    target       REAL NOT NULL,
    target_text  TEXT,
    year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    attribute    TEXT,
    UNIQUE (plan_id, seq)
);

CREATE TABLE indicator_value (
    indicator_id  INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    value         REAL NOT NULL,
    source        TEXT NOT NULL DEFAULT '手工',
    note          TEXT,
    PRIMARY KEY (indicator_id, year)
);

-- Every change to user data: who, when, what, old -> new, and where it came from.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f', 'now', 'localtime')),
    user        TEXT NOT NULL,
    entity      TEXT NOT NULL,          -- project, unit, milestone, progress_report, indicator_value …
    entity_id   TEXT NOT NULL,
    project_id  TEXT,                   -- the project the change belongs to, for its history
    field       TEXT NOT NULL,
    old         TEXT,
    new         TEXT,
    source      TEXT NOT NULL,          -- 手工 / 导入 / 初始化 / 演示 / 系统
    batch_id    INTEGER REFERENCES import_batch(id),
    op_id       TEXT                    -- groups the rows of one user operation
);
-- Replaced in version 3 by audit_by_project and audit_proposal (see there).
CREATE INDEX audit_project ON audit_log(project_id, at);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- Database-level events: backups, restores, templates issued, imports (for the history view).
CREATE TABLE event_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    user     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('init', 'import', 'backup', 'restore', 'template', 'demo', 'other')),
    summary  TEXT NOT NULL,
    path     TEXT
);

CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL           -- JSON
);

-- ---- version 2: exchange, supervision and schedule tables -------------------------------

-- 填报模板 issued to a unit for a period; a return refers to it by id.
CREATE TABLE template_issue (
    id             TEXT PRIMARY KEY,   -- UUID written into the workbook's metadata sheet
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    period         TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    issued_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    user           TEXT NOT NULL,
    file_name      TEXT,
    project_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX template_issue_period ON template_issue(period, unit_id);

-- The state of each project row as issued (for conflict detection on return).
CREATE TABLE template_issue_row (
    template_id  TEXT NOT NULL REFERENCES template_issue(id) ON DELETE CASCADE,
    project_id   TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    snapshot     TEXT NOT NULL,       -- JSON of the editable fields as issued
    PRIMARY KEY (template_id, project_id)
);

-- 新增项目建议: rows of a return naming a project the register does not have.
CREATE TABLE project_proposal (
    id         INTEGER PRIMARY KEY,
    batch_id   INTEGER NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
    unit_id    INTEGER REFERENCES unit(id),
    name       TEXT NOT NULL,
    payload    TEXT NOT NULL,         -- JSON of the row as typed
    status     TEXT NOT NULL DEFAULT '待审核' CHECK (status IN ('待审核', '已采纳', '已驳回'))
);

-- 督办
CREATE TABLE supervision (
    id            INTEGER PRIMARY KEY,
    project_id    TEXT REFERENCES project(id) ON DELETE CASCADE,  -- NULL: a task's (version 6)
    unit_id       INTEGER REFERENCES unit(id),
    issued_date   TEXT NOT NULL CHECK (date(issued_date) IS issued_date),
    reply_by      TEXT NOT NULL CHECK (date(reply_by) IS reply_by),
    level         TEXT NOT NULL DEFAULT '蓝' CHECK (level IN ('蓝', '黄', '红')),
    status        TEXT NOT NULL DEFAULT '已发' CHECK (status IN ('已发', '已回复', '已办结')),
    reason        TEXT NOT NULL,
    request       TEXT,
    reply_text    TEXT,
    replied_date  TEXT CHECK (replied_date IS NULL OR date(replied_date) IS replied_date),
    closed_date   TEXT CHECK (closed_date IS NULL OR date(closed_date) IS closed_date),
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK (reply_by >= issued_date)
);
CREATE INDEX supervision_project ON supervision(project_id);

-- Gantt baselines: a named copy of every project's planned span.
CREATE TABLE baseline (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
);
CREATE TABLE baseline_item (
    baseline_id    INTEGER NOT NULL REFERENCES baseline(id) ON DELETE CASCADE,
    project_id     TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    planned_start  TEXT,
    planned_end    TEXT,
    PRIMARY KEY (baseline_id, project_id)
);

-- Finish-to-start links between projects (or their milestones), with lag in days.
CREATE TABLE dependency (
    id                    INTEGER PRIMARY KEY,
    pred_project_id       TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    pred_milestone_id     INTEGER REFERENCES milestone(id) ON DELETE CASCADE,
    succ_project_id       TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    succ_milestone_id     INTEGER REFERENCES milestone(id) ON DELETE CASCADE,
    lag_days              INTEGER NOT NULL DEFAULT 0,
    CHECK (pred_project_id <> succ_project_id OR pred_milestone_id IS NOT succ_milestone_id)
);
CREATE INDEX dependency_pred ON dependency(pred_project_id);
CREATE INDEX dependency_succ ON dependency(succ_project_id);

-- ---- version 3: leaner audit indexes ----------------------------------------------------

-- A project's history is read by project id, newest id first; of the other entities only the
-- 新增项目建议 are looked up by id. An import writes an audit row per changed field (20,000
-- for a 10,000-row return): one narrow index on a table that grows by such imports every
-- month, instead of two wide ones, keeps a later year's import about as fast as the first.
DROP INDEX audit_project;
DROP INDEX audit_entity;
CREATE INDEX audit_by_project ON audit_log(project_id);
CREATE INDEX audit_proposal ON audit_log(entity_id) WHERE entity = 'project_proposal';

-- ---- version 4: change requests ---------------------------------------------------------

-- 变更申请: a unit's return changing a planning value the register already holds (计划开工,
-- 计划完工, 总投资, 年度计划投资, 建设内容). The office decides: 已采纳 applies decided_value (which
-- may correct what the unit asked), 已退回 keeps the plan and records why.
CREATE TABLE change_request (
    id             INTEGER PRIMARY KEY,
    batch_id       INTEGER NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
    unit_id        INTEGER REFERENCES unit(id),
    project_id     TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
    period         TEXT,
    field          TEXT NOT NULL CHECK (field IN ('scope', 'planned_start', 'planned_end', 'total_investment', 'annual_plan')),
    year           INTEGER,                            -- annual_plan: the year it plans
    old_value      TEXT,                               -- JSON: the register's value when asked
    new_value      TEXT NOT NULL,                      -- JSON: the value the unit asks for
    cell           TEXT,                               -- where the return holds it (项目进展!F5)
    status         TEXT NOT NULL DEFAULT '待审核' CHECK (status IN ('待审核', '已采纳', '已退回')),
    decided_value  TEXT,                               -- JSON: the value applied (已采纳)
    reason         TEXT,                               -- why it was returned (已退回), or a note
    decided_at     TEXT,
    decided_by     TEXT
);
CREATE INDEX change_request_status ON change_request(status, project_id);

-- ---- version 5: the plan dataset read in full ---------------------------------------------

-- A project's stage may be unknown (NULL, shown as 待填报): the plan names many projects without
-- saying where they stand. Older files get the relaxed column by migrations.STEPS[5].
-- Which side a project belongs to (成都 / 德阳 / 两地共建), as the plan says.
ALTER TABLE project ADD COLUMN side TEXT CHECK (side IS NULL OR side IN ('成都', '德阳', '两地共建'));
-- Where a unit comes from: '规划原文' (named in the plan), '常用市级部门' (the built-in list of the
-- usual city departments, not named in the plan), NULL (added by the office).
ALTER TABLE unit ADD COLUMN origin TEXT;
-- Where an indicator comes from: '表' (the plan's indicator table) or '正文' (a target in the text),
-- with the plan's own words.
ALTER TABLE indicator ADD COLUMN origin TEXT;
ALTER TABLE indicator ADD COLUMN source_text TEXT;
-- 重点任务: the plan's key tasks, section by section (its numbered items, or the section itself
-- where it has none), as a second kind of item beside projects. Lead units only where the plan
-- names them; the office assigns the rest.
CREATE TABLE task (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    code          TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    section_id    INTEGER REFERENCES plan_section(id),
    number        INTEGER,                       -- the plan's item number (0: the section itself)
    title         TEXT NOT NULL,                 -- the plan's own heading
    text          TEXT,                          -- the plan's first sentence under it
    source_line   INTEGER,                       -- line in the plan text
    lead_unit_id  INTEGER REFERENCES unit(id),
    notes         TEXT
);
CREATE INDEX task_section ON task(section_id);

-- ---- version 6: the year's list (年度目标和重点任务清单) and reports on tasks ---------------

-- One list per year: drafted by the office, then issued (文号, date). Its entries are tasks and
-- projects with that year's targets; a project's 年度计划投资 stays in project_annual_target.
CREATE TABLE annual_list (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    plan_id     INTEGER REFERENCES plan(id),
    title       TEXT NOT NULL,
    doc_no      TEXT,                                   -- 文号, when issued
    issued_at   TEXT,                                   -- NULL: 草稿
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE annual_item (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL REFERENCES annual_list(year) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,                     -- 序号 in the list
    heading       TEXT,                                 -- the list's section (领域/专栏) it stands under
    task_id       INTEGER REFERENCES task(id) ON DELETE CASCADE,
    project_id    TEXT REFERENCES project(id) ON DELETE CASCADE,
    expected      TEXT,                                 -- 预期成果 (a project: 形象进度目标)
    due_text      TEXT,                                 -- 完成时限 as written: 年底前, 6月底前, 持续推进
    due_date      TEXT CHECK (due_date IS NULL OR date(due_date) IS due_date),  -- read from due_text
    target_stage  TEXT CHECK (target_stage IS NULL OR target_stage IN ('储备', '前期', '在建', '竣工')),
    carried_from  INTEGER REFERENCES annual_item(id) ON DELETE SET NULL,  -- last year's entry
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK ((task_id IS NULL) <> (project_id IS NULL))
);
CREATE UNIQUE INDEX annual_item_task ON annual_item(year, task_id) WHERE task_id IS NOT NULL;
CREATE UNIQUE INDEX annual_item_project ON annual_item(year, project_id) WHERE project_id IS NOT NULL;

-- The units of a task and their roles, as the office assigns them. The plan's own lead, where
-- it names one (task.lead_unit_id), is copied here as 牵头 when the task is loaded.
CREATE TABLE task_unit (
    task_id  INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES unit(id),
    role     TEXT NOT NULL CHECK (role IN ('牵头', '责任', '配合')),
    PRIMARY KEY (task_id, unit_id)
);
CREATE UNIQUE INDEX task_unit_one_lead ON task_unit(task_id) WHERE role = '牵头';
CREATE INDEX task_unit_unit ON task_unit(unit_id, role);
INSERT OR IGNORE INTO task_unit (task_id, unit_id, role)
    SELECT id, lead_unit_id, '牵头' FROM task WHERE lead_unit_id IS NOT NULL;

-- A unit's report on a task for a period: the 「重点任务」 sheet of its return, or typed by hand.
CREATE TABLE task_report (
    id             INTEGER PRIMARY KEY,
    task_id        INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    period         TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    reported_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    progress_text  TEXT,                                -- 进展情况
    state          TEXT CHECK (state IS NULL OR state IN ('未启动', '推进中', '已完成', '未完成')),
    done_date      TEXT CHECK (done_date IS NULL OR date(done_date) IS done_date),  -- when 已完成
    problems       TEXT,                                -- 存在问题
    source         TEXT NOT NULL DEFAULT '手工' CHECK (source IN ('手工', '导入', '演示')),
    batch_id       INTEGER REFERENCES import_batch(id),
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (task_id, unit_id, period)
);
CREATE INDEX task_report_period ON task_report(period, unit_id);

-- The state of each task row of a template as issued (conflicts on return, as for projects).
CREATE TABLE template_issue_task (
    template_id  TEXT NOT NULL REFERENCES template_issue(id) ON DELETE CASCADE,
    task_id      INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,                      -- task_report.version as issued (0: none)
    snapshot     TEXT NOT NULL,                         -- JSON of the editable fields as issued
    PRIMARY KEY (template_id, task_id)
);

-- 督办 of a task (project_id NULL; older files get the relaxed column by migrations.STEPS[6]).
ALTER TABLE supervision ADD COLUMN task_id INTEGER REFERENCES task(id) ON DELETE CASCADE;
CREATE INDEX supervision_task ON supervision(task_id) WHERE task_id IS NOT NULL;

-- ---- version 7: plans in turn: a plan closed, the next opened, items carried over ---------

-- A plan is 执行中 (its projects and tasks may be edited) or 已关闭 (kept, read-only, until
-- reopened). Which plan the windows and commands work on by default is the setting
-- current_plan; a plan's projects are those whose plan_id is it.
ALTER TABLE plan ADD COLUMN status TEXT NOT NULL DEFAULT '执行中' CHECK (status IN ('执行中', '已关闭'));
ALTER TABLE plan ADD COLUMN closed_at TEXT;
ALTER TABLE plan ADD COLUMN closed_by TEXT;
-- A project or task of one plan carried into the next: the item itself moves (same id, so its
-- progress reports, milestones, 督办, change requests and audit trail stay with it), and this
-- row says where it came from, under which 专栏/节, and how it stood when carried.
CREATE TABLE carryover (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('project', 'task')),
    project_id       TEXT REFERENCES project(id) ON DELETE CASCADE,
    task_id          INTEGER REFERENCES task(id) ON DELETE CASCADE,
    from_plan_id     INTEGER NOT NULL REFERENCES plan(id),
    to_plan_id       INTEGER NOT NULL REFERENCES plan(id),
    from_section_id  INTEGER REFERENCES plan_section(id),
    state            TEXT,                 -- JSON: stage, 形象进度, 累计完成投资 / the task's state
    at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    user             TEXT NOT NULL,
    CHECK ((kind = 'project') = (project_id IS NOT NULL)),
    CHECK ((kind = 'task') = (task_id IS NOT NULL)),
    CHECK (from_plan_id <> to_plan_id)
);
CREATE UNIQUE INDEX carryover_project ON carryover(project_id, to_plan_id) WHERE kind = 'project';
CREATE UNIQUE INDEX carryover_task ON carryover(task_id, to_plan_id) WHERE kind = 'task';
CREATE INDEX carryover_from ON carryover(from_plan_id, kind);
CREATE INDEX project_plan ON project(plan_id);
-- Projects added before plans were told apart belong to the first plan.
UPDATE project SET plan_id = (SELECT min(id) FROM plan) WHERE plan_id IS NULL;

-- ---- version 8: the year's assessment of units (年度考核) ---------------------------------

-- The rules the office sets for a year's assessment: one row per item (报送及时率, 报送质量,
-- 任务按期完成率, 项目按期推进率, 年度投资完成率, 督办按期回复率) with its weight (points of 100)
-- and parameters. How each item is computed is fixed by the program (domain/assessment.py) and
-- written out in words beside it; the office chooses names, weights and parameters.
CREATE TABLE assessment_rule (
    year     INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    item     TEXT NOT NULL CHECK (item IN ('timeliness', 'quality', 'tasks', 'projects',
                                            'investment', 'supervision')),
    name     TEXT NOT NULL CHECK (length(trim(name)) > 0),
    weight   REAL NOT NULL CHECK (weight BETWEEN 0 AND 100),
    enabled  INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    params   TEXT NOT NULL DEFAULT '{}',                -- JSON: the item's parameters
    note     TEXT,                                      -- the office's own remark
    sort     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (year, item)
);

-- The year's options: caps on hand-entered points, and how an item without records is scored.
CREATE TABLE assessment_year (
    year         INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    bonus_cap    REAL NOT NULL DEFAULT 5 CHECK (bonus_cap >= 0),
    penalty_cap  REAL NOT NULL DEFAULT 10 CHECK (penalty_cap >= 0),
    no_data      TEXT NOT NULL DEFAULT '满分' CHECK (no_data IN ('满分', '折算')),
    note         TEXT,
    version      INTEGER NOT NULL DEFAULT 1
);

-- 加分 / 扣分 entered by hand (the only figures of an assessment that are typed), with the
-- reason and its basis; every change is in audit_log (entity 'assessment_adjustment').
CREATE TABLE assessment_adjustment (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    points      REAL NOT NULL CHECK (points <> 0 AND points BETWEEN -100 AND 100),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    basis       TEXT,                                   -- 依据: a document, a notice
    entered_by  TEXT NOT NULL,
    entered_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
);
CREATE INDEX assessment_adjustment_year ON assessment_adjustment(year, unit_id);

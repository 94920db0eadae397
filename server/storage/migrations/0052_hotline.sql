-- 12345 hotline work orders (工单). A work order is a case with channel '12345'; this table keeps what the hotline
-- says of it beside our own record, keyed by its number (工单编号), so a file imported twice changes nothing.
-- Each forwarding (转办) is an event of the case (case.transfer), not a row here.
CREATE TABLE hotline_orders (
    order_no        TEXT PRIMARY KEY,                      -- 工单编号
    case_id         TEXT NOT NULL UNIQUE REFERENCES cases(id),
    category        TEXT NOT NULL,                         -- 分类: the hotline's own category, beside ours
    urgency         TEXT NOT NULL DEFAULT '',              -- 紧急程度, as the hotline wrote it
    call_type       TEXT NOT NULL DEFAULT '',              -- 来电类别: 咨询/求助/投诉/举报/建议
    intake_channel  TEXT NOT NULL DEFAULT '',              -- 受理渠道: how the hotline took the call
    imported_at     TEXT NOT NULL
);

-- How the hotline's categories map onto ours: the longest ``hotline`` value that starts the hotline's category
-- decides (so '城乡建设/市容环境' covers '城乡建设/市容环境/乱堆乱放'); '' matches every category.
CREATE TABLE hotline_categories (
    hotline   TEXT PRIMARY KEY,
    category  TEXT NOT NULL REFERENCES categories(code)
);

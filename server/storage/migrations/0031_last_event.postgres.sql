-- The time of the latest event recorded on each case (sync.fold.event_time: the report's time, an action's `at`,
-- else the HLC's milliseconds): a later action's time is never recorded below it, so resolved_at and accepted_at
-- cannot be backdated by a device's clock. The fold keeps it from here on; this fills it from the log.

ALTER TABLE cases ADD COLUMN last_event_at TEXT NOT NULL DEFAULT '';

UPDATE cases SET last_event_at = COALESCE((
    SELECT MAX(CASE
        WHEN e.type = 'case.create' THEN CAST(e.payload AS jsonb) ->> 'created_at'
        WHEN CAST(e.payload AS jsonb) ->> 'at' IS NOT NULL THEN CAST(e.payload AS jsonb) ->> 'at'
        ELSE to_char(to_timestamp(CAST(substr(e.hlc, 1, 13) AS bigint) / 1000.0) AT TIME ZONE 'UTC',
                     'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END)
    FROM events e WHERE e.case_id = cases.id AND e.type <> 'case.conflict'), '');

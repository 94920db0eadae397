-- Exceptions to the Monday–Friday working week, for resolution deadlines: public holidays (workday = 0)
-- and the weekend days worked in exchange (调休, workday = 1). Days not listed follow the weekday rule.

CREATE TABLE calendar_days (
    day      TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    workday  INTEGER NOT NULL CHECK (workday IN (0, 1)),
    name     TEXT NOT NULL DEFAULT ''
);

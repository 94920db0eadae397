-- Cases by site: the board's site filter, and search, which finds every case of a site whose name holds the
-- term, both read cases of a few sites rather than scanning them all.
CREATE INDEX cases_site ON cases(site);

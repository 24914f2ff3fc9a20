-- Version 3 is reserved for the browser-session tables, which are developed on another line of
-- work. This placeholder keeps the versions contiguous until that migration replaces it; it
-- changes nothing.
SELECT 1;

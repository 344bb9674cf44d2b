-- The analysts' database; every table lives in it.
CREATE DATABASE IF NOT EXISTS ${database}
COMMENT 'KickBack device analytics: pipeline outputs and the deduplicated events table';

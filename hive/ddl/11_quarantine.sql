-- quarantine: pipeline output <warehouse>/quarantine/dt=YYYY-MM-DD/hour=HH/part-*
-- Columns follow mapreduce/records.py; rows are tab-separated text written by
-- mapreduce/tsv.py (backslash escapes for backslash, tab, CR, LF; \N = NULL).
CREATE EXTERNAL TABLE IF NOT EXISTS ${database}.quarantine (
    reason      STRING COMMENT 'Rejection reason: oversize, malformed, missing_field, bad_value or bad_timestamp',
    detail      STRING COMMENT 'Which field or rule failed, in words',
    source_file STRING COMMENT 'Landing file the line was read from',
    raw_line    STRING COMMENT 'The rejected line, verbatim, as text',
    raw_base64  STRING COMMENT 'The rejected line bytes, base64 encoded (for lines that are not valid text)'
)
COMMENT 'Rejected lines, verbatim, with their reason and source file, by landing hour.'
PARTITIONED BY (
    dt   STRING COMMENT 'Landing day (UTC) in which the collector received the file',
    hour STRING COMMENT 'Landing hour 00-23 (UTC)'
)
-- The text format of mapreduce/tsv.py, spelt out as LazySimpleSerDe
-- properties: Hive 4 takes serialization.escape.crlf only there (ROW FORMAT
-- DELIMITED accepts no SERDEPROPERTIES), and partitions copy them when added.
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
WITH SERDEPROPERTIES (
    'field.delim' = '\t',
    'serialization.format' = '\t',
    'escape.delim' = '\\',
    'line.delim' = '\n',
    'serialization.escape.crlf' = 'true',
    'serialization.null.format' = '\\N'
)
STORED AS TEXTFILE
LOCATION '${warehouse}/quarantine';

-- Dot-commands, compared with sqlite3's.
CREATE TABLE alpha(a INTEGER PRIMARY KEY, b TEXT);
CREATE TABLE beta_long_name(x, y);
CREATE TABLE "we ird"(z);
CREATE INDEX ix_b ON alpha(b);
CREATE VIEW v1 AS SELECT * FROM alpha;
CREATE TRIGGER tr AFTER INSERT ON alpha BEGIN SELECT 1; END;
INSERT INTO alpha VALUES (1, 'it''s'), (2, NULL), (3, 'two
lines'), (4, 'cr'||char(13)||'here');
INSERT INTO beta_long_name VALUES (x'00ff', 1.5), (-0.0, 1e300), (9223372036854775807, 'ç'), (0.1, -1e-300);
INSERT INTO "we ird" VALUES ('a'), (NULL);
.tables
.tables %a%
.tables nomatch
.schema
.schema alpha
.indexes
.indexes alpha
.print hello   world 'quoted words'
.mode
.headers on
.mode csv
SELECT * FROM alpha;
.mode list
.separator ; ~
SELECT * FROM alpha;
.separator "\t" "\n"
.nullvalue <null>
SELECT * FROM alpha;
.mode quote
SELECT * FROM beta_long_name;
.mode line
SELECT * FROM alpha WHERE a < 3;
.mode json
SELECT * FROM beta_long_name;
.mode tabs
SELECT * FROM alpha;
.mode box
SELECT * FROM "we ird";
.headers off
.mode table
SELECT * FROM alpha;
.mode markdown
SELECT a FROM alpha;
.mode list
.nullvalue ''
.frobnicate now
.headers maybe
SELECT 'after the errors';
.dump
.dump alpha
.bail on
SELECT 'before bail';
SELECT * FROM nowhere;
SELECT 'not reached';

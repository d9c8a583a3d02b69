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
.mode column
SELECT * FROM alpha;
.headers on
SELECT * FROM beta_long_name;
.headers off
.mode list
.nullvalue ''
.frobnicate now
.headers maybe
SELECT 'after the errors';
.dump
.dump alpha
CREATE TABLE t01(a UNIQUE, b); CREATE TABLE t02(x); CREATE TABLE t03(x); CREATE TABLE t04(x); CREATE TABLE t05(x);
CREATE TABLE a_rather_long_table_name_number_six(x); CREATE TABLE t07(x); CREATE TABLE t08(x);
CREATE TABLE "order"(id INTEGER PRIMARY KEY AUTOINCREMENT, "select" TEXT);
INSERT INTO "order"("select") VALUES ('a'), ('b');
CREATE TABLE wr(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
INSERT INTO wr VALUES ('k1', 1), ('k2', x'');
INSERT INTO t01 VALUES (1, 2);
CREATE VIEW "view two" AS SELECT a AS "col a", b FROM t01;
.tables
.tables t0%
.indexes
.indexes t01
.schema
.schema order
.dump
CREATE INDEX t02_x ON t02(x);
INSERT INTO t02 VALUES (1), (2), (2);
ANALYZE;
.dump t0%
.schema sqlite_seq%
select 1
go
select 2
  /  
select 3
GO
go
/
select 4;
select 'a
go
b'
/
CREATE TABLE reals(r, t);
INSERT INTO reals VALUES (-9223372036854775808.0, 'a' || char(0) || 'b'), (4611686018427387904.5, ''), (9223372036854775808.0, NULL), (1e308 * 10, 'inf'), (-1e308 * 10, '-inf'), (2.5e-320, 'subnormal');
.dump reals
.mode insert
SELECT * FROM reals;
.mode list
.bail on
SELECT 'before bail';
SELECT * FROM nowhere;
SELECT 'not reached';

-- The comparison workload: every statement runs in ctypes-sqlite and in sqlite3, in every mode.
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER, score REAL, photo BLOB);
CREATE TABLE visits (person INTEGER REFERENCES people(id), city TEXT, day TEXT, spent REAL);
CREATE INDEX visits_by_city ON visits(city);
CREATE UNIQUE INDEX people_by_name ON people(name);
INSERT INTO people (name, born, score, photo) VALUES
  ('Ada', 1815, 36.5, x'00ff41'),
  ('Grace Hopper', 1906, 2, NULL),
  ('Zoë', NULL, -0.125, x''),
  ('O''Brien', 1950, 1e300, x'DEADBEEF'),
  ('tab	here', 1960, -0.0, NULL),
  ('line one
line two', 1970, 0.1, x'0a0d09'),
  ('NULL', 1980, 1e-5, NULL),
  ('', 1990, 123456789.123, NULL),
  ('日本語テキスト', 2000, 3.0, x'e697a5'),
  ('a,b|c"d', 2001, 100.0, NULL),
  (' lead and trail ', 2002, 9.5e15, NULL),
  ('cr'||char(13)||'lf'||char(10)||'end', 2003, -1e-300, NULL);
INSERT INTO visits VALUES (1, 'London', '1833-06-05', 12.5), (1, 'Paris', '1840-01-01', NULL),
  (2, 'New York', '1944-07-01', 3.25), (2, 'London', '1950-01-01', 100), (3, 'Zürich', '2020-02-29', 0),
  (4, 'Dublin', '1999-12-31', 1e10), (9, '東京', '2021-07-23', 1234.5678);
SELECT * FROM people ORDER BY id;
SELECT id, name, typeof(name), typeof(born), typeof(score), typeof(photo), length(photo) FROM people ORDER BY id;
SELECT p.name, v.city, v.day, v.spent FROM people p JOIN visits v ON v.person = p.id ORDER BY v.day;
SELECT p.name, count(v.city) AS n, sum(v.spent) AS total, avg(v.spent) AS mean FROM people p LEFT JOIN visits v ON v.person = p.id GROUP BY p.id ORDER BY p.id;
SELECT city, count(*), group_concat(person, ';') FROM visits GROUP BY city HAVING count(*) >= 1 ORDER BY city;
SELECT min(score), max(score), total(score), sum(born) FROM people;
SELECT name FROM people WHERE born IS NULL;
SELECT name FROM people WHERE 0;
SELECT * FROM visits WHERE city = 'Atlantis';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12) SELECT i, i * i AS square, 1.0 / i AS inverse FROM n;
WITH RECURSIVE fib(a, b, k) AS (SELECT 0, 1, 0 UNION ALL SELECT b, a + b, k + 1 FROM fib WHERE k < 90) SELECT k, a FROM fib WHERE k % 10 = 0;
WITH RECURSIVE tree(depth, label) AS (SELECT 0, 'root' UNION ALL SELECT depth + 1, label || '/' || depth FROM tree WHERE depth < 4) SELECT * FROM tree;
SELECT name, born, rank() OVER (ORDER BY born) AS r, sum(born) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair FROM people WHERE born IS NOT NULL ORDER BY id;
SELECT person, day, spent, lag(spent) OVER w AS before, row_number() OVER w AS k FROM visits WINDOW w AS (PARTITION BY person ORDER BY day) ORDER BY person, day;
SELECT 1/0, 1.0/0, 0.0/0, 1e308 * 10, -1e308 * 10, 9223372036854775807, -9223372036854775808;
SELECT 1e300, -0.0, 0.1, 1.0, 100.0, 1e15, 1e16, 123456789012345678.0, 2.5e-7, 1.7976931348623157e308;
SELECT 9223372036854775807 + 1;
SELECT abs(-9223372036854775808);
SELECT typeof(1), typeof(1.0), typeof('1'), typeof(x'01'), typeof(NULL);
SELECT quote(name), quote(photo), hex(photo), unicode(name) FROM people ORDER BY id;
SELECT 'it''s', '"double"', 'semi;colon', 'back\slash', 'percent%', char(0x1F600), char(7);
SELECT length('日本語'), upper('straße'), lower('ÀÉÎ'), substr('日本語テキスト', 2, 3);
SELECT printf('%5.2f|%-6s|%03d', 3.14159, 'ab', 7), printf('%e', 12345.678);
SELECT x'', x'00', x'41424344', CAST(x'414243' AS TEXT), CAST('12abc' AS INTEGER), CAST(3.9 AS INTEGER);
SELECT NULL, NULL AS also_null, '' AS empty, ' ' AS space;
SELECT name AS "name with ""quotes""", born AS [odd col], score AS `tick` FROM people WHERE id < 3;
SELECT 'a' AS x, 'b' AS x;
SELECT 'multi
line' AS "col
name";
SELECT json_object('a', 1, 'b', 'two', 'c', NULL), json_array(1, 2.5, 'x');
SELECT date('2024-02-29', '+1 year'), time('12:00:00', '+90 minutes'), julianday('2000-01-01');
SELECT CASE WHEN born < 1900 THEN 'old' WHEN born < 2000 THEN 'mid' ELSE 'new' END AS era, count(*) FROM people GROUP BY era ORDER BY era;
SELECT id FROM people WHERE name LIKE '%o%' ORDER BY id DESC LIMIT 3 OFFSET 1;
SELECT DISTINCT city FROM visits ORDER BY city COLLATE NOCASE;
SELECT p.name FROM people p WHERE EXISTS (SELECT 1 FROM visits v WHERE v.person = p.id AND v.city = 'London');
SELECT name FROM people WHERE id IN (SELECT person FROM visits) UNION SELECT 'extra' ORDER BY 1;
SELECT name FROM people INTERSECT SELECT name FROM people WHERE born > 1950 ORDER BY 1;
SELECT name FROM people EXCEPT SELECT name FROM people WHERE born > 1950 ORDER BY 1;
BEGIN;
INSERT INTO visits VALUES (5, 'Oslo', '2000-01-01', 1);
SAVEPOINT one;
UPDATE visits SET spent = spent * 2 WHERE city = 'London';
SELECT city, spent FROM visits WHERE city IN ('London', 'Oslo') ORDER BY spent;
ROLLBACK TO one;
SELECT city, spent FROM visits WHERE city IN ('London', 'Oslo') ORDER BY spent;
RELEASE one;
COMMIT;
BEGIN;
DELETE FROM visits;
SELECT count(*) FROM visits;
ROLLBACK;
SELECT count(*) FROM visits;
INSERT INTO people (name) VALUES ('Ada');
INSERT INTO people (name, born) VALUES (NULL, 1);
SELEC 1;
SELECT * FROM nowhere;
SELECT nothing FROM people;
SELECT 1; SELEC 2; SELECT 3;
SELECT 'after the errors';
CREATE VIEW spenders AS SELECT p.name, sum(v.spent) AS spent FROM people p JOIN visits v ON v.person = p.id GROUP BY p.id;
SELECT * FROM spenders ORDER BY spent DESC;
CREATE TRIGGER stamp AFTER INSERT ON visits BEGIN
  UPDATE people SET score = coalesce(score, 0) + 1 WHERE id = new.person;
END;
INSERT INTO visits VALUES (2, 'Rome', '1960-05-05', 7);
SELECT name, score FROM people WHERE id = 2;
UPDATE people SET born = born + 1 WHERE born IS NOT NULL;
DELETE FROM visits WHERE spent IS NULL;
SELECT changes(), total_changes() > 0;
PRAGMA table_info(people);
PRAGMA index_list(visits);
EXPLAIN QUERY PLAN SELECT * FROM visits WHERE city = 'London';
SELECT name, rowid FROM sqlite_schema WHERE type = 'index' ORDER BY name;
CREATE TABLE wide (a, b, c, d, e, f, g, h);
INSERT INTO wide VALUES (1, 2, 3, 4, 5, 6, 7, 8), ('a long piece of text to stretch a column', NULL, '', x'00', 1.5, -2, 'z', 'end');
SELECT * FROM wide;
SELECT total(a) FROM wide
WHERE
  b IS NULL;
DROP TABLE wide;
SELECT 1 AS "日本", 'é' AS "Zoë", 2 AS x;
SELECT ?1, :name, @a, $b;
SELECT x'00' || 'a', 'a' || x'00' || 'b', CAST(x'41004200' AS TEXT);
SELECT 9223372036854775808.0, -9223372036854775808.0, 4611686018427387904.5, 1e19, 0.30000000000000004;
SELECT 1 AS a, 2 AS b, 3 AS c, 'a very long line of text in a select that goes past the margin of the error context', nonexistent_column_abc FROM (SELECT 1);
SELECT 'x' FROM (SELECT 1) WHERE 1 = 1 AND 2 = 2 AND 3 = 3 AND 4 = 4 AND 5 = 5 AND 6 = 6 AND bad_name_here = 7 AND 8 = 8 AND 9 = 9 AND 10 = 10;
SELECT 'ünïcödé' AS u, 'ünïcödé' || ' ' || bad_col FROM (SELECT 1);
SELECT char(9)||'lead tab', 'trail tab'||char(9), char(11)||char(12);
SELECT '' AS "", NULL AS "NULL";
SELECT 1 UNION ALL SELECT 2.5 UNION ALL SELECT 'three' UNION ALL SELECT x'04' UNION ALL SELECT NULL;
VALUES (1, 'a'), (2, 'b');
SELECT * FROM (SELECT 1 AS a) WHERE a > 5;
PRAGMA user_version;
PRAGMA user_version = 7;
PRAGMA user_version;
;;;
SELECT 'after empties';
/* a comment only */
-- another
SELECT 'end';
SELECT 'last statement without a semicolon'

import { MAX_STATEMENT_CHARS, normalizeStatement, statementKey } from './normalize';

describe('normalizeStatement', () => {
  // [db.system, statement as a client library sends it, the normalised text]
  const cases: Array<[string, string, string]> = [
    ['postgresql', 'SELECT * FROM users WHERE id = 42', 'SELECT * FROM users WHERE id = ?'],
    ['postgresql', 'select *   from USERS\n where ID=$1', 'SELECT * FROM users WHERE id = ?'],
    [
      'postgresql',
      "SELECT id, name FROM users WHERE email = 'a@b.c' AND age > 30",
      'SELECT id, name FROM users WHERE email = ? AND age > ?',
    ],
    ['postgresql', 'SELECT * FROM orders WHERE id IN (1, 2, 3, 4)', 'SELECT * FROM orders WHERE id IN (?)'],
    ['postgresql', 'SELECT * FROM orders WHERE id IN ($1, $2, $3)', 'SELECT * FROM orders WHERE id IN (?)'],
    ['postgresql', 'SELECT * FROM orders WHERE id = ANY($1::int[])', 'SELECT * FROM orders WHERE id = ANY (?::int[])'],
    [
      'postgresql',
      'SELECT \"UserId\", \"createdAt\" FROM \"Users\" WHERE \"UserId\" = $1',
      'SELECT \"UserId\", \"createdAt\" FROM \"Users\" WHERE \"UserId\" = ?',
    ],
    [
      'postgresql',
      "INSERT INTO events (kind, payload) VALUES ('click', '{\"x\":1}'), ('view', '{}')",
      'INSERT INTO events (kind, payload) VALUES (?, ?)',
    ],
    [
      'postgresql',
      'INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b RETURNING id',
      'INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING id',
    ],
    [
      'postgresql',
      'UPDATE accounts SET balance = balance - 100.50 WHERE id = 7',
      'UPDATE accounts SET balance = balance - ? WHERE id = ?',
    ],
    [
      'postgresql',
      "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'",
      'DELETE FROM sessions WHERE expires_at < now() - interval ?',
    ],
    [
      'postgresql',
      '-- fetch cart\nSELECT * FROM cart_items WHERE cart_id = 9 -- trailing\n',
      'SELECT * FROM cart_items WHERE cart_id = ?',
    ],
    ['postgresql', '/* app=shop, route=/cart */ SELECT count(*) FROM cart_items', 'SELECT count(*) FROM cart_items'],
    ['postgresql', "SELECT $tag$it's a body$tag$ AS body, $$x$$", 'SELECT ? AS body, ?'],
    ['postgresql', "SELECT E'it\\'s', 'it''s' FROM dual", 'SELECT ?, ? FROM dual'],
    ['postgresql', 'SELECT * FROM t WHERE a = -5 AND b = c-1', 'SELECT * FROM t WHERE a = ? AND b = c - ?'],
    ['postgresql', 'SELECT 1.5e10, .25, 0x1F', 'SELECT ?, ?, ?'],
    [
      'postgresql',
      'WITH recent AS (SELECT * FROM orders WHERE created > $1)\nSELECT customer_id, sum(total)\n  FROM recent\n GROUP BY customer_id\n ORDER BY 2 DESC\n LIMIT 10',
      'WITH recent AS (SELECT * FROM orders WHERE created > ?) SELECT customer_id, sum(total) FROM recent GROUP BY customer_id ORDER BY ? DESC LIMIT ?',
    ],
    [
      'postgresql',
      "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'paid'",
      'SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = ?',
    ],
    ['postgresql', 'BEGIN', 'BEGIN'],
    ['postgresql', "SELECT * FROM t WHERE tags @> ARRAY['a','b']", 'SELECT * FROM t WHERE tags @> ARRAY[?]'],
    ['postgresql', 'SELECT * FROM t WHERE a = :id AND b = :name', 'SELECT * FROM t WHERE a = ? AND b = ?'],
    [
      'postgresql',
      "SELECT * FROM users WHERE name LIKE 'jo%' LIMIT 20 OFFSET 40;",
      'SELECT * FROM users WHERE name LIKE ? LIMIT ? OFFSET ?',
    ],
    [
      'mysql',
      'SELECT * FROM `orders` WHERE `user_id` = 12 AND status = \"shipped\"',
      'SELECT * FROM `orders` WHERE `user_id` = ? AND status = ?',
    ],
    [
      'mysql',
      'SELECT * FROM products WHERE price BETWEEN 10 AND 20 # cheap ones',
      'SELECT * FROM products WHERE price BETWEEN ? AND ?',
    ],
    ['mysql', "INSERT INTO logs (msg) VALUES ('it\\'s broken'), ('again')", 'INSERT INTO logs (msg) VALUES (?)'],
    ['mysql', 'SELECT * FROM items WHERE id IN (?, ?, ?, ?)', 'SELECT * FROM items WHERE id IN (?)'],
    ['mysql', 'UPDATE items SET stock = stock - ? WHERE id = ?', 'UPDATE items SET stock = stock - ? WHERE id = ?'],
    [
      'mysql',
      "SELECT SQL_NO_CACHE * FROM t WHERE d > '2024-01-01 00:00:00'",
      'SELECT sql_no_cache * FROM t WHERE d > ?',
    ],
    ['mysql', "REPLACE INTO kv (k, v) VALUES ('a', 1)", 'REPLACE INTO kv (k, v) VALUES (?, ?)'],
    ['sqlite', 'SELECT * FROM \"order items\" WHERE qty > 3', 'SELECT * FROM \"order items\" WHERE qty > ?'],
    [
      'sqlite',
      'SELECT * FROM [Order Details] WHERE OrderID = 10248',
      'SELECT * FROM [Order Details] WHERE orderid = ?',
    ],
    ['sqlite', 'INSERT INTO notes (body) VALUES (?1)', 'INSERT INTO notes (body) VALUES (?)'],
    ['sqlite', 'PRAGMA table_info(users)', 'PRAGMA table_info(users)'],
    ['sqlite', 'SELECT * FROM t WHERE x = @x OR y = $y', 'SELECT * FROM t WHERE x = ? OR y = ?'],
    [
      'mssql',
      'SELECT TOP 10 * FROM dbo.Orders WHERE CustomerID = @p0',
      'SELECT TOP ? * FROM dbo.orders WHERE customerid = ?',
    ],
    [
      'oracle',
      'SELECT * FROM emp WHERE deptno = :1 AND hired > :2',
      'SELECT * FROM emp WHERE deptno = ? AND hired > ?',
    ],
    ['postgresql', 'SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))', 'SELECT * FROM t WHERE (a, b) IN ((?))'],
    [
      'postgresql',
      'SELECT coalesce(a, 0), count(*) FROM t GROUP BY 1',
      'SELECT coalesce(a, ?), count(*) FROM t GROUP BY ?',
    ],
    ['postgresql', "SELECT * FROM t\r\n\tWHERE\ta = 'x'", 'SELECT * FROM t WHERE a = ?'],
    [
      'mongodb',
      '{\"find\":\"users\",\"filter\":{\"age\":{\"$gt\":30},\"name\":\"bob\"},\"limit\":10}',
      '{\"find\":\"users\",\"filter\":{\"age\":{\"$gt\":\"?\"},\"name\":\"?\"},\"limit\":\"?\"}',
    ],
    [
      'mongodb',
      '{\"find\":\"users\",\"filter\":{\"age\":{\"$gt\":41},\"name\":\"ann\"},\"limit\":5}',
      '{\"find\":\"users\",\"filter\":{\"age\":{\"$gt\":\"?\"},\"name\":\"?\"},\"limit\":\"?\"}',
    ],
    [
      'mongodb',
      '{\"aggregate\":\"orders\",\"pipeline\":[{\"$match\":{\"status\":\"A\"}},{\"$group\":{\"_id\":\"$cust_id\",\"total\":{\"$sum\":\"$amount\"}}}]}',
      '{\"aggregate\":\"orders\",\"pipeline\":[{\"$match\":{\"status\":\"?\"}},{\"$group\":{\"_id\":\"$cust_id\",\"total\":{\"$sum\":\"$amount\"}}}]}',
    ],
    [
      'mongodb',
      '{\"insert\":\"events\",\"documents\":[{\"a\":1},{\"a\":2},{\"a\":3}]}',
      '{\"insert\":\"events\",\"documents\":[{\"a\":\"?\"}]}',
    ],
    [
      'mongodb',
      '{\"find\":\"items\",\"filter\":{\"_id\":{\"$in\":[1,2,3]}}}',
      '{\"find\":\"items\",\"filter\":{\"_id\":{\"$in\":[\"?\"]}}}',
    ],
    [
      'mongodb',
      '{\"delete\":\"sessions\",\"deletes\":[{\"q\":{\"expired\":true},\"limit\":0}]}',
      '{\"delete\":\"sessions\",\"deletes\":[{\"q\":{\"expired\":\"?\"},\"limit\":\"?\"}]}',
    ],
    ['mongodb', 'db.users.find({age: 30})', 'db.users.find({ age : ? })'],
  ];

  it.each(cases)('%s: %j', (system, statement, expected) => {
    expect(normalizeStatement(statement, system)).toBe(expected);
  });

  it('covers at least 40 statement shapes', () => {
    expect(new Set(cases.map(([system, statement]) => system + statement)).size).toBeGreaterThanOrEqual(40);
  });

  it('reads double quotes as a string in MySQL and as an identifier elsewhere', () => {
    expect(normalizeStatement('SELECT "a" FROM t', 'mysql')).toBe('SELECT ? FROM t');
    expect(normalizeStatement('SELECT "a" FROM t', 'postgresql')).toBe('SELECT "a" FROM t');
  });

  it('reads # as a comment only in MySQL, where PostgreSQL has it as an operator', () => {
    expect(normalizeStatement('SELECT a # b FROM t', 'mysql')).toBe('SELECT a');
    expect(normalizeStatement('SELECT a # b FROM t', 'postgresql')).toBe('SELECT a # b FROM t');
  });

  it('falls back to the SQL rules for a MongoDB statement that is not JSON', () => {
    expect(normalizeStatement('find users {"age": 30}', 'mongodb')).toBe('find users { "age" : ? }');
  });

  it('caps a very long statement', () => {
    const long = `SELECT ${Array.from({ length: 2000 }, (_, i) => `col_${i}`).join(', ')} FROM t`;
    const text = normalizeStatement(long, 'postgresql');
    expect(text).toHaveLength(MAX_STATEMENT_CHARS + 1);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('statementKey', () => {
  it('is the first 16 hex digits of SHA-256 over (service, system, database, text)', () => {
    // Computed outside Node: python3 hashlib.sha256(json.dumps([...], separators=(',',':'))).
    expect(statementKey('cart', 'postgresql', 'shop', 'SELECT * FROM users WHERE id = ?')).toBe('33f790f70ae3cb4a');
  });

  it('is one key for the variants of a statement and another per service, system or database', () => {
    const key = (service: string, system: string, db: string, sql: string) =>
      statementKey(service, system, db, normalizeStatement(sql, system));
    const base = key('cart', 'postgresql', 'shop', 'SELECT * FROM users WHERE id = 1');
    expect(key('cart', 'postgresql', 'shop', 'select *\n  from users where id=$1')).toBe(base);
    expect(key('payment', 'postgresql', 'shop', 'SELECT * FROM users WHERE id = 1')).not.toBe(base);
    expect(key('cart', 'mysql', 'shop', 'SELECT * FROM users WHERE id = 1')).not.toBe(base);
    expect(key('cart', 'postgresql', 'audit', 'SELECT * FROM users WHERE id = 1')).not.toBe(base);
  });
});

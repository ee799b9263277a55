import { createHash } from 'node:crypto';

/**
 * Statement normalisation for SQL statistics: the same statement with different values must land
 * on one key, or a top-N list fills with one query per customer id. Literals, numbers, bind
 * placeholders and IN / VALUES lists become `?`; comments go; whitespace is one space; keywords are
 * upper case and unquoted identifiers lower case (SQL folds them). Quoted identifiers stay as
 * written, since `"Users"` and `users` are different tables in PostgreSQL and SQLite.
 *
 * MongoDB sends JSON commands: every scalar value becomes `"?"`, keys stay in order (the first one
 * names the command), arrays of values fold to one element.
 */

/** Longest normalised text kept; the key hashes the whole text, so a cut never merges two statements. */
export const MAX_STATEMENT_CHARS = 4000;

/** Systems whose strings take backslash escapes and whose `"…"` is a string, not an identifier. */
const MYSQL_LIKE = new Set(['mysql', 'mariadb', 'tidb']);
const DOCUMENT_SYSTEMS = new Set(['mongodb']);
/** Systems that quote identifiers in brackets; elsewhere `[` indexes an array. */
const BRACKET_QUOTING = new Set(['sqlite', 'mssql', 'sybase']);

/** Words upper-cased and, before `(`, followed by a space (`IN (?)`; a function call stays `count(*)`). */
const KEYWORDS = new Set(
  (
    'select from where and or not in is null like ilike between exists insert into values update set delete ' +
    'join inner left right full outer cross on using group by order having limit offset as distinct all any ' +
    'union intersect except case when then else end asc desc create table drop alter index view with returning ' +
    'conflict do nothing primary key references default for share nowait skip locked begin commit rollback ' +
    'savepoint release transaction replace ignore duplicate lateral natural window over partition rows range ' +
    'fetch first next only true false collate escape similar to unique constraint check if truncate explain ' +
    'analyze pragma vacuum merge matched top glob regexp recursive materialized some array'
  ).split(' ')
);

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'quoted'; text: string }
  | { kind: 'value' }
  | { kind: 'punct'; text: string };

/** The normalised form of one statement of a database system (`db.system` / `db.system.name`). */
export function normalizeStatement(statement: string, dbSystem?: string): string {
  const system = (dbSystem ?? '').toLowerCase();
  if (DOCUMENT_SYSTEMS.has(system)) {
    const document = normalizeDocument(statement);
    if (document !== undefined) {
      return cap(document);
    }
  }
  return cap(render(collapseLists(tokenize(statement, MYSQL_LIKE.has(system), BRACKET_QUOTING.has(system)))));
}

/**
 * The stable key of a statement: the first 16 hex digits of a SHA-256 over (service, system,
 * database name, normalised text), the same on every backend and store.
 */
export function statementKey(service: string, dbSystem: string, dbName: string, normalized: string): string {
  return createHash('sha256')
    .update(JSON.stringify([service, dbSystem, dbName, normalized]))
    .digest('hex')
    .slice(0, 16);
}

function cap(text: string): string {
  return text.length > MAX_STATEMENT_CHARS ? `${text.slice(0, MAX_STATEMENT_CHARS)}…` : text;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
const NUMBER = /^(?:0x[0-9a-f]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)/i;

function tokenize(sql: string, mysqlLike: boolean, brackets: boolean): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '-' && next === '-') {
      i = lineEnd(sql, i);
    } else if (c === '#' && mysqlLike) {
      i = lineEnd(sql, i);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === "'" || ((c === 'E' || c === 'e' || c === 'N' || c === 'n') && next === "'")) {
      const escapes = mysqlLike || c === 'E' || c === 'e';
      i = quotedEnd(sql, c === "'" ? i : i + 1, "'", escapes);
      tokens.push({ kind: 'value' });
    } else if (c === '"' && mysqlLike) {
      i = quotedEnd(sql, i, '"', true);
      tokens.push({ kind: 'value' });
    } else if (c === '"' || c === '`' || (c === '[' && brackets)) {
      const close = c === '[' ? ']' : c;
      const end = quotedEnd(sql, i, close, false, c === '[');
      tokens.push({ kind: 'quoted', text: sql.slice(i, end) });
      i = end;
    } else if (c === '$' && (next === '$' || (next !== undefined && WORD_START.test(next)))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag === null) {
        // SQLite's $name parameter.
        i += 2;
        while (i < n && WORD_PART.test(sql[i])) {
          i += 1;
        }
        tokens.push({ kind: 'value' });
      } else {
        // PostgreSQL dollar quoting: $$ … $$ or $tag$ … $tag$.
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
        tokens.push({ kind: 'value' });
      }
    } else if ((c === '$' || c === '?' || c === ':' || c === '@') && next !== undefined && /[0-9]/.test(next)) {
      // Numbered placeholders: $1, ?1, :1, @1.
      i += 2;
      while (i < n && DIGIT.test(sql[i])) {
        i += 1;
      }
      tokens.push({ kind: 'value' });
    } else if ((c === ':' || c === '@') && next !== undefined && WORD_START.test(next) && sql[i - 1] !== ':') {
      // Named placeholders (:name, @name); `::type` casts are punctuation.
      i += 2;
      while (i < n && WORD_PART.test(sql[i])) {
        i += 1;
      }
      tokens.push({ kind: 'value' });
    } else if (c === '?') {
      tokens.push({ kind: 'value' });
      i += 1;
    } else if (DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next))) {
      const match = NUMBER.exec(sql.slice(i))!;
      i += match[0].length;
      foldSign(tokens);
      tokens.push({ kind: 'value' });
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < n && WORD_PART.test(sql[end])) {
        end += 1;
      }
      tokens.push({ kind: 'word', text: sql.slice(i, end) });
      i = end;
    } else {
      const op = OPERATORS.find((candidate) => sql.startsWith(candidate, i)) ?? c;
      tokens.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** Operators of more than one character, longest first. */
const OPERATORS = ['->>', '#>>', '<=', '>=', '<>', '!=', '::', '||', '->', '=>', '@>', '<@', '#>'];

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf('\n', from);
  return end < 0 ? sql.length : end + 1;
}

/** The index after a quoted run opened at `start`; a doubled close character is an escaped one. */
function quotedEnd(sql: string, start: number, close: string, backslash: boolean, noDoubling = false): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
    } else if (c === close) {
      if (!noDoubling && sql[i + 1] === close) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** A minus before a number is its sign when nothing it could subtract from comes before it. */
function foldSign(tokens: Token[]): void {
  const last = tokens[tokens.length - 1];
  if (last?.kind !== 'punct' || (last.text !== '-' && last.text !== '+')) {
    return;
  }
  const before = tokens[tokens.length - 2];
  const operand =
    before !== undefined &&
    (before.kind === 'value' ||
      before.kind === 'quoted' ||
      (before.kind === 'word' && !KEYWORDS.has(before.text.toLowerCase())) ||
      (before.kind === 'punct' && before.text === ')'));
  if (!operand) {
    tokens.pop();
  }
}

const isPunct = (token: Token | undefined, text: string) => token?.kind === 'punct' && token.text === text;

/** `(?, ?, ?)` and `ARRAY[?, ?]` → one `?`, and a VALUES list of rows → its first row. */
function collapseLists(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const close = isPunct(token, '(') ? ')' : isPunct(token, '[') ? ']' : undefined;
    const end = close === undefined ? undefined : valueListEnd(tokens, i, close);
    if (end !== undefined) {
      const previous = out[out.length - 1];
      if (isPunct(previous, ',') && isPunct(out[out.length - 2], ')') && out[out.length - 3]?.kind === 'value') {
        // A further row of a VALUES list: drop it and its comma.
        out.pop();
        i = end;
        continue;
      }
      const rowOfValues = previous?.kind === 'word' && previous.text.toLowerCase() === 'values';
      if (!rowOfValues) {
        out.push(token, { kind: 'value' }, tokens[end]);
        i = end;
        continue;
      }
    }
    out.push(token);
  }
  return out;
}

/** The index of `close` when the tokens after `open` are values separated by commas up to it. */
function valueListEnd(tokens: Token[], open: number, close: string): number | undefined {
  let j = open + 1;
  while (tokens[j]?.kind === 'value') {
    if (isPunct(tokens[j + 1], close)) {
      return j + 1;
    }
    if (!isPunct(tokens[j + 1], ',')) {
      return undefined;
    }
    j += 2;
  }
  return undefined;
}

const NO_SPACE_BEFORE = new Set([',', ')', '.', '::', ';', '[', ']']);
const NO_SPACE_AFTER = new Set(['(', '.', '::', '[']);

function render(tokens: Token[]): string {
  let text = '';
  tokens.forEach((token, i) => {
    const piece = tokenText(token);
    const previous = tokens[i - 1];
    if (previous === undefined) {
      text = piece;
      return;
    }
    const glued =
      (token.kind === 'punct' && NO_SPACE_BEFORE.has(token.text)) ||
      (previous.kind === 'punct' && NO_SPACE_AFTER.has(previous.text)) ||
      (isPunct(token, '(') && isFunctionName(previous, tokens[i - 2]));
    text += glued ? piece : ` ${piece}`;
  });
  return text.replace(/;+$/, '');
}

/** A word before `(` names a function unless it is a keyword or the table of `INTO t (…)`, `ON t (…)`. */
function isFunctionName(word: Token, before: Token | undefined): boolean {
  if (word.kind !== 'word' || isKeyword(word)) {
    return false;
  }
  return before?.kind !== 'word' || !TABLE_BEFORE.has(before.text.toLowerCase());
}

const TABLE_BEFORE = new Set(['into', 'table', 'on', 'exists', 'view', 'join', 'from', 'update']);

function isKeyword(token: Token): boolean {
  return token.kind === 'word' && KEYWORDS.has(token.text.toLowerCase());
}

function tokenText(token: Token): string {
  switch (token.kind) {
    case 'value':
      return '?';
    case 'word':
      return isKeyword(token) ? token.text.toUpperCase() : token.text.toLowerCase();
    default:
      return token.text;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A MongoDB JSON command with its values replaced, or undefined when the text is not JSON. */
function normalizeDocument(statement: string): string | undefined {
  let parsed: Json;
  try {
    parsed = JSON.parse(statement) as Json;
  } catch {
    return undefined;
  }
  return JSON.stringify(foldValues(parsed, true));
}

/**
 * The collection a command names (its first key's value) is kept, and so are `$field` paths and
 * `$operator` strings (they are the query's shape); every other scalar becomes "?".
 */
function foldValues(value: Json, top = false): Json {
  if (Array.isArray(value)) {
    const folded = value.map((item) => foldValues(item));
    const distinct = [...new Map(folded.map((item) => [JSON.stringify(item), item])).values()];
    return distinct;
  }
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    Object.entries(value).forEach(([key, inner], index) => {
      out[key] = top && index === 0 && typeof inner === 'string' ? inner : foldValues(inner);
    });
    return out;
  }
  return typeof value === 'string' && value.startsWith('$') ? value : '?';
}

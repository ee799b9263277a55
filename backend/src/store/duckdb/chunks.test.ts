import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type Span, type Transaction, TRANSACTION_KINDS } from '@osprey/model';

import { appendRows } from './append';
import { appendColumns, type ColumnValue } from './chunks';
import { spanColumns, TRANSACTION_COLUMNS } from './columns';
import { DuckDbStore } from './store';
import { rowToTransaction } from '../transaction-row';

const RESOURCE = { 'service.name': 'cart', 'service.version': '1.2' };
const RESOURCE_IDS = new Map([[RESOURCE, BigInt('18446744073709551615')]]);

function span(fields: Partial<Span> = {}): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'GET /api/cart',
    kind: 'server',
    startTimeUnixNano: '1765000000123456789',
    durationNano: '1500000',
    status: 'unset',
    service: 'cart',
    resource: RESOURCE,
    attributes: { 'http.route': '/api/cart', n: 1, list: [1, 'a'], nested: { k: true } },
    events: [{ name: 'e', timeUnixNano: '1765000000123456790', attributes: { a: 'b' } }],
    ...fields,
  };
}

function tx(fields: Partial<Transaction> = {}): Transaction {
  return {
    endTime: 1765000000123.456,
    elapsed: 12.5,
    service: 'cart',
    instance: 'cart-1',
    endpoint: 'GET /api/cart',
    status: 'ok',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    sqlCount: 2,
    sqlTime: 3.25,
    apiCallCount: 1,
    apiCallTime: 4,
    kind: 'web',
    ...fields,
  };
}

/** Every optional column NULL and every one set, the ids and integers at their ends, each ENUM member. */
const SPAN_CASES: Array<[string, Span]> = [
  ['optionals absent', span()],
  ['parent and status message set', span({ parentSpanId: '00f067aa0ba902b7', status: 'error', statusMessage: 'boom' })],
  ['empty and non-ASCII text', span({ name: '', statusMessage: '', service: 'café ☕', attributes: { ключ: 'знач' } })],
  ['largest times', span({ startTimeUnixNano: '18446744073709551615', durationNano: '18446744073709551615' })],
  ['zero times, no events', span({ startTimeUnixNano: '0', durationNano: '0', events: [], attributes: {} })],
  ...(['unspecified', 'internal', 'client', 'producer', 'consumer'] as const).map((kind): [string, Span] => [
    `kind ${kind}`,
    span({ kind, status: 'ok' }),
  ]),
];

const TRANSACTION_CASES: Array<[string, Transaction]> = [
  ['optionals absent', tx()],
  [
    'every optional set',
    tx({
      status: 'error',
      httpStatus: 503,
      errorType: 'TimeoutError',
      errorMessage: 'upstream timed out',
      parentService: 'frontend',
      userId: 'u-42',
      clientIp: '10.0.0.7',
      threadName: 'http-nio-8080-exec-1',
      cpuTime: 0,
    }),
  ],
  [
    'largest ids',
    tx({ traceId: 'ffffffffffffffffffffffffffffffff', spanId: 'ffffffffffffffff', httpStatus: 2147483647 }),
  ],
  ['smallest ids', tx({ traceId: '00000000000000000000000000000001', spanId: '0000000000000000', httpStatus: 0 })],
  ['negative end and zero figures', tx({ endTime: -1.5, elapsed: 0, sqlCount: 0, sqlTime: 0, cpuTime: 2.75 })],
  ['empty and non-ASCII text', tx({ endpoint: '', errorMessage: 'ошибка ✗', userId: '' })],
  ...TRANSACTION_KINDS.map((kind): [string, Transaction] => [`kind ${kind}`, tx({ kind })]),
];

function walSize(file: string): number {
  try {
    return statSync(`${file}.wal`).size;
  } catch {
    return 0;
  }
}

/** `count` copies of the cases, ids made distinct, so the rows cross chunk boundaries. */
function repeated<T>(cases: Array<[string, T]>, count: number, distinct: (row: T, index: number) => T): T[] {
  return Array.from({ length: count }, (_v, i) => distinct(cases[i % cases.length][1], i));
}

describe('appendColumns', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let writer: DuckDBConnection;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-chunks-'));
    // The tables exactly as the store creates them.
    await (await DuckDbStore.open(dir, { autoSettle: false })).close();
    instance = await DuckDBInstance.create(path.join(dir, 'osprey.duckdb'));
    writer = await instance.connect();
  });

  afterAll(() => {
    writer.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What one way of appending left in `table`, read back as DuckDB returns it, then rolled back. */
  async function written(
    table: string,
    order: string,
    append: () => Promise<void>,
    columns = '*'
  ): Promise<unknown[][]> {
    await writer.run('BEGIN TRANSACTION');
    try {
      await append();
      return (await writer.runAndReadAll(`SELECT ${columns} FROM ${table} ORDER BY ${order}`)).getRowsJS();
    } finally {
      await writer.run('ROLLBACK');
    }
  }

  /** The same values a value at a time through the row appender, each converted to its column's type. */
  function byRow<T>(table: string, rows: readonly T[], columns: ReadonlyArray<ColumnValue<T>>): Promise<void> {
    return appendRows(writer, table, rows, (appender, row) => {
      columns.forEach((value, column) => appender.appendValue(value(row), appender.columnType(column)));
    });
  }

  async function sameAsRowAppender<T>(
    table: string,
    order: string,
    rows: readonly T[],
    columns: ReadonlyArray<ColumnValue<T>>
  ): Promise<unknown[][]> {
    const chunked = await written(table, order, () => appendColumns(writer, table, rows, columns));
    expect(chunked).toHaveLength(rows.length);
    expect(chunked).toEqual(await written(table, order, () => byRow(table, rows, columns)));
    return chunked;
  }

  it.each(SPAN_CASES)('writes a span the row appender writes the same: %s', async (_name, row) => {
    await sameAsRowAppender('spans', 'span_id', [row], spanColumns(RESOURCE_IDS));
    // Read by column name, each field is in the column the store's queries read it from.
    const [named] = await written(
      'spans',
      'span_id',
      () => appendColumns(writer, 'spans', [row], spanColumns(RESOURCE_IDS)),
      `trace_id, span_id, parent_span_id, service, name, kind, start_ns::VARCHAR, duration_ns::VARCHAR,
       status, status_message, resource_id, attributes, events`
    );
    expect(named).toEqual([
      row.traceId,
      row.spanId,
      row.parentSpanId ?? null,
      row.service,
      row.name,
      row.kind,
      row.startTimeUnixNano,
      row.durationNano,
      row.status,
      row.statusMessage ?? null,
      RESOURCE_IDS.get(RESOURCE),
      JSON.stringify(row.attributes),
      JSON.stringify(row.events),
    ]);
  });

  it.each(TRANSACTION_CASES)('writes a transaction the row appender writes the same: %s', async (_name, row) => {
    await sameAsRowAppender('transactions', 'span_id', [row], TRANSACTION_COLUMNS);
    // And read back as the store reads transactions, it is the transaction that went in.
    await writer.run('BEGIN TRANSACTION');
    try {
      await appendColumns(writer, 'transactions', [row], TRANSACTION_COLUMNS);
      const result = await writer.runAndReadAll(
        `SELECT * EXCLUDE (end_us, trace_id, span_id), end_us / 1000 AS end_time,
                printf('%032x', trace_id) AS trace_id, printf('%016x', span_id) AS span_id FROM transactions`
      );
      expect(result.getRowObjectsJS().map(rowToTransaction)).toEqual([row]);
    } finally {
      await writer.run('ROLLBACK');
    }
  });

  it('writes more rows than a chunk holds, every one, NULLs where they were', async () => {
    const spans = repeated(SPAN_CASES, 2049, (s, i) => ({ ...s, spanId: i.toString(16).padStart(16, '0') }));
    await sameAsRowAppender('spans', 'span_id', spans, spanColumns(RESOURCE_IDS));
    const txs = repeated(TRANSACTION_CASES, 2049, (t, i) => ({ ...t, spanId: i.toString(16).padStart(16, '0') }));
    await sameAsRowAppender('transactions', 'span_id', txs, TRANSACTION_COLUMNS);
    // A shared machine can take seconds over a few thousand rows appended and read twice.
  }, 30_000);

  it('refuses a value outside an ENUM column, naming it, and appends none of the rows', async () => {
    const rows = [tx(), tx({ kind: 'cron' as Transaction['kind'] })];
    const stored = await written('transactions', 'span_id', async () => {
      await expect(appendColumns(writer, 'transactions', rows, TRANSACTION_COLUMNS)).rejects.toThrow(/'cron'/);
    });
    expect(stored).toEqual([]);
  });

  it('refuses columns that do not match the table', async () => {
    await expect(appendColumns(writer, 'transactions', [tx()], TRANSACTION_COLUMNS.slice(1))).rejects.toThrow(
      'transactions has 21 columns, 20 were given'
    );
  });
});

describe('appendColumns in one transaction of a whole row group', () => {
  const ROW_GROUP = 122_880;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-chunks-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** WAL bytes per row after one transaction appended `count` rows to settle_pending. */
  async function walPerRow(count: number): Promise<number> {
    const file = path.join(dir, `${count}.duckdb`);
    const instance = await DuckDBInstance.create(file);
    const writer = await instance.connect();
    try {
      await writer.run(
        'CREATE TABLE settle_pending (trace_id VARCHAR, span_id VARCHAR, start_ns UBIGINT, arrived DOUBLE)'
      );
      await writer.run('CHECKPOINT');
      const walBefore = walSize(file);
      const rows = Array.from({ length: count }, (_v, i) => i);
      await writer.run('BEGIN TRANSACTION');
      await appendColumns(writer, 'settle_pending', rows, [
        (i) => (i * 2654435761).toString(16).padStart(32, '0'),
        (i) => i.toString(16).padStart(16, '0'),
        (i) => BigInt(i) * BigInt(1_000_000),
        () => 1765000000000,
      ]);
      await writer.run('COMMIT');
      return (walSize(file) - walBefore) / count;
    } finally {
      writer.closeSync();
      instance.closeSync();
    }
  }

  // What bulk loads count on: DuckDB writes a full row group straight to the file, not through its WAL.
  it('writes it to the file with next to nothing in the WAL, where half a row group goes through the WAL', async () => {
    expect(await walPerRow(ROW_GROUP / 2)).toBeGreaterThan(40);
    expect(await walPerRow(ROW_GROUP)).toBeLessThan(1);
  }, 60_000);
});

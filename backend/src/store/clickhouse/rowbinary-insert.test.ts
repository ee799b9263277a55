/**
 * RowBinary inserts against Debian's clickhouse-server (18.16), started here: the same rows
 * inserted as JSONEachRow (the client's own encoding) into one database and as the store's
 * RowBinary into another read back identical,
 * for every column type of the hot tables at its edges (strings whose length takes 1, 2 and 3
 * LEB128 bytes, multi-byte UTF-8, NULLs, UInt64 past 2^53, negative Int64).
 */
import type { Span, Transaction } from '@osprey/model';

import { type ClickHouse, startClickHouse, stopAll } from '../../../../test/integration/real-servers';
import { rollupRows } from '../duckdb/red';
import { ClickHouseConnection, type Row } from './connection';
import { encodeRows, tableEncoding } from './rowbinary-insert';
import { spanRow, transactionRow } from './rows';
import { migrate } from './schema';

jest.setTimeout(60_000);

let clickhouse: ClickHouse;
let json: ClickHouseConnection;
let binary: ClickHouseConnection;

beforeAll(async () => {
  clickhouse = await startClickHouse();
  json = new ClickHouseConnection({ url: clickhouse.url, database: 'as_json' });
  binary = new ClickHouseConnection({ url: clickhouse.url, database: 'as_rowbinary' });
  await migrate(json);
  await migrate(binary);
});

afterAll(async () => {
  await json?.close();
  await binary?.close();
  await stopAll();
});

const span = (over: Partial<Span>): Span => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  name: 'GET /cart',
  kind: 'server',
  startTimeUnixNano: '1765000000123456789',
  durationNano: '1500000',
  status: 'ok',
  service: 'cart',
  resource: { 'service.name': 'cart' },
  attributes: {},
  events: [],
  ...over,
});

const tx = (over: Partial<Transaction>): Transaction => ({
  endTime: 1765000000123.456,
  elapsed: 12.5,
  service: 'cart',
  instance: 'cart-1',
  endpoint: 'GET /cart',
  status: 'ok',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  sqlCount: 0,
  sqlTime: 0,
  apiCallCount: 0,
  apiCallTime: 0,
  kind: 'web',
  ...over,
});

const SPANS: Span[] = [
  span({}),
  span({ spanId: '0000000000000001', name: '', parentSpanId: 'b7ad6b7169203331', statusMessage: '' }),
  span({ spanId: '0000000000000002', name: 'x'.repeat(127), statusMessage: 'y'.repeat(128) }),
  span({ spanId: '0000000000000003', name: 'é'.repeat(9000), attributes: { 'db.query.text': 'SELECT ☃ 🦅' } }),
  span({ spanId: '0000000000000004', startTimeUnixNano: '18446744073709551615', durationNano: '0', status: 'error' }),
];

const TRANSACTIONS: Transaction[] = [
  tx({}),
  tx({
    spanId: '0000000000000001',
    status: 'error',
    httpStatus: -2147483648,
    errorType: 'java.sql.SQLException',
    errorMessage: 'ünïcode ✓',
    parentService: 'web',
    userId: '',
    clientIp: '10.0.0.1',
    sqlCount: 2147483647,
    sqlTime: 1e-9,
    threadName: 'http-nio-8080-exec-1',
    cpuTime: 0,
  }),
  tx({ spanId: '0000000000000002', endTime: 0, elapsed: 1.7976931348623157e308, endpoint: 'p'.repeat(20_000) }),
];

async function readBack(connection: ClickHouseConnection, table: string, order: string): Promise<Row[]> {
  return connection.rows(`SELECT * FROM ${table} ORDER BY ${order}`);
}

describe('RowBinary inserts', () => {
  it.each<[string, Row[], string]>([
    ['spans', SPANS.map(spanRow), 'span_id'],
    ['transactions', TRANSACTIONS.map((t, i) => transactionRow(t, i * 2 ** 40)), 'span_id'],
    ['red_rollups', rollupRows(TRANSACTIONS) as unknown as Row[], 'endpoint, bucket'],
    [
      'settle_pending',
      SPANS.map((s) => ({ trace_id: s.traceId, span_id: s.spanId, start_ns: s.startTimeUnixNano, arrived: 1.5 })),
      'span_id',
    ],
  ])('%s read back as the JSONEachRow insert of the same rows', async (table, rows, order) => {
    await json.client.insert({ table, values: rows, format: 'JSONEachRow' });
    await binary.insert(table, rows);
    const want = await readBack(json, table, order);
    expect(want).toHaveLength(rows.length);
    await expect(readBack(binary, table, order)).resolves.toEqual(want);
  });

  it('writes a string length as LEB128: 1 byte below 128, 2 below 16384, 3 beyond', () => {
    const { names } = tableEncoding('s String');
    expect(names).toEqual(['s']);
    const sizes = [0, 127, 128, 16383, 16384].map(
      (n) =>
        encodeRows('settle_pending', [{ trace_id: 'x'.repeat(n), span_id: '', start_ns: 0, arrived: 0 }]).body.length -
        n
    );
    // trace_id's length prefix + span_id's (1) + start_ns (8) + arrived (8).
    expect(sizes).toEqual([18, 18, 19, 19, 20]);
  });

  it('refuses a row without a value for a column that cannot be NULL', () => {
    expect(() => encodeRows('settle_pending', [{ trace_id: 't', span_id: 's', arrived: 1 }])).toThrow(
      'RowBinary insert: no value for start_ns UInt64'
    );
  });

  it("encodes a cluster's local table with its Distributed table's columns", () => {
    const row = { log_id: 'backend-a', position: 4096 };
    expect(encodeRows('ingest_log_positions_local', [row])).toEqual(encodeRows('ingest_log_positions', [row]));
  });

  it('refuses a table the schema lacks and a type it has no encoding for', () => {
    expect(() => encodeRows('nope', [])).toThrow('no table nope in the ClickHouse schema');
    expect(() => tableEncoding('a Array(String)')).toThrow('no RowBinary encoding for ClickHouse type Array(String)');
  });
});

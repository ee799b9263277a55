/**
 * The RowBinary decoder on bytes from Debian's clickhouse-server (18.16), started here: each wire
 * type the window uses, nullable or not, at its edges; rows split across chunks at every byte and
 * across batches; and answers that are not whole rows.
 */
import { type ClickHouse, startClickHouse, stopAll } from '../../../../test/integration/real-servers';
import { type WindowBatch, WindowBatcher, type WindowColumn } from '../window';
import { clickHouseType, RowBinaryDecoder } from './rowbinary';
import { str } from './sql';

jest.setTimeout(60_000);

let clickhouse: ClickHouse;

beforeAll(async () => {
  clickhouse = await startClickHouse();
});

afterAll(stopAll);

async function rowBinary(select: string): Promise<Buffer> {
  const res = await fetch(clickhouse.url, { method: 'POST', body: `${select} FORMAT RowBinary` });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) {
    throw new Error(`${select}: ${res.status} ${bytes.toString()}`);
  }
  return bytes;
}

/** Every value of column `c` over the batches, null where not valid. */
function values(batches: WindowBatch[], c: number): Array<number | string | null> {
  return batches.flatMap((batch) => {
    const { values: column, valid } = batch.columns[c];
    return Array.from(column as ArrayLike<number | string | null>, (v, i) => (valid && !valid[i] ? null : v));
  });
}

function decodeAll(columns: WindowColumn[], chunks: Buffer[], rows: number, batchRows?: number): WindowBatch[] {
  const decoder = new RowBinaryDecoder(columns, new WindowBatcher(columns, batchRows));
  const batches = chunks.flatMap((chunk) => decoder.write(chunk));
  const last = decoder.end(rows);
  return last ? [...batches, last] : batches;
}

describe('RowBinaryDecoder', () => {
  it.each<[string, WindowColumn, string[], Array<number | string | null>]>([
    [
      'Float64',
      { name: 'endTime', kind: 'f64' },
      ['0', '-0.', '1765000000123.456', '2.2250738585072014e-308', '1.7976931348623157e308', '-1.5'],
      [0, -0, 1765000000123.456, 2.2250738585072014e-308, 1.7976931348623157e308, -1.5],
    ],
    [
      'Float32',
      { name: 'elapsed', kind: 'f32' },
      ['0', '0.1', '3.4028234663852886e38', '1.401298464324817e-45', '1234.5'],
      [0, Math.fround(0.1), 3.4028234663852886e38, 1.401298464324817e-45, 1234.5],
    ],
    ['Nullable(Float32)', { name: 'cpuTime', kind: 'f32' }, ['NULL', '2.25', 'NULL'], [null, 2.25, null]],
    [
      'Int32',
      { name: 'sqlCount', kind: 'i32' },
      ['0', '-2147483648', '2147483647', '-1'],
      [0, -2147483648, 2147483647, -1],
    ],
    ['Nullable(Int32)', { name: 'httpStatus', kind: 'i32' }, ['200', 'NULL', '-1'], [200, null, -1]],
    ['Int8 (dictionary codes)', { name: 'service', kind: 'i8' }, ['0', '127', '-1'], [0, 127, -1]],
    ['Int16 (dictionary codes)', { name: 'service', kind: 'i16' }, ['0', '32767', '-32768'], [0, 32767, -32768]],
    ['Int32 (dictionary codes)', { name: 'endpoint', kind: 'i32' }, ['0', '2147483647'], [0, 2147483647]],
    ['Nullable(Int8)', { name: 'parentService', kind: 'i8' }, ['NULL', '4', 'NULL', '0'], [null, 4, null, 0]],
    ['Nullable(Int16)', { name: 'parentService', kind: 'i16' }, ['300', 'NULL'], [300, null]],
    ['Nullable(Int32) (dictionary codes)', { name: 'parentService', kind: 'i32' }, ['NULL', '70000'], [null, 70000]],
    [
      'String: empty, multi-byte, NUL, lengths of one, two and three LEB128 bytes',
      { name: 'traceId', kind: 'str' },
      ['', 'ünïcødé 🦅 中文', 'nul\0byte', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(20_000)].map(str),
      ['', 'ünïcødé 🦅 中文', 'nul\0byte', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(20_000)],
    ],
    [
      'Nullable(String)',
      { name: 'errorType', kind: 'str' },
      ['NULL', "''", "'TimeoutError'", 'NULL'],
      [null, '', 'TimeoutError', null],
    ],
  ])('%s', async (_, column, literals, expected) => {
    const bytes = await rowBinary(`SELECT CAST(arrayJoin([${literals.join(', ')}]) AS ${clickHouseType(column)})`);
    expect(values(decodeAll([column], [bytes], expected.length), 0)).toEqual(expected);
  });

  describe('rows split anywhere', () => {
    const columns: WindowColumn[] = [
      { name: 'endTime', kind: 'f64' },
      { name: 'errorType', kind: 'str' },
      { name: 'parentService', kind: 'i8' },
      { name: 'traceId', kind: 'str' },
      { name: 'cpuTime', kind: 'f32' },
      { name: 'service', kind: 'i16' },
    ];
    const ROWS = 7;
    const expected = [
      Array.from({ length: ROWS }, (_, n) => 1765000000000 + n * 1.5),
      Array.from({ length: ROWS }, (_, n) => (n % 2 === 0 ? null : `é${n}`)),
      Array.from({ length: ROWS }, (_, n) => (n % 3 === 0 ? null : n % 3)),
      Array.from({ length: ROWS }, (_, n) => 'x'.repeat(n * 30)),
      Array.from({ length: ROWS }, (_, n) => (n % 2 === 1 ? null : n / 4)),
      Array.from({ length: ROWS }, (_, n) => n * 20),
    ];
    let bytes: Buffer;

    beforeAll(async () => {
      bytes = await rowBinary(
        `SELECT CAST(1765000000000 + number * 1.5 AS ${clickHouseType(columns[0])}),
                CAST(if(number % 2 = 0, NULL, concat('é', toString(number))) AS ${clickHouseType(columns[1])}),
                CAST(if(number % 3 = 0, NULL, number % 3) AS ${clickHouseType(columns[2])}),
                CAST(arrayStringConcat(arrayMap(i -> 'x', range(number * 30))) AS ${clickHouseType(columns[3])}),
                CAST(if(number % 2 = 1, NULL, number / 4) AS ${clickHouseType(columns[4])}),
                CAST(number * 20 AS ${clickHouseType(columns[5])})
         FROM system.numbers LIMIT ${ROWS}`
      );
    });

    const decoded = (batches: WindowBatch[]) => columns.map((_, c) => values(batches, c));

    it('in one chunk', () => {
      expect(decoded(decodeAll(columns, [bytes], ROWS))).toEqual(expected);
    });

    it('a byte a chunk, in batches of 3 rows', () => {
      const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
      const batches = decodeAll(columns, chunks, ROWS, 3);
      expect(batches.map((batch) => batch.length)).toEqual([3, 3, 1]);
      expect(decoded(batches)).toEqual(expected);
    });

    it('in two chunks, split at every byte', () => {
      for (let at = 0; at <= bytes.length; at++) {
        expect(decoded(decodeAll(columns, [bytes.subarray(0, at), bytes.subarray(at)], ROWS, 2))).toEqual(expected);
      }
    });

    it('refuses bytes that end inside a row', () => {
      expect(() => decodeAll(columns, [bytes.subarray(0, bytes.length - 1)], ROWS)).toThrow(
        `ClickHouse's RowBinary answer ended inside row ${ROWS}`
      );
    });

    it('refuses fewer rows than expected', () => {
      expect(() => decodeAll(columns, [bytes], ROWS + 1)).toThrow(
        `ClickHouse's RowBinary answer held ${ROWS} rows where ${ROWS + 1} were expected`
      );
    });
  });

  it("refuses an answer cut by a server error, quoting the server's text", async () => {
    // 18.16 sends the first blocks, then the error as text in the same 200 answer.
    const columns: WindowColumn[] = [
      { name: 'endTime', kind: 'f64' },
      { name: 'status', kind: 'i8' },
    ];
    const bytes = await rowBinary(
      'SELECT CAST(number AS Float64), CAST(throwIf(number = 300000) AS Int8) FROM system.numbers LIMIT 400000'
    );
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) =>
      bytes.subarray(i * 65536, (i + 1) * 65536)
    );
    expect(() => decodeAll(columns, chunks, 400_000)).toThrow(
      /^ClickHouse's RowBinary answer .*; the server wrote: Code: 395, .*Value passed to 'throwIf' function is non zero/
    );
  });
});

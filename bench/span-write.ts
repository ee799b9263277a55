/**
 * The spans-table write path, in-process CPU per span on the bench's real spans (OTel SDK →
 * ProtobufTraceSerializer → decodeOtlpProtobuf), every figure from the same run and the same data:
 *
 * 1. The write step alone (appends before COMMIT) for each way into `spans`, each group inside
 *    BEGIN … ROLLBACK on an in-memory database, so COMMIT cost is the same for all and left out;
 *    figures relative to the row appender the store used before its data chunks.
 * 2. What COMMIT costs on a file database at steady state: ordinary commits (WAL write + fsync +
 *    merge into the table), the commits that ran an automatic checkpoint and a final CHECKPOINT
 *    (the work a larger threshold only put off), for each `wal_autocheckpoint` threshold asked for,
 *    with the store's data chunks and with each OTLP request kept as one blob row (as received, or
 *    gzip'ed) plus a per-(trace, request) index row; then what reading one trace back costs each.
 * 3. The whole store step of the same groups (DuckDbStore.insertBatch with their transactions,
 *    settling off, close() included since it checkpoints) at the same thresholds.
 *
 *   npm run bench:span-write   (BENCH_TX, BENCH_GROUP_BATCHES, BENCH_ROUNDS, BENCH_COMMIT_SPANS,
 *                               BENCH_CHECKPOINTS=16MB,64MB)
 *
 * CPU is process.cpuUsage() (all threads, so DuckDB's workers count too): on a shared machine
 * wall-clock time swings with the other jobs, CPU per span much less.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';

import {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBInstance,
  DuckDBUBigIntType,
  DuckDBUHugeIntType,
  DuckDBVarCharType,
  LIST,
  listValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  appendColumns,
  appendNullable,
  appendRows,
  decodeOtlpProtobuf,
  deriveTransactions,
  DuckDbStore,
  spanColumns,
} from '@osprey/backend';
import type { Attributes, Span, Transaction } from '@osprey/model';

import { ShopRecorder } from './otlp-batches';
import { shopTransactions } from './workload';

const TRANSACTIONS = Number(process.env.BENCH_TX ?? 20_000);
/** 170 transactions = 510 spans, the OTel SDK's default export size, as in bench:ingest. */
const BATCH_TX = 170;
/** Batches per commit group: with 4 senders the writer mostly finds 1–4 batches waiting. */
const GROUP_BATCHES = Number(process.env.BENCH_GROUP_BATCHES ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COMMIT_SPANS = Number(process.env.BENCH_COMMIT_SPANS ?? 300_000);
const STORE_SPANS = Number(process.env.BENCH_STORE_SPANS ?? 300_000);
const COMMIT_ROUNDS = Number(process.env.BENCH_COMMIT_ROUNDS ?? 3);
const CHECKPOINTS = (process.env.BENCH_CHECKPOINTS ?? '16MB,32MB,64MB,128MB').split(',');
const TRACE_READS = Number(process.env.BENCH_TRACE_READS ?? 1_000);
/** Skips part 1 (the ways into `spans`) when only the COMMIT figures are wanted. */
const COMMIT_ONLY = process.env.BENCH_COMMIT_ONLY === '1';

/** The `spans` table as store/duckdb/store.ts creates it. */
const SPANS_TABLE = `CREATE TABLE spans (
  trace_id VARCHAR NOT NULL, span_id VARCHAR NOT NULL, parent_span_id VARCHAR, service VARCHAR NOT NULL,
  name VARCHAR NOT NULL, kind VARCHAR NOT NULL, start_ns UBIGINT NOT NULL, duration_ns UBIGINT NOT NULL,
  status VARCHAR NOT NULL, status_message VARCHAR, resource_id UBIGINT NOT NULL,
  attributes JSON NOT NULL, events JSON NOT NULL)`;

type ResourceIds = Map<Attributes, bigint>;

interface Way {
  name: string;
  write(writer: DuckDBConnection, spans: Span[], ids: ResourceIds, dir: string): Promise<void>;
}

/** The store's columnar append (store/duckdb/chunks.ts, duckdb/columns.ts). */
const columnChunks: Way = {
  name: 'appendDataChunk, columns (today)',
  write: (writer, spans, ids) => appendColumns(writer, 'spans', spans, spanColumns(ids)),
};

/**
 * One row of `spans` a value at a time, as the store appended spans before its data chunks;
 * `appendTime` writes each of the two times from its decimal string.
 */
function appendSpan(
  a: DuckDBAppender,
  span: Span,
  resourceId: bigint,
  appendTime: (a: DuckDBAppender, nanos: string) => void
): void {
  a.appendVarchar(span.traceId);
  a.appendVarchar(span.spanId);
  appendNullable(a, span.parentSpanId);
  a.appendVarchar(span.service);
  a.appendVarchar(span.name);
  a.appendVarchar(span.kind);
  appendTime(a, span.startTimeUnixNano);
  appendTime(a, span.durationNano);
  a.appendVarchar(span.status);
  appendNullable(a, span.statusMessage);
  a.appendUBigInt(resourceId);
  a.appendVarchar(JSON.stringify(span.attributes));
  a.appendVarchar(JSON.stringify(span.events));
}

const rowAppender: Way = {
  name: 'row appender (before chunks)',
  write: (writer, spans, ids) =>
    appendRows(writer, 'spans', spans, (a, span) =>
      appendSpan(a, span, ids.get(span.resource)!, (appender, nanos) => appender.appendUBigInt(BigInt(nanos)))
    ),
};

/** The times as their decimal strings, cast by the appender: no BigInt per time. */
const rowAppenderTextTimes: Way = {
  name: 'row appender, times as text',
  write: (writer, spans, ids) =>
    appendRows(writer, 'spans', spans, (a, span) =>
      appendSpan(a, span, ids.get(span.resource)!, (appender, nanos) => appender.appendVarchar(nanos))
    ),
};

const VARCHAR = DuckDBVarCharType.instance;
const UBIGINT = DuckDBUBigIntType.instance;
/** The `spans` column types, for the list parameters' LIST types. */
const COLUMN_TYPES: DuckDBType[] = [
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  UBIGINT,
  UBIGINT,
  VARCHAR,
  VARCHAR,
  UBIGINT,
  VARCHAR,
  VARCHAR,
];

const LIST_COLUMNS = COLUMN_TYPES.map((_t, i) => `unnest($c${i})`).join(', ');

/** One list parameter per column, unnested by DuckDB. */
const listParameters: Way = {
  name: 'INSERT … SELECT unnest($list) × 13',
  async write(writer, spans, ids) {
    const values: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    spanColumns(ids).forEach((value, i) => {
      values[`c${i}`] = listValue(spans.map((span) => value(span)));
      types[`c${i}`] = LIST(COLUMN_TYPES[i]);
    });
    await writer.run(`INSERT INTO spans SELECT ${LIST_COLUMNS}`, values, types);
  },
};

const JSON_FIELDS: Record<string, string> = {
  t: 'VARCHAR',
  i: 'VARCHAR',
  p: 'VARCHAR',
  v: 'VARCHAR',
  n: 'VARCHAR',
  k: 'VARCHAR',
  s: 'UBIGINT',
  d: 'UBIGINT',
  st: 'VARCHAR',
  m: 'VARCHAR',
  r: 'UBIGINT',
  a: 'JSON',
  e: 'JSON',
};
const JSON_COLUMNS = Object.keys(JSON_FIELDS);

/** One JSON object per span, times and resource id as bare numbers (yyjson reads uint64 exactly). */
function spanJson(span: Span, ids: ResourceIds): string {
  return (
    `{"t":"${span.traceId}","i":"${span.spanId}"` +
    (span.parentSpanId === undefined ? '' : `,"p":"${span.parentSpanId}"`) +
    `,"v":${JSON.stringify(span.service)},"n":${JSON.stringify(span.name)},"k":"${span.kind}"` +
    `,"s":${span.startTimeUnixNano},"d":${span.durationNano},"st":"${span.status}"` +
    (span.statusMessage === undefined ? '' : `,"m":${JSON.stringify(span.statusMessage)}`) +
    `,"r":${ids.get(span.resource)!.toString()},"a":${JSON.stringify(span.attributes)},"e":${JSON.stringify(span.events)}}`
  );
}

const fromJson: Way = {
  name: 'INSERT … SELECT from_json($doc)',
  async write(writer, spans, ids) {
    const doc = `[${spans.map((span) => spanJson(span, ids)).join(',')}]`;
    const structure = JSON.stringify([JSON_FIELDS]);
    await writer.run(
      `INSERT INTO spans SELECT ${JSON_COLUMNS.map((c) => `s.${c}`).join(', ')}
       FROM (SELECT unnest(from_json($doc, '${structure}')) AS s)`,
      { doc }
    );
  },
};

const FIELD = '\x01';
const RECORD = '\x02';

/** One text parameter, fields and records split by control characters inside DuckDB. */
const stringSplit: Way = {
  name: 'INSERT … SELECT string_split($doc)',
  async write(writer, spans, ids) {
    const doc = spans
      .map((s) =>
        [
          s.traceId,
          s.spanId,
          s.parentSpanId ?? '',
          s.service,
          s.name,
          s.kind,
          s.startTimeUnixNano,
          s.durationNano,
          s.status,
          s.statusMessage === undefined ? '' : `=${s.statusMessage}`,
          ids.get(s.resource)!.toString(),
          JSON.stringify(s.attributes),
          JSON.stringify(s.events),
        ].join(FIELD)
      )
      .join(RECORD);
    await writer.run(
      `INSERT INTO spans SELECT f[1], f[2], nullif(f[3], ''), f[4], f[5], f[6], f[7]::UBIGINT, f[8]::UBIGINT, f[9],
         CASE WHEN f[10] = '' THEN NULL ELSE f[10][2:] END, f[11]::UBIGINT, f[12], f[13]
       FROM (SELECT string_split(r, '${FIELD}') AS f FROM (SELECT unnest(string_split($doc, '${RECORD}')) AS r))`,
      { doc }
    );
  },
};

let staged = 0;

function jsonColumns(): string {
  return `{${Object.entries(JSON_FIELDS)
    .map(([name, type]) => `'${name}': '${type}'`)
    .join(', ')}}`;
}

/** A staging file in the data dir, bulk-read by DuckDB, deleted after. */
const readJson: Way = {
  name: 'read_json(staging file)',
  async write(writer, spans, ids, dir) {
    const file = path.join(dir, `spans-staging-${++staged}.ndjson`);
    writeFileSync(file, spans.map((span) => spanJson(span, ids)).join('\n'));
    try {
      await writer.run(
        `INSERT INTO spans SELECT ${JSON_COLUMNS.join(', ')}
         FROM read_json('${file}', format = 'newline_delimited', columns = ${jsonColumns()})`
      );
    } finally {
      unlinkSync(file);
    }
  },
};

function csvText(value: string | undefined): string {
  return value === undefined ? '' : `"${value.replace(/"/g, '""')}"`;
}

const readCsv: Way = {
  name: 'read_csv(staging file)',
  async write(writer, spans, ids, dir) {
    const file = path.join(dir, `spans-staging-${++staged}.csv`);
    const lines = spans.map(
      (s) =>
        `${s.traceId},${s.spanId},${s.parentSpanId ?? ''},${csvText(s.service)},${csvText(s.name)},${s.kind},` +
        `${s.startTimeUnixNano},${s.durationNano},${s.status},${csvText(s.statusMessage)},${ids.get(s.resource)!},` +
        `${csvText(JSON.stringify(s.attributes))},${csvText(JSON.stringify(s.events))}`
    );
    writeFileSync(file, lines.join('\n'));
    try {
      await writer.run(
        `INSERT INTO spans SELECT * FROM read_csv('${file}', header = false, auto_detect = false,
           quote = '"', escape = '"', columns = ${jsonColumns().replace(/'JSON'/g, "'VARCHAR'")})`
      );
    } finally {
      unlinkSync(file);
    }
  },
};

const WAYS = [
  rowAppender,
  rowAppenderTextTimes,
  columnChunks,
  listParameters,
  fromJson,
  stringSplit,
  readJson,
  readCsv,
];

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

function spanCount(groups: Span[][]): number {
  return groups.reduce((n, group) => n + group.length, 0);
}

/** The same rows whichever way wrote them (a sum over every column that could differ). */
const FINGERPRINT = `SELECT count(*), count(parent_span_id), count(status_message), sum(start_ns)::VARCHAR,
  sum(duration_ns)::VARCHAR, sum(resource_id)::VARCHAR, sum(length(attributes)), sum(length(events)),
  sum(length(name) + length(service) + length(kind) + length(status) + length(trace_id) + length(span_id))
  FROM spans`;

/** Write-step CPU per span of one way, µs; the rows of the last group are checked, then rolled back. */
async function writeStep(way: Way, groups: Span[][], ids: ResourceIds, dir: string): Promise<[number, string]> {
  const instance = await DuckDBInstance.create(':memory:');
  const writer = await instance.connect();
  try {
    await writer.run(SPANS_TABLE);
    let cpu = 0;
    let fingerprint = '';
    for (const [i, group] of groups.entries()) {
      await writer.run('BEGIN TRANSACTION');
      const started = cpuMicros();
      await way.write(writer, group, ids, dir);
      cpu += cpuMicros() - started;
      if (i === groups.length - 1) {
        fingerprint = (await writer.runAndReadAll(FINGERPRINT)).getRowsJS()[0].join(' ');
      }
      await writer.run('ROLLBACK');
    }
    return [cpu / spanCount(groups), fingerprint];
  } finally {
    writer.closeSync();
    instance.closeSync();
  }
}

/** One OTLP export request: its body as the SDK serialised it and the spans decoded from it. */
interface OtlpRequest {
  body: Uint8Array;
  spans: Span[];
}

/** How a layout keeps a commit group's requests, and how it answers trace-by-id. */
interface Layout {
  name: string;
  schema: string[];
  /** Rows one request adds to each table, to check what was stored. */
  rows: Record<string, (request: OtlpRequest) => number>;
  append(writer: DuckDBConnection, group: OtlpRequest[], firstId: bigint, ids: ResourceIds): Promise<void>;
  /** The trace as the layout hands it to the API, timed. */
  read(reader: DuckDBConnection, traceId: string): Promise<unknown[]>;
  /** One comparable line per span of what read() returned, outside the timing. */
  spanKeys(read: unknown[]): string[];
}

function byStartThenId(a: Span, b: Span): number {
  const start = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  if (start !== 0n) {
    return start < 0n ? -1 : 1;
  }
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

function spanKey(fields: unknown[]): string {
  return fields.map((field) => (field === null ? '∅' : String(field))).join('\x01');
}

const RESOURCES_TABLE = 'CREATE TABLE span_resources (id UBIGINT NOT NULL, resource JSON NOT NULL)';

/** Today: a row per span, read as store/duckdb/store.ts trace() reads it. */
const spanRows: Layout = {
  name: 'rows in spans (today)',
  schema: [SPANS_TABLE, RESOURCES_TABLE],
  rows: { spans: (request) => request.spans.length },
  async append(writer, group, _firstId, ids) {
    await columnChunks.write(
      writer,
      group.flatMap((request) => request.spans),
      ids,
      ''
    );
  },
  async read(reader, traceId) {
    const result = await reader.runAndReadAll(
      `SELECT s.*, r.resource FROM spans AS s JOIN span_resources AS r ON r.id = s.resource_id
       WHERE s.trace_id = $traceId ORDER BY s.start_ns, s.span_id`,
      { traceId }
    );
    // rowToSpan's JSON.parse of the three JSON columns, so both reads end at spans with objects.
    return result.getRowObjectsJS().map((row) => ({
      ...row,
      resource: JSON.parse(String(row.resource)) as unknown,
      attributes: JSON.parse(String(row.attributes)) as unknown,
      events: JSON.parse(String(row.events)) as unknown,
    }));
  },
  spanKeys: (rows) =>
    (rows as Array<Record<string, unknown>>).map((r) =>
      spanKey([
        r.trace_id,
        r.span_id,
        r.parent_span_id,
        r.service,
        r.name,
        r.kind,
        r.start_ns,
        r.duration_ns,
        r.status,
        r.status_message,
        JSON.stringify(r.resource),
        JSON.stringify(r.attributes),
        JSON.stringify(r.events),
      ])
    ),
};

const UHUGEINT = DuckDBUHugeIntType.instance;

function traceIdNumber(traceId: string): bigint {
  return BigInt(`0x${traceId}`);
}

/** Each trace's earliest and latest span start among `spans`. */
function startRanges(spans: Span[]): Map<string, [bigint, bigint]> {
  const starts = new Map<string, [bigint, bigint]>();
  for (const span of spans) {
    const start = BigInt(span.startTimeUnixNano);
    const seen = starts.get(span.traceId);
    starts.set(
      span.traceId,
      seen ? [start < seen[0] ? start : seen[0], start > seen[1] ? start : seen[1]] : [start, start]
    );
  }
  return starts;
}

/** Each request's body as one row (packed), and a row per trace in it with its first and last start. */
function blobRows(
  name: string,
  pack: (body: Uint8Array) => Uint8Array,
  unpack: (blob: Uint8Array) => Uint8Array
): Layout {
  return {
    name,
    schema: [
      'CREATE TABLE span_requests (id UBIGINT NOT NULL, received_us BIGINT NOT NULL, body BLOB NOT NULL)',
      `CREATE TABLE span_trace_index (trace_id UHUGEINT NOT NULL, request_id UBIGINT NOT NULL,
         min_start UBIGINT NOT NULL, max_start UBIGINT NOT NULL)`,
    ],
    rows: {
      span_requests: () => 1,
      span_trace_index: (request) => new Set(request.spans.map((span) => span.traceId)).size,
    },
    async append(writer, group, firstId) {
      const received = BigInt(Date.now()) * 1000n;
      await appendRows(writer, 'span_requests', group, (a, request, i) => {
        a.appendUBigInt(firstId + BigInt(i));
        a.appendBigInt(received);
        a.appendBlob(pack(request.body));
      });
      const traces = group.flatMap((request, i) =>
        [...startRanges(request.spans)].map(([traceId, range]) => ({ traceId, requestId: firstId + BigInt(i), range }))
      );
      await appendRows(writer, 'span_trace_index', traces, (a, { traceId, requestId, range: [min, max] }) => {
        a.appendUHugeInt(traceIdNumber(traceId));
        a.appendUBigInt(requestId);
        a.appendUBigInt(min);
        a.appendUBigInt(max);
      });
    },
    async read(reader, traceId) {
      const result = await reader.runAndReadAll(
        `SELECT r.body FROM span_trace_index AS i JOIN span_requests AS r ON r.id = i.request_id
         WHERE i.trace_id = $traceId`,
        { traceId: traceIdNumber(traceId) },
        { traceId: UHUGEINT }
      );
      return result
        .getRowsJS()
        .flatMap(([blob]) => decodeOtlpProtobuf(unpack(blob as Uint8Array)))
        .filter((span) => span.traceId === traceId)
        .sort(byStartThenId);
    },
    spanKeys: (spans) =>
      (spans as Span[]).map((s) =>
        spanKey([
          s.traceId,
          s.spanId,
          s.parentSpanId ?? null,
          s.service,
          s.name,
          s.kind,
          s.startTimeUnixNano,
          s.durationNano,
          s.status,
          s.statusMessage ?? null,
          JSON.stringify(s.resource),
          JSON.stringify(s.attributes),
          JSON.stringify(s.events),
        ])
      ),
  };
}

const LAYOUTS = [
  spanRows,
  blobRows(
    'blob per request',
    (body) => body,
    (blob) => blob
  ),
  blobRows(
    'blob per request, gzip level 1',
    (body) => gzipSync(body, { level: 1 }),
    (blob) => gunzipSync(blob)
  ),
];

interface CommitFigures {
  appends: number;
  ordinary: number;
  checkpointing: number;
  checkpoints: number;
  /** The CHECKPOINT after the last commit: what a larger threshold only put off. */
  final: number;
  walBytesPerSpan: number;
  diskBytesPerSpan: number;
  spans: number;
  /** Median wall-clock µs of one trace read, and process CPU µs per read. */
  readMedian: number;
  readCpu: number;
  /** Per sampled trace, the spans read back (spanKeys). */
  traces: Map<string, string>;
}

function walSize(file: string): number {
  try {
    return statSync(`${file}.wal`).size;
  } catch {
    return 0;
  }
}

/** The groups commitCost writes, in order: repeated until COMMIT_SPANS spans. */
function commitSequence(groups: OtlpRequest[][]): OtlpRequest[][] {
  const sequence: OtlpRequest[][] = [];
  for (let spans = 0, i = 0; spans < COMMIT_SPANS; i++) {
    sequence.push(groups[i % groups.length]);
    spans += groups[i % groups.length].reduce((n, request) => n + request.spans.length, 0);
  }
  return sequence;
}

/**
 * A layout on a file database until `COMMIT_SPANS` spans are stored, COMMIT timed alone; a
 * commit after which the WAL shrank ran a checkpoint. Then the stored rows are counted against
 * what the requests should have added, and the sampled traces read back.
 */
async function commitCost(
  layout: Layout,
  sequence: OtlpRequest[][],
  ids: ResourceIds,
  threshold: string,
  sample: string[]
): Promise<CommitFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-bench-spanwrite-'));
  const file = path.join(dir, 'osprey.duckdb');
  const instance = await DuckDBInstance.create(file, { wal_autocheckpoint: threshold });
  const writer = await instance.connect();
  const f: CommitFigures = {
    appends: 0,
    ordinary: 0,
    checkpointing: 0,
    checkpoints: 0,
    final: 0,
    walBytesPerSpan: 0,
    diskBytesPerSpan: 0,
    spans: 0,
    readMedian: 0,
    readCpu: 0,
    traces: new Map(),
  };
  let walWritten = 0;
  let walSpans = 0;
  let requests = 0n;
  try {
    for (const statement of layout.schema) {
      await writer.run(statement);
    }
    if (layout.schema.includes(RESOURCES_TABLE)) {
      // Each request decodes its own resource objects: one row per distinct id, as ResourceDictionary keeps.
      const distinct = new Map([...ids].map(([resource, id]) => [id, JSON.stringify(resource)]));
      for (const [id, resource] of distinct) {
        await writer.run('INSERT INTO span_resources VALUES ($id, $resource)', { id, resource }, { id: UBIGINT });
      }
    }
    for (const group of sequence) {
      const spans = group.reduce((n, request) => n + request.spans.length, 0);
      await writer.run('BEGIN TRANSACTION');
      let started = cpuMicros();
      await layout.append(writer, group, requests, ids);
      f.appends += cpuMicros() - started;
      const walBefore = walSize(file);
      started = cpuMicros();
      await writer.run('COMMIT');
      const cpu = cpuMicros() - started;
      const walAfter = walSize(file);
      if (walAfter < walBefore) {
        f.checkpointing += cpu;
        f.checkpoints += 1;
      } else {
        f.ordinary += cpu;
        walWritten += walAfter - walBefore;
        walSpans += spans;
      }
      f.spans += spans;
      requests += BigInt(group.length);
    }
    f.walBytesPerSpan = walWritten / walSpans;
    const started = cpuMicros();
    await writer.run('CHECKPOINT');
    f.final = cpuMicros() - started;
    f.diskBytesPerSpan = (statSync(file).size + walSize(file)) / f.spans;

    for (const [table, rows] of Object.entries(layout.rows)) {
      const expected = sequence.flat().reduce((n, request) => n + rows(request), 0);
      const stored = Number((await writer.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS()[0][0]);
      if (stored !== expected) {
        throw new Error(`${layout.name}: ${stored} rows in ${table}, the requests should have added ${expected}`);
      }
    }
    const reader = await instance.connect();
    try {
      const walls: number[] = [];
      let cpu = 0;
      for (const traceId of sample) {
        const wall = performance.now();
        const cpuStarted = cpuMicros();
        const read = await layout.read(reader, traceId);
        cpu += cpuMicros() - cpuStarted;
        walls.push((performance.now() - wall) * 1000);
        f.traces.set(traceId, layout.spanKeys(read).join('\n'));
      }
      f.readMedian = median(walls);
      f.readCpu = cpu / sample.length;
    } finally {
      reader.closeSync();
    }
  } finally {
    writer.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  return f;
}

/** CPU per span of DuckDbStore.insertBatch over STORE_SPANS spans (groups repeated), close() included. */
async function storeStep(groups: Span[][], transactions: Transaction[][], walCheckpoint: string): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-bench-spanwrite-'));
  try {
    const store = await DuckDbStore.open(dir, { autoSettle: false, walCheckpoint });
    let spans = 0;
    const started = cpuMicros();
    for (let i = 0; spans < STORE_SPANS; i++) {
      await store.insertBatch(groups[i % groups.length], transactions[i % groups.length]);
      spans += groups[i % groups.length].length;
    }
    await store.close();
    return (cpuMicros() - started) / spans;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const recorder = new ShopRecorder();
  const requests: OtlpRequest[] = [];
  let inBatch = 0;
  const now = Date.now();
  for (const tx of shopTransactions(TRANSACTIONS, now - 3_600_000, now)) {
    recorder.record(tx);
    if (++inBatch === BATCH_TX) {
      const { body } = recorder.take(inBatch);
      requests.push({ body, spans: decodeOtlpProtobuf(body) });
      inBatch = 0;
    }
  }
  const requestGroups: OtlpRequest[][] = [];
  for (let i = 0; i < requests.length; i += GROUP_BATCHES) {
    requestGroups.push(requests.slice(i, i + GROUP_BATCHES));
  }
  const groups = requestGroups.map((group) => group.flatMap((request) => request.spans));
  // Resource ids as ResourceDictionary makes them; the same for every way, so outside the timing.
  const ids: ResourceIds = new Map();
  for (const span of groups.flat()) {
    if (!ids.has(span.resource)) {
      ids.set(span.resource, createHash('sha1').update(JSON.stringify(span.resource)).digest().readBigUInt64BE(0));
    }
  }
  const spans = spanCount(groups);
  console.log(
    `${spans.toLocaleString('en')} spans in ${groups.length} groups of ${GROUP_BATCHES} OTLP batches; ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; ${ROUNDS} rounds, medians`
  );

  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-bench-spanwrite-'));
  const cpu = new Map<Way, number[]>();
  const fingerprints = new Map<Way, string>();
  try {
    for (let round = 0; round < (COMMIT_ONLY ? 0 : ROUNDS); round++) {
      for (const way of WAYS) {
        const [perSpan, fingerprint] = await writeStep(way, groups, ids, dir);
        cpu.set(way, [...(cpu.get(way) ?? []), perSpan]);
        fingerprints.set(way, fingerprint);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const byRow = median(cpu.get(rowAppender) ?? [0]);
  console.log('\nwrite step (appends before COMMIT), µs CPU per span:');
  for (const way of COMMIT_ONLY ? [] : WAYS) {
    const perSpan = median(cpu.get(way)!);
    const same =
      fingerprints.get(way) === fingerprints.get(rowAppender)
        ? 'same rows'
        : `ROWS DIFFER: ${fingerprints.get(way)} vs ${fingerprints.get(rowAppender)}`;
    console.log(
      `  ${way.name.padEnd(38)} ${perSpan.toFixed(2).padStart(6)}  ${(byRow / perSpan).toFixed(2)}× row appender  ${same}`
    );
  }

  const sequence = commitSequence(requestGroups);
  const written = [...new Set(sequence.flat().flatMap((request) => request.spans.map((span) => span.traceId)))];
  const sample = Array.from(
    { length: Math.min(TRACE_READS, written.length) },
    () => written.splice(Math.floor(Math.random() * written.length), 1)[0]
  );
  console.log(
    `\nCOMMIT on a file database, ${COMMIT_SPANS.toLocaleString('en')} spans in ${sequence.flat().length} requests, per layout; ` +
      `whole store step (insertBatch with the groups' transactions, settling off, close() included), ` +
      `${STORE_SPANS.toLocaleString('en')} spans; µs CPU per span, medians of ${COMMIT_ROUNDS} rounds; ` +
      `then ${sample.length} random traces read back, median µs wall and mean µs CPU per trace:`
  );
  const transactions = groups.map((group) => deriveTransactions(group));
  const commits = new Map<string, CommitFigures[]>();
  const stores = new Map<string, number[]>();
  let differing = 0;
  // Rounds interleave the thresholds and layouts, so load that comes and goes touches them alike.
  for (let round = 0; round < COMMIT_ROUNDS; round++) {
    for (const threshold of CHECKPOINTS) {
      for (const layout of LAYOUTS) {
        const figures = await commitCost(layout, sequence, ids, threshold, sample);
        commits.set(`${threshold} ${layout.name}`, [...(commits.get(`${threshold} ${layout.name}`) ?? []), figures]);
        differing += differentTraces(commits.get(`${threshold} ${spanRows.name}`)!.at(-1)!, figures, layout);
      }
      stores.set(threshold, [...(stores.get(threshold) ?? []), await storeStep(groups, transactions, threshold)]);
    }
  }
  const baseline = median(stores.get(CHECKPOINTS[0])!);
  for (const threshold of CHECKPOINTS) {
    for (const layout of LAYOUTS) {
      const figures = commits.get(`${threshold} ${layout.name}`)!;
      const perSpan = (part: (f: CommitFigures) => number) =>
        median(figures.map((f) => part(f) / f.spans))
          .toFixed(2)
          .padStart(6);
      const readFigure = (part: (f: CommitFigures) => number) => median(figures.map(part)).toFixed(0).padStart(5);
      console.log(
        `  wal_autocheckpoint ${threshold.padEnd(6)} ${layout.name.padEnd(31)} appends ${perSpan((f) => f.appends)}  ` +
          `ordinary commits ${perSpan((f) => f.ordinary)}  checkpointing commits ${perSpan((f) => f.checkpointing)} ` +
          `(${figures[0].checkpoints})  final CHECKPOINT ${perSpan((f) => f.final)}  ` +
          `total ${perSpan((f) => f.appends + f.ordinary + f.checkpointing + f.final)}  ` +
          `WAL ${figures[0].walBytesPerSpan.toFixed(0)} B/span  disk ${figures[0].diskBytesPerSpan.toFixed(1)} B/span  ` +
          `trace read ${readFigure((f) => f.readMedian)} µs (CPU ${readFigure((f) => f.readCpu)})`
      );
    }
    const store = median(stores.get(threshold)!);
    console.log(
      `  wal_autocheckpoint ${threshold.padEnd(6)} whole store step ${store.toFixed(2).padStart(6)} ` +
        `(${(baseline / store).toFixed(2)}× ${CHECKPOINTS[0]})`
    );
  }
  if (differing > 0) {
    console.error(`${differing} trace reads differ from today's spans table`);
    process.exitCode = 1;
  }
}

/** Sampled traces whose spans a layout read back differently from today's table, or not at all. */
function differentTraces(today: CommitFigures, other: CommitFigures, layout: Layout): number {
  let differing = 0;
  for (const [traceId, spans] of today.traces) {
    if (spans === '' || other.traces.get(traceId) !== spans) {
      console.error(`${layout.name}: trace ${traceId} read back\n${other.traces.get(traceId)}\ninstead of\n${spans}`);
      differing += 1;
    }
  }
  return differing;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

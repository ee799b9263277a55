/**
 * `osprey serve --config osprey.yaml` as a real process, fed by the real OpenTelemetry JS SDK; the
 * RED (both tiers), instances/endpoints and Arrow answers are checked against values computed here
 * from the very spans the SDK sent.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import {
  TRANSACTION_COLUMNS,
  type TransactionColumn,
  ARROW_STREAM_MEDIA_TYPE,
  type RedQuery,
  type RedResponse,
  type Transaction,
  type TransactionsResponse,
} from '@osprey/model';
import { tableFromIPC } from 'apache-arrow';

import { expectedRed } from '../../backend/src/testing/red-expectation';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
const READ = 'red-it-read';
const INGEST = 'red-it-ingest';

/**
 * The instrumented app: server spans of two instances of `shop` with exact start/end times
 * (whole ms) and a status; prints what it sent as one JSON line.
 */
const SENDER = `
const { SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { resources, tracing } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OSPREY_URL: url, OSPREY_TOKEN: token, NOW: now } = process.env;

async function main() {
  const exporter = new OTLPTraceExporter({ url: url + '/v1/traces', headers: { Authorization: 'Bearer ' + token } });
  const processor = new tracing.BatchSpanProcessor(exporter, { maxExportBatchSize: 97, scheduledDelayMillis: 60000 });
  const providers = ['shop-1', 'shop-2'].map((instance) => new tracing.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': 'shop', 'service.instance.id': instance }),
    spanProcessors: [processor],
  }));
  const sent = [];
  for (let i = 0; i < 600; i++) {
    const instance = i % 2;
    const route = i % 3 === 0 ? '/a' : '/b';
    const endMs = Number(now) - 5000 - ((i * 7919) % 170000);
    const elapsedMs = 1 + ((i * 104729) % 3000) / 8;
    const startNs = BigInt(endMs) * 1000000n - BigInt(Math.round(elapsedMs * 1e6));
    const error = i % 11 === 0;
    const span = providers[instance].getTracer('it').startSpan('GET ' + route, {
      kind: SpanKind.SERVER,
      startTime: [Number(startNs / 1000000000n), Number(startNs % 1000000000n)],
      attributes: { 'http.request.method': 'GET', 'http.route': route, 'http.response.status_code': error ? 500 : 200 },
    });
    if (error) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end([Math.floor(endMs / 1000), (endMs % 1000) * 1000000]);
    sent.push({ traceId: span.spanContext().traceId, instance: 'shop-' + (instance + 1), endpoint: 'GET ' + route, endMs, elapsedMs, error });
  }
  await processor.forceFlush();
  console.log(JSON.stringify(sent));
}
main().catch((err) => { console.error(err); process.exit(1); });
`;

interface Sent {
  traceId: string;
  instance: string;
  endpoint: string;
  endMs: number;
  elapsedMs: number;
  error: boolean;
}

jest.setTimeout(120_000);

describe('osprey serve --config: RED, names, Arrow (real process, real OTel SDK)', () => {
  let dir: string;
  let child: ChildProcess;
  let url: string;
  let sent: Transaction[];
  const now = Date.now();

  async function get(pathAndQuery: string, accept = 'application/json'): Promise<Response> {
    return fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${READ}`, accept } });
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'model', 'backend'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-red-it-'));
    const config = path.join(dir, 'osprey.yaml');
    writeFileSync(
      config,
      `# flags and env beat these
port: 1
host: 127.0.0.1
dataDir: data
tokens:
  read: ${READ}
  ingest: ${INGEST}
retention:
  transactions: 2h
`
    );
    child = spawn(process.execPath, [CLI, 'serve', '--config', config, '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, OSPREY_READ_TOKEN: '', OSPREY_INGEST_TOKEN: '', OSPREY_ADMIN_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "osprey listening" within 20 s; stderr: ${stderr}`)), 20_000);
      child.once('exit', (code) => reject(new Error(`osprey exited with ${code}: ${stderr}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; url?: string; dataDir?: string };
        if (entry.msg === 'osprey listening' && entry.url) {
          clearTimeout(timer);
          expect(entry.dataDir).toBe(path.join(dir, 'data'));
          resolve(entry.url);
        }
      });
    });
    const out = execFileSync(process.execPath, ['-e', SENDER], {
      cwd: ROOT,
      env: { ...process.env, OSPREY_URL: url, OSPREY_TOKEN: INGEST, NOW: String(now), OTEL_LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    sent = (JSON.parse(out.trim().split('\n').pop()!) as Sent[]).map((s) => ({
      endTime: s.endMs,
      elapsed: s.elapsedMs,
      service: 'shop',
      instance: s.instance,
      endpoint: s.endpoint,
      status: s.error ? 'error' : 'ok',
      traceId: s.traceId,
      spanId: '',
      sqlCount: 0,
      sqlTime: 0,
      apiCallCount: 0,
      apiCallTime: 0,
      kind: 'web',
    }));
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('stored every span the SDK sent', async () => {
    const res = await get(`/api/v1/transactions?from=${now - 3_600_000}&to=${now}&limit=1000`);
    const body = (await res.json()) as TransactionsResponse;
    expect(body.transactions.map((tx) => tx.traceId).sort()).toEqual(sent.map((tx) => tx.traceId).sort());
    const byTrace = new Map(body.transactions.map((tx) => [tx.traceId, tx]));
    for (const tx of sent) {
      expect(byTrace.get(tx.traceId)).toMatchObject({ elapsed: tx.elapsed, endTime: tx.endTime, status: tx.status });
    }
  });

  it.each([
    [{ step: 10_000, groupBy: 'instance' }, 'raw'],
    [{ step: 60_000, groupBy: 'endpoint' }, 'rollup'],
    [{ step: 120_000, groupBy: 'service', instance: 'shop-2' }, 'rollup'],
  ] as Array<[Partial<RedQuery>, 'raw' | 'rollup']>)(
    'RED %j comes from the %s tier and matches',
    async (params, tier) => {
      const query = { from: now - 600_000, to: now, groupBy: 'service', ...params } as RedQuery;
      const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
      const res = await get(`/api/v1/metrics/red?${qs}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as RedResponse;
      expect(body.tier).toBe(tier);
      expect(body.series).toEqual(expectedRed(sent, query, tier));
      // Every span sent ended in the last 3 minutes: all of them are counted, once.
      const counted = body.series.flatMap((series) => series.points).reduce((n, p) => n + p.count, 0);
      expect(counted).toBe(sent.filter((tx) => query.instance === undefined || tx.instance === query.instance).length);
    }
  );

  it('answers a range older than the configured 2 h transactions tier from the rollups', async () => {
    const res = await get(`/api/v1/metrics/red?from=${now - 3 * 3_600_000}&to=${now}&step=30000`);
    const body = (await res.json()) as RedResponse;
    expect(body).toMatchObject({ tier: 'rollup', step: 60_000 });
    expect(body.series[0].points.reduce((n, p) => n + p.count, 0)).toBe(sent.length);
  });

  it('lists instances and endpoints', async () => {
    expect(await (await get('/api/v1/instances?service=shop')).json()).toEqual({ instances: ['shop-1', 'shop-2'] });
    expect(await (await get('/api/v1/endpoints?service=shop')).json()).toEqual({ endpoints: ['GET /a', 'GET /b'] });
  });

  // A window that fits its limit comes in storage order (the sort runs only when the limit cuts), with
  // durations as float32: compared as sets, the JSON rows' durations rounded as the wire carries them.
  it('answers Arrow IPC equal to the JSON rows', async () => {
    const query = `/api/v1/transactions?from=${now - 3_600_000}&to=${now}&instance=shop-1&limit=1000`;
    const json = ((await (await get(query)).json()) as TransactionsResponse).transactions;
    const res = await get(query, ARROW_STREAM_MEDIA_TYPE);
    expect(res.headers.get('content-type')).toBe(ARROW_STREAM_MEDIA_TYPE);
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.numRows).toBe(300);
    const rows = table
      .toArray()
      .map((row) =>
        Object.fromEntries(Object.entries(row.toJSON() as Record<string, unknown>).filter(([, v]) => v !== null))
      );
    const asSent = json.map((tx) =>
      Object.fromEntries(
        Object.entries(tx).map(([name, v]) => [
          name,
          TRANSACTION_COLUMNS[name as TransactionColumn].wire === 'float32' ? Math.fround(v as number) : v,
        ])
      )
    );
    const bySpan = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.spanId).localeCompare(String(b.spanId));
    expect(rows.sort(bySpan)).toEqual(asSent.sort(bySpan));
  });

  it('refuses a bad config file with a message naming the key', () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'dataDir: x\nretention:\n  spans: forever\n');
    const result = spawnSync(process.execPath, [CLI, 'serve', '--config', bad], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--retention-spans must be a duration such as 36h or 90d, got "forever"');
    const help = spawnSync(process.execPath, [CLI, 'serve', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.stdout).toContain('--retention-rollups');
    expect(help.stdout).toContain('--config');
  });
});

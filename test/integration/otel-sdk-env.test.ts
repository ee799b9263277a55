/**
 * The README's promise, as written: an app on the stock OpenTelemetry JS SDK (NodeSDK's defaults)
 * configured only with `OTEL_EXPORTER_OTLP_ENDPOINT=<osprey>` and the ingest token in
 * `OTEL_EXPORTER_OTLP_HEADERS` sends traces, metrics and logs to Osprey as to a Collector: every
 * export answered 2xx (Osprey's own ingest counters), nothing in the app's error log, and each
 * signal queryable — its trace, a runtime metric series, its log line found by its trace id and in
 * the transaction's profile. The
 * same app with a wrong token must print the exporters' failures, or the error-log check proves nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import type { LogsResponse, MetricSeriesResponse, Trace, TransactionProfile } from '@osprey/model';

import { type Backend, buildBackend, killAll, startBackend, TOKENS } from './osprey-cli';
import { ROOT } from './real-servers';

jest.setTimeout(120_000);

const APP = path.join(ROOT, 'test', 'fixtures', 'otel-env-app', 'app.js');

/** Runs the app with the process environment minus every OTEL_* variable, plus `env`. */
async function runApp(env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [APP], {
      cwd: ROOT,
      env: { ...clean, ...env },
      timeout: 60_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const failed = err as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** One Prometheus sample of Osprey's /metrics, 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

describe('a stock OTel JS SDK app pointed at Osprey by OTEL_EXPORTER_OTLP_* alone', () => {
  let dir: string;
  let osprey: Backend;

  beforeAll(async () => {
    buildBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-otel-env-'));
    osprey = await startBackend(dir);
  });

  afterAll(() => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await fetch(`${osprey.url}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  const env = (token: string) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: osprey.url,
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token}`,
    // Diagnostics only: without a level the SDK keeps export failures to itself.
    OTEL_LOG_LEVEL: 'warn',
  });

  it('sends traces, metrics and logs, all answered 2xx, each queryable', async () => {
    const run = await runApp(env(TOKENS.OSPREY_INGEST_TOKEN));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const { traceId } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { traceId: string };

    const exposition = await (
      await fetch(`${osprey.url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` } })
    ).text();
    for (const source of ['otlp', 'otlp_metrics', 'otlp_logs']) {
      expect([source, sample(exposition, `osprey_ingest_received_items_total{source="${source}"}`) > 0]).toEqual([
        source,
        true,
      ]);
      const refused = exposition
        .split('\n')
        .filter((l) => l.startsWith(`osprey_ingest_rejected_batches_total{source="${source}"`) && !l.endsWith(' 0'));
      expect(refused).toEqual([]);
    }

    const trace = await read<Trace>(`/api/v1/traces/${traceId}`);
    expect(trace.spans.map((s) => s.kind).sort()).toEqual(['client', 'server']);
    const service = trace.spans[0].service;
    expect(service).toMatch(/^unknown_service/);

    const to = Date.now() + 60_000;
    const heap = await read<MetricSeriesResponse>(
      `/api/v1/otel-metrics?from=0&to=${to}&name=v8js.memory.heap.used&service=${encodeURIComponent(service)}`
    );
    expect(heap.series.length).toBeGreaterThan(0);
    expect(heap.series.some((s) => s.points.some((p) => p.value > 0))).toBe(true);

    const logs = await read<LogsResponse>(`/api/v1/logs?from=0&to=${to}&traceId=${traceId}`);
    expect(logs.logs.map((l) => [l.body, l.severityText, l.service])).toEqual([
      [`order placed in ${traceId}`, 'INFO', service],
    ]);
    const server = trace.spans.find((s) => s.kind === 'server')!;
    expect(server.spanId).toBe(logs.logs[0].spanId);

    // The server span's transaction profile: the log line written inside it, at its offset.
    const profile = await read<TransactionProfile>(`/api/v1/traces/${traceId}/profile?spanId=${server.spanId}`);
    expect([profile.spanId, profile.service, profile.name]).toEqual([server.spanId, service, server.name]);
    expect(profile.steps.map((s) => [s.kind, s.name, s.depth, s.severity, s.spanId])).toEqual([
      ['log', `order placed in ${traceId}`, 1, 'INFO', server.spanId],
    ]);
    expect(profile.steps[0].offset).toBeGreaterThanOrEqual(0);
    expect(profile.steps[0].offset).toBeLessThanOrEqual(profile.elapsed);
    const missing = await fetch(`${osprey.url}/api/v1/traces/${traceId}/profile?spanId=00000000000000aa`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect([missing.status, ((await missing.json()) as { message: string }).message]).toEqual([
      404,
      `trace ${traceId} has no span 00000000000000aa`,
    ]);
  });

  it('with a wrong token the same app prints its exporters’ failures', async () => {
    const run = await runApp(env('not-a-token'));
    expect(run.stderr).toMatch(/401|Unauthorized/i);
  });
});

/**
 * In-flight requests from OTLP metrics (issue 18): a stock OTel JS SDK app, configured by
 * `OTEL_EXPORTER_OTLP_*` alone, records the semantic conventions' `http.server.active_requests`
 * and exports it to a spawned `osprey serve`; while three requests are held open the equalizer
 * answers the app's instance with source `metric` and three requests of unknown age, /metrics'
 * osprey_active_requests the same, and once they end the count drops to zero.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { ActiveResponse } from '@osprey/model';

import { type Backend, buildBackend, killAll, sleep, startBackend, TOKENS } from './osprey-cli';
import { ROOT } from './real-servers';

jest.setTimeout(120_000);

const APP = path.join(ROOT, 'test', 'fixtures', 'otel-active-requests-app', 'app.js');
const SERVICE = 'active-requests-app';

describe('http.server.active_requests from a stock OTel SDK app', () => {
  let dir: string;
  let osprey: Backend;
  let app: ChildProcess;
  let appUrl: string;
  let stderr = '';

  beforeAll(async () => {
    buildBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-active-metric-'));
    osprey = await startBackend(dir);
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
    app = spawn(process.execPath, [APP], {
      cwd: ROOT,
      env: {
        ...clean,
        OTEL_EXPORTER_OTLP_ENDPOINT: osprey.url,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${TOKENS.OSPREY_INGEST_TOKEN}`,
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=app-1',
        // Exports every second rather than the default minute, so the test runs in seconds.
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    appUrl = await new Promise<string>((resolve, reject) => {
      app.once('exit', (code) => reject(new Error(`the app exited with ${code}: ${stderr}`)));
      createInterface({ input: app.stdout! }).once('line', (line) =>
        resolve((JSON.parse(line) as { url: string }).url)
      );
    });
  });

  afterAll(async () => {
    if (app.exitCode === null) {
      app.kill('SIGTERM');
      await new Promise((resolve) => app.once('exit', resolve));
    }
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async (pathAndQuery: string) => {
    const res = await fetch(`${osprey.url}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return res;
  };
  const instances = async () =>
    ((await (await read(`/api/v1/active?service=${SERVICE}`)).json()) as ActiveResponse).instances.map((i) => ({
      instance: i.instance,
      source: i.source,
      buckets: i.buckets,
      requests: i.requests,
    }));
  /** Polls the equalizer until it answers `unknownAge` in flight (or 15 s pass), and returns the last answer. */
  const until = async (unknownAge: number) => {
    let last = await instances();
    for (let waited = 0; waited < 15_000 && last[0]?.buckets.unknownAge !== unknownAge; waited += 250) {
      await sleep(250);
      last = await instances();
    }
    return last;
  };

  it('counts the held requests under source metric, agrees with /metrics, and drops to zero after', async () => {
    const held = [0, 1, 2].map(() => fetch(`${appUrl}/hold?ms=6000`).then((res) => res.text()));
    expect(await until(3)).toEqual([
      {
        instance: 'app-1',
        source: 'metric',
        buckets: { fast: 0, slow: 0, verySlow: 0, unknownAge: 3 },
        requests: [],
      },
    ]);
    const exposition = await (await read('/metrics')).text();
    expect(
      exposition
        .split('\n')
        .filter((l) => l.startsWith(`osprey_active_requests{service="${SERVICE}"`) && !l.endsWith(' 0'))
    ).toEqual([`osprey_active_requests{service="${SERVICE}",instance="app-1",source="metric",bucket="unknownAge"} 3`]);

    expect(await Promise.all(held)).toEqual(['ok', 'ok', 'ok']);
    expect((await until(0))[0].buckets.unknownAge).toBe(0);
    expect(stderr).toBe('');
  });
});

/**
 * Must-show 1 of issue 21: synthetic checks from the config file of a real `osprey serve` against
 * real local servers the test starts — one healthy, one answering 500, one hanging past the
 * timeout, one refusing connections. The stored runs, the checks' states and reasons, and the XLOG
 * equal what each server did; Debian's Prometheus, scraping /metrics with the rule files loaded,
 * fires OspreyCheckDown for each failing check and never for the healthy one.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

import { CHECK_SERVICE, type CheckRunsResponse, type ChecksResponse, type TransactionsResponse } from '@osprey/model';

import { PROMETHEUS_ALERTS, PROMETHEUS_RECORDING } from '../../scripts/src/alerting/generate';
import {
  freePort,
  type Osprey,
  type Prometheus,
  ROOT,
  startOsprey,
  startPrometheus,
  stopAll,
  tempDir,
  TOKENS,
  waitFor,
} from './real-servers';

jest.setTimeout(180_000);

/** What each check must record: up, HTTP status, failure and message. */
type Truth = { up: boolean; httpStatus?: number; failure?: string; message?: string };

const servers: http.Server[] = [];
const sockets = new Set<Socket>();
let osprey: Osprey;
let prometheus: Prometheus;
const truth: Record<string, Truth> = {};

async function serve(handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const healthy = await serve((_req, res) => res.end('{"status":"ok"}'));
  const failing = await serve((_req, res) => res.writeHead(500).end('database unavailable'));
  const hanging = await serve(() => undefined);
  const refused = await freePort();
  const checks = [
    { name: 'healthy', url: `http://127.0.0.1:${healthy}/health`, bodyMatch: '"ok"' },
    { name: 'failing', url: `http://127.0.0.1:${failing}/health` },
    { name: 'hanging', url: `http://127.0.0.1:${hanging}/health` },
    { name: 'refused', url: `tcp://127.0.0.1:${refused}` },
  ].map((check) => ({ ...check, intervalMs: 1000, timeoutMs: 700 }));
  Object.assign(truth, {
    healthy: { up: true, httpStatus: 200 },
    failing: { up: false, httpStatus: 500, failure: 'status', message: 'HTTP 500, expected 2xx' },
    hanging: {
      up: false,
      failure: 'timeout',
      message: 'no answer within 700 ms (waiting for the first response byte)',
    },
    refused: { up: false, failure: 'refused', message: `connection refused by 127.0.0.1:${refused}` },
  });
  const config = path.join(tempDir('osprey-checks-config-'), 'osprey.json');
  writeFileSync(config, JSON.stringify({ checks }));
  osprey = await startOsprey(['--config', config]);
  prometheus = await startPrometheus(`127.0.0.1:${osprey.port}`, TOKENS.OSPREY_READ_TOKEN, {
    ruleFiles: [PROMETHEUS_RECORDING, PROMETHEUS_ALERTS].map((rel) => path.join(ROOT, rel)),
  });
});

afterAll(async () => {
  sockets.forEach((socket) => socket.destroy());
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await stopAll();
});

const outcome = ({ up, httpStatus, failure, message }: Truth): Truth =>
  Object.fromEntries(Object.entries({ up, httpStatus, failure, message }).filter(([, v]) => v !== undefined)) as Truth;

describe('synthetic checks against real servers', () => {
  it('records every run with the state and reason the server caused', async () => {
    const runs = await waitFor('two stored runs of every check', async () => {
      const answer = await osprey.get<CheckRunsResponse>(`/api/v1/check-runs?from=0&to=${Date.now() + 1000}`);
      const counts = Object.keys(truth).map((name) => answer.runs.filter((r) => r.check === name).length);
      return counts.every((n) => n >= 2) ? answer.runs : undefined;
    });
    for (const run of runs) {
      expect({ check: run.check, ...outcome(run) }).toEqual({ check: run.check, ...truth[run.check] });
    }
    const status = await osprey.get<ChecksResponse>('/api/v1/checks');
    expect(Object.fromEntries(status.checks.map((c) => [c.definition.name, outcome(c.lastRun!)]))).toEqual(truth);
    const hung = runs.find((r) => r.check === 'hanging')!;
    expect(hung.durationMs).toBeGreaterThanOrEqual(700);
    expect(hung.phases.connect).toBeDefined();

    const { transactions } = await osprey.get<TransactionsResponse>(
      `/api/v1/transactions?from=0&to=${Date.now() + 1000}&service=${CHECK_SERVICE}&limit=10000`
    );
    const statuses = Object.fromEntries(transactions.map((t) => [t.endpoint, [t.kind, t.status, t.errorType ?? null]]));
    expect(statuses).toEqual({
      healthy: ['synthetic', 'ok', null],
      failing: ['synthetic', 'error', 'status'],
      hanging: ['synthetic', 'error', 'timeout'],
      refused: ['synthetic', 'error', 'refused'],
    });
  });

  it('fires OspreyCheckDown in Prometheus for each failing check, never for the healthy one', async () => {
    const failing = Object.keys(truth)
      .filter((name) => !truth[name].up)
      .sort();
    const [up] = await waitFor('osprey_check_up of every check in Prometheus', async () => {
      const series = await prometheus.query('osprey_check_up');
      return series.length === 4 ? [series] : undefined;
    });
    expect(Object.fromEntries(up.map((s) => [s.metric.check, s.value[1]]))).toEqual({
      healthy: '1',
      failing: '0',
      hanging: '0',
      refused: '0',
    });
    // `for: 1m`: pending first, firing a minute after the first failed scrape.
    const alerts = await waitFor(
      'OspreyCheckDown to fire for the failing checks',
      async () => {
        const res = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
          data: {
            alerts: Array<{ labels: Record<string, string>; state: string; annotations: Record<string, string> }>;
          };
        };
        const down = res.data.alerts.filter((a) => a.labels.alertname === 'OspreyCheckDown');
        return down.filter((a) => a.state === 'firing').length === failing.length ? down : undefined;
      },
      120_000
    );
    expect(alerts.map((a) => [a.labels.check, a.state]).sort()).toEqual(failing.map((name) => [name, 'firing']));
    const refused = alerts.find((a) => a.labels.check === 'refused')!;
    expect(refused.labels).toMatchObject({ kind: 'tcp', severity: 'critical', job: 'osprey' });
    expect(refused.annotations.dashboard).toBe('/d/osprey-health?var-check=refused');
  });
});

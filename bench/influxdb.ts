/**
 * Debian's InfluxDB 1.x (`/usr/bin/influxd`) started on temp dirs and free loopback ports, with
 * usage reporting, self-monitoring and continuous queries off so only the benchmark's work runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { freePort } from './free-port';
import path from 'node:path';

const INFLUXD = process.env.BENCH_INFLUXD ?? '/usr/bin/influxd';

export interface InfluxProcess {
  url: string;
  dir: string;
  child: ChildProcess;
  /** POST /write?precision=ms; throws on anything but 204. */
  write(db: string, lines: string): Promise<void>;
  /** GET /query; throws on an HTTP or InfluxQL error. */
  query(db: string, influxql: string): Promise<InfluxQueryResult>;
  stop(): Promise<void>;
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxQueryResult {
  results: Array<{ series?: InfluxSeries[]; error?: string }>;
}

export async function startInfluxd(dir: string): Promise<InfluxProcess> {
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = path.join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
`
  );
  const child = spawn(INFLUXD, ['-config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${httpPort}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`influxd exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      if ((await fetch(`${url}/ping`)).status === 204) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`influxd did not answer /ping within 30 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const query = async (db: string, influxql: string): Promise<InfluxQueryResult> => {
    const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ q: influxql }),
    });
    const body = (await res.json()) as InfluxQueryResult & { error?: string };
    const error = body.error ?? body.results?.find((r) => r.error)?.error;
    if (res.status !== 200 || error) {
      throw new Error(`InfluxQL ${influxql} → ${res.status} ${error ?? ''}`);
    }
    return body;
  };
  return {
    url,
    dir,
    child,
    query,
    write: async (db, lines) => {
      const res = await fetch(`${url}/write?db=${encodeURIComponent(db)}&precision=ms`, {
        method: 'POST',
        body: lines,
      });
      if (res.status !== 204) {
        throw new Error(`influx /write → ${res.status} ${await res.text()}`);
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Real processes for the export tests: `osprey serve` from backend/dist, Debian's Prometheus and
 * InfluxDB 1.x, each on 127.0.0.1 with a free port and a temporary directory, stopped by `stopAll`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import {
  type ClickHouse,
  type ClickHouseCluster,
  startClickHouseServer,
} from '../../backend/src/testing/clickhouse-server';

export const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
export const TOKENS = {
  OSPREY_INGEST_TOKEN: 'ex-ingest',
  OSPREY_READ_TOKEN: 'ex-read',
  OSPREY_ADMIN_TOKEN: 'ex-admin',
};

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** A port nothing listens on right now (the OS picks it; the caller binds it soon after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function track(child: ChildProcess, name: string): { output: () => string } {
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.once('exit', () => children.delete(child));
  child.once('error', (err) => (output += `${name}: ${err.message}`));
  return { output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return child.exitCode;
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stop));
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
  }
  dirs.clear();
}

export interface Osprey {
  url: string;
  port: number;
  /** Every JSON log line printed so far. */
  logs: Array<Record<string, unknown>>;
  get<T>(pathAndQuery: string): Promise<T>;
  stop(): Promise<number | null>;
}

/** `osprey serve` on a free port with its own data dir; `args` add options such as --influx-url. */
export async function startOsprey(args: string[] = []): Promise<Osprey> {
  const dataDir = tempDir('osprey-exports-');
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...args],
    { cwd: ROOT, env: { ...process.env, ...TOKENS, OSPREY_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const logs: Array<Record<string, unknown>> = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`osprey did not listen within 20 s: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`osprey exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'osprey listening') {
        clearTimeout(timer);
        resolve(String(entry.url));
      }
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    logs,
    async get<T>(pathAndQuery: string): Promise<T> {
      const res = await fetch(`${url}${pathAndQuery}`, {
        headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
      });
      if (res.status !== 200) {
        throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
      }
      return (await res.json()) as T;
    },
    stop: () => stop(child),
  };
}

export interface Prometheus {
  url: string;
  /** Instant query (at `time`, epoch seconds, or now); the `data.result` of /api/v1/query. */
  query(promql: string, time?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  output(): string;
}

/**
 * Debian's Prometheus scraping `target` every second with the read token, exemplar storage on,
 * evaluating `ruleFiles` (absolute paths) every second.
 */
export function startPrometheus(
  target: string,
  bearer: string,
  options: { ruleFiles?: string[] } = {}
): Promise<Prometheus> {
  return startPrometheusWith(
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((file) => `  - ${file}`)] : []),
      'scrape_configs:',
      '  - job_name: osprey',
      '    scrape_interval: 1s',
      '    scrape_timeout: 1s',
      // As provisioning/prometheus/prometheus.yml: Osprey's own `instance` label (the JVM) wins over the target's.
      '    honor_labels: true',
      '    authorization:',
      '      type: Bearer',
      `      credentials: ${bearer}`,
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n')
  );
}

/** Debian's Prometheus with the given prometheus.yml, exemplar storage on. */
export async function startPrometheusWith(configYaml: string): Promise<Prometheus> {
  const dir = tempDir('osprey-prometheus-');
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, configYaml);
  const child = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const { output } = track(child, 'prometheus');
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`prometheus ready at ${url} (${output()})`, async () => {
    const res = await fetch(`${url}/-/ready`);
    return res.status === 200 ? true : undefined;
  });
  return {
    url,
    output,
    async query(promql, time) {
      const params = new URLSearchParams({ query: promql, ...(time === undefined ? {} : { time: String(time) }) });
      const res = await fetch(`${url}/api/v1/query?${params}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: [] } };
      if (body.status !== 'success') {
        throw new Error(`prometheus query ${promql}: ${body.error}`);
      }
      return body.data.result;
    },
  };
}

export interface Influx {
  url: string;
  /** InfluxQL through /query; the first statement's series. */
  query(
    influxql: string,
    db?: string
  ): Promise<Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>>;
  stop(): Promise<number | null>;
}

/**
 * Debian's influxd 1.x with a temporary config: HTTP and the RPC bind address on free loopback
 * ports, data/meta/wal in a temp dir, no usage reporting, no self-monitoring database.
 */
export async function startInfluxd(httpPort?: number): Promise<Influx> {
  const dir = tempDir('osprey-influxd-');
  const port = httpPort ?? (await freePort());
  const rpcPort = await freePort();
  const config = path.join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${path.join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${path.join(dir, 'data')}"`,
      `  wal-dir = "${path.join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${port}"`,
      '  log-enabled = false',
      '',
    ].join('\n')
  );
  const child = spawn('/usr/bin/influxd', ['run', '-config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { output } = track(child, 'influxd');
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`influxd ready at ${url} (${output()})`, async () => {
    const res = await fetch(`${url}/ping`);
    return res.status === 204 ? true : undefined;
  });
  return {
    url,
    async query(influxql, db) {
      const params = new URLSearchParams({ q: influxql, epoch: 'ms', ...(db ? { db } : {}) });
      const res = await fetch(`${url}/query`, { method: 'POST', body: params });
      const body = (await res.json()) as { error?: string; results: Array<{ error?: string; series?: [] }> };
      const error = body.error ?? body.results[0]?.error;
      if (res.status !== 200 || error) {
        throw new Error(`influx query ${influxql}: ${res.status} ${error}`);
      }
      return body.results[0].series ?? [];
    },
    stop: () => stop(child),
  };
}

export type { ClickHouse, ClickHouseCluster } from '../../backend/src/testing/clickhouse-server';

/** Debian's clickhouse-server on free loopback ports (see backend/src/testing/clickhouse-server.ts), stopped by `stopAll`. */
export async function startClickHouse(cluster?: ClickHouseCluster, tcpPort?: number): Promise<ClickHouse> {
  const server = await startClickHouseServer(tempDir('osprey-clickhouse-'), freePort, cluster, tcpPort);
  children.add(server.child);
  server.child.once('exit', () => children.delete(server.child));
  return server;
}

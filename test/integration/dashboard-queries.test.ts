/**
 * @jest-environment ./test/jest/jsdom-with-fetch.js
 *
 * Every query of every bundled dashboard, run against real servers with variable values taken from
 * the data they hold:
 * - Osprey targets and variables through the datasource plugin's own query code and the data proxy
 *   (as datasource-live.test.ts), against `osprey serve` fed by the real OpenTelemetry SDK, a real
 *   JVM captured by the real osprey-jvm-agent, an active-service snapshot and two host snapshots
 *   (the agent's of real /proc text and a later one, workload/host-snapshots.ts); each returns data;
 * - PromQL against Debian's Prometheus running provisioning/prometheus/prometheus.yml's scrape jobs,
 *   pointed at that Osprey and at a cAdvisor-shaped exposition (kubelet /metrics/cadvisor labels);
 * - InfluxQL against Debian's influxd holding Telegraf-shaped cpu, mem, disk, net and mysql points.
 * Variables are resolved in dashboard order from their own queries, as Grafana does.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import type { DataFrame } from '@grafana/data';
import { setTemplateSrv } from '@grafana/runtime';
import type { ActiveSnapshot, InstancesResponse, Transaction, TransactionsResponse } from '@osprey/model';
import { lastValueFrom } from 'rxjs';
import { parse, stringify } from 'yaml';

import type { OspreyDataSource } from '../../datasource/src/datasource';
import type { OspreyVariableSupport } from '../../datasource/src/variables';
import {
  annotationTargets,
  bundledDashboards,
  dashboardTargets,
  referencedVariables,
  variableQueries,
  type BundledDashboard,
  type DashboardTarget,
} from '../dashboards/bundled';
import {
  interpolateInfluxQL,
  interpolatePromQL,
  promLabelValues,
  runInfluxQL,
  runPromQL,
  tagValues,
  type QueryWindow,
  type VariableValues,
} from '../dashboards/executors';
import { HostTemplateSrv } from '../../host/src/web/template-srv';
import { SLO_EXAMPLE_CONFIG } from '../../scripts/src/alerting/generate';
import type { HostServer } from '../e2e/server';
import { sendShopTraffic, type ShopTraces } from '../e2e/shop-traffic';
import { ospreyFrames, ospreyRequest, proxiedDataSource } from './proxied-datasource';
import { HOST_FIXTURE, hostSnapshotPair } from './workload/host-snapshots';
import {
  ROOT,
  startInfluxd,
  startOsprey,
  startPrometheusWith,
  stopAll,
  TOKENS,
  waitFor,
  type Influx,
  type Osprey,
  type Prometheus,
} from './real-servers';

jest.setTimeout(240_000);

const run = promisify(execFile);
const SCRAPE_MS = 1000;
const JVM = { service: 'lock-jvm', instance: 'lock-1' };
const TELEGRAF_DB = 'telegraf';
/** A Telegraf host with no Osprey service on it: the host variable must offer more than Osprey knows. */
const DB_HOST = 'db-1';

let osprey: Osprey;
let prometheus: Prometheus;
let influx: Influx;
let host: HostServer;
let cadvisor: http.Server;
let jvm: ChildProcess | undefined;
let ds: OspreyDataSource;
let traffic: ShopTraces;
let ospreyInstances: string[];
const templateSrv = new HostTemplateSrv();

/** A real JVM in known lock states (test/fixtures/jvm), captured twice by the agent's --once. */
async function captureJvm(): Promise<void> {
  const java = spawn('/usr/bin/java', [path.join(ROOT, 'test/fixtures/jvm/LockWorkload.java'), 'dashboard-queries'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  jvm = java;
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('LockWorkload printed no READY within 60 s')), 60_000);
    java.once('exit', (code) => reject(new Error(`LockWorkload exited with ${code}`)));
    createInterface({ input: java.stdout! }).on('line', (line) => {
      if (line.startsWith('READY ')) {
        clearTimeout(timer);
        resolve(Number(line.split(' ')[1]));
      }
    });
  });
  const { JAVA_HOME: _javaHome, ...env } = process.env;
  const agent = path.join(ROOT, 'agent', 'bin', 'osprey-jvm-agent.js');
  const args = ['--backend', osprey.url, '--service', JVM.service, '--instance', JVM.instance, '--pid', String(pid)];
  // Two captures: the heap histogram diff compares the newest two.
  for (let i = 0; i < 2; i++) {
    await run(process.execPath, [agent, ...args, '--once'], {
      env: { ...env, OSPREY_INGEST_TOKEN: TOKENS.OSPREY_INGEST_TOKEN },
    });
  }
}

async function ingest(apiPath: string, body: unknown): Promise<void> {
  const res = await fetch(`${osprey.url}${apiPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`POST ${apiPath}: ${res.status} ${await res.text()}`);
  }
}

/**
 * The JVM's runtime metrics as the OpenTelemetry Java agent exports them (semantic-convention names
 * and attributes, OTLP/JSON): no OTel Java agent can be installed here, so the body is written out,
 * three exports 10 s apart, for the JVM dashboard's runtime panels.
 */
function jvmRuntimeMetrics(): unknown {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const gauge = (name: string, unit: string, points: Array<[number, Array<ReturnType<typeof attr>>]>, at: number) => ({
    name,
    unit,
    gauge: {
      dataPoints: points.map(([value, attributes]) => ({ timeUnixNano: `${at}000000`, asDouble: value, attributes })),
    },
  });
  const now = Date.now();
  const metrics = [now - 20_000, now - 10_000, now].flatMap((at, i) => [
    gauge(
      'jvm.memory.used',
      'By',
      [[64e6 + i * 1e6, [attr('jvm.memory.type', 'heap'), attr('jvm.memory.pool.name', 'G1 Old Gen')]]],
      at
    ),
    gauge('jvm.cpu.recent_utilization', '1', [[0.2 + i / 100, []]], at),
    gauge(
      'jvm.thread.count',
      '{thread}',
      [
        [24, [attr('jvm.thread.state', 'runnable')]],
        [3, [attr('jvm.thread.state', 'blocked')]],
      ],
      at
    ),
    {
      name: 'jvm.gc.duration',
      unit: 's',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [
          {
            timeUnixNano: `${at}000000`,
            count: String(4 + i),
            sum: 0.05 * (4 + i),
            bucketCounts: [String(4 + i), '0'],
            explicitBounds: [0.1],
            attributes: [attr('jvm.gc.name', 'G1 Young Generation')],
          },
        ],
      },
    },
  ]);
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attr('service.name', JVM.service), attr('service.instance.id', JVM.instance)] },
        scopeMetrics: [{ scope: { name: 'io.opentelemetry.runtime-telemetry-java17' }, metrics }],
      },
    ],
  };
}

/** The shop's requests are quick; slow ones (as an agent posts them natively) give the slow-transaction panels rows. */
async function postSlowTransactions(): Promise<void> {
  const now = Date.now();
  const { transactions } = await osprey.get<TransactionsResponse>(
    `/api/v1/transactions?from=${now - 600_000}&to=${now}`
  );
  const slow = transactions.map((t, i): Transaction => ({
    ...t,
    elapsed: 2_500 + i * 100,
    endTime: now - i * 1000,
    traceId: `${(i + 1).toString(16).padStart(4, '0')}${'ab'.repeat(14)}`,
    spanId: `${(i + 1).toString(16).padStart(4, '0')}cdcdcdcdcdcd`,
  }));
  await ingest('/api/v1/transactions', slow);
}

/**
 * What a kubelet's /metrics/cadvisor serves for `pods` in namespace `shop`: per container, the pod's
 * own cgroup (container="") and the pause container ("POD"); CPU counts up with wall time.
 */
function serveCadvisor(pods: string[]): Promise<http.Server> {
  const started = Date.now();
  const server = http.createServer((_req, res) => {
    const cpu = (Date.now() - started) / 1000;
    const lines: string[] = [];
    const metric = (
      name: string,
      help: string,
      type: string,
      value: (i: number, container: string) => number | string
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      pods.forEach((pod, i) => {
        const cgroup = `/kubepods/burstable/pod${i}0c1d-4e5f`;
        for (const container of [pod.replace(/-\d+$/, ''), '', 'POD']) {
          const id = container === '' ? cgroup : `${cgroup}/${container}-cid`;
          const image = container === 'POD' ? 'registry.k8s.io/pause:3.10' : container ? `shop/${container}:1.4` : '';
          const labels = [
            `container="${container}"`,
            ...(name.startsWith('container_cpu') ? ['cpu="total"'] : []),
            ...(name.startsWith('container_fs') ? ['device="/dev/sda1"'] : []),
            `id="${id}"`,
            `image="${image}"`,
            `name="${container ? `k8s_${container}_${pod}` : ''}"`,
            'namespace="shop"',
            `pod="${pod}"`,
          ];
          lines.push(`${name}{${labels.join(',')}} ${value(i, container)}`);
        }
      });
    };
    metric('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', 'counter', (i) =>
      (cpu * (0.2 + i / 10)).toFixed(3)
    );
    metric('container_memory_working_set_bytes', 'Current working set in bytes.', 'gauge', (i, c) =>
      c === 'POD' ? 1_048_576 : 268_435_456 + i * 1024
    );
    metric(
      'container_fs_usage_bytes',
      'Number of bytes that are consumed by the container on this filesystem.',
      'gauge',
      (i) => 40_960 + i * 4096
    );
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(lines.join('\n') + '\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * provisioning/prometheus/prometheus.yml with its targets swapped for the test's servers and a 1 s
 * scrape interval; its own job (localhost:9090) and the rule files (alerting tests run those) left out.
 */
function prometheusConfig(targets: Record<string, string>): string {
  const config = parse(readFileSync(path.join(ROOT, 'provisioning/prometheus/prometheus.yml'), 'utf8'));
  const jobs = (config.scrape_configs as Array<Record<string, any>>).filter((j) => j.job_name !== 'prometheus');
  for (const job of jobs) {
    for (const group of job.static_configs) {
      group.targets = group.targets.map((t: string) => {
        if (!targets[t]) {
          throw new Error(`job ${job.job_name} scrapes ${t}, which the test does not run`);
        }
        return targets[t];
      });
    }
    if (job.authorization) {
      job.authorization.credentials = TOKENS.OSPREY_READ_TOKEN;
    }
  }
  const interval = `${SCRAPE_MS / 1000}s`;
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: jobs,
  });
}

/** Telegraf's measurements as its cpu, mem, disk, net and mysql inputs write them, every 10 s for 10 minutes. */
function telegrafLines(hosts: string[], now: number): string {
  const lines: string[] = [];
  for (const [h, name] of hosts.entries()) {
    for (let step = 0; step < 60; step++) {
      const t = now - (60 - step) * 10_000;
      const n = step + h * 7;
      lines.push(
        `cpu,cpu=cpu-total,host=${name} usage_user=${10 + (n % 5)},usage_system=${3 + (n % 3)},usage_iowait=0.4,usage_idle=${80 - (n % 5)} ${t}`,
        `mem,host=${name} total=8589934592i,used=${3_500_000_000 + n * 1000}i,used_percent=${40 + (n % 4)},available_percent=${60 - (n % 4)} ${t}`,
        `disk,device=sda1,fstype=ext4,host=${name},mode=rw,path=/ total=107374182400i,used=${5_000_000_000 + n}i,used_percent=46.6 ${t}`,
        `net,host=${name},interface=eth0 bytes_recv=${n * 125_000}i,bytes_sent=${n * 50_000}i,packets_recv=${n * 100}i ${t}`,
        `mysql,host=${name},server=mysql:3306 queries=${n * 420}i,slow_queries=${Math.floor(n / 6)}i,threads_connected=12i,threads_running=${1 + (n % 3)}i ${t}`
      );
    }
  }
  return lines.join('\n');
}

async function writeTelegraf(hosts: string[]): Promise<void> {
  await runInfluxQL(influx.url, `CREATE DATABASE ${TELEGRAF_DB}`, TELEGRAF_DB);
  const res = await fetch(`${influx.url}/write?db=${TELEGRAF_DB}&precision=ms`, {
    method: 'POST',
    body: telegrafLines(hosts, Date.now()),
  });
  expect(res.status).toBe(204);
}

function window(): QueryWindow {
  const now = Date.now();
  return { from: now - 15 * 60_000, to: now + 60_000, intervalMs: 10_000 };
}

/** The values a variable's query offers now, with the dashboard's earlier variables in place. */
async function variableValues(
  variable: ReturnType<typeof variableQueries>[number]['variable'],
  vars: VariableValues,
  w: QueryWindow
): Promise<string[]> {
  switch (variable.datasource.type) {
    case 'osprey-apm-datasource': {
      const support = ds.variables as OspreyVariableSupport;
      const request = ospreyRequest(variable.query as never, w);
      const { data } = await lastValueFrom(support.query(request as never));
      return (data[0] as DataFrame).fields[0].values as string[];
    }
    case 'prometheus': {
      return promLabelValues(prometheus.url, interpolatePromQL(variable.query as string, vars, w, SCRAPE_MS), w);
    }
    case 'influxdb':
      return tagValues(
        await runInfluxQL(influx.url, interpolateInfluxQL(variable.query as string, vars, w), TELEGRAF_DB)
      );
    default:
      throw new Error(`variable ${variable.name}: no executor for datasource ${variable.datasource.type}`);
  }
}

/**
 * Resolves a dashboard's variables in order, choosing real values: for Prometheus and InfluxDB
 * variables one that is also an Osprey instance (a pod or host Osprey has transactions from) when
 * one is offered, so the Osprey panels beside them have data to show.
 */
async function resolveVariables(dashboard: BundledDashboard, w: QueryWindow): Promise<VariableValues> {
  const vars: VariableValues = {};
  for (const variable of dashboard.json.templating?.list ?? []) {
    let value: string;
    if (variable.type === 'textbox' && variable.name === 'traceId') {
      value = traffic.failed;
    } else if (variable.type === 'textbox' && variable.name === 'focus') {
      value = ''; // the whole hierarchy; its drill-down links set a row's path
    } else if (variable.type === 'query') {
      const offered = await variableValues(variable as Parameters<typeof variableValues>[0], vars, w);
      expect({ variable: variable.name, offered: offered.length > 0 }).toEqual({
        variable: variable.name,
        offered: true,
      });
      value = offered.find((v) => ospreyInstances.includes(v)) ?? offered[0];
    } else {
      throw new Error(`variable ${variable.name}: no value source for a ${variable.type} variable`);
    }
    vars[variable.name] = { value, multiOrAll: Boolean(variable.multi || variable.includeAll) };
    templateSrv.set(variable.name, value);
  }
  return vars;
}

/** Runs one target; resolves with how many rows / points / series values it answered. */
async function execute({ target }: DashboardTarget, vars: VariableValues, w: QueryWindow): Promise<number> {
  switch (target.datasource.type) {
    case 'osprey-apm-datasource': {
      const frames = await ospreyFrames(ds, target, w);
      return frames.reduce((n, f) => n + f.length, 0);
    }
    case 'prometheus': {
      const expr = interpolatePromQL(String(target.expr), vars, w, SCRAPE_MS);
      expect(referencedVariables(expr)).toEqual([]);
      const series = await runPromQL(prometheus.url, expr, w, target.instant === true && target.range !== true);
      return series.reduce((n, s) => n + (s.values?.length ?? (s.value ? 1 : 0)), 0);
    }
    case 'influxdb': {
      const query = interpolateInfluxQL(String(target.query), vars, w);
      expect(referencedVariables(query)).toEqual([]);
      const series = await runInfluxQL(influx.url, query, TELEGRAF_DB);
      return series.reduce((n, s) => n + s.values.filter((row) => row.slice(1).some((v) => v !== null)).length, 0);
    }
    default:
      throw new Error(`no executor for datasource ${target.datasource.type}`);
  }
}

beforeAll(async () => {
  // The example SLOs, for the Health dashboard's SLO table: each is a row, with traffic or without.
  const slos = path.join(ROOT, SLO_EXAMPLE_CONFIG);
  osprey = await startOsprey(['--settle-ms', '300', '--active-stale-ms', '3600000', '--config', slos]);
  traffic = sendShopTraffic(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, 1);
  sendShopTraffic(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, 2);
  await captureJvm();
  await ingest('/v1/metrics', jvmRuntimeMetrics());
  for (const snapshot of hostSnapshotPair(HOST_FIXTURE.host, Date.now() - 60_000)) {
    await ingest('/api/v1/hosts/snapshots', snapshot);
  }
  ospreyInstances = (await osprey.get<InstancesResponse>('/api/v1/instances')).instances;
  await postSlowTransactions();
  await ingest('/api/v1/active', {
    service: 'frontend',
    instance: ospreyInstances[0],
    takenAt: Date.now(),
    requests: [
      { endpoint: '/checkout', elapsed: 120 },
      { endpoint: '/pay', elapsed: 4_200 },
      { endpoint: '/pay', elapsed: 9_100, traceId: traffic.failed },
    ],
  } satisfies ActiveSnapshot);

  // A synthetic check on the backend itself, for the Health dashboard: its runs are its data.
  const check = await fetch(`${osprey.url}/api/v1/checks/osprey`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_ADMIN_TOKEN}` },
    body: JSON.stringify({ url: `${osprey.url}/health`, intervalMs: 1000, timeoutMs: 1000 }),
  });
  expect(check.status).toBe(201);

  cadvisor = await serveCadvisor(ospreyInstances);
  const cadvisorAddress = `127.0.0.1:${(cadvisor.address() as AddressInfo).port}`;
  prometheus = await startPrometheusWith(
    prometheusConfig({ 'osprey:4318': `127.0.0.1:${osprey.port}`, 'cadvisor:8080': cadvisorAddress })
  );
  influx = await startInfluxd();
  await writeTelegraf([ospreyInstances[0], DB_HOST]);

  setTemplateSrv(templateSrv);
  ({ ds, host } = await proxiedDataSource(osprey.url, templateSrv));

  // Settled service-map edges, and enough scrapes of both jobs for rate() over $__rate_interval.
  await waitFor('settled service-map edges', async () => {
    const map = await osprey.get<{ edges: unknown[] }>(
      `/api/v1/servicemap?from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`
    );
    return map.edges.length > 0 ? true : undefined;
  });
  await waitFor(
    'five scrapes of every job',
    async () => {
      const up = await prometheus.query(`count_over_time(up[1m]) >= 5 and up == 1`);
      return up.length === 2 ? true : undefined;
    },
    60_000
  );
});

afterAll(async () => {
  jvm?.kill('SIGKILL');
  await host?.close();
  await new Promise((resolve) => (cadvisor ? cadvisor.close(resolve) : resolve(undefined)));
  await stopAll();
});

describe.each(bundledDashboards().map((d) => [d.json.uid, d] as const))('%s', (_uid, dashboard) => {
  let w: QueryWindow;
  let vars: VariableValues;

  beforeAll(async () => {
    w = window();
    vars = await resolveVariables(dashboard, w);
  });

  it('offers values for every variable, from live data', () => {
    expect(Object.keys(vars)).toEqual((dashboard.json.templating?.list ?? []).map((v) => v.name));
  });

  it.each(
    [...dashboardTargets(dashboard), ...annotationTargets(dashboard)].map(
      (t) => [`${t.panel} ${t.target.refId} (${t.target.datasource.type})`, t] as const
    )
  )('%s answers with data', async (_name, target) => {
    expect(await execute(target, vars, w)).toBeGreaterThan(0);
  });
});

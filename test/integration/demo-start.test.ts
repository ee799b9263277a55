/**
 * Acceptance criterion 1 of the foundation issue: `npm start` (node demo/dist/start.js) brings up
 * the backend and the instrumented shop, and within 30 s an authenticated GET /api/v1/transactions
 * returns transactions of every shop service, some failed, some with SQL, downstream ones with
 * their caller; the services' runtime and host metrics and their request logs (OTel metrics and
 * logs SDKs) are queryable; Ctrl-C (SIGINT) then takes the whole process tree down.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type {
  LogsResponse,
  MetricSeriesResponse,
  SlosResponse,
  Transaction,
  TransactionsResponse,
} from '@osprey/model';

const root = path.resolve(__dirname, '../..');
const tokens = { read: 'demo-test-read', ingest: 'demo-test-ingest', admin: 'demo-test-admin' };
const SERVICES = ['shop-frontend', 'catalog', 'checkout', 'payments'];
/** Who calls whom in the shop: the parentService each downstream service should show. */
const CALLERS: Record<string, string[]> = {
  catalog: ['shop-frontend', 'checkout'],
  checkout: ['shop-frontend'],
  payments: ['checkout'],
};
const DEADLINE_MS = 30_000;

jest.setTimeout(240_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every process below `pid`, from the kernel's parent links (ps), at this moment. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readAs<T>(url: string, pathAndQuery: string): Promise<T> {
  const res = await fetch(`${url}${pathAndQuery}`, { headers: { Authorization: `Bearer ${tokens.read}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

function complete(transactions: Transaction[]): boolean {
  const services = new Set(transactions.map((t) => t.service));
  return (
    SERVICES.every((s) => services.has(s)) &&
    transactions.some((t) => t.status === 'error') &&
    transactions.some((t) => t.sqlCount > 0) &&
    Object.keys(CALLERS).every((s) => transactions.some((t) => t.service === s && t.parentService !== undefined))
  );
}

describe('npm start (demo/dist/start.js)', () => {
  let dataDir: string;
  let demo: ChildProcess;
  let output = '';
  let url: string;
  let transactions: Transaction[] = [];
  let waitedMs = 0;
  let tree: number[] = [];
  const read = <T>(pathAndQuery: string) => readAs<T>(url, pathAndQuery);

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'model', 'backend', 'demo'], { cwd: root, stdio: 'inherit' });
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-demo-start-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    demo = spawn(
      process.execPath,
      ['demo/dist/start.js', '--port', String(port), '--data-dir', dataDir, '--rate', '20'],
      {
        cwd: root,
        env: {
          ...process.env,
          OSPREY_READ_TOKEN: tokens.read,
          OSPREY_INGEST_TOKEN: tokens.ingest,
          OSPREY_ADMIN_TOKEN: tokens.admin,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    // Poll as a user of the banner's curl would, until everything is there or 30 s have passed.
    while (Date.now() - started < DEADLINE_MS && demo.exitCode === null) {
      await new Promise((r) => setTimeout(r, 1_000));
      const query = `from=${started - 60_000}&to=${Date.now() + 60_000}&limit=100000`;
      const res = await fetch(`${url}/api/v1/transactions?${query}`, {
        headers: { Authorization: `Bearer ${tokens.read}` },
      }).catch(() => undefined);
      if (res?.ok) {
        transactions = ((await res.json()) as TransactionsResponse).transactions;
        if (complete(transactions)) {
          break;
        }
      }
    }
    waitedMs = Date.now() - started;
    tree = descendants(demo.pid!);
    const errors = transactions.filter((t) => t.status === 'error').length;
    console.log(`${transactions.length} transactions (${errors} errors) after ${waitedMs} ms`);
  });

  afterAll(() => {
    // Whatever a failed test left running, so no orphaned backend outlives the run.
    for (const pid of [demo.pid!, ...tree].filter(alive)) {
      process.kill(pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the backend URL, the tokens and a curl to try', () => {
    expect(output).toContain(url);
    expect(output).toContain(tokens.read);
    expect(output).toContain(tokens.ingest);
    expect(output).toContain(tokens.admin);
    expect(output).toContain(`Authorization: Bearer ${tokens.read}`);
  });

  it('has transactions of every shop service within 30 s, and only the synthetic check beside them', () => {
    expect(waitedMs).toBeLessThanOrEqual(DEADLINE_MS + 2_000);
    const shop = transactions.filter((t) => t.kind !== 'synthetic');
    expect([...new Set(shop.map((t) => t.service))].sort()).toEqual([...SERVICES].sort());
    const checks = transactions.filter((t) => t.kind === 'synthetic');
    expect(new Set(checks.map((t) => `${t.service} ${t.endpoint}`))).toEqual(
      new Set(checks.length > 0 ? ['osprey-checks shop-home'] : [])
    );
  });

  it("gives the backend the shop's SLOs (demo/slos.yaml)", async () => {
    const res = await fetch(`${url}/api/v1/slos`, { headers: { Authorization: `Bearer ${tokens.read}` } });
    const { slos } = (await res.json()) as SlosResponse;
    expect(slos.map((s) => [s.definition.name, s.definition.service, s.definition.endpoint])).toEqual([
      ['checkout-availability', 'shop-frontend', 'POST /checkout'],
      ['charge-latency', 'payments', 'POST /charge'],
    ]);
  });

  it('has failed transactions with an HTTP 5xx and an error type', () => {
    const errors = transactions.filter((t) => t.status === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((t) => (t.httpStatus ?? 500) >= 500 || t.kind !== 'web')).toBe(true);
    expect(errors.some((t) => t.errorType !== undefined)).toBe(true);
    // Most requests succeed: the demo is a shop having an ordinary bad day, not an outage.
    expect(errors.length / transactions.length).toBeLessThan(0.3);
  });

  it('counts the DuckDB queries of catalog and checkout as SQL', () => {
    for (const service of ['catalog', 'checkout']) {
      expect(transactions.some((t) => t.service === service && t.sqlCount > 0 && t.sqlTime > 0)).toBe(true);
    }
    expect(transactions.filter((t) => t.service === 'shop-frontend').every((t) => t.sqlCount === 0)).toBe(true);
  });

  it('names each downstream service’s caller as parentService', () => {
    for (const [service, callers] of Object.entries(CALLERS)) {
      const parents = new Set(transactions.filter((t) => t.service === service).map((t) => t.parentService));
      expect([...parents].some((p) => p !== undefined && callers.includes(p))).toBe(true);
      expect([...parents].filter((p) => p !== undefined && !callers.includes(p))).toEqual([]);
    }
    expect(transactions.filter((t) => t.service === 'shop-frontend' && t.parentService !== undefined)).toEqual([]);
  });

  it('sends runtime and host metrics through the OTel metrics SDK, per service instance', async () => {
    const names = ['v8js.memory.heap.used', 'nodejs.eventloop.delay.p99', 'process.cpu.utilization'];
    let answer: MetricSeriesResponse = { series: [], truncated: false };
    // The metric reader exports every 5 s: wait for the first export of each service.
    for (let waited = 0; waited < 15_000; waited += 1_000) {
      answer = await read<MetricSeriesResponse>(`/api/v1/otel-metrics?from=0&to=${Date.now() + 60_000}&name=${names}`);
      if (SERVICES.every((s) => names.every((n) => answer.series.some((x) => x.service === s && x.name === n)))) {
        break;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    for (const service of SERVICES) {
      const own = answer.series.filter((x) => x.service === service);
      expect([service, [...new Set(own.map((x) => x.name))].sort()]).toEqual([service, [...names].sort()]);
      const heap = own.filter((x) => x.name === 'v8js.memory.heap.used');
      expect(heap.every((x) => new RegExp(`^${service}-\\d+$`).test(x.instance))).toBe(true);
      // One series per V8 heap space; the large-object spaces may well hold nothing yet.
      expect(heap.some((x) => x.points.some((p) => p.value > 0))).toBe(true);
    }
  });

  it('logs each answer through the OTel logs SDK with the trace of its transaction', async () => {
    const failed = transactions.find((t) => t.status === 'error')!;
    const answer = await read<LogsResponse>(
      `/api/v1/logs?from=0&to=${Date.now() + 60_000}&traceId=${failed.traceId}&service=${failed.service}`
    );
    expect(answer.logs.length).toBeGreaterThan(0);
    expect(answer.logs.some((l) => l.severityText === 'ERROR' && / answered 5\d\d$/.test(l.body))).toBe(true);
    expect(answer.logs.every((l) => l.traceId === failed.traceId && l.spanId !== undefined)).toBe(true);
  });

  it('stops the backend, the services and the load on Ctrl-C', async () => {
    // backend + 4 services + load generator
    expect(tree.length).toBeGreaterThanOrEqual(6);
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    const stopAsked = Date.now();
    demo.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('timeout'), 20_000)))]);
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(Date.now() - stopAsked).toBeLessThan(10_000);
    expect(tree.filter(alive)).toEqual([]);
  });
});

/**
 * The JVM API end to end: the real `osprey serve` process, and real JVMs (OpenJDK 17 and Temurin 25)
 * running test/fixtures/jvm/LockWorkload.java, captured with their own jcmd and uploaded over HTTP.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import type {
  HeapHistogramListResponse,
  HeapHistogramResponse,
  HistogramDiff,
  JvmInstancesResponse,
  JvmRequest,
  JvmRequestsResponse,
  ThreadDumpCreated,
  ThreadDumpDiff,
  ThreadDumpListResponse,
  ThreadDumpResponse,
} from '@osprey/model';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
const WORKLOAD = path.join(ROOT, 'test', 'fixtures', 'jvm', 'LockWorkload.java');
const TOKENS = { OSPREY_INGEST_TOKEN: 'jv-ingest', OSPREY_READ_TOKEN: 'jv-read', OSPREY_ADMIN_TOKEN: 'jv-admin' };
const INGEST = TOKENS.OSPREY_INGEST_TOKEN;
const READ = TOKENS.OSPREY_READ_TOKEN;
const TEMURIN = '/usr/lib/jvm/temurin-25-jdk-amd64/bin';

interface Jdk {
  name: '17' | '25';
  java: string;
  jcmd: string;
  /** jcmd Thread.dump_to_file -format=json exists from JDK 21. */
  json: boolean;
}

const JDKS: Jdk[] = [
  { name: '17', java: '/usr/bin/java', jcmd: '/usr/bin/jcmd', json: false },
  { name: '25', java: `${TEMURIN}/java`, jcmd: `${TEMURIN}/jcmd`, json: true },
];

/** What was captured from one JVM: two text dumps and two histograms about a second apart. */
interface Capture {
  pid: number;
  text: [string, string];
  histograms: [string, string];
  json?: string;
}

const children = new Set<ChildProcess>();
jest.setTimeout(120_000);

/** Spawns a process and resolves with the first stdout line matching `ready`. */
function startAndWait(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (line: string) => boolean
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command}: not ready within 30 s; stderr: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (ready(line)) {
        clearTimeout(timer);
        resolve({ child, line });
      }
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function jcmd(jdk: Jdk, pid: number, ...args: string[]): Promise<string> {
  return (await run(jdk.jcmd, [String(pid), ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

async function capture(jdk: Jdk, pid: number, dir: string): Promise<Capture> {
  const text1 = await jcmd(jdk, pid, 'Thread.print', '-l');
  const histogram1 = await jcmd(jdk, pid, 'GC.class_histogram');
  // The dumps' own timestamps have 1 s resolution; the busy thread's CPU must visibly grow.
  await sleep(1100);
  const text2 = await jcmd(jdk, pid, 'Thread.print', '-l');
  const histogram2 = await jcmd(jdk, pid, 'GC.class_histogram');
  const result: Capture = { pid, text: [text1, text2], histograms: [histogram1, histogram2] };
  if (jdk.json) {
    const file = path.join(dir, `dump-${jdk.name}.json`);
    await jcmd(jdk, pid, 'Thread.dump_to_file', '-format=json', file);
    result.json = readFileSync(file, 'utf8');
  }
  return result;
}

describe('JVM API against real JVMs (OpenJDK 17, Temurin 25)', () => {
  let dir: string;
  let url: string;
  const captures = new Map<string, Capture>();

  async function api<T>(
    pathAndQuery: string,
    options: { method?: string; token?: string; type?: string; body?: string } = {}
  ): Promise<{ status: number; json: T; text: string; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (options.token !== '') {
      headers.authorization = `Bearer ${options.token ?? READ}`;
    }
    if (options.type) {
      headers['content-type'] = options.type;
    }
    const res = await fetch(`${url}${pathAndQuery}`, { method: options.method ?? 'GET', headers, body: options.body });
    const text = await res.text();
    let json: T;
    try {
      json = JSON.parse(text) as T;
    } catch {
      json = undefined as T;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  async function uploadDump(jdk: Jdk, body: string, type = 'text/plain'): Promise<ThreadDumpCreated> {
    const res = await api<ThreadDumpCreated>(`/api/v1/jvm/threaddumps?service=lock&instance=jdk${jdk.name}`, {
      method: 'POST',
      token: INGEST,
      type,
      body,
    });
    expect(res.status).toBe(201);
    return res.json;
  }

  async function uploadHistogram(jdk: Jdk, body: string): Promise<string> {
    const res = await api<{ id: string }>(`/api/v1/jvm/heaphistograms?service=lock&instance=jdk${jdk.name}`, {
      method: 'POST',
      token: INGEST,
      type: 'text/plain',
      body,
    });
    expect(res.status).toBe(201);
    return res.json.id;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-jvm-it-'));
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'model', 'backend'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const classes = path.join(dir, 'classes');
    execFileSync('javac', ['--release', '17', '-d', classes, WORKLOAD]);
    const backend = startAndWait(
      process.execPath,
      [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', path.join(dir, 'data')],
      { ...process.env, ...TOKENS },
      (line) => line.includes('"msg":"osprey listening"')
    );
    const jvms = JDKS.map((jdk) =>
      startAndWait(jdk.java, ['-cp', classes, 'LockWorkload'], process.env, (line) => line.startsWith('READY '))
    );
    url = (JSON.parse((await backend).line) as { url: string }).url;
    const pids = (await Promise.all(jvms)).map(({ line }) => Number(line.split(' ')[1]));
    // relock-notifier starts just before READY: let it take the monitor before the first dump.
    await sleep(1000);
    const captured = await Promise.all(JDKS.map((jdk, i) => capture(jdk, pids[i], dir)));
    JDKS.forEach((jdk, i) => captures.set(jdk.name, captured[i]));
  });

  afterAll(() => {
    for (const child of children) {
      child.kill('SIGKILL');
    }
    if (dir !== undefined && existsSync(dir)) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.each(JDKS)('JDK $name', (jdk) => {
    let first: ThreadDumpCreated;
    let second: ThreadDumpCreated;

    beforeAll(async () => {
      const { text } = captures.get(jdk.name)!;
      first = await uploadDump(jdk, text[0]);
      second = await uploadDump(jdk, text[1]);
    });

    it('finds exactly the deadlocks the workload makes, each waiter with its owner', async () => {
      expect(first.summary).toEqual(expect.objectContaining({ deadlockedThreads: 4, virtual: 0 }));
      const { json: dump } = await api<ThreadDumpResponse>(`/api/v1/jvm/threaddumps/${first.id}`);
      expect(dump).toEqual(
        expect.objectContaining({ id: first.id, service: 'lock', instance: `jdk${jdk.name}`, format: 'text' })
      );
      expect(dump.jvmVersion).toMatch(new RegExp(`^${jdk.name}\\.`));
      expect(
        dump.deadlocks
          .map((d) => ({ threads: [...d.threads].sort(), kind: d.kind }))
          .sort((a, b) => a.threads[0].localeCompare(b.threads[0]))
      ).toEqual([
        { threads: ['audit-writer', 'ledger-writer'], kind: 'synchronizer' },
        { threads: ['price-updater', 'stock-updater'], kind: 'mixed' },
      ]);
      expect(dump.deadlocksAgree).toBe(true);
      const waits = Object.fromEntries(
        dump.threads
          .filter((t) => /-(writer|updater|waiter)$/.test(t.name))
          .map((t) => [t.name, [t.waitingOn?.kind, t.waitingOn?.owner ?? null]])
      );
      expect(waits).toEqual({
        'ledger-writer': ['park', 'audit-writer'],
        'audit-writer': ['park', 'ledger-writer'],
        'price-updater': ['park', 'stock-updater'],
        'stock-updater': ['monitor', 'price-updater'],
        'mailbox-waiter': ['wait', null],
        'relock-waiter': ['monitor', 'relock-notifier'],
      });
      const pair = dump.stackGroups.find((g) => g.threads.includes('ledger-writer'));
      expect(pair).toEqual(
        expect.objectContaining({ count: 2, state: 'WAITING', threads: expect.arrayContaining(['audit-writer']) })
      );
      // The spinners: busy-hasher, and on JDK 25 the carrier of the spinning virtual thread vt-spinner.
      const spinners = dump.topCpu.slice(0, jdk.json ? 2 : 1).map((t) => t.name);
      expect(spinners).toContain('busy-hasher');
      const carrier = spinners.find((name) => name !== 'busy-hasher');
      if (jdk.json) {
        expect(dump.threads.find((t) => t.name === carrier)!.carryingVirtualThread).toEqual(expect.any(Number));
      }
    });

    it('lists newest first, answers latest and the raw body, and diffs two dumps a second apart', async () => {
      const list = await api<ThreadDumpListResponse>(`/api/v1/jvm/threaddumps?service=lock&instance=jdk${jdk.name}`);
      expect(list.json.threadDumps.map((d) => d.id).slice(0, 2)).toEqual([second.id, first.id]);
      const latest = await api<ThreadDumpResponse>(
        `/api/v1/jvm/threaddumps/latest?service=lock&instance=jdk${jdk.name}`
      );
      expect(latest.json.id).toBe(list.json.threadDumps[0].id);
      const raw = await api(`/api/v1/jvm/threaddumps/${first.id}/raw`);
      expect(raw.text).toBe(captures.get(jdk.name)!.text[0]);
      expect(raw.headers.get('content-type')).toBe('text/plain');
      const diff = await api<ThreadDumpDiff>(`/api/v1/jvm/threaddumps/${first.id}/diff/${second.id}`);
      expect(diff.status).toBe(200);
      expect(diff.json.intervalMs).toBeGreaterThanOrEqual(0);
      const busy = diff.json.cpu.find((c) => c.name === 'busy-hasher')!;
      expect(busy.cpuDeltaMs).toBeGreaterThan(0);
      expect(diff.json.cpu.slice(0, jdk.json ? 2 : 1).map((c) => c.name)).toContain('busy-hasher');
      expect(diff.json.stuck.map((t) => t.name)).toEqual(expect.arrayContaining(['stock-updater', 'relock-waiter']));
    });

    it('stores class histograms: top classes, live lock objects, diff of two', async () => {
      const [h1, h2] = captures.get(jdk.name)!.histograms;
      const a = await uploadHistogram(jdk, h1);
      const b = await uploadHistogram(jdk, h2);
      const { json: one } = await api<HeapHistogramResponse>(`/api/v1/jvm/heaphistograms/${a}`);
      expect(one.rows.length).toBeGreaterThan(100);
      expect(one.rows.map((r) => r.rank).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
      const bytes = one.rows.map((r) => r.bytes);
      expect(bytes).toEqual([...bytes].sort((x, y) => y - x));
      expect(one.rows.slice(0, 10).map((r) => r.class)).toEqual(expect.arrayContaining(['[B', 'java.lang.String']));
      const locks = one.rows.find((r) => r.class === 'java.util.concurrent.locks.ReentrantLock')!;
      expect(locks.instances).toBeGreaterThanOrEqual(3);
      expect(locks.module).toMatch(/^java\.base@/);
      expect(one.totalBytes).toBe(one.rows.reduce((s, r) => s + r.bytes, 0));

      const list = await api<HeapHistogramListResponse>(
        `/api/v1/jvm/heaphistograms?service=lock&instance=jdk${jdk.name}`
      );
      expect(list.json.heapHistograms.map((h) => h.id)).toEqual([b, a]);
      const { json: two } = await api<HeapHistogramResponse>(`/api/v1/jvm/heaphistograms/${b}`);
      const { json: diff } = await api<HistogramDiff>(`/api/v1/jvm/heaphistograms/${a}/diff/${b}`);
      expect(diff.totalBytesDelta).toBe(two.totalBytes - one.totalBytes);
      expect(diff.totalInstancesDelta).toBe(two.totalInstances - one.totalInstances);
    });
  });

  it('JDK 25 JSON dump: the virtual thread and the monitor owners', async () => {
    const created = await uploadDump(JDKS[1], captures.get('25')!.json!, 'application/json');
    expect(created.summary.virtual).toBeGreaterThanOrEqual(1);
    const { json: dump } = await api<ThreadDumpResponse>(`/api/v1/jvm/threaddumps/${created.id}`);
    expect(dump.format).toBe('json');
    expect(dump.threads.filter((t) => t.virtual).map((t) => t.name)).toEqual(['vt-spinner']);
    const owner = (name: string) => dump.threads.find((t) => t.name === name)!.waitingOn?.owner;
    expect(owner('stock-updater')).toBe('price-updater');
    expect(owner('relock-waiter')).toBe('relock-notifier');
    const raw = await api(`/api/v1/jvm/threaddumps/${created.id}/raw`);
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect(raw.text).toBe(captures.get('25')!.json);
  });

  it('lists both JVMs as instances', async () => {
    const { json } = await api<JvmInstancesResponse>('/api/v1/jvm/instances?service=lock');
    expect(json.instances.map((i) => i.instance)).toEqual(['jdk17', 'jdk25']);
    for (const instance of json.instances) {
      expect(instance.lastThreadDumpAt).toEqual(expect.any(Number));
      expect(instance.lastHeapHistogramAt).toEqual(expect.any(Number));
    }
  });

  it('runs the capture request lifecycle: create → pending → claim → 409 → result → done', async () => {
    const create = await api<JvmRequest>('/api/v1/jvm/requests', {
      method: 'POST',
      type: 'application/json',
      body: JSON.stringify({ service: 'lock', instance: 'jdk17', kind: 'threaddump' }),
    });
    expect(create.status).toBe(202);
    expect(create.json.status).toBe('pending');
    const { id } = create.json;
    const pending = await api<JvmRequestsResponse>('/api/v1/jvm/requests?service=lock&instance=jdk17&status=pending', {
      token: INGEST,
    });
    expect(pending.json.requests.map((r) => r.id)).toEqual([id]);
    const claim = await api<JvmRequest>(`/api/v1/jvm/requests/${id}/claim`, { method: 'POST', token: INGEST });
    expect(claim.status).toBe(200);
    expect(claim.json.status).toBe('taken');
    const again = await api<JvmRequest>(`/api/v1/jvm/requests/${id}/claim`, { method: 'POST', token: INGEST });
    expect(again.status).toBe(409);

    const dump = await uploadDump(JDKS[0], await jcmd(JDKS[0], captures.get('17')!.pid, 'Thread.print', '-l'));
    const result = await api<JvmRequest>(`/api/v1/jvm/requests/${id}/result`, {
      method: 'POST',
      token: INGEST,
      type: 'application/json',
      body: JSON.stringify({ resultId: dump.id }),
    });
    expect(result.status).toBe(200);
    expect(result.json).toEqual(expect.objectContaining({ id, status: 'done', resultId: dump.id }));
    expect((await api<JvmRequest>(`/api/v1/jvm/requests/${id}`)).json.status).toBe('done');
    expect((await api<JvmRequestsResponse>('/api/v1/jvm/requests?status=pending')).json.requests).toEqual([]);
  });

  it.each([
    ['garbage text', '?service=s&instance=i', 'text/plain', 'GET / HTTP/1.1', 'not a thread dump'],
    ['garbage JSON', '?service=s&instance=i', 'application/json', '{"threadDump":{}}', ''],
    ['no service', '?instance=i', 'text/plain', 'x', 'query parameter "service": required'],
    ['no instance', '?service=s', 'text/plain', 'x', 'query parameter "instance": required'],
  ])('answers 400 for a thread dump upload with %s and stores nothing', async (_name, query, type, body, message) => {
    const before = (await api<ThreadDumpListResponse>('/api/v1/jvm/threaddumps?limit=10000')).json.threadDumps.length;
    const res = await api<{ error: string; message: string }>(`/api/v1/jvm/threaddumps${query}`, {
      method: 'POST',
      token: INGEST,
      type,
      body,
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'bad_request', message: expect.stringContaining(message) });
    const after = (await api<ThreadDumpListResponse>('/api/v1/jvm/threaddumps?limit=10000')).json.threadDumps.length;
    expect(after).toBe(before);
  });

  it('answers 400 for a histogram that is not one', async () => {
    const res = await api<{ message: string }>('/api/v1/jvm/heaphistograms?service=s&instance=i', {
      method: 'POST',
      token: INGEST,
      type: 'text/plain',
      body: captures.get('17')!.text[0],
    });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('not a class histogram');
  });

  it.each([
    ['POST', '/api/v1/jvm/threaddumps?service=s&instance=i', '', 401],
    ['POST', '/api/v1/jvm/threaddumps?service=s&instance=i', READ, 403],
    ['POST', '/api/v1/jvm/heaphistograms?service=s&instance=i', READ, 403],
    ['GET', '/api/v1/jvm/threaddumps', INGEST, 403],
    ['GET', '/api/v1/jvm/threaddumps', 'nope', 401],
    ['GET', '/api/v1/jvm/heaphistograms', INGEST, 403],
    ['GET', '/api/v1/jvm/instances', INGEST, 403],
    ['POST', '/api/v1/jvm/requests', INGEST, 403],
    ['POST', `/api/v1/jvm/requests/${'0'.repeat(24)}/claim`, READ, 403],
    ['GET', '/api/v1/jvm/requests', '', 401],
  ])('%s %s with token %j → %d', async (method, pathAndQuery, token, status) => {
    const res = await api<{ error: string }>(pathAndQuery, {
      method,
      token,
      type: 'text/plain',
      body: method === 'POST' ? 'x' : undefined,
    });
    expect(res.status).toBe(status);
    expect(res.json.error).toBe(status === 401 ? 'unauthorized' : 'forbidden');
  });
});

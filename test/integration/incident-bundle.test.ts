/**
 * "Quick Service ON" end to end on this machine: the real `osprey serve`, real OpenTelemetry traffic
 * (workload/store-workload.ts), a real JVM in known lock states (test/fixtures/jvm/LockWorkload.java)
 * and the real agent CLI watching it and the host (--pid with --host-interval). One POST asks for the
 * incident; the agent answers its three capture requests on its own; the downloaded zip holds what
 * the backend holds, file by file as its manifest's checksums say, and `osprey bundle import` loads
 * it into a fresh DuckDB backend that answers the captures alike. On a backend of each store:
 * DuckDB, and ClickHouse (Debian's clickhouse-server, started here).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type {
  HeapHistogramResponse,
  HostSnapshot,
  Incident,
  IncidentManifest,
  IncidentUpload,
  ThreadDumpResponse,
  TransactionsResponse,
} from '@osprey/model';
import AdmZip from 'adm-zip';

import { MANIFEST, sha256 } from '../../backend/src/incidents/bundle';
import { type Backend, buildBackend, CLI, killAll, readApi, postOtlp, ROOT, startBackend, TOKENS } from './osprey-cli';
import { startClickHouse, stopAll } from './real-servers';
import { makeWorkload } from './workload/store-workload';

jest.setTimeout(180_000);

const AGENT_CLI = path.join(ROOT, 'agent', 'bin', 'osprey-jvm-agent.js');
const HOST = `incident-it-${process.pid}`;
const TARGET = { service: 'cart', instance: 'cart-1' };

/** Extra `osprey serve` arguments of each store; ClickHouse's started on first use. */
const STORES: Array<[string, () => Promise<string[]>]> = [
  ['DuckDB', async () => []],
  [
    'ClickHouse',
    async () => [
      '--store',
      'clickhouse',
      '--clickhouse-url',
      (await startClickHouse()).url,
      '--clickhouse-database',
      'incident',
    ],
  ],
];

describe.each(STORES)('incident bundle from the real agent (%s)', (_store, storeArgs) => {
  let dir: string;
  let backend: Backend;
  let java: ChildProcess;
  let agent: ChildProcess;
  let javaPid: number;
  const agentLog: string[] = [];

  const api = readApi(() => backend);

  beforeAll(async () => {
    buildBackend();
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'agent'], { cwd: ROOT });
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-incident-it-'));
    backend = await startBackend(path.join(dir, 'data'), ['--settle-ms', '300', ...(await storeArgs())]);
    for (const batch of makeWorkload().batches) {
      expect((await postOtlp(backend.url, batch.body)).status).toBe(200);
    }
    java = spawn('/usr/bin/java', [path.join(ROOT, 'test/fixtures/jvm/LockWorkload.java'), HOST], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    javaPid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('LockWorkload printed no READY within 60 s')), 60_000);
      createInterface({ input: java.stdout! }).on('line', (line) => {
        if (line.startsWith('READY ')) {
          clearTimeout(timer);
          resolve(Number(line.split(' ')[1]));
        }
      });
    });
    const { JAVA_HOME: _javaHome, ...env } = process.env;
    agent = spawn(
      process.execPath,
      [
        AGENT_CLI,
        '--backend',
        backend.url,
        ...['--service', TARGET.service, '--instance', TARGET.instance, '--pid', String(javaPid)],
        ...['--interval', '1h', '--host-interval', '1h', '--host', HOST, '--poll', '300ms'],
      ],
      { env: { ...env, OSPREY_INGEST_TOKEN: TOKENS.OSPREY_INGEST_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    createInterface({ input: agent.stdout! }).on('line', (l) => agentLog.push(l));
    agent.stderr!.on('data', (c) => agentLog.push(String(c)));
  });

  afterAll(async () => {
    agent?.kill('SIGKILL');
    java?.kill('SIGKILL');
    killAll();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one POST: the agent answers the three captures, the zip holds them with the window, checksums agreeing', async () => {
    const created = await api<Incident>('/api/v1/incidents', {
      method: 'POST',
      body: JSON.stringify({ ...TARGET, host: HOST, minutes: 10, note: 'checkout slow since 02:10' }),
    });
    expect(created.status).toBe('collecting');
    let incident = created;
    const deadline = Date.now() + 60_000;
    while (incident.status === 'collecting' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      incident = await api<Incident>(`/api/v1/incidents/${created.id}`);
    }
    expect({ status: incident.status, log: incident.status === 'ready' ? [] : agentLog }).toEqual({
      status: 'ready',
      log: [],
    });
    expect(incident.captures.map((c) => [c.kind, c.status])).toEqual([
      ['threaddump', 'done'],
      ['heaphistogram', 'done'],
      ['hostsnapshot', 'done'],
    ]);

    const res = await fetch(`${backend.url}/api/v1/incidents/${incident.id}/bundle`, {
      headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(incident.bundle!.sha256);
    const zip = new AdmZip(bytes);
    const manifest = JSON.parse(zip.readAsText(MANIFEST)) as IncidentManifest;
    for (const file of manifest.files) {
      expect([file.path, sha256(zip.readFile(file.path)!)]).toEqual([file.path, file.sha256]);
    }
    const read = <T>(name: string) => JSON.parse(zip.readAsText(name)) as T;

    const dumpId = incident.captures[0].resultId!;
    const dump = read<ThreadDumpResponse>('threaddump.json');
    expect(dump).toEqual(await api<ThreadDumpResponse>(`/api/v1/jvm/threaddumps/${dumpId}`));
    expect(dump.deadlocks.length).toBeGreaterThan(0);
    // What an import needs: each capture as uploaded, named in uploads.json with its id and target.
    const uploads = read<IncidentUpload[]>('uploads.json');
    expect(uploads.map((u) => [u.kind, u.file, u.id])).toEqual([
      ['threaddump', expect.stringMatching(/^threaddump\.(txt|json\.raw)$/), dumpId],
      ['heaphistogram', 'heaphistogram.txt', incident.captures[1].resultId],
      ['hostsnapshot', 'hostsnapshot.json', incident.captures[2].resultId],
    ]);
    const histogram = read<HeapHistogramResponse>('heaphistogram.json');
    expect(zip.readAsText('heaphistogram.txt')).toContain(histogram.rows[0].class);
    const host = read<HostSnapshot>('hostsnapshot.json');
    expect(host.host).toBe(HOST);
    expect(host.processes.find((p) => p.pid === javaPid)?.cmdline).toContain('LockWorkload');
    const window = `from=${incident.from}&to=${incident.to}&service=cart&instance=cart-1&limit=10000`;
    const transactions = read<TransactionsResponse>('transactions.json');
    expect(transactions).toEqual(await api<TransactionsResponse>(`/api/v1/transactions?${window}`));
    expect(transactions.transactions.length).toBeGreaterThan(0);
    expect(zip.readAsText('note.txt')).toBe('checkout slow since 02:10\n');

    // The zip loads into a fresh DuckDB backend with the CLI; the real agent's captures read back alike.
    const file = path.join(dir, 'bundle.zip');
    writeFileSync(file, bytes);
    const fresh = await startBackend(path.join(dir, 'imported'));
    const cli = [CLI, 'bundle', 'import', file, '--url', fresh.url, '--token', TOKENS.OSPREY_ADMIN_TOKEN];
    const run = spawnSync(process.execPath, cli, { encoding: 'utf8' });
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('1 thread dump, 1 heap histogram, 1 host snapshot');
    const imported = readApi(() => fresh);
    for (const url of [
      `/api/v1/jvm/threaddumps/${dumpId}`,
      `/api/v1/jvm/heaphistograms/${uploads[1].id}`,
      `/api/v1/hosts/snapshots/${uploads[2].id}`,
    ]) {
      expect(await imported(url)).toEqual(await api(url));
    }
  });
});

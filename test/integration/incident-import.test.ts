/**
 * The incident bundle round trip (issue 20, must-show 3) between two real `osprey serve` processes
 * on their own DuckDB data dirs: A gets the real OpenTelemetry SDK's traffic (store-workload.ts)
 * and the agents' answers (played over HTTP with the JDK 17 fixtures), and makes a bundle; the real
 * `osprey bundle import` CLI loads it into a fresh B. B then answers the transactions, traces,
 * thread dump, heap histogram and host snapshot as A does. Damaged, altered and lying bundles, a
 * second import and tokens without the admin scope are refused, B's data unchanged by each. A third
 * backend, on ClickHouse (Debian's clickhouse-server, started here), imports the same bundle and
 * answers alike.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import type { Incident, IncidentManifest, Span, Transaction } from '@osprey/model';
import AdmZip from 'adm-zip';

import { MANIFEST } from '../../backend/src/incidents/bundle';
import { answerAsAgents, incidentSettled } from '../../backend/src/testing/agents';
import { type TokenFetch, urlFetch } from '../../backend/src/testing/http';
import { type Backend, buildBackend, CLI, killAll, killHard, postOtlp, startBackend, TOKENS } from './osprey-cli';
import { startClickHouse, stopAll } from './real-servers';
import { makeWorkload } from './workload/store-workload';

jest.setTimeout(120_000);

const TARGET = { service: 'cart', instance: 'cart-1', host: 'import-host' };
const ADMIN = TOKENS.OSPREY_ADMIN_TOKEN;

let dir: string;
let a: Backend;
let b: Backend;
let callA: TokenFetch;
let callB: TokenFetch;
let incident: Incident;
let bundle: Buffer;
let bundleFile: string;

/** `osprey bundle import` against B or `url` (the token by --token, or by OSPREY_ADMIN_TOKEN when `token` is env): status and output. */
function importWithCli(file: string, token: string | { env: string } = ADMIN, url = b.url) {
  const [flags, env] = typeof token === 'string' ? [['--token', token], {}] : [[], { OSPREY_ADMIN_TOKEN: token.env }];
  const run = spawnSync(process.execPath, [CLI, 'bundle', 'import', file, '--url', url, ...flags], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const postBundle = (body: Buffer, token = ADMIN) =>
  callB('/api/v1/incidents/import', { method: 'POST', token, body, type: 'application/zip' });

const windowOf = (i: Incident, scope = '') => `/api/v1/transactions?from=${i.from}&to=${i.to}&limit=10000${scope}`;
const cartWindow = (i: Incident) => windowOf(i, '&service=cart&instance=cart-1');

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const byKey =
  <T>(key: (t: T) => string) =>
  (x: T, y: T) =>
    key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0;

/** Transactions sorted by trace and span, with their count and a checksum over every field. */
async function transactionsOf(call: TokenFetch, url: string) {
  const rows = ((await call(url)).json.transactions as Transaction[]).sort(byKey((t) => `${t.traceId}/${t.spanId}`));
  return { count: rows.length, sha256: digest(rows), rows };
}

/** Where the API answers the incident's thread dump, heap histogram and host snapshot. */
function captureUrls(i: Incident): string[] {
  const [dump, histogram, snapshot] = i.captures.map((c) => c.resultId!);
  return [
    `/api/v1/jvm/threaddumps/${dump}`,
    `/api/v1/jvm/heaphistograms/${histogram}`,
    `/api/v1/hosts/snapshots/${snapshot}`,
  ];
}

const spansOf = async (call: TokenFetch, traceId: string) =>
  ((await call(`/api/v1/traces/${traceId}`)).json.spans as Span[]).sort(byKey((s) => s.spanId));

/** What a backend holds, as counts its API answers: what a refused import must leave as it was. */
async function holdingsOf(call: TokenFetch) {
  const all = `/api/v1/transactions?from=0&to=${Date.now() + 3_600_000}&limit=10000`;
  return {
    incidents: (await call('/api/v1/incidents')).json.incidents.length,
    transactions: (await call(all)).json.transactions.length,
    threadDumps: (await call('/api/v1/jvm/threaddumps')).json.threadDumps.length,
    heapHistograms: (await call('/api/v1/jvm/heaphistograms')).json.heapHistograms.length,
    hostSnapshots: (await call('/api/v1/hosts/snapshots')).json.snapshots.length,
  };
}
const holdingsOfB = () => holdingsOf(callB);

/** Polls `read` until it equals `expected` or 10 s pass (B settles the imported traces 300 ms after the load). */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 10_000;
  let got = await read();
  while (JSON.stringify(got) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    got = await read();
  }
  return got;
}

/** The bundle with `change` made to its zip, rewritten whole (a valid zip with other contents). */
function altered(change: (zip: AdmZip) => void): Buffer {
  const zip = new AdmZip(bundle);
  change(zip);
  return zip.toBuffer();
}

function withManifest(change: (m: IncidentManifest) => void): Buffer {
  return altered((zip) => {
    const manifest = JSON.parse(zip.readAsText(MANIFEST)) as IncidentManifest;
    change(manifest);
    zip.updateFile(MANIFEST, Buffer.from(JSON.stringify(manifest)));
  });
}

beforeAll(async () => {
  buildBackend();
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-import-it-'));
  [a, b] = await Promise.all(['a', 'b'].map((name) => startBackend(path.join(dir, name), ['--settle-ms', '300'])));
  callA = urlFetch(() => a.url, TOKENS.OSPREY_READ_TOKEN);
  callB = urlFetch(() => b.url, TOKENS.OSPREY_READ_TOKEN);
  for (const batch of makeWorkload().batches) {
    expect((await postOtlp(a.url, batch.body)).status).toBe(200);
  }
  const created = await callA('/api/v1/incidents', {
    method: 'POST',
    body: { ...TARGET, minutes: 10, note: 'cart slow' },
  });
  expect(created.status).toBe(202);
  await answerAsAgents(callA, TOKENS.OSPREY_INGEST_TOKEN);
  incident = await incidentSettled(callA, created.json.id);
  expect(incident.captures.map((c) => [c.kind, c.status])).toEqual([
    ['threaddump', 'done'],
    ['heaphistogram', 'done'],
    ['hostsnapshot', 'done'],
  ]);
  bundle = (await callA(`/api/v1/incidents/${incident.id}/bundle`)).bytes;
  bundleFile = path.join(dir, `incident-${incident.id}.zip`);
  writeFileSync(bundleFile, bundle);
});

afterAll(async () => {
  killAll();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('a bundle B refuses, storing nothing', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  it.each<[string, () => Buffer, RegExp]>([
    ['a truncated zip', () => bundle.subarray(0, Math.floor(bundle.length / 2)), /not a readable zip/],
    ['a file not a zip at all', () => Buffer.from('PK but not really'), /not a readable zip/],
    [
      'one byte of spans.json changed, the manifest untouched',
      () =>
        altered((zip) => {
          const spans = zip.readFile('spans.json')!;
          spans[spans.indexOf('"cart"') + 1] = 'k'.charCodeAt(0);
          zip.updateFile('spans.json', spans);
        }),
      /spans\.json has SHA-256 [0-9a-f]{64}, the manifest lists [0-9a-f]{64}: it was altered/,
    ],
    [
      'a manifest whose checksum of threaddump.txt lies',
      () => withManifest((m) => (m.files.find((f) => f.path === 'threaddump.txt')!.sha256 = sha('lie'))),
      /threaddump\.txt has SHA-256 [0-9a-f]{64}, the manifest lists [0-9a-f]{64}: it was altered/,
    ],
    [
      'a manifest whose size of uploads.json lies',
      () => withManifest((m) => (m.files.find((f) => f.path === 'uploads.json')!.bytes += 1)),
      /uploads\.json is \d+ bytes, the manifest lists \d+/,
    ],
    [
      'a file the manifest does not list',
      () => altered((zip) => zip.addFile('extra.txt', Buffer.from('x'))),
      /must list each other file once; not listed: extra\.txt/,
    ],
    [
      'a listed file missing from the zip',
      () => altered((zip) => zip.deleteFile('heaphistogram.txt')),
      /heaphistogram\.txt is listed in manifest\.json but not in the zip/,
    ],
    [
      'a manifest of another format',
      () => withManifest((m) => Object.assign(m, { format: 'osprey-incident/0' })),
      /manifest\.json\.format: must be one of osprey-incident\/1, got "osprey-incident\/0"/,
    ],
  ])('%s: 400 with a message naming the problem', async (_name, make, message) => {
    const before = await holdingsOfB();
    const res = await postBundle(make());
    expect([res.status, res.json.error]).toEqual([400, 'bad_request']);
    expect(res.json.message).toMatch(message);
    expect(await holdingsOfB()).toEqual(before);
  });

  it('through the CLI: exit 1 with the backend message, nothing stored', async () => {
    const before = await holdingsOfB();
    const truncated = path.join(dir, 'truncated.zip');
    writeFileSync(truncated, bundle.subarray(0, bundle.length - 100));
    const run = importWithCli(truncated);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^osprey: import refused \(400\): bundle refused: not a readable zip/);
    expect(await holdingsOfB()).toEqual(before);
  });

  // Gzipped, so the server refuses it once inflated, not while a client still sends 17 MiB.
  it('a bundle inflating past the body limit (16 MiB by default): 413, nothing stored', async () => {
    const before = await holdingsOfB();
    const res = await callB('/api/v1/incidents/import', {
      method: 'POST',
      token: ADMIN,
      body: gzipSync(Buffer.concat([bundle, Buffer.alloc(17 * 1024 * 1024)])),
      type: 'application/zip',
      headers: { 'content-encoding': 'gzip' },
    });
    expect([res.status, res.json.message]).toEqual([
      413,
      `gunzipped body exceeds ${16 * 1024 * 1024} bytes (--max-body-bytes)`,
    ]);
    expect(await holdingsOfB()).toEqual(before);
  });

  it.each([
    ['a read token', 403, TOKENS.OSPREY_READ_TOKEN],
    ['an ingest token', 403, TOKENS.OSPREY_INGEST_TOKEN],
    ['an unknown token', 401, 'nope'],
  ])('%s: %i, nothing stored', async (_name, status, token) => {
    const before = await holdingsOfB();
    expect((await postBundle(bundle, token)).status).toBe(status);
    expect(await holdingsOfB()).toEqual(before);
  });
});

describe('B imports A’s bundle through the CLI', () => {
  let printed: string;

  beforeAll(() => {
    const run = importWithCli(bundleFile);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    printed = run.stdout;
  });

  it('prints what it loaded', () => {
    const spans = JSON.parse(new AdmZip(bundle).readAsText('spans.json')) as Span[];
    const traces = new Set(spans.map((s) => s.traceId)).size;
    expect(spans.length).toBeGreaterThan(traces);
    expect(printed).toMatch(
      new RegExp(
        `^imported incident ${incident.id} \\(cart cart-1, collected [0-9T:.-]+Z\\): ${spans.length} spans in ` +
          `${traces} traces, \\d+ transactions, 1 thread dump, 1 heap histogram, 1 host snapshot\\n$`
      )
    );
  });

  it('answers the instance’s transactions of the window as A does: count and checksum over every field', async () => {
    const onA = await transactionsOf(callA, cartWindow(incident));
    expect(onA.count).toBeGreaterThan(10);
    const onB = await eventually(() => transactionsOf(callB, cartWindow(incident)), onA);
    expect({ count: onB.count, sha256: onB.sha256 }).toEqual({ count: onA.count, sha256: onA.sha256 });
  });

  it('answers every transaction of the bundled traces as A does, of every service in them', async () => {
    const traceIds = new Set((await transactionsOf(callA, cartWindow(incident))).rows.map((t) => t.traceId));
    const onA = (await transactionsOf(callA, windowOf(incident))).rows.filter((t) => traceIds.has(t.traceId));
    expect(new Set(onA.map((t) => t.service))).toEqual(new Set(['cart', 'frontend', 'payment']));
    const onB = await eventually(async () => (await transactionsOf(callB, windowOf(incident))).rows, onA);
    expect(digest(onB)).toBe(digest(onA));
  });

  it('answers each bundled trace with the spans A has', async () => {
    const traceIds = [...new Set((await transactionsOf(callA, cartWindow(incident))).rows.map((t) => t.traceId))];
    for (const traceId of traceIds) {
      const onA = await spansOf(callA, traceId);
      expect(onA.length).toBeGreaterThan(1);
      expect(digest(await spansOf(callB, traceId))).toBe(digest(onA));
    }
  });

  it('answers the thread dump (parsed and raw), heap histogram and host snapshot as A does', async () => {
    const [dump] = incident.captures.map((c) => c.resultId!);
    for (const url of captureUrls(incident)) {
      const [onA, onB] = await Promise.all([callA(url), callB(url)]);
      expect([url, onB.status, onB.json]).toEqual([url, 200, onA.json]);
    }
    const raw = `/api/v1/jvm/threaddumps/${dump}/raw`;
    expect((await callB(raw)).bytes.equals((await callA(raw)).bytes)).toBe(true);
    expect((await callB(`/api/v1/jvm/threaddumps/${dump}`)).json.deadlocks.length).toBeGreaterThan(0);
  });

  it('lists the incident, marked imported, with the same bundle to download', async () => {
    const listed = (await callB('/api/v1/incidents')).json.incidents as Incident[];
    const { importedAt, ...here } = listed.find((i) => i.id === incident.id)!;
    expect(importedAt).toBeGreaterThan(incident.to!);
    expect(here).toEqual(incident);
    expect((await callB(`/api/v1/incidents/${incident.id}/bundle`)).bytes.equals(bundle)).toBe(true);
  });

  it('refuses the same bundle again with 409, through the CLI (token from the environment) and the API', async () => {
    const before = await holdingsOfB();
    const run = importWithCli(bundleFile, { env: ADMIN });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^osprey: import refused \\(409\\): incident ${incident.id} is already here \\(imported at .+Z\\)`)
    );
    expect((await postBundle(bundle)).status).toBe(409);
    expect(await holdingsOfB()).toEqual(before);
  });

  it('refuses it on A, which collected it, with 409', async () => {
    const res = await callA('/api/v1/incidents/import', {
      method: 'POST',
      token: ADMIN,
      body: bundle,
      type: 'application/zip',
    });
    expect([res.status, res.json.message]).toEqual([
      409,
      `incident ${incident.id} is already here (collected here); nothing loaded`,
    ]);
  });

  it('keeps what it imported through a kill -9 and a restart, once', async () => {
    const before = await holdingsOfB();
    await killHard(b);
    b = await startBackend(path.join(dir, 'b'), ['--settle-ms', '300']);
    expect(await holdingsOfB()).toEqual(before);
    expect((await transactionsOf(callB, cartWindow(incident))).sha256).toBe(
      (await transactionsOf(callA, cartWindow(incident))).sha256
    );
  });

  it('keeps an import acknowledged but not yet loaded through a kill -9: the restart replays it from the ingest log', async () => {
    const cDir = path.join(dir, 'c');
    const c = await startBackend(cDir, ['--settle-ms', '300', '--load-interval-ms', '60000']);
    const callC = urlFetch(() => c.url, ADMIN);
    const imported = await callC('/api/v1/incidents/import', { method: 'POST', body: bundle, type: 'application/zip' });
    expect(imported.status).toBe(201);
    await killHard(c);
    const restarted = await startBackend(cDir, ['--settle-ms', '300']);
    const callRestarted = urlFetch(() => restarted.url, TOKENS.OSPREY_READ_TOKEN);
    expect(await eventually(() => holdingsOf(callRestarted), await holdingsOfB())).toEqual(await holdingsOfB());
    const onA = await transactionsOf(callA, cartWindow(incident));
    expect((await eventually(() => transactionsOf(callRestarted, cartWindow(incident)), onA)).sha256).toBe(onA.sha256);
  });
});

describe('a backend on ClickHouse (the scale-out store) imports the same bundle', () => {
  let house: Backend;
  let callHouse: TokenFetch;

  beforeAll(async () => {
    const clickhouse = await startClickHouse();
    house = await startBackend(path.join(dir, 'house'), [
      '--settle-ms',
      '300',
      '--store',
      'clickhouse',
      '--clickhouse-url',
      clickhouse.url,
      '--clickhouse-database',
      'imported',
    ]);
    callHouse = urlFetch(() => house.url, TOKENS.OSPREY_READ_TOKEN);
    const run = importWithCli(bundleFile, ADMIN, house.url);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('answers the transactions of the bundled traces, their spans and the captures as A does', async () => {
    const traceIds = new Set((await transactionsOf(callA, cartWindow(incident))).rows.map((t) => t.traceId));
    const onA = (await transactionsOf(callA, windowOf(incident))).rows.filter((t) => traceIds.has(t.traceId));
    expect(onA.length).toBeGreaterThan(10);
    const onHouse = await eventually(async () => (await transactionsOf(callHouse, windowOf(incident))).rows, onA);
    expect(digest(onHouse)).toBe(digest(onA));
    for (const traceId of traceIds) {
      expect(digest(await spansOf(callHouse, traceId))).toBe(digest(await spansOf(callA, traceId)));
    }
    for (const url of captureUrls(incident)) {
      const [fromA, fromHouse] = await Promise.all([callA(url), callHouse(url)]);
      expect([url, fromHouse.status, fromHouse.json]).toEqual([url, 200, fromA.json]);
    }
    const listed = (await callHouse('/api/v1/incidents')).json.incidents as Incident[];
    const { importedAt, ...here } = listed.find((i) => i.id === incident.id)!;
    expect(importedAt).toBeGreaterThan(incident.to!);
    expect(here).toEqual(incident);
  });

  it('refuses the same bundle again with 409, its holdings unchanged', async () => {
    const before = await holdingsOf(callHouse);
    const run = importWithCli(bundleFile, ADMIN, house.url);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^osprey: import refused \(409\)/);
    expect(await holdingsOf(callHouse)).toEqual(before);
  });
});

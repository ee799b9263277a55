/**
 * Incident bundles over HTTP on a real DuckDB store: the test plays the agents as they speak to the
 * backend (poll the pending requests, claim, upload the real JDK 17 fixtures and the agent's /proc
 * snapshot, report the result), then unpacks the downloaded zip and checks it against its manifest
 * and the store.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { HOST_REQUEST_SERVICE, type Incident, type IncidentManifest, type JvmRequest } from '@osprey/model';
import AdmZip from 'adm-zip';
import type { FastifyInstance } from 'fastify';

import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { generateTransactions } from '../testing';
import {
  answerAsAgents as playAgents,
  incidentSettled,
  HOST_SNAPSHOT as snapshot,
  JDK17_DUMP,
  JDK17_HISTOGRAM,
} from '../testing/agents';
import { type TokenFetch, tokenFetch } from '../testing/http';
import { MANIFEST, sha256 } from './bundle';

const TOKENS = { ingest: 'in', read: 'rd', admin: 'ad' };
const TARGET = { service: 'cart', instance: 'cart-1', host: 'fixture-host' };

describe('incident bundles (DuckDB)', () => {
  let dir: string;
  let store: DuckDbStore;
  let app: FastifyInstance;

  let call: TokenFetch;
  const answerAsAgents = (only?: Set<string>) => playAgents(call, TOKENS.ingest, only);

  const waitReady = (id: string) => incidentSettled(call, id);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-incidents-'));
    store = await DuckDbStore.open(path.join(dir, 'data'));
    const now = Date.now();
    await store.insertBatch(
      [],
      generateTransactions({
        seed: 7,
        count: 400,
        from: now - 10 * 60_000,
        spanMs: 9 * 60_000,
        services: ['cart', 'pay'],
      })
    );
    app = buildServer({
      store,
      tokens: TOKENS,
      incidents: { dir: path.join(dir, 'incidents'), captureTimeoutMs: 1500, pollMs: 50 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    call = tokenFetch(app, TOKENS.read);
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the three captures, and once the agents answer bundles them with the window', async () => {
    const created = await call('/api/v1/incidents', {
      method: 'POST',
      body: { ...TARGET, minutes: 15, note: 'slow carts' },
    });
    expect(created.status).toBe(202);
    const incident = created.json as Incident;
    expect(incident).toMatchObject({ ...TARGET, minutes: 15, status: 'collecting' });
    const requests = (await call('/api/v1/jvm/requests?status=pending')).json.requests as JvmRequest[];
    expect(requests.map((r) => [r.kind, r.service, r.instance])).toEqual([
      ['threaddump', 'cart', 'cart-1'],
      ['heaphistogram', 'cart', 'cart-1'],
      ['hostsnapshot', HOST_REQUEST_SERVICE, 'fixture-host'],
    ]);
    await answerAsAgents();
    const ready = await waitReady(incident.id);
    expect(ready.status).toBe('ready');
    expect(ready.captures.map((c) => [c.kind, c.status])).toEqual([
      ['threaddump', 'done'],
      ['heaphistogram', 'done'],
      ['hostsnapshot', 'done'],
    ]);

    const download = await call(`/api/v1/incidents/${incident.id}/bundle`);
    expect([download.status, download.type]).toEqual([200, 'application/zip']);
    expect([download.bytes.length, sha256(download.bytes)]).toEqual([ready.bundle!.bytes, ready.bundle!.sha256]);
    const zip = new AdmZip(download.bytes);
    const manifest = JSON.parse(zip.readAsText(MANIFEST)) as IncidentManifest;
    expect(manifest.format).toBe('osprey-incident/1');
    expect(manifest.files).toEqual(ready.bundle!.files);
    expect(
      zip
        .getEntries()
        .map((e) => e.entryName)
        .sort()
    ).toEqual([MANIFEST, ...manifest.files.map((f) => f.path)].sort());
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      [
        'errors.json',
        'heaphistogram.json',
        'heaphistogram.txt',
        'hostsnapshot.json',
        'note.txt',
        'red.json',
        'spans.json',
        'threaddump.json',
        'threaddump.txt',
        'transactions.json',
        'uploads.json',
      ].sort()
    );
    for (const file of manifest.files) {
      const body = zip.readFile(file.path)!;
      expect([file.path, body.length, sha256(body)]).toEqual([file.path, file.bytes, file.sha256]);
    }

    const read = (name: string) => JSON.parse(zip.readAsText(name));
    expect(zip.readAsText('threaddump.txt')).toBe(readFileSync(JDK17_DUMP, 'utf8'));
    expect(zip.readAsText('heaphistogram.txt')).toBe(readFileSync(JDK17_HISTOGRAM, 'utf8'));
    expect(read('uploads.json').map((u: { kind: string; file: string }) => [u.kind, u.file])).toEqual([
      ['threaddump', 'threaddump.txt'],
      ['heaphistogram', 'heaphistogram.txt'],
      ['hostsnapshot', 'hostsnapshot.json'],
    ]);
    expect(read('threaddump.json').deadlocks.length).toBeGreaterThan(0);
    expect(read('hostsnapshot.json')).toEqual({ ...snapshot, host: 'fixture-host', takenAt: expect.any(Number) });
    const window = { from: ready.from!, to: ready.to!, service: 'cart', instance: 'cart-1', limit: 10_000 };
    expect(ready.to! - ready.from!).toBe(15 * 60_000);
    const truth = await store.transactions(window);
    expect(truth.transactions.length).toBeGreaterThan(20);
    expect(read('transactions.json')).toEqual(JSON.parse(JSON.stringify(truth)));
    const errors = read('errors.json').transactions as Array<{ status: string }>;
    expect(errors.length).toBe(truth.transactions.filter((t) => t.status === 'error').length);
    expect(errors.length).toBeGreaterThan(0);
    expect(read('red.json').series.length).toBeGreaterThan(0);
    expect(zip.readAsText('note.txt')).toBe('slow carts\n');

    const list = (await call('/api/v1/incidents')).json.incidents as Incident[];
    expect(list.map((i) => i.id)).toContain(incident.id);
  });

  it('bundles what came in when an agent does not answer, saying which capture is missing and why', async () => {
    const created = await call('/api/v1/incidents', { method: 'POST', body: { service: 'pay', instance: 'pay-1' } });
    const incident = created.json as Incident;
    expect(incident.host).toBe('pay-1');
    expect((await call(`/api/v1/incidents/${incident.id}/bundle`)).status).toBe(409);
    await answerAsAgents(new Set(['threaddump']));
    const ready = await waitReady(incident.id);
    expect(ready.status).toBe('ready');
    expect(ready.captures.map((c) => [c.kind, c.status, c.error])).toEqual([
      ['threaddump', 'done', undefined],
      ['heaphistogram', 'pending', 'not in within 1.5 s: is an Osprey agent watching it?'],
      ['hostsnapshot', 'pending', 'not in within 1.5 s: is an Osprey agent watching it?'],
    ]);
    const zip = new AdmZip((await call(`/api/v1/incidents/${incident.id}/bundle`)).bytes);
    const manifest = JSON.parse(zip.readAsText(MANIFEST)) as IncidentManifest;
    expect(manifest.files.map((f) => f.path)).not.toContain('heaphistogram.json');
    expect(manifest.incident.captures).toEqual(ready.captures);
    expect(manifest.files.map((f) => f.path)).toContain('threaddump.json');
  });

  it.each([
    ['no service', { instance: 'x' }, 400],
    ['an unknown field', { ...TARGET, extra: 1 }, 400],
    ['minutes out of range', { ...TARGET, minutes: 0 }, 400],
    ['a note over 4096 characters', { ...TARGET, note: 'x'.repeat(4097) }, 400],
  ])('refuses %s with a 4xx that says why, asking for nothing', async (_name, body, status) => {
    const before = [
      (await call('/api/v1/incidents')).json.incidents.length,
      (await call('/api/v1/jvm/requests')).json.requests.length,
    ];
    const res = await call('/api/v1/incidents', { method: 'POST', body });
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ error: 'bad_request', message: expect.any(String) });
    expect([
      (await call('/api/v1/incidents')).json.incidents.length,
      (await call('/api/v1/jvm/requests')).json.requests.length,
    ]).toEqual(before);
  });

  it.each([
    ['an ingest token asking', '/api/v1/incidents', 'POST', TOKENS.ingest, 403],
    ['an ingest token listing', '/api/v1/incidents', 'GET', TOKENS.ingest, 403],
    ['no token', '/api/v1/incidents', 'GET', '', 401],
    ['an unknown id', `/api/v1/incidents/${'0'.repeat(24)}`, 'GET', TOKENS.read, 404],
    ['a malformed id', '/api/v1/incidents/nope/bundle', 'GET', TOKENS.read, 400],
  ])('refuses %s', async (_name, url, method, token, status) => {
    expect((await call(url, { method, token, ...(method === 'POST' ? { body: TARGET } : {}) })).status).toBe(status);
  });

  it('keeps each incident as a record and a zip, no temporary files left', () => {
    const names = readdirSync(path.join(dir, 'incidents'));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.zip'))).toHaveLength(2);
    expect(names.filter((n) => n.endsWith('.json'))).toHaveLength(2);
  });
});

it('without a data directory the incident routes answer 503', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-incidents-none-'));
  const store = await DuckDbStore.open(dir);
  const app = buildServer({ store, tokens: TOKENS });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/incidents`, { headers: { authorization: 'Bearer rd' } });
    // 5xx messages stay in the server log; `osprey serve` always gives a directory (<data dir>/incidents).
    expect(res.status).toBe(503);
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

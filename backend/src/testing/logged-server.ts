/// <reference types="jest" />
/**
 * The server on the logged write path, as `osprey serve` runs it with a data dir: a real DuckDB
 * store, the ingest log in `<dataDir>/ingest-log`, the app listening on a free loopback port.
 * Some helpers register jest hooks (the reference above types them for the backend build, which
 * compiles src/testing too): only tests import this module.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { FastifyInstance } from 'fastify';

import { type IngestWriter, openLoggedIngest } from '../ingest/writer';
import { buildServer } from '../server/app';
import { DuckDbStore } from '../store/duckdb/store';
import { canMount, mountSmallFileSystem, unmount } from './small-fs';

export interface LoggedServer {
  store: DuckDbStore;
  writer: IngestWriter;
  app: FastifyInstance;
  url: string;
  /** Cuts and load errors the writer reported. */
  errors: unknown[];
}

/** Makes fresh data dirs named `<prefix>…` under the system's temp dir, deleted once the file's tests are done. */
export function scratchDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** Opens store, log (replaying it) and app on `dataDir`, without authentication. */
export async function openLoggedServer(
  dataDir: string,
  loadIntervalMs: number,
  maxItems = 10_000
): Promise<LoggedServer> {
  const store = await DuckDbStore.open(dataDir, { autoSettle: false });
  const errors: unknown[] = [];
  const writer = await openLoggedIngest(store, dataDir, {
    maxItems,
    loadIntervalMs,
    onCut: (cut) => errors.push(cut),
    onLoadError: (err) => errors.push(err),
  });
  const app = buildServer({ store, writer, insecure: true, tokens: {} });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { store, writer, app, url, errors };
}

/** A clean stop, as SIGTERM does: the server, then the log (loading what waits), then the store. */
export async function closeLoggedServer(server: LoggedServer): Promise<void> {
  await server.app.close();
  await server.writer.close();
  await server.store.close();
}

/** Registers an afterEach that closes (closeLoggedServer) every server `keep` was given in the test. */
export function closedAfterEach(): (server: LoggedServer) => LoggedServer {
  let open: LoggedServer[] = [];
  afterEach(async () => {
    for (const server of open) {
      await closeLoggedServer(server);
    }
    open = [];
  });
  return (server) => {
    open.push(server);
    return server;
  };
}

/** A kill before any load: the store is closed under the log, which is left as it is on disk. */
export async function dieBeforeLoading(server: LoggedServer): Promise<void> {
  await server.app.close();
  await server.store.close();
}

/** POSTs a body (JSON unless `content-type` says otherwise); the status, Retry-After and the answer's JSON. */
export async function postTo(
  server: LoggedServer,
  route: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {}
): Promise<{ statusCode: number; retryAfter: string | null; body: unknown }> {
  const res = await fetch(`${server.url}${route}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { statusCode: res.status, retryAfter: res.headers.get('retry-after'), body: await jsonOf(res) };
}

/** The answer's JSON; undefined when it is empty or not JSON (an OTLP protobuf answer). */
async function jsonOf(res: Response): Promise<unknown> {
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
  return json && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined;
}

/** GETs a read route; the status and its JSON (undefined when empty). */
export async function getFrom(server: LoggedServer, route: string): Promise<{ statusCode: number; body: unknown }> {
  const res = await fetch(`${server.url}${route}`);
  return { statusCode: res.status, body: await jsonOf(res) };
}

/**
 * A test of the logged path on a full disk: the server (loading every 100 ms) is opened on a data
 * dir whose `ingest-log` is a 256 KiB tmpfs already holding 120 KB — room for a few ~30 KB requests;
 * `free` deletes those 120 KB. Skipped where this process may not mount (it needs root).
 */
export function itOnFullDisk(title: string, body: (server: LoggedServer, free: () => void) => Promise<void>): void {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-full-disk-'));
  const logDir = path.join(dataDir, 'ingest-log');
  beforeAll(() => {
    mkdirSync(logDir);
    mountSmallFileSystem(logDir, '256k');
  });
  afterAll(() => {
    unmount(logDir);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const keep = closedAfterEach();
  (canMount() ? it : it.skip)(title, async () => {
    const filler = path.join(logDir, 'filler');
    writeFileSync(filler, Buffer.alloc(120_000));
    await body(keep(await openLoggedServer(dataDir, 100)), () => rmSync(filler));
  });
}

/**
 * Starts the real backend (`osprey serve`) on a free loopback port with its own data dir and tokens,
 * for e2e tests that feed it themselves instead of running the demo.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { REPO_ROOT } from './host/build';

export interface BackendTokens {
  read: string;
  ingest: string;
  admin: string;
}

export interface Backend {
  url: string;
  tokens: BackendTokens;
  /** A call with a bearer token; throws with the answer's body on a non-2xx status. */
  call<T>(method: string, pathAndQuery: string, token: string, body?: string, contentType?: string): Promise<T>;
  stop(): Promise<void>;
}

const LISTENING = /"msg":"osprey listening"/;
const URL_FIELD = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;

/** `dataDir`: a data directory filled beforehand (removed on stop like a fresh one). */
export async function startBackend(tokens: BackendTokens, dataDir?: string): Promise<Backend> {
  const cli = path.join(REPO_ROOT, 'backend', 'bin', 'osprey.js');
  if (!existsSync(path.join(REPO_ROOT, 'backend', 'dist', 'cli.js'))) {
    throw new Error('backend/dist/cli.js is missing: run `npm run build` first');
  }
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'osprey-e2e-backend-')));
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dir],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        OSPREY_READ_TOKEN: tokens.read,
        OSPREY_INGEST_TOKEN: tokens.ingest,
        OSPREY_ADMIN_TOKEN: tokens.admin,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`osprey serve did not listen within 30 s: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`osprey serve exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = LISTENING.test(line) ? URL_FIELD.exec(line) : null;
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });

  const call = async <T>(method: string, pathAndQuery: string, token: string, body?: string, contentType?: string) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (contentType) {
      headers['Content-Type'] = contentType;
    }
    const response = await fetch(url + pathAndQuery, { method, headers, body });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${pathAndQuery} → ${response.status}: ${text}`);
    }
    return JSON.parse(text) as T;
  };
  return { url, tokens, call, stop };
}

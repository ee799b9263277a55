/**
 * Starts the demo (`demo/dist/start.js`, which runs the backend and the instrumented services) as a
 * child process with its own data dir, a free port and fixed tokens, and waits for real traffic.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { Transaction, TransactionsResponse } from '@osprey/model';

import { REPO_ROOT } from './host/build';

export interface DemoStack {
  backendUrl: string;
  /** The dashboard preview's URL as the banner prints it, without the trailing slash. */
  previewUrl?: string;
  readToken: string;
  output(): string;
  stop(): Promise<void>;
}

/** The ingest and admin tokens the demo is started with (the read token is the suite's own). */
export const DEMO_TOKENS = { ingest: 'e2e-ingest-token-0123456789', admin: 'e2e-admin-token-0123456789' } as const;

const BANNER_BACKEND = /^\s*backend\s+(http:\/\/127\.0\.0\.1:\d+)\s/m;
const BANNER_PREVIEW = /^\s*preview\s+(http:\/\/127\.0\.0\.1:\d+)\/\s/m;

/** Finds the backend URL in the banner start.js prints once the backend and the shop are up. */
export function backendUrlFrom(output: string): string | undefined {
  return BANNER_BACKEND.exec(output)?.[1];
}

export interface DemoOptions {
  readToken: string;
  durationSeconds: number;
  /** Fixed ports for the backend and the preview (default: any free port for both). */
  ports?: { backend: number; preview: number };
}

export async function startDemo(options: DemoOptions): Promise<DemoStack> {
  const script = path.join(REPO_ROOT, 'demo', 'dist', 'start.js');
  if (!existsSync(script)) {
    throw new Error('demo/dist/start.js is missing: run `npm run build` first');
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'osprey-e2e-data-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      script,
      '--duration',
      String(options.durationSeconds),
      '--port',
      String(options.ports?.backend ?? 0),
      '--preview-port',
      String(options.ports?.preview ?? 0),
      '--data-dir',
      dataDir,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        OSPREY_READ_TOKEN: options.readToken,
        OSPREY_INGEST_TOKEN: DEMO_TOKENS.ingest,
        OSPREY_ADMIN_TOKEN: DEMO_TOKENS.admin,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stop() can end the demo and everything it spawned.
      detached: true,
    }
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // The group is already gone.
      }
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  let backendUrl = backendUrlFrom(output);
  while (!backendUrl) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the demo did not report the backend URL; its output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    backendUrl = backendUrlFrom(output);
  }
  const previewUrl = BANNER_PREVIEW.exec(output)?.[1];
  return { backendUrl, previewUrl, readToken: options.readToken, output: () => output, stop };
}

export interface TrafficSeen {
  services: string[];
  errors: number;
  transactions: number;
}

export function summariseTraffic(transactions: Transaction[]): TrafficSeen {
  return {
    services: [...new Set(transactions.map((t) => t.service))].sort(),
    errors: transactions.filter((t) => t.status === 'error').length,
    transactions: transactions.length,
  };
}

/** Polls the backend directly (read token) until the demo's transactions cover enough services and errors. */
export async function waitForTraffic(
  demo: DemoStack,
  want: { services: number; errors: number; timeoutMs: number }
): Promise<TrafficSeen> {
  const deadline = Date.now() + want.timeoutMs;
  let seen: TrafficSeen = { services: [], errors: 0, transactions: 0 };
  let lastStatus = 0;
  while (Date.now() < deadline) {
    const url = `${demo.backendUrl}/api/v1/transactions?from=${Date.now() - 600_000}&to=${Date.now() + 1000}&limit=5000`;
    const response = await fetch(url, { headers: { Authorization: `Bearer ${demo.readToken}` } });
    lastStatus = response.status;
    if (response.ok) {
      seen = summariseTraffic(((await response.json()) as TransactionsResponse).transactions);
      if (seen.services.length >= want.services && seen.errors >= want.errors) {
        return seen;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(
    `no traffic from ${want.services} services with errors after ${want.timeoutMs} ms: saw ${JSON.stringify(seen)} (last HTTP status ${lastStatus})\n${demo.output()}`
  );
}

/**
 * `npm start`: the Osprey backend on its embedded DuckDB store, plus the demo shop feeding it, and
 * the preview of the bundled dashboards (host/) on that backend.
 * Flags: --port P (0 = any free port), --preview-port P, --data-dir D, --rate N (requests/s), --duration S.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { previewMissing, startPreview } from '@osprey/host';

import { type Child, killNow, stopChild, watch } from './children';
import type { LoadStats } from './load';
import { startShop, type Shop } from './shop';
import { banner, logLevel, parseListeningLine, parseStartArgs, type StartConfig } from './start-config';

const BACKEND_BIN = path.resolve(__dirname, '../../backend/bin/osprey.js');
/** The shop's SLOs, for the Health dashboard's SLO table. */
const DEMO_SLOS = path.resolve(__dirname, '../slos.yaml');
const BACKEND_READY_TIMEOUT_MS = 30_000;
const WARN = 40;

function startBackend(config: StartConfig, logFile: string): { backend: Child; url: Promise<string> } {
  const proc = spawn(
    process.execPath,
    [
      BACKEND_BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(config.port),
      '--data-dir',
      config.dataDir,
      '--config',
      DEMO_SLOS,
    ],
    {
      env: {
        ...process.env,
        OSPREY_READ_TOKEN: config.tokens.read,
        OSPREY_INGEST_TOKEN: config.tokens.ingest,
        OSPREY_ADMIN_TOKEN: config.tokens.admin,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group: Ctrl-C in the terminal reaches this process and the shop, which
      // flush their last spans, and only then is the backend stopped (by shutdown below).
      detached: true,
    }
  );
  const backend = watch('osprey backend', proc);
  const log = createWriteStream(logFile, { flags: 'a' });
  const lines = createInterface({ input: proc.stdout! });
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`backend not listening after ${BACKEND_READY_TIMEOUT_MS} ms`)),
      BACKEND_READY_TIMEOUT_MS
    );
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      // Request logs go to the file only; warnings and errors are worth a look in the terminal.
      if ((logLevel(line) ?? WARN) >= WARN) {
        console.error(`osprey: ${line}`);
      }
      const listening = parseListeningLine(line);
      if (listening !== undefined) {
        clearTimeout(timer);
        resolve(listening);
      }
    });
    backend.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`backend exited (${how}) before listening`));
    });
  });
  return { backend, url };
}

/** The synthetic check `npm start` defines, so the Health dashboard has one to show. */
const SHOP_CHECK = 'shop-home';

/**
 * Checks the shop's home page from outside, as a user would define a check through the admin API
 * (it lasts while the backend runs); a failure to define it is told, not fatal.
 */
async function defineShopCheck(backendUrl: string, adminToken: string, shopUrl: string): Promise<void> {
  const response = await fetch(`${backendUrl}/api/v1/checks/${SHOP_CHECK}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${shopUrl}/`, intervalMs: 15_000, timeoutMs: 5_000 }),
  }).catch((err: unknown) => err as Error);
  if (response instanceof Error || !response.ok) {
    const why = response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
    console.error(`demo: could not define the check ${SHOP_CHECK}: ${why}`);
  }
}

function statsLine(stats: LoadStats, previous: LoadStats | undefined, seconds: number): string {
  const sent = stats.sent - (previous?.sent ?? 0);
  const answered = Object.values(stats.answers).reduce((a, b) => a + b, 0);
  const errors = stats.answers['5xx'] ?? 0;
  const classes = Object.entries(stats.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cls, n]) => `${cls} ${n}`)
    .join(', ');
  const share = answered === 0 ? 0 : (100 * errors) / answered;
  return `demo: ${(sent / seconds).toFixed(1)} requests/s; so far ${classes} (${share.toFixed(1)}% 5xx)`;
}

async function main(): Promise<void> {
  const config = parseStartArgs(process.argv.slice(2), process.env);
  mkdirSync(config.dataDir, { recursive: true });
  const logFile = path.join(config.dataDir, 'osprey.log');
  const { backend, url } = startBackend(config, logFile);
  let shop: Shop | undefined;
  let stopping: Promise<void> | undefined;

  const shutdown = (code: number, why?: string) => {
    if (why !== undefined) {
      console.error(`demo: ${why}; stopping`);
    }
    stopping ??= (async () => {
      await shop?.stop();
      await stopChild(backend);
    })().finally(() => process.exit(code));
    return stopping;
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  process.on('exit', () => killNow([backend, ...(shop?.children ?? [])]));
  backend.exited.then((how) => {
    if (stopping === undefined) {
      shutdown(1, `backend exited (${how})`);
    }
  });

  let backendUrl: string;
  try {
    backendUrl = await url;
  } catch (err) {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)} (see ${logFile})`);
    await shutdown(1);
    return;
  }
  let previous: LoadStats | undefined;
  // Before the shop: the preview answers as soon as the backend does.
  const missing = previewMissing();
  const preview = missing
    ? { missing }
    : await startPreview({ backendUrl, readToken: config.tokens.read, port: config.previewPort }).catch(
        (err: unknown) => ({
          missing: `${err instanceof Error ? err.message : String(err)} (another port: --preview-port)`,
        })
      );
  shop = await startShop({
    ospreyUrl: backendUrl,
    ingestToken: config.tokens.ingest,
    rate: config.rate,
    onChildExit: (name, how) => shutdown(1, `${name} exited (${how})`),
    onStats: (stats) => {
      console.log(statsLine(stats, previous, 5));
      previous = { ...stats, answers: { ...stats.answers } };
    },
  });
  await defineShopCheck(backendUrl, config.tokens.admin, shop.urls['shop-frontend']);
  console.log(
    banner({
      url: backendUrl,
      shopUrl: shop.urls['shop-frontend'],
      preview: 'url' in preview ? { url: preview.url } : preview,
      tokens: config.tokens,
      logFile,
      rate: config.rate,
      duration: config.duration,
    })
  );
  if (config.duration !== undefined) {
    setTimeout(() => shutdown(0), config.duration * 1000);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * The shop: forks each service (demo/dist/service.js <name>) and the load generator, wiring each
 * service to the URLs of the ones it calls. `node demo/dist/shop.js` runs it against an Osprey
 * backend that is already up (OSPREY_URL, OSPREY_INGEST_TOKEN; docker-compose does this);
 * `start.js` starts a backend first.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type Child, killNow, stopChild, waitForMessage, watch } from './children';
import type { LoadStats } from './load';
import { SERVICE_NAMES, type ServiceName } from './topology';

export interface ShopOptions {
  ospreyUrl: string;
  ingestToken: string;
  /** Requests per second sent by the load generator. */
  rate: number;
  /** Called when a child dies while the shop is not stopping. */
  onChildExit: (name: string, how: string) => void;
  onStats?: (stats: LoadStats) => void;
}

export interface Shop {
  urls: Record<ServiceName, string>;
  children: Child[];
  stop(): Promise<void>;
}

const DOWNSTREAM_ENV: Record<string, ServiceName> = {
  CATALOG_URL: 'catalog',
  CHECKOUT_URL: 'checkout',
  PAYMENTS_URL: 'payments',
};

const READY_TIMEOUT_MS = 30_000;

export async function startShop(options: ShopOptions): Promise<Shop> {
  const dbDir = mkdtempSync(path.join(tmpdir(), 'osprey-demo-'));
  const children: Child[] = [];
  const urls: Partial<Record<ServiceName, string>> = {};
  let stopping = false;

  const stop = async () => {
    stopping = true;
    // Load first so no request meets a stopped service, then callers before callees.
    for (const child of [...children].reverse()) {
      await stopChild(child);
    }
    rmSync(dbDir, { recursive: true, force: true });
  };

  const spawn = (name: string, script: string, args: string[], env: NodeJS.ProcessEnv): Child => {
    const child = watch(
      name,
      fork(path.join(__dirname, script), args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    );
    children.push(child);
    child.exited.then((how) => {
      if (!stopping) {
        options.onChildExit(name, how);
      }
    });
    return child;
  };

  try {
    for (const name of SERVICE_NAMES) {
      const downstream = Object.fromEntries(
        Object.entries(DOWNSTREAM_ENV).flatMap(([key, service]) => (urls[service] ? [[key, urls[service]]] : []))
      );
      const child = spawn(name, 'service.js', [name], {
        ...process.env,
        ...downstream,
        OSPREY_URL: options.ospreyUrl,
        OSPREY_INGEST_TOKEN: options.ingestToken,
        DEMO_DB_DIR: dbDir,
      });
      urls[name] = (await waitForMessage<{ type: 'ready'; url: string }>(child, 'ready', READY_TIMEOUT_MS)).url;
    }
    const load = spawn('load', 'load.js', [], {
      ...process.env,
      SHOP_URL: urls['shop-frontend'],
      DEMO_RATE: String(options.rate),
    });
    load.proc.on('message', (message: { type?: string; stats?: LoadStats }) => {
      if (message.type === 'stats' && message.stats) {
        options.onStats?.(message.stats);
      }
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { urls: urls as Record<ServiceName, string>, children, stop };
}

function main(): void {
  const ospreyUrl = process.env.OSPREY_URL;
  const ingestToken = process.env.OSPREY_INGEST_TOKEN;
  if (!ospreyUrl || !ingestToken) {
    throw new Error('OSPREY_URL and OSPREY_INGEST_TOKEN are required');
  }
  let shop: Shop | undefined;
  const exit = (code: number) => {
    (shop ? shop.stop() : Promise.resolve()).finally(() => process.exit(code));
  };
  startShop({
    ospreyUrl,
    ingestToken,
    rate: Number(process.env.DEMO_RATE ?? '20'),
    onChildExit: (name, how) => {
      console.error(`demo: ${name} exited (${how}); stopping`);
      exit(1);
    },
  }).then(
    (started) => {
      shop = started;
      console.log(`demo: shop at ${started.urls['shop-frontend']}, sending traces to ${ospreyUrl}`);
      process.on('exit', () => killNow(started.children));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    }
  );
  process.on('SIGINT', () => exit(0));
  process.on('SIGTERM', () => exit(0));
}

if (require.main === module) {
  main();
}

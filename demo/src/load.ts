/**
 * Load generator: `node demo/dist/load.js`, forked by the shop with SHOP_URL and DEMO_RATE.
 * Not instrumented, on purpose: it plays the shop's customers, whose browsers send no trace
 * context, so each trace starts at shop-frontend's server span like real user traffic does.
 */
import { PRODUCT_COUNT } from './topology';

export interface ShopRequest {
  method: 'GET' | 'POST';
  path: string;
  /** `session=<user>` for signed-in customers. */
  cookie?: string;
  body?: unknown;
}

/** Ids past the catalogue, so some product pages are 404s. */
const MISSING_PRODUCTS = 5;
const USERS = 40;

function pick(random: () => number, n: number): number {
  return 1 + Math.floor(random() * n);
}

/** One customer request: 30% home page, 45% product page, 25% checkout (signed in). */
export function pickRequest(random: () => number): ShopRequest {
  const r = random();
  const signedIn = random() < 0.7 ? `session=user-${pick(random, USERS)}` : undefined;
  if (r < 0.3) {
    return { method: 'GET', path: '/', cookie: signedIn };
  }
  if (r < 0.75) {
    return { method: 'GET', path: `/product/${pick(random, PRODUCT_COUNT + MISSING_PRODUCTS)}`, cookie: signedIn };
  }
  const items = Array.from({ length: pick(random, 3) }, () => ({
    productId: pick(random, PRODUCT_COUNT),
    quantity: pick(random, 3),
  }));
  return { method: 'POST', path: '/checkout', cookie: `session=user-${pick(random, USERS)}`, body: { items } };
}

export interface LoadStats {
  sent: number;
  /** Answers by status class: '2xx', '4xx', '5xx', or 'failed' when no answer came. */
  answers: Record<string, number>;
  /** Ticks skipped because too many requests were still in flight. */
  skipped: number;
}

export function statusClass(status: number | undefined): string {
  return status === undefined ? 'failed' : `${Math.floor(status / 100)}xx`;
}

async function send(baseUrl: string, req: ShopRequest): Promise<number> {
  const res = await fetch(`${baseUrl}${req.path}`, {
    method: req.method,
    headers: {
      ...(req.cookie === undefined ? {} : { cookie: req.cookie }),
      ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Sends `rate` requests a second, never more than `maxInFlight` at once; returns a stop function. */
export function runLoad(baseUrl: string, rate: number, maxInFlight: number, stats: LoadStats): () => Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (inFlight.size >= maxInFlight) {
      stats.skipped += 1;
      return;
    }
    stats.sent += 1;
    const done: Promise<void> = send(baseUrl, pickRequest(Math.random))
      .then(
        (status) => statusClass(status),
        () => statusClass(undefined)
      )
      .then((cls) => {
        stats.answers[cls] = (stats.answers[cls] ?? 0) + 1;
        inFlight.delete(done);
      });
    inFlight.add(done);
  }, 1000 / rate);
  return async () => {
    clearInterval(timer);
    await Promise.all(inFlight);
  };
}

function main(): void {
  const baseUrl = process.env.SHOP_URL;
  const rate = Number(process.env.DEMO_RATE ?? '20');
  if (baseUrl === undefined || !(rate > 0)) {
    throw new Error('SHOP_URL and a positive DEMO_RATE are required');
  }
  const stats: LoadStats = { sent: 0, answers: {}, skipped: 0 };
  const stopLoad = runLoad(baseUrl, rate, Math.max(10, rate * 5), stats);
  const report = setInterval(() => process.send?.({ type: 'stats', stats }), 5_000);
  let stopping = false;
  const stop = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    clearInterval(report);
    stopLoad().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

if (require.main === module) {
  main();
}

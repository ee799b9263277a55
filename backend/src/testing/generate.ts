import type { Transaction } from '@osprey/model';

/** A small seeded PRNG (mulberry32): the same seed gives the same transactions on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  seed: number;
  count: number;
  /** End times spread uniformly over [from, from + spanMs). */
  from: number;
  spanMs: number;
  services?: string[];
  instancesPerService?: number;
  endpoints?: string[];
  errorRatio?: number;
}

/**
 * Deterministic transactions for tests and benchmarks: log-uniform elapsed from 0.05 ms to 5 s
 * (every latency bucket decade gets some), a share of errors, a few users.
 */
export function generateTransactions(options: GenerateOptions): Transaction[] {
  const random = seededRandom(options.seed);
  const services = options.services ?? ['cart', 'pay'];
  const instances = options.instancesPerService ?? 2;
  const endpoints = options.endpoints ?? ['GET /a', 'GET /b', 'POST /c'];
  const errorRatio = options.errorRatio ?? 0.1;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  return Array.from({ length: options.count }, (_, i) => {
    const service = pick(services);
    const error = random() < errorRatio;
    const tx: Transaction = {
      endTime: options.from + random() * options.spanMs,
      elapsed: 0.05 * 1e5 ** random(),
      service,
      instance: `${service}-${Math.floor(random() * instances) + 1}`,
      endpoint: pick(endpoints),
      status: error ? 'error' : 'ok',
      traceId: i.toString(16).padStart(32, '0'),
      spanId: i.toString(16).padStart(16, '0'),
      userId: `user-${Math.floor(random() * 5)}`,
      sqlCount: Math.floor(random() * 4),
      sqlTime: random() * 10,
      apiCallCount: 0,
      apiCallTime: 0,
      kind: 'web',
    };
    if (error) {
      tx.httpStatus = 500;
      tx.errorType = 'Boom';
    }
    return tx;
  });
}

/** One plain web transaction of `service` (instance `<service>-1`, endpoint `GET /`); `id` makes its trace and span ids. */
export function webTransaction(
  id: number,
  endTime: number,
  elapsed: number,
  status: Transaction['status'],
  service = 'shop'
): Transaction {
  const hex = id.toString(16);
  return {
    endTime,
    elapsed,
    service,
    instance: `${service}-1`,
    endpoint: 'GET /',
    status,
    traceId: hex.padStart(32, '0'),
    spanId: hex.padStart(16, '0'),
    sqlCount: 0,
    sqlTime: 0,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
  };
}

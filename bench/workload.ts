/**
 * The synthetic shop workload both Osprey and InfluxDB receive: the same transactions, generated
 * from a seed so every run (and both peers in a run) see identical data.
 */
import type { Transaction } from '@osprey/model';

export interface BenchTransaction {
  /** Epoch ms; unique per transaction, so InfluxDB (one point per series and ms) keeps every one. */
  endTime: number;
  /** ms */
  elapsed: number;
  service: string;
  instance: string;
  endpoint: string;
  error: boolean;
  httpStatus: number;
  sqlTime: number;
  apiCallTime: number;
}

const SERVICES = ['frontend', 'cart', 'checkout', 'catalog', 'payment'];
const INSTANCES_PER_SERVICE = 3;
const ENDPOINTS = [
  'GET /api/items',
  'GET /api/items/{id}',
  'POST /api/orders',
  'GET /api/orders/{id}',
  'PUT /api/cart',
  'GET /api/search',
  'POST /api/login',
  'GET /health',
];
const ERROR_RATE = 0.02;

/** mulberry32: tiny, fast and good enough to spread a benchmark's values. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` transactions ending evenly spaced in [fromMs, toMs). Latency is log-normal around a
 * median that depends on the endpoint (2–160 ms), so p99 per service is a real tail, not a constant.
 */
export function* shopTransactions(count: number, fromMs: number, toMs: number, seed = 42): Generator<BenchTransaction> {
  const next = random(seed);
  const spacing = (toMs - fromMs) / count;
  if (spacing < 1) {
    throw new Error(`${count} transactions need at least ${count} ms, got ${toMs - fromMs}`);
  }
  for (let i = 0; i < count; i++) {
    const service = SERVICES[Math.floor(next() * SERVICES.length)];
    const instance = `${service}-${Math.floor(next() * INSTANCES_PER_SERVICE) + 1}`;
    const endpointIndex = Math.floor(next() * ENDPOINTS.length);
    // Box–Muller: one standard normal sample.
    const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const elapsed = Math.round(2 * 2 ** endpointIndex * Math.exp(0.8 * normal) * 1000) / 1000;
    const error = next() < ERROR_RATE;
    yield {
      endTime: Math.floor(fromMs + i * spacing),
      elapsed,
      service,
      instance,
      endpoint: ENDPOINTS[endpointIndex],
      error,
      httpStatus: error ? 500 : 200,
      sqlTime: Math.round(elapsed * 300) / 1000,
      apiCallTime: Math.round(elapsed * 200) / 1000,
    };
  }
}

function escapeTag(value: string): string {
  return value.replace(/[ ,=]/g, (c) => `\\${c}`);
}

/**
 * One InfluxDB line-protocol point (precision ms) per transaction: what an XLOG-on-InfluxDB setup
 * stores, with the same counts and times Osprey keeps for the transaction.
 */
export function lineProtocol(tx: BenchTransaction, traceId: string): string {
  return (
    `transactions,service=${escapeTag(tx.service)},instance=${escapeTag(tx.instance)},` +
    `endpoint=${escapeTag(tx.endpoint)},status=${tx.error ? 'error' : 'ok'} ` +
    `elapsed=${tx.elapsed},http_status=${tx.httpStatus}i,sql_count=1i,sql_time=${tx.sqlTime},` +
    `api_call_count=1i,api_call_time=${tx.apiCallTime},trace_id="${traceId}" ${tx.endTime}`
  );
}

/**
 * `words` × 32 bits of hex, scrambled from the index (murmur3's finaliser): as incompressible as
 * real random ids, which sequential ones would not be, and the same for both peers.
 */
function hexId(index: number, words: number): string {
  let out = '';
  for (let w = 0; w < words; w++) {
    let x = Math.imul(index ^ Math.imul(w + 1, 0x9e3779b9), 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    out += (x >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

export function traceIdOf(index: number): string {
  return hexId(index, 4);
}

/** The stored transaction of a bench row: ids as random as real SDKs make them, one sql and one api call. */
export function toTransaction(tx: BenchTransaction, index: number): Transaction {
  return {
    endTime: tx.endTime,
    elapsed: tx.elapsed,
    service: tx.service,
    instance: tx.instance,
    endpoint: tx.endpoint,
    status: tx.error ? 'error' : 'ok',
    httpStatus: tx.httpStatus,
    traceId: traceIdOf(index),
    spanId: hexId(index + 0x40000000, 2),
    sqlCount: 1,
    sqlTime: tx.sqlTime,
    apiCallCount: 1,
    apiCallTime: tx.apiCallTime,
    kind: 'web',
  };
}

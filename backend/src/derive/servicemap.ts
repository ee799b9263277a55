import type { ServiceMapNodeType, Span } from '@osprey/model';

import { bucketOf } from '../stats/latency-buckets';
import { type ChildrenIndex, int, nanosToMillis, spanKey, str } from './transactions';

/** Where a call went: another service, a database or an un-instrumented peer. */
export interface CallTarget {
  /** Node id of the service map: the service name, `db:<system>:<name>` or `ext:<address>`. */
  id: string;
  type: ServiceMapNodeType;
  name: string;
  dbSystem?: string;
}

/**
 * The target of a CLIENT or PRODUCER span, or undefined for any other span and for a call that
 * names nothing to draw.
 *
 * - a child SERVER/CONSUMER span → that span's service (the peer is instrumented; a service calling
 *   itself draws a loop);
 * - else `db.system` (or `db.system.name`) → `db:<system>:<name>`, name from `db.name`,
 *   `db.namespace` or `server.address` (the system itself when none is set);
 * - else a peer address (`server.address`, `peer.service`, `net.peer.name`, the host of
 *   `url.full`/`http.url`; with `server.port`/`net.peer.port` when set) → `ext:<address>`.
 */
export function callTarget(span: Span, children: ChildrenIndex): CallTarget | undefined {
  if (span.kind !== 'client' && span.kind !== 'producer') {
    return undefined;
  }
  const callee = (children.get(spanKey(span.traceId, span.spanId)) ?? []).find(
    (child) => child.kind === 'server' || child.kind === 'consumer'
  );
  if (callee !== undefined) {
    return { id: callee.service, type: 'service', name: callee.service };
  }
  const attrs = span.attributes;
  const system = str(attrs['db.system']) ?? str(attrs['db.system.name']);
  if (system !== undefined) {
    const name = str(attrs['db.name']) ?? str(attrs['db.namespace']) ?? str(attrs['server.address']) ?? system;
    return { id: `db:${system}:${name}`, type: 'database', name, dbSystem: system };
  }
  const address = peerAddress(span);
  if (address !== undefined) {
    return { id: `ext:${address}`, type: 'external', name: address };
  }
  return undefined;
}

/** The peer a client span called, `host:port` as semantic conventions (old names too) or its URL give it. */
export function peerAddress(span: Span): string | undefined {
  const attrs = span.attributes;
  const host = str(attrs['server.address']) ?? str(attrs['peer.service']) ?? str(attrs['net.peer.name']);
  if (host !== undefined) {
    const port = int(attrs['server.port']) ?? int(attrs['net.peer.port']);
    return port === undefined ? host : `${host}:${port}`;
  }
  const url = str(attrs['url.full']) ?? str(attrs['http.url']);
  if (url === undefined) {
    return undefined;
  }
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

/** A call failed when its client span says so or the peer answered an HTTP 5xx. */
export function callFailed(span: Span): boolean {
  const status = int(span.attributes['http.response.status_code']) ?? int(span.attributes['http.status_code']);
  return span.status === 'error' || (status !== undefined && status >= 500);
}

/** One minute of one edge's calls in one latency bucket (stats/latency-buckets.ts). */
export interface EdgeRollup {
  /** Start of the minute the calls ended in, epoch ms. */
  minute: number;
  source: string;
  target: CallTarget;
  bucket: number;
  calls: number;
  errors: number;
}

const MINUTE_MS = 60_000;

/**
 * Edge rollups of the client spans `counted` selects, classified against every span of their
 * traces (`children` must index all of them, so a callee's server span is seen whichever batch brought it).
 */
export function edgeRollups(counted: Span[], children: ChildrenIndex): EdgeRollup[] {
  const rollups = new Map<string, EdgeRollup>();
  for (const span of counted) {
    const target = callTarget(span, children);
    if (target === undefined) {
      continue;
    }
    const start = BigInt(span.startTimeUnixNano);
    const duration = BigInt(span.durationNano);
    const endMs = nanosToMillis(start + duration);
    const minute = Math.floor(endMs / MINUTE_MS) * MINUTE_MS;
    const bucket = bucketOf(nanosToMillis(duration));
    const key = JSON.stringify([minute, span.service, target.id, bucket]);
    let rollup = rollups.get(key);
    if (rollup === undefined) {
      rollup = { minute, source: span.service, target, bucket, calls: 0, errors: 0 };
      rollups.set(key, rollup);
    }
    rollup.calls += 1;
    rollup.errors += callFailed(span) ? 1 : 0;
  }
  return [...rollups.values()];
}

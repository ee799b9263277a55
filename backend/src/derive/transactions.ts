import type { AttributeValue, Attributes, Span, Transaction, TransactionKind } from '@osprey/model';

/**
 * Derives one Transaction (XLOG record) per entry span of a batch.
 *
 * Entry span: SERVER or CONSUMER kind, or a root span (no parent). sql and api-call figures come
 * from the entry's CLIENT descendants in the same service, not crossing into another entry span.
 *
 * Only spans in this batch are seen, so the figures are provisional: parentService across batches
 * is filled in by the store, and sql/api figures are recomputed from every stored span of the
 * trace once it settles (see ./settle.ts), because a child often reaches us before its entry span.
 */
export function deriveTransactions(spans: Span[]): Transaction[] {
  const byId = new Map<string, Span>();
  for (const span of spans) {
    byId.set(spanKey(span.traceId, span.spanId), span);
  }
  const children = childrenIndex(spans);
  const transactions: Transaction[] = [];
  for (const span of spans) {
    if (isEntry(span)) {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(spanKey(span.traceId, span.parentSpanId));
      transactions.push(toTransaction(span, parent, children));
    }
  }
  return transactions;
}

/** Children of each span, keyed by `spanKey(traceId, parentSpanId)`. */
export type ChildrenIndex = Map<string, Span[]>;

export function spanKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

export function childrenIndex(spans: Span[]): ChildrenIndex {
  const children: ChildrenIndex = new Map();
  for (const span of spans) {
    if (span.parentSpanId !== undefined) {
      const key = spanKey(span.traceId, span.parentSpanId);
      const list = children.get(key);
      if (list) {
        list.push(span);
      } else {
        children.set(key, [span]);
      }
    }
  }
  return children;
}

export function isEntry(span: Span): boolean {
  return span.kind === 'server' || span.kind === 'consumer' || span.parentSpanId === undefined;
}

function transactionKind(span: Span): TransactionKind {
  switch (span.kind) {
    case 'server':
      return 'web';
    case 'consumer':
      return 'async';
    case 'internal':
      return 'background';
    default:
      // A root CLIENT/PRODUCER/UNSPECIFIED span: application code acting on its own initiative.
      return 'app';
  }
}

const NANOS_PER_MICRO = BigInt(1000);

/** Nanoseconds (decimal string) → milliseconds, keeping microseconds in the fraction. */
export function nanosToMillis(nanos: bigint): number {
  return Number(nanos / NANOS_PER_MICRO) / 1000;
}

export function str(value: AttributeValue | undefined): string | undefined {
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  return undefined;
}

export function int(value: AttributeValue | undefined): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function first(...values: Array<string | undefined>): string | undefined {
  return values.find((v) => v !== undefined);
}

/** A resource's instance as its transactions carry it (the health hierarchy finds resources by it). */
export function instanceOf(resource: Attributes): string {
  return (
    first(str(resource['service.instance.id']), str(resource['host.name']), str(resource['k8s.pod.name'])) ?? 'unknown'
  );
}

function endpointOf(span: Span): string {
  const method = first(str(span.attributes['http.request.method']), str(span.attributes['http.method']));
  const route = str(span.attributes['http.route']);
  if (route !== undefined) {
    return method === undefined ? route : `${method} ${route}`;
  }
  // HTTP server span names are already "GET /route" or just "GET" (Brave writes "get /route"):
  // don't repeat the method.
  const name = span.name.toLowerCase();
  if (method === undefined || name === method.toLowerCase() || name.startsWith(`${method.toLowerCase()} `)) {
    return span.name;
  }
  return `${method} ${span.name}`;
}

function exceptionEvent(span: Span): { type?: string; message?: string } | undefined {
  const event = span.events.find((e) => e.name === 'exception');
  if (!event) {
    return undefined;
  }
  return { type: str(event.attributes['exception.type']), message: str(event.attributes['exception.message']) };
}

export function isDbClient(span: Span): boolean {
  return span.attributes['db.system'] !== undefined || span.attributes['db.system.name'] !== undefined;
}

export interface ClientCalls {
  sqlCount: number;
  sqlTime: number;
  apiCallCount: number;
  apiCallTime: number;
}

/**
 * The spans an entry span's transaction ran itself, with their depth below it (children 1): its
 * descendants in the same service, not crossing into another service's work or a nested entry
 * span (a nested request is its own transaction). Depth first, children in `children` order.
 */
export function* ownSpans(entry: Span, children: ChildrenIndex): Generator<{ span: Span; depth: number }> {
  const stack = (children.get(spanKey(entry.traceId, entry.spanId)) ?? [])
    .map((span) => ({ span, depth: 1 }))
    .reverse();
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (step.span.service !== entry.service || isEntry(step.span)) {
      continue;
    }
    yield step;
    const below = children.get(spanKey(step.span.traceId, step.span.spanId)) ?? [];
    for (let i = below.length - 1; i >= 0; i--) {
      stack.push({ span: below[i], depth: step.depth + 1 });
    }
  }
}

/** Count and total milliseconds of the db and api CLIENT spans of an entry span's own spans. */
export function clientCalls(entry: Span, children: ChildrenIndex): ClientCalls {
  // Sum nanoseconds as bigint and convert once: adding float milliseconds drifts (14.744000000000002).
  let sqlCount = 0;
  let apiCallCount = 0;
  let sqlNanos = BigInt(0);
  let apiNanos = BigInt(0);
  for (const { span } of ownSpans(entry, children)) {
    if (span.kind === 'client') {
      if (isDbClient(span)) {
        sqlCount += 1;
        sqlNanos += BigInt(span.durationNano);
      } else {
        apiCallCount += 1;
        apiNanos += BigInt(span.durationNano);
      }
    }
  }
  return { sqlCount, sqlTime: nanosToMillis(sqlNanos), apiCallCount, apiCallTime: nanosToMillis(apiNanos) };
}

function toTransaction(span: Span, parent: Span | undefined, children: ChildrenIndex): Transaction {
  const attrs = span.attributes;
  const resource = span.resource;
  const httpStatus = int(attrs['http.response.status_code']) ?? int(attrs['http.status_code']);
  const failed = span.status === 'error' || (httpStatus !== undefined && httpStatus >= 500);
  const start = BigInt(span.startTimeUnixNano);
  const duration = BigInt(span.durationNano);
  const transaction: Transaction = {
    endTime: nanosToMillis(start + duration),
    elapsed: nanosToMillis(duration),
    service: span.service,
    instance: instanceOf(resource),
    endpoint: endpointOf(span),
    status: failed ? 'error' : 'ok',
    traceId: span.traceId,
    spanId: span.spanId,
    kind: transactionKind(span),
    ...clientCalls(span, children),
  };
  if (httpStatus !== undefined) {
    transaction.httpStatus = httpStatus;
  }
  if (failed) {
    const exception = exceptionEvent(span);
    const errorType = first(str(attrs['error.type']), exception?.type);
    const errorMessage = first(exception?.message, span.statusMessage);
    if (errorType !== undefined) {
      transaction.errorType = errorType;
    }
    if (errorMessage !== undefined) {
      transaction.errorMessage = errorMessage;
    }
  }
  if (parent !== undefined && parent.service !== span.service) {
    transaction.parentService = parent.service;
  }
  const userId = str(attrs['enduser.id']);
  if (userId !== undefined) {
    transaction.userId = userId;
  }
  const clientIp = first(str(attrs['client.address']), str(attrs['http.client_ip']), str(attrs['net.peer.ip']));
  if (clientIp !== undefined) {
    transaction.clientIp = clientIp;
  }
  const threadName = str(attrs['thread.name']);
  if (threadName !== undefined) {
    transaction.threadName = threadName;
  }
  return transaction;
}

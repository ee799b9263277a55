import { severityLevel, type LogRecord, type ProfileStep, type Span, type TransactionProfile } from '@osprey/model';

import { callFailed, peerAddress } from './servicemap';
import { spanStatement, STATEMENT_ATTRIBUTES } from './sqlstats';
import { childrenIndex, isDbClient, isEntry, nanosToMillis, ownSpans, str } from './transactions';

/** OTLP SeverityNumber of ERROR: a log record at or above it is an error step. */
const ERROR_SEVERITY = 17;

/** The entry span a profile is of: the one asked for, else the trace's earliest entry span. */
export function profileEntry(spans: readonly Span[], spanId?: string): Span | undefined {
  if (spanId !== undefined) {
    return spans.find((span) => span.spanId === spanId.toLowerCase());
  }
  const entries = spans.filter(isEntry);
  return entries.reduce<Span | undefined>(
    (earliest, span) =>
      earliest === undefined || BigInt(span.startTimeUnixNano) < BigInt(earliest.startTimeUnixNano) ? span : earliest,
    undefined
  );
}

/** What an API call went to: the RPC method, else the peer the service map names. */
function callTarget(span: Span): string | undefined {
  const rpc = str(span.attributes['rpc.service']);
  if (rpc === undefined) {
    return peerAddress(span);
  }
  const method = str(span.attributes['rpc.method']);
  return method === undefined ? rpc : `${rpc}/${method}`;
}

function spanStep(span: Span, depth: number, startNanos: bigint): ProfileStep {
  const step: ProfileStep = {
    kind: 'span',
    offset: nanosToMillis(BigInt(span.startTimeUnixNano) - startNanos),
    duration: nanosToMillis(BigInt(span.durationNano)),
    depth,
    name: span.name,
    error: span.status === 'error',
    spanId: span.spanId,
  };
  if (span.kind === 'client' && isDbClient(span)) {
    step.kind = 'sql';
    const sent = STATEMENT_ATTRIBUTES.map((name) => str(span.attributes[name])).find((text) => text !== undefined);
    const statement = spanStatement(span);
    if (sent !== undefined) {
      step.statement = sent;
    }
    if (statement !== undefined) {
      step.normalized = statement.statement;
      step.target = statement.dbSystem;
    }
  } else if (span.kind === 'client' || span.kind === 'producer') {
    step.kind = 'api';
    step.error = callFailed(span);
    const target = callTarget(span);
    if (target !== undefined) {
      step.target = target;
    }
  }
  return step;
}

/**
 * The profile of the transaction of `entry`: its own spans (ownSpans: same service, not nested
 * requests) as SQL, API and other steps, and the log records written in it or in those spans,
 * ordered by offset from the entry's start (ties: deeper later, so a parent precedes its child).
 */
export function transactionProfile(
  entry: Span,
  spans: readonly Span[],
  logs: readonly LogRecord[]
): TransactionProfile {
  const startNanos = BigInt(entry.startTimeUnixNano);
  const startTime = nanosToMillis(startNanos);
  const steps: ProfileStep[] = [];
  const depthOf = new Map<string, number>([[entry.spanId, 0]]);
  const trace = spans.filter((span) => span.traceId === entry.traceId);
  for (const { span, depth } of ownSpans(entry, childrenIndex(trace))) {
    depthOf.set(span.spanId, depth);
    steps.push(spanStep(span, depth, startNanos));
  }
  for (const log of logs) {
    const depth = log.traceId === entry.traceId && log.spanId !== undefined ? depthOf.get(log.spanId) : undefined;
    if (depth === undefined) {
      continue;
    }
    steps.push({
      kind: 'log',
      offset: log.time - startTime,
      depth: depth + 1,
      name: log.body,
      error: log.severityNumber >= ERROR_SEVERITY,
      spanId: log.spanId,
      severity: log.severityText || severityLevel(log.severityNumber),
    });
  }
  steps.sort((a, b) => a.offset - b.offset || a.depth - b.depth);
  return {
    traceId: entry.traceId,
    spanId: entry.spanId,
    service: entry.service,
    name: entry.name,
    startTime,
    elapsed: nanosToMillis(BigInt(entry.durationNano)),
    steps,
  };
}

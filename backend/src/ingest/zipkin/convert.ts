import type { AttributeValue, Attributes, Span, SpanEvent, SpanKind, SpanStatus } from '@osprey/model';

import {
  asArray,
  asObject,
  asString,
  BatchValidationError,
  describe,
  hexId,
  integerIn,
  optionalString,
} from '../validation';

/**
 * Zipkin v2 JSON (`POST /api/v2/spans` body) → model Spans, validating the whole batch first.
 *
 * Times are microseconds; they become nanosecond decimal strings without rounding integer input
 * (the OpenTelemetry Zipkin exporter sends fractional microseconds; the fraction is kept to the ns).
 * Trace ids of 64 or 128 bits become 32 lowercase hex digits. Unknown fields are ignored, as
 * Zipkin does.
 */
export function convertZipkinSpans(body: unknown): Span[] {
  return asArray(body, 'spans').map((span, i) => convertSpan(asObject(span, `spans[${i}]`), `spans[${i}]`));
}

const KINDS: Record<string, SpanKind> = {
  CLIENT: 'client',
  SERVER: 'server',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
};

/**
 * Tags with these prefixes describe the process, not the span: the OpenTelemetry Zipkin exporter
 * flattens resource attributes into tags, and the instance name of an XLOG dot comes from them.
 */
const RESOURCE_PREFIXES = [
  'service.',
  'host.',
  'k8s.',
  'container.',
  'process.',
  'telemetry.',
  'os.',
  'cloud.',
  'deployment.',
];

/** Numeric tags sent as strings (all Zipkin tags are) that derivations compare as numbers. */
const INTEGER_TAG = /(^|\.)(status_code|port)$/;

const UINT64_MAX = (BigInt(1) << BigInt(64)) - BigInt(1);
const NANOS_PER_MICRO = BigInt(1000);

interface Endpoint {
  serviceName?: string;
  ip?: string;
  port?: number;
}

function convertSpan(z: Record<string, unknown>, path: string): Span {
  const traceId = hexId(z.traceId, `${path}.traceId`, 32, 1);
  const spanId = hexId(z.id, `${path}.id`, 16, 1);
  const parentSpanId =
    z.parentId === undefined || z.parentId === null ? undefined : hexId(z.parentId, `${path}.parentId`, 16, 1);
  const name = optionalString(z.name, `${path}.name`) ?? '';
  const kind = spanKind(z.kind, `${path}.kind`);
  if (z.timestamp === undefined || z.timestamp === null) {
    throw new BatchValidationError(`${path}.timestamp`, 'required (epoch microseconds)');
  }
  const start = microsToNanos(z.timestamp, `${path}.timestamp`);
  if (start === BigInt(0)) {
    throw new BatchValidationError(`${path}.timestamp`, 'must be > 0');
  }
  // Zipkin allows a span without duration (e.g. a one-way message): it lasted no measured time.
  const duration =
    z.duration === undefined || z.duration === null ? BigInt(0) : microsToNanos(z.duration, `${path}.duration`);
  if (start + duration > UINT64_MAX) {
    throw new BatchValidationError(`${path}.duration`, 'timestamp + duration is outside the unsigned 64-bit range');
  }
  if (z.shared !== undefined && typeof z.shared !== 'boolean') {
    throw new BatchValidationError(`${path}.shared`, `must be a boolean, got ${describe(z.shared)}`);
  }
  const local = endpoint(z.localEndpoint, `${path}.localEndpoint`);
  const remote = endpoint(z.remoteEndpoint, `${path}.remoteEndpoint`);
  const tags = convertTags(z.tags, `${path}.tags`);

  const service = local.serviceName !== undefined && local.serviceName !== '' ? local.serviceName : 'unknown_service';
  const resource: Attributes = { 'service.name': service };
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(tags)) {
    if (RESOURCE_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      resource[key] = value;
    } else {
      attributes[key] = value;
    }
  }
  resource['service.name'] = service;
  if (local.ip !== undefined && !['service.instance.id', 'host.name', 'k8s.pod.name'].some((k) => k in resource)) {
    // Zipkin has no instance name; the address is what tells two instances of a service apart.
    resource['service.instance.id'] = local.port === undefined ? local.ip : `${local.ip}:${local.port}`;
  }
  addRemoteEndpoint(attributes, kind, remote);
  if (kind === 'client' && typeof attributes['sql.query'] === 'string' && !isDb(attributes)) {
    // Brave's JDBC/MySQL instrumentation tags only sql.query: without db.system it would count as an API call.
    attributes['db.system'] = 'other_sql';
    attributes['db.query.text'] ??= attributes['sql.query'];
  }

  const { status, statusMessage } = statusOf(tags);
  const span: Span = {
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano: start.toString(),
    durationNano: duration.toString(),
    status,
    service,
    resource,
    attributes,
    events: annotations(z.annotations, `${path}.annotations`),
  };
  if (parentSpanId !== undefined && parentSpanId !== spanId) {
    span.parentSpanId = parentSpanId;
  }
  if (statusMessage !== undefined) {
    span.statusMessage = statusMessage;
  }
  return span;
}

function spanKind(value: unknown, path: string): SpanKind {
  if (value === undefined || value === null) {
    // The OpenTelemetry Zipkin exporter leaves kind out for INTERNAL spans; Zipkin calls them local.
    return 'internal';
  }
  const kind = typeof value === 'string' ? KINDS[value.toUpperCase()] : undefined;
  if (kind === undefined) {
    throw new BatchValidationError(path, `must be one of CLIENT, SERVER, PRODUCER, CONSUMER, got ${describe(value)}`);
  }
  return kind;
}

/** Epoch or duration microseconds (a JSON number, or a decimal string) → nanoseconds. */
export function microsToNanos(value: unknown, path: string): bigint {
  let nanos: bigint;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    nanos = BigInt(value) * NANOS_PER_MICRO;
  } else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    if (value > Number.MAX_SAFE_INTEGER) {
      throw new BatchValidationError(path, `${value} is not an exact integer (send it as a decimal string)`);
    }
    const whole = Math.trunc(value);
    nanos = BigInt(whole) * NANOS_PER_MICRO + BigInt(Math.round((value - whole) * 1000));
  } else {
    throw new BatchValidationError(path, `must be non-negative microseconds, got ${describe(value)}`);
  }
  if (nanos > UINT64_MAX) {
    throw new BatchValidationError(path, `${String(value)} µs is outside the unsigned 64-bit nanosecond range`);
  }
  return nanos;
}

function endpoint(value: unknown, path: string): Endpoint {
  if (value === undefined || value === null) {
    return {};
  }
  const e = asObject(value, path);
  const serviceName = optionalString(e.serviceName, `${path}.serviceName`);
  const ipv4 = optionalString(e.ipv4, `${path}.ipv4`);
  const ipv6 = optionalString(e.ipv6, `${path}.ipv6`);
  const port = e.port === undefined || e.port === null ? undefined : integerIn(e.port, `${path}.port`, 0, 65535);
  const result: Endpoint = {};
  if (serviceName !== undefined && serviceName !== '') {
    result.serviceName = serviceName;
  }
  const ip = ipv4 ?? ipv6;
  if (ip !== undefined && ip !== '') {
    result.ip = ip;
  }
  if (port !== undefined && port !== 0) {
    result.port = port;
  }
  return result;
}

function convertTags(value: unknown, path: string): Record<string, AttributeValue> {
  if (value === undefined || value === null) {
    return {};
  }
  const tags: Record<string, AttributeValue> = {};
  for (const [key, raw] of Object.entries(asObject(value, path))) {
    const tagPath = `${path}[${JSON.stringify(key)}]`;
    if (typeof raw === 'string') {
      tags[key] = INTEGER_TAG.test(key) && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
    } else if ((typeof raw === 'number' && Number.isFinite(raw)) || typeof raw === 'boolean') {
      tags[key] = raw;
    } else {
      throw new BatchValidationError(tagPath, `must be a string, got ${describe(raw)}`);
    }
  }
  return tags;
}

/**
 * The remote side in OpenTelemetry terms: `peer.service` for its name, and the address as
 * server.* (we called it) or client.* (it called us). Tags the sender set win.
 */
function addRemoteEndpoint(attributes: Attributes, kind: SpanKind, remote: Endpoint): void {
  const set = (key: string, value: AttributeValue | undefined) => {
    if (value !== undefined && attributes[key] === undefined) {
      attributes[key] = value;
    }
  };
  set('peer.service', remote.serviceName);
  set('network.peer.address', remote.ip);
  set('network.peer.port', remote.port);
  if (kind === 'client' || kind === 'producer') {
    set('server.address', remote.ip ?? remote.serviceName);
    set('server.port', remote.port);
  } else if (kind === 'server' || kind === 'consumer') {
    set('client.address', remote.ip);
    set('client.port', remote.port);
  }
}

function isDb(attributes: Attributes): boolean {
  return attributes['db.system'] !== undefined || attributes['db.system.name'] !== undefined;
}

/** Zipkin marks failure with an `error` tag (its value the message, or "true"/""); OpenTelemetry adds otel.status_code. */
function statusOf(tags: Record<string, AttributeValue>): { status: SpanStatus; statusMessage?: string } {
  const code = tags['otel.status_code'];
  const error = tags.error;
  if (error !== undefined || code === 'ERROR') {
    const message = typeof error === 'string' && error !== '' && error !== 'true' ? error : undefined;
    return message === undefined ? { status: 'error' } : { status: 'error', statusMessage: message };
  }
  return { status: code === 'OK' ? 'ok' : 'unset' };
}

function annotations(value: unknown, path: string): SpanEvent[] {
  if (value === undefined || value === null) {
    return [];
  }
  return asArray(value, path).map((item, i) => {
    const annotation = asObject(item, `${path}[${i}]`);
    return {
      name: asString(annotation.value, `${path}[${i}].value`),
      timeUnixNano: microsToNanos(annotation.timestamp, `${path}[${i}].timestamp`).toString(),
      attributes: {},
    };
  });
}

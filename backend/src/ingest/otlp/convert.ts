import type { Attributes, Span, SpanEvent, SpanKind, SpanStatus } from '@osprey/model';

import { OtlpValidationError } from './errors';
import {
  absent,
  asObject,
  asString,
  convertAttributes,
  enumValue,
  forEachElement,
  optionalId,
  readResource,
  requiredId,
  uint64,
  ZERO_NANOS,
} from './values';

/**
 * Turns an ExportTraceServiceRequest into model Spans, validating as it goes.
 *
 * The input is a plain object in one of two shapes that differ only in scalar encodings:
 * - OTLP/JSON as parsed by JSON.parse: ids are hex strings, int64 are decimal strings or
 *   numbers, bytes are base64 strings, enums are integers (names tolerated);
 * - the protobuf message as protobufjs' `decode` returns it: ids and bytes are Uint8Array, int64
 *   are Long, unset fields are null (proto3 JSON reads null as unset too). /v1/traces reads
 *   protobuf with trace-reader.ts instead; this shape is the reference its tests compare with.
 * Unknown fields are ignored (OTLP/JSON spec). Any violation throws OtlpValidationError naming
 * the path, so the caller rejects the whole batch.
 */
export function convertExportRequest(request: unknown): Span[] {
  const root = asObject(request, '');
  const spans: Span[] = [];
  forEachElement(root.resourceSpans, 'resourceSpans', (rs, rsPath) => {
    const resourceSpans = asObject(rs, rsPath);
    const { service, attributes: resource } = readResource(resourceSpans, rsPath);
    forEachElement(resourceSpans.scopeSpans, `${rsPath}.scopeSpans`, (ss, ssPath) => {
      const scopeSpans = asObject(ss, ssPath);
      forEachElement(scopeSpans.spans, `${ssPath}.spans`, (s, spanPath) => {
        spans.push(convertSpan(asObject(s, spanPath), spanPath, service, resource));
      });
    });
  });
  return spans;
}

const SPAN_KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_CODES: readonly SpanStatus[] = ['unset', 'ok', 'error'];

function convertSpan(span: Record<string, unknown>, path: string, service: string, resource: Attributes): Span {
  const traceId = requiredId(span.traceId, 16, `${path}.traceId`);
  const spanId = requiredId(span.spanId, 8, `${path}.spanId`);
  const parentSpanId = optionalId(span.parentSpanId, 8, `${path}.parentSpanId`);
  const name = absent(span.name) ? '' : asString(span.name, `${path}.name`);
  const kind = SPAN_KINDS[enumValue(span.kind, 'SPAN_KIND_', SPAN_KINDS, `${path}.kind`)];
  const start = uint64(span.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const end = uint64(span.endTimeUnixNano, `${path}.endTimeUnixNano`);
  if (start === ZERO_NANOS) {
    throw new OtlpValidationError(`${path}.startTimeUnixNano`, 'required, must be > 0');
  }
  if (end < start) {
    throw new OtlpValidationError(`${path}.endTimeUnixNano`, `${end} is before startTimeUnixNano ${start}`);
  }
  let status: SpanStatus = 'unset';
  let statusMessage: string | undefined;
  if (span.status !== undefined && span.status !== null) {
    const statusPath = `${path}.status`;
    const s = asObject(span.status, statusPath);
    status = STATUS_CODES[enumValue(s.code, 'STATUS_CODE_', STATUS_CODES, `${statusPath}.code`)];
    if (!absent(s.message) && s.message !== '') {
      statusMessage = asString(s.message, `${statusPath}.message`);
    }
  }
  const events: SpanEvent[] = [];
  forEachElement(span.events, `${path}.events`, (e, eventPath) => {
    const event = asObject(e, eventPath);
    events.push({
      name: absent(event.name) ? '' : asString(event.name, `${eventPath}.name`),
      timeUnixNano: uint64(event.timeUnixNano, `${eventPath}.timeUnixNano`).toString(),
      attributes: convertAttributes(event.attributes, `${eventPath}.attributes`),
    });
  });
  const result: Span = {
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano: start.toString(),
    durationNano: (end - start).toString(),
    status,
    service,
    resource,
    attributes: convertAttributes(span.attributes, `${path}.attributes`),
    events,
  };
  if (parentSpanId !== undefined) {
    result.parentSpanId = parentSpanId;
  }
  if (statusMessage !== undefined) {
    result.statusMessage = statusMessage;
  }
  return result;
}

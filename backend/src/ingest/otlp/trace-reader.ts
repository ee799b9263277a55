import type { Attributes, Span, SpanEvent, SpanKind, SpanStatus } from '@osprey/model';

import { AttributeReader, PathStack } from './any-value-reader';
import { enumValue, optionalId } from './values';
import { decimalDifference, decimalUint64, WIRE_FIXED64, WIRE_VARINT, WireReader } from './wire-reader';

const SPAN_KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_CODES: readonly SpanStatus[] = ['unset', 'ok', 'error'];
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;

function validEnum(value: number, names: readonly string[]): boolean {
  return value >= 0 && value < names.length;
}

/**
 * An OTLP/protobuf ExportTraceServiceRequest → model Spans in one walk over the bytes, with no
 * message objects in between: the same Spans, the same validation and the same error paths as
 * convertExportRequest over protobufjs' decoded message (the differential tests hold it to that).
 * Repeated strings of the request (service, span names, attribute keys and short values) are
 * decoded once. Throws OtlpValidationError for malformed bytes or a span that breaks the schema.
 */
export function readExportTraceRequest(body: Uint8Array): Span[] {
  return new TraceReader(new WireReader(body, 'ExportTraceServiceRequest')).request();
}

/** Where a span's fields are in the body, noted in wire order and validated in convert.ts' order. */
interface SpanFields {
  traceId: number;
  traceIdEnd: number;
  spanId: number;
  spanIdEnd: number;
  parentSpanId: number;
  parentSpanIdEnd: number;
  name: number;
  nameEnd: number;
  kind: number;
  /** The unsigned halves of startTimeUnixNano and endTimeUnixNano (0 when absent). */
  startLo: number;
  startHi: number;
  endLo: number;
  endHi: number;
  status: number;
  statusEnd: number;
  /** Start/end offset pairs of the `attributes` and `events` entries. */
  attributes: number[];
  events: number[];
}

class TraceReader {
  private readonly path = new PathStack();
  private readonly values: AttributeReader;
  private readonly fields: SpanFields = {
    traceId: -1,
    traceIdEnd: 0,
    spanId: -1,
    spanIdEnd: 0,
    parentSpanId: -1,
    parentSpanIdEnd: 0,
    name: -1,
    nameEnd: 0,
    kind: 0,
    startLo: 0,
    startHi: 0,
    endLo: 0,
    endHi: 0,
    status: -1,
    statusEnd: 0,
    attributes: [],
    events: [],
  };

  constructor(private readonly r: WireReader) {
    this.values = new AttributeReader(r, this.path);
  }

  request(): Span[] {
    const r = this.r;
    const spans: Span[] = [];
    const end = r.length;
    let index = 0;
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag >>> 3 === 1) {
        const rsEnd = r.lenField(tag, end);
        this.path.push('resourceSpans');
        this.path.push(index++);
        this.resourceSpans(r.pos, rsEnd, spans);
        this.path.pop();
        this.path.pop();
        r.pos = rsEnd;
      } else {
        r.skip(tag & 7, end);
      }
    }
    return spans;
  }

  /** The resource may follow its scopeSpans on the wire; it is read first, as convert does. */
  private resourceSpans(start: number, end: number, spans: Span[]): void {
    const r = this.r;
    let resourceStart = -1;
    let resourceEnd = 0;
    const scopeSpans: number[] = [];
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      if (field === 1 || field === 2) {
        const fieldEnd = r.lenField(tag, end);
        if (field === 1) {
          resourceStart = r.pos;
          resourceEnd = fieldEnd;
        } else {
          scopeSpans.push(r.pos, fieldEnd);
        }
        r.pos = fieldEnd;
      } else {
        r.skip(tag & 7, end);
      }
    }
    let resource: Attributes = {};
    if (resourceStart >= 0) {
      this.path.push('.resource.attributes');
      resource = this.values.list(resourceStart, resourceEnd, 1, 0);
      this.path.pop();
    }
    const serviceName = resource['service.name'];
    const service = typeof serviceName === 'string' && serviceName !== '' ? serviceName : 'unknown_service';
    this.path.push('.scopeSpans');
    for (let i = 0; i < scopeSpans.length; i += 2) {
      this.path.push(i / 2);
      this.scopeSpans(scopeSpans[i], scopeSpans[i + 1], service, resource, spans);
      this.path.pop();
    }
    this.path.pop();
  }

  private scopeSpans(start: number, end: number, service: string, resource: Attributes, spans: Span[]): void {
    const r = this.r;
    let index = 0;
    this.path.push('.spans');
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag >>> 3 === 2) {
        const spanEnd = r.lenField(tag, end);
        this.path.push(index++);
        spans.push(this.span(r.pos, spanEnd, service, resource));
        this.path.pop();
        r.pos = spanEnd;
      } else {
        r.skip(tag & 7, end);
      }
    }
    this.path.pop();
  }

  private span(start: number, end: number, service: string, resource: Attributes): Span {
    const f = this.scanSpan(start, end);
    const traceId = this.id(f.traceId, f.traceIdEnd, TRACE_ID_BYTES, '.traceId');
    if (traceId === undefined) {
      throw this.path.error('.traceId', 'required');
    }
    const spanId = this.id(f.spanId, f.spanIdEnd, SPAN_ID_BYTES, '.spanId');
    if (spanId === undefined) {
      throw this.path.error('.spanId', 'required');
    }
    const parentSpanId = this.id(f.parentSpanId, f.parentSpanIdEnd, SPAN_ID_BYTES, '.parentSpanId');
    const name = f.name < 0 ? '' : this.values.strings.get(f.name, f.nameEnd);
    const kind = SPAN_KINDS[validEnum(f.kind, SPAN_KINDS) ? f.kind : this.enumError(f.kind, '.kind')];
    const { startLo, startHi, endLo, endHi } = f;
    if (startLo === 0 && startHi === 0) {
      throw this.path.error('.startTimeUnixNano', 'required, must be > 0');
    }
    if (endHi < startHi || (endHi === startHi && endLo < startLo)) {
      const [end, start] = [decimalUint64(endLo, endHi), decimalUint64(startLo, startHi)];
      throw this.path.error('.endTimeUnixNano', `${end} is before startTimeUnixNano ${start}`);
    }
    let status: SpanStatus = 'unset';
    let statusMessage: string | undefined;
    if (f.status >= 0) {
      [status, statusMessage] = this.status(f.status, f.statusEnd);
    }
    const events = this.events(f.events);
    this.path.push('.attributes');
    const attributes = this.attributeEntries(f.attributes);
    this.path.pop();
    const span: Span = {
      traceId,
      spanId,
      name,
      kind,
      startTimeUnixNano: decimalUint64(startLo, startHi),
      durationNano: decimalDifference(endLo, endHi, startLo, startHi),
      status,
      service,
      resource,
      attributes,
      events,
    };
    if (parentSpanId !== undefined) {
      span.parentSpanId = parentSpanId;
    }
    if (statusMessage !== undefined) {
      span.statusMessage = statusMessage;
    }
    return span;
  }

  /** One pass over a Span message, noting where each field is (the last occurrence of a scalar wins). */
  private scanSpan(start: number, end: number): SpanFields {
    const r = this.r;
    const f = this.fields;
    f.traceId = f.spanId = f.parentSpanId = f.name = f.status = -1;
    f.kind = 0;
    f.startLo = f.startHi = f.endLo = f.endHi = 0;
    f.attributes.length = 0;
    f.events.length = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      const wireType = tag & 7;
      switch (field) {
        case 6:
          r.expect(field, wireType, WIRE_VARINT);
          f.kind = r.uint32(end) | 0;
          break;
        case 7:
        case 8:
          r.expect(field, wireType, WIRE_FIXED64);
          r.fixed64(end);
          if (field === 7) {
            f.startLo = r.lo;
            f.startHi = r.hi;
          } else {
            f.endLo = r.lo;
            f.endHi = r.hi;
          }
          break;
        case 1:
        case 2:
        case 4:
        case 5:
        case 9:
        case 11:
        case 15: {
          const fieldEnd = r.lenField(tag, end);
          this.note(f, field, r.pos, fieldEnd);
          r.pos = fieldEnd;
          break;
        }
        default:
          r.skip(wireType, end);
      }
    }
    return f;
  }

  private note(f: SpanFields, field: number, start: number, end: number): void {
    switch (field) {
      case 1:
        f.traceId = start;
        f.traceIdEnd = end;
        break;
      case 2:
        f.spanId = start;
        f.spanIdEnd = end;
        break;
      case 4:
        f.parentSpanId = start;
        f.parentSpanIdEnd = end;
        break;
      case 5:
        f.name = start;
        f.nameEnd = end;
        break;
      case 9:
        f.attributes.push(start, end);
        break;
      case 11:
        f.events.push(start, end);
        break;
      default:
        f.status = start;
        f.statusEnd = end;
    }
  }

  /** An id as lowercase hex; undefined when absent or empty. Anything else wrong: values.ts' error. */
  private id(start: number, end: number, bytes: number, suffix: string): string | undefined {
    if (start < 0) {
      return undefined;
    }
    const buf = this.r.buf;
    if (end - start === bytes) {
      for (let i = start; i < end; i++) {
        if (buf[i] !== 0) {
          return this.r.hex(start, end);
        }
      }
    }
    return optionalId(buf.subarray(start, end), bytes, this.path.render() + suffix);
  }

  /** values.ts' enumValue names the out-of-range value (it throws for every number validEnum refuses). */
  private enumError(value: number, suffix: string): number {
    const names = suffix === '.kind' ? SPAN_KINDS : STATUS_CODES;
    return enumValue(value, '', names, this.path.render() + suffix);
  }

  private status(start: number, end: number): [SpanStatus, string | undefined] {
    const r = this.r;
    let code = 0;
    let messageStart = -1;
    let messageEnd = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      if (field === 2) {
        messageEnd = r.lenField(tag, end);
        messageStart = r.pos;
        r.pos = messageEnd;
      } else if (field === 3) {
        r.expect(field, tag & 7, WIRE_VARINT);
        code = r.uint32(end) | 0;
      } else {
        r.skip(tag & 7, end);
      }
    }
    const status = STATUS_CODES[validEnum(code, STATUS_CODES) ? code : this.enumError(code, '.status.code')];
    return [status, messageStart >= 0 && messageEnd > messageStart ? r.utf8(messageStart, messageEnd) : undefined];
  }

  private events(ranges: number[]): SpanEvent[] {
    const events: SpanEvent[] = [];
    if (ranges.length === 0) {
      return events;
    }
    this.path.push('.events');
    for (let i = 0; i < ranges.length; i += 2) {
      this.path.push(i / 2);
      events.push(this.event(ranges[i], ranges[i + 1]));
      this.path.pop();
    }
    this.path.pop();
    return events;
  }

  private event(start: number, end: number): SpanEvent {
    const r = this.r;
    let name = '';
    let time = '0';
    const attributes: Attributes = {};
    let index = 0;
    this.path.push('.attributes');
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === 1) {
        r.expect(field, wireType, WIRE_FIXED64);
        r.fixed64(end);
        time = r.decimal();
      } else if (field === 2 || field === 3) {
        const fieldEnd = r.lenField(tag, end);
        if (field === 2) {
          name = this.values.strings.get(r.pos, fieldEnd);
        } else {
          this.values.keyValue(r.pos, fieldEnd, attributes, index++, 0);
        }
        r.pos = fieldEnd;
      } else {
        r.skip(wireType, end);
      }
    }
    this.path.pop();
    return { name, timeUnixNano: time, attributes };
  }

  private attributeEntries(ranges: number[]): Attributes {
    const attributes: Attributes = {};
    for (let i = 0; i < ranges.length; i += 2) {
      this.values.keyValue(ranges[i], ranges[i + 1], attributes, i / 2, 0);
    }
    return attributes;
  }
}

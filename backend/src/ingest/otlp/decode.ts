import type { Span } from '@osprey/model';

import Long from 'long';

import { convertExportRequest } from './convert';
import { OtlpValidationError } from './errors';
import { readExportTraceRequest } from './trace-reader';

/** The slice of protobufjs' generated static code that decoding needs. */
interface GeneratedMessageType {
  decode(bytes: Uint8Array): unknown;
}

interface GeneratedResponseType {
  encode(message: object): { finish(): Uint8Array };
}

interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: { ExportTraceServiceRequest: GeneratedMessageType; ExportTraceServiceResponse: GeneratedResponseType };
        };
        metrics: {
          v1: {
            ExportMetricsServiceRequest: GeneratedMessageType;
            ExportMetricsServiceResponse: GeneratedResponseType;
          };
        };
        logs: {
          v1: { ExportLogsServiceRequest: GeneratedMessageType; ExportLogsServiceResponse: GeneratedResponseType };
        };
      };
    };
  };
}

// The OpenTelemetry project's own protobufjs build of the OTLP protos (static code, shipped in
// otlp-transformer 0.57.x); newer otlp-transformer releases dropped it for a hand-written encoder.
const root: GeneratedRoot = require('@opentelemetry/otlp-transformer/build/src/generated/root');
const protobufUtil: { Long?: unknown } = require('protobufjs/minimal').util;

const { collector } = root.opentelemetry.proto;

/** The three OTLP/HTTP export requests and their responses, by signal. */
export const OTLP_REQUESTS = {
  traces: {
    name: 'ExportTraceServiceRequest',
    type: collector.trace.v1.ExportTraceServiceRequest,
    response: collector.trace.v1.ExportTraceServiceResponse,
  },
  metrics: {
    name: 'ExportMetricsServiceRequest',
    type: collector.metrics.v1.ExportMetricsServiceRequest,
    response: collector.metrics.v1.ExportMetricsServiceResponse,
  },
  logs: {
    name: 'ExportLogsServiceRequest',
    type: collector.logs.v1.ExportLogsServiceRequest,
    response: collector.logs.v1.ExportLogsServiceResponse,
  },
} as const;

export type OtlpSignal = keyof typeof OTLP_REQUESTS;

if (protobufUtil.Long !== Long) {
  // Without Long, protobufjs reads fixed64 into a double and nanosecond times lose digits; with
  // another copy of it, convert would not recognise the values as integers.
  throw new Error('protobufjs does not use the "long" package the backend depends on');
}

/**
 * An OTLP/HTTP body → the export request as a plain message, for a signal's converter. Throws
 * OtlpValidationError for bytes that are not a valid request. The decoded protobuf message goes to
 * the converter as it is: `toObject` would copy every field (Longs into decimal strings) only for
 * the converter to read it once, a third of the decoding time.
 */
export function decodeOtlpMessage(signal: OtlpSignal, body: Uint8Array, json: boolean): unknown {
  const { name, type } = OTLP_REQUESTS[signal];
  if (json) {
    return parseJson(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'));
  }
  try {
    return type.decode(body);
  } catch (err) {
    // protobufjs recurses per nested message: absurd nesting ends in a RangeError, still bad input.
    throw new OtlpValidationError('', `body is not a protobuf ${name}: ${(err as Error).message}`);
  }
}

/**
 * The export response as protobuf bytes, for a protobuf request: OTLP/HTTP answers in the
 * request's encoding, and the SDK exporters decode a protobuf answer (a JSON one makes them log
 * "could not deserialize response"). A full success is the empty message: no partial_success.
 */
export function encodeOtlpResponse(signal: OtlpSignal, partialSuccess: Record<string, unknown>): Uint8Array {
  const message = Object.keys(partialSuccess).length === 0 ? {} : { partialSuccess };
  return OTLP_REQUESTS[signal].response.encode(message).finish();
}

/**
 * OTLP/HTTP protobuf body → Spans, as /v1/traces reads it. Throws OtlpValidationError for bytes
 * that are not a valid request.
 */
export function decodeOtlpProtobuf(body: Uint8Array): Span[] {
  return readExportTraceRequest(body);
}

/** OTLP/HTTP JSON body (UTF-8 text) → Spans. Throws OtlpValidationError for invalid JSON or schema. */
export function decodeOtlpJson(body: string): Span[] {
  return convertExportRequest(parseJson(body));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OtlpValidationError('', `body is not JSON: ${(err as Error).message}`);
  }
}

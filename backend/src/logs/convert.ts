import { createHash } from 'node:crypto';

import { type LogRecord, severityLevel } from '@osprey/model';

import { instanceOf, nanosToMillis } from '../derive/transactions';
import { OtlpValidationError } from '../ingest/otlp/errors';
import {
  absent,
  asObject,
  asString,
  convertAnyValue,
  convertAttributes,
  enumValue,
  forEachElement,
  optionalId,
  readResource,
  uint64,
  ZERO_NANOS,
} from '../ingest/otlp/values';

/** OTLP SeverityNumber names, by number (TRACE..TRACE4 = 1..4, DEBUG = 5, … FATAL4 = 24). */
const SEVERITY_NAMES: readonly string[] = [
  'unspecified',
  ...['trace', 'debug', 'info', 'warn', 'error', 'fatal'].flatMap((level) => [
    level,
    `${level}2`,
    `${level}3`,
    `${level}4`,
  ]),
];

/**
 * An ExportLogsServiceRequest (JSON.parse output or protobufjs' decoded message) → LogRecords,
 * validating every field: the first bad one throws OtlpValidationError naming its path, and the
 * caller refuses the whole batch.
 */
export function convertLogsRequest(request: unknown): LogRecord[] {
  const root = asObject(request, '');
  const records: LogRecord[] = [];
  forEachElement(root.resourceLogs, 'resourceLogs', (rl, rlPath) => {
    const resourceLogs = asObject(rl, rlPath);
    const resource = readResource(resourceLogs, rlPath);
    const instance = instanceOf(resource.attributes);
    forEachElement(resourceLogs.scopeLogs, `${rlPath}.scopeLogs`, (sl, slPath) => {
      forEachElement(asObject(sl, slPath).logRecords, `${slPath}.logRecords`, (r, recordPath) => {
        records.push(convertRecord(asObject(r, recordPath), recordPath, resource.service, instance));
      });
    });
  });
  return records;
}

function convertRecord(record: Record<string, unknown>, path: string, service: string, instance: string): LogRecord {
  let nanos = uint64(record.timeUnixNano, `${path}.timeUnixNano`);
  if (nanos === ZERO_NANOS) {
    // The data model: a record without its event time is placed at the time it was observed.
    nanos = uint64(record.observedTimeUnixNano, `${path}.observedTimeUnixNano`);
  }
  if (nanos === ZERO_NANOS) {
    throw new OtlpValidationError(`${path}.timeUnixNano`, 'required (or observedTimeUnixNano), must be > 0');
  }
  const severityNumber = enumValue(record.severityNumber, 'SEVERITY_NUMBER_', SEVERITY_NAMES, `${path}.severityNumber`);
  const severityText = absent(record.severityText) ? '' : asString(record.severityText, `${path}.severityText`);
  const body = convertAnyValue(record.body, `${path}.body`, 0);
  const traceId = optionalId(record.traceId, 16, `${path}.traceId`);
  const spanId = optionalId(record.spanId, 8, `${path}.spanId`);
  const attributes = convertAttributes(record.attributes, `${path}.attributes`);
  const result: LogRecord = {
    id: '',
    time: nanosToMillis(nanos),
    service,
    instance,
    severityNumber,
    severityText: severityText === '' ? severityLevel(severityNumber) : severityText,
    body: typeof body === 'string' ? body : body === null ? '' : JSON.stringify(body),
    attributes,
  };
  if (traceId !== undefined) {
    result.traceId = traceId;
  }
  if (spanId !== undefined) {
    result.spanId = spanId;
  }
  result.id = recordId(result, nanos);
  return result;
}

/**
 * The record's content hash, the logs frame's id: copies of a record that an exporter resent after
 * a lost answer share it, so a reader (Grafana's logs panel) can tell them apart from two real
 * lines. The nanosecond time is hashed, so identical lines logged apart are two records.
 */
function recordId(record: LogRecord, nanos: bigint): string {
  return createHash('sha1')
    .update(
      JSON.stringify([
        record.service,
        record.instance,
        nanos.toString(),
        record.severityNumber,
        record.severityText,
        record.body,
        record.traceId ?? '',
        record.spanId ?? '',
        record.attributes,
      ])
    )
    .digest('hex')
    .slice(0, 32);
}

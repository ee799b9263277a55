import type {
  Attributes,
  ExplicitBuckets,
  ExponentialBuckets,
  MetricKind,
  MetricPoint,
  MetricTemporality,
} from '@osprey/model';

import { instanceOf, nanosToMillis } from '../derive/transactions';
import { OtlpValidationError } from '../ingest/otlp/errors';
import {
  absent,
  asObject,
  asString,
  convertAttributes,
  count,
  enumValue,
  forEachElement,
  int32,
  int64,
  optionalDouble,
  readResource,
  uint64,
  ZERO_NANOS,
} from '../ingest/otlp/values';

/** What one export request held: the points to store and the summary points Osprey does not keep. */
export interface ConvertedMetrics {
  points: MetricPoint[];
  /** OTLP Summary points (legacy Prometheus summaries): answered as `partialSuccess.rejectedDataPoints`. */
  rejectedSummaryPoints: number;
}

const TEMPORALITIES: readonly MetricTemporality[] = ['unspecified', 'delta', 'cumulative'];

/** The data fields of an OTLP Metric, by the kind each stores as. */
const DATA_FIELDS: ReadonlyArray<[field: string, kind: MetricKind]> = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
];

interface MetricContext {
  service: string;
  instance: string;
  name: string;
  unit: string;
  kind: MetricKind;
  temporality: MetricTemporality;
  monotonic?: boolean;
}

/**
 * An ExportMetricsServiceRequest (either shape convert.ts of the traces describes) → MetricPoints,
 * validating every field: the first bad one throws OtlpValidationError naming its path, and the
 * caller refuses the whole batch.
 */
export function convertMetricsRequest(request: unknown): ConvertedMetrics {
  const root = asObject(request, '');
  const points: MetricPoint[] = [];
  let rejectedSummaryPoints = 0;
  forEachElement(root.resourceMetrics, 'resourceMetrics', (rm, rmPath) => {
    const resourceMetrics = asObject(rm, rmPath);
    const resource = readResource(resourceMetrics, rmPath);
    const instance = instanceOf(resource.attributes);
    forEachElement(resourceMetrics.scopeMetrics, `${rmPath}.scopeMetrics`, (sm, smPath) => {
      forEachElement(asObject(sm, smPath).metrics, `${smPath}.metrics`, (m, metricPath) => {
        const metric = asObject(m, metricPath);
        const name = asString(metric.name, `${metricPath}.name`);
        if (name === '') {
          throw new OtlpValidationError(`${metricPath}.name`, 'required');
        }
        const unit = absent(metric.unit) ? '' : asString(metric.unit, `${metricPath}.unit`);
        if (!absent(metric.summary)) {
          const summaryPath = `${metricPath}.summary`;
          forEachElement(asObject(metric.summary, summaryPath).dataPoints, `${summaryPath}.dataPoints`, () => {
            rejectedSummaryPoints += 1;
          });
          return;
        }
        const data = DATA_FIELDS.find(([field]) => !absent(metric[field]));
        if (data === undefined) {
          throw new OtlpValidationError(metricPath, 'has no gauge, sum, histogram or exponentialHistogram');
        }
        const [field, kind] = data;
        const dataPath = `${metricPath}.${field}`;
        const body = asObject(metric[field], dataPath);
        const context: MetricContext = {
          service: resource.service,
          instance,
          name,
          unit,
          kind,
          temporality:
            kind === 'gauge'
              ? 'unspecified'
              : TEMPORALITIES[
                  enumValue(
                    body.aggregationTemporality,
                    'AGGREGATION_TEMPORALITY_',
                    TEMPORALITIES,
                    `${dataPath}.aggregationTemporality`
                  )
                ],
        };
        if (kind === 'sum') {
          if (!absent(body.isMonotonic) && typeof body.isMonotonic !== 'boolean') {
            throw new OtlpValidationError(`${dataPath}.isMonotonic`, 'must be a boolean');
          }
          context.monotonic = body.isMonotonic === true;
        }
        forEachElement(body.dataPoints, `${dataPath}.dataPoints`, (p, pointPath) => {
          points.push(convertPoint(asObject(p, pointPath), pointPath, context));
        });
      });
    });
  });
  return { points, rejectedSummaryPoints };
}

function convertPoint(point: Record<string, unknown>, path: string, context: MetricContext): MetricPoint {
  const time = uint64(point.timeUnixNano, `${path}.timeUnixNano`);
  if (time === ZERO_NANOS) {
    throw new OtlpValidationError(`${path}.timeUnixNano`, 'required, must be > 0');
  }
  const start = uint64(point.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const attributes: Attributes = convertAttributes(point.attributes, `${path}.attributes`);
  const result: MetricPoint = {
    service: context.service,
    instance: context.instance,
    name: context.name,
    unit: context.unit,
    kind: context.kind,
    time: nanosToMillis(time),
    temporality: context.temporality,
    attributes,
  };
  if (start !== ZERO_NANOS) {
    result.startTime = nanosToMillis(start);
  }
  if (context.monotonic !== undefined) {
    result.monotonic = context.monotonic;
  }
  if (context.kind === 'gauge' || context.kind === 'sum') {
    result.value = numberValue(point, path);
    return result;
  }
  result.count = count(point.count, `${path}.count`);
  setOptional(result, 'sum', optionalDouble(point.sum, `${path}.sum`));
  setOptional(result, 'min', optionalDouble(point.min, `${path}.min`));
  setOptional(result, 'max', optionalDouble(point.max, `${path}.max`));
  result.buckets = context.kind === 'histogram' ? explicitBuckets(point, path) : exponentialBuckets(point, path);
  return result;
}

function setOptional(point: MetricPoint, key: 'sum' | 'min' | 'max', value: number | undefined): void {
  if (value !== undefined) {
    point[key] = value;
  }
}

/** NumberDataPoint's `value` oneof: asDouble or asInt (int64, exact to 2^53 as a number). */
function numberValue(point: Record<string, unknown>, path: string): number {
  if (!absent(point.asDouble)) {
    return optionalDouble(point.asDouble, `${path}.asDouble`)!;
  }
  if (!absent(point.asInt)) {
    return Number(int64(point.asInt, `${path}.asInt`));
  }
  // proto3 leaves a zero value unsent, so a point with neither is 0.
  return 0;
}

function explicitBuckets(point: Record<string, unknown>, path: string): ExplicitBuckets {
  const bounds: number[] = [];
  forEachElement(point.explicitBounds, `${path}.explicitBounds`, (b, boundPath) => {
    bounds.push(optionalDouble(b, boundPath) ?? 0);
  });
  const counts = bucketCounts(point.bucketCounts, `${path}.bucketCounts`);
  if (counts.length > 0 && counts.length !== bounds.length + 1) {
    throw new OtlpValidationError(
      `${path}.bucketCounts`,
      `has ${counts.length} buckets for ${bounds.length} explicitBounds (must be ${bounds.length + 1})`
    );
  }
  return { bounds, counts };
}

function exponentialBuckets(point: Record<string, unknown>, path: string): ExponentialBuckets {
  const side = (value: unknown, sidePath: string) => {
    if (absent(value)) {
      return { offset: 0, counts: [] };
    }
    const buckets = asObject(value, sidePath);
    return {
      offset: int32(buckets.offset, `${sidePath}.offset`),
      counts: bucketCounts(buckets.bucketCounts, `${sidePath}.bucketCounts`),
    };
  };
  return {
    scale: int32(point.scale, `${path}.scale`),
    zeroCount: count(point.zeroCount, `${path}.zeroCount`),
    positive: side(point.positive, `${path}.positive`),
    negative: side(point.negative, `${path}.negative`),
  };
}

function bucketCounts(list: unknown, path: string): number[] {
  const counts: number[] = [];
  forEachElement(list, path, (c, countPath) => counts.push(count(c, countPath)));
  return counts;
}

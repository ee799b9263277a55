import { SLO_OBJECTIVES, type SloDefinition } from '@osprey/model';
import Ajv from 'ajv';

import { listError } from '../config/list-error';
import { DURATION_BUCKETS } from '../metrics/ingest-metrics';
import { parseDuration } from '../retention/policy';

/** An SLO name is a Prometheus label value and a rule-file key. */
export const SLO_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DAY_MS = 86_400_000;
/** From the longest burn-rate window (3 d) to the rollups' default retention. */
export const SLO_WINDOW_RANGE_MS = { min: 3 * DAY_MS, max: 90 * DAY_MS };
/** Latency thresholds /metrics can count exactly: its histogram's bucket edges, ms. */
export const SLO_THRESHOLDS_MS = DURATION_BUCKETS.map((seconds) => Math.round(seconds * 1000));

const SLO_LIST_SCHEMA = {
  type: 'array',
  maxItems: 1000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'service', 'objective', 'target', 'window'],
    properties: {
      name: { type: 'string', pattern: SLO_NAME.source },
      service: { type: 'string', minLength: 1, maxLength: 256 },
      endpoint: { type: 'string', minLength: 1, maxLength: 1024 },
      objective: { type: 'string', enum: SLO_OBJECTIVES },
      target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100 },
      window: { type: 'string' },
      thresholdMs: { type: 'number', enum: SLO_THRESHOLDS_MS },
    },
  },
};

const validateList = new Ajv({ allErrors: false }).compile(SLO_LIST_SCHEMA);

type Entry = Omit<SloDefinition, 'windowMs'>;

/**
 * The config file's `slos` list → definitions; throws an Error naming the entry (the config reader
 * turns it into a ConfigError), so a backend never starts with an SLO it cannot evaluate.
 */
export function parseSloList(value: unknown): SloDefinition[] {
  if (!validateList(value)) {
    throw listError('slos', validateList.errors);
  }
  const names = new Set<string>();
  return (value as Entry[]).map((entry) => {
    const where = `slos: ${entry.name}`;
    if (names.has(entry.name)) {
      throw new Error(`slos: two SLOs named ${JSON.stringify(entry.name)}`);
    }
    names.add(entry.name);
    const windowMs = parseDuration(entry.window);
    if (windowMs === undefined || windowMs < SLO_WINDOW_RANGE_MS.min || windowMs > SLO_WINDOW_RANGE_MS.max) {
      throw new Error(
        `${where}: window must be a duration from 3d to 90d such as 30d, got ${JSON.stringify(entry.window)}`
      );
    }
    if ((entry.objective === 'latency') !== (entry.thresholdMs !== undefined)) {
      throw new Error(`${where}: thresholdMs is required for a latency SLO and applies to latency SLOs only`);
    }
    return { ...entry, windowMs };
  });
}

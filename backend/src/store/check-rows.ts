import type { CheckFailure, CheckKind, CheckPhases, CheckRun } from '@osprey/model';

/**
 * The columns of a stored check run, in table order, as both stores name them; `rowToCheckRun`
 * reads a row of either back, so their answers cannot drift apart.
 */
export const CHECK_RUN_COLUMNS = [
  'check_name',
  'kind',
  'url',
  'location',
  'started_at',
  'duration',
  'up',
  'dns',
  'connect',
  'tls',
  'first_byte',
  'http_status',
  'failure',
  'message',
] as const;

const PHASE_COLUMNS: Record<keyof CheckPhases, string> = {
  dns: 'dns',
  connect: 'connect',
  tls: 'tls',
  firstByte: 'first_byte',
};

type Row = Record<string, unknown>;
const present = (value: unknown) => value !== null && value !== undefined;

export function rowToCheckRun(row: Row): CheckRun {
  const phases: CheckPhases = {};
  for (const [phase, column] of Object.entries(PHASE_COLUMNS) as Array<[keyof CheckPhases, string]>) {
    if (present(row[column])) {
      phases[phase] = Number(row[column]);
    }
  }
  const run: CheckRun = {
    check: String(row.check_name),
    kind: String(row.kind) as CheckKind,
    url: String(row.url),
    location: String(row.location),
    startedAt: Number(row.started_at),
    durationMs: Number(row.duration),
    // DuckDB answers a BOOLEAN, ClickHouse its UInt8.
    up: row.up === true || Number(row.up) === 1,
    phases,
  };
  if (present(row.http_status)) {
    run.httpStatus = Number(row.http_status);
  }
  if (present(row.failure)) {
    run.failure = String(row.failure) as CheckFailure;
  }
  if (present(row.message)) {
    run.message = String(row.message);
  }
  return run;
}

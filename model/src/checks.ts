/**
 * Synthetic checks: probes the backend runs against a configured URL on a schedule, and the runs
 * they record (stored as check runs and as `synthetic` transactions on the XLOG).
 */

export const CHECK_API_PATHS = {
  /** GET: every check with its newest run (read); PUT/DELETE `/:name`: define or remove one (admin). */
  checks: '/api/v1/checks',
  /** GET: stored runs, newest first (read). */
  runs: '/api/v1/check-runs',
} as const;

export type CheckKind = 'http' | 'tcp';
export const CHECK_KINDS: readonly CheckKind[] = ['http', 'tcp'];

/** The service the runs' transactions carry on the XLOG; their endpoint is the check's name. */
export const CHECK_SERVICE = 'osprey-checks';

/** A check as configured. `url` is `http(s)://…` for http checks, `tcp://host:port` for tcp. */
export interface CheckDefinition {
  name: string;
  kind: CheckKind;
  url: string;
  /** HTTP only. */
  method?: string;
  headers?: Record<string, string>;
  /** HTTP statuses counted as up; default any 2xx. */
  expectedStatus?: number[];
  /** HTTP only: the body must contain this text. */
  bodyMatch?: string;
  intervalMs: number;
  timeoutMs: number;
}

/** Why a run was down; `message` says it in words. */
export type CheckFailure = 'timeout' | 'refused' | 'dns' | 'tls' | 'status' | 'body' | 'error';

/**
 * Phase timings in ms from the run's start, each where the socket reported it: DNS lookup done,
 * TCP connected, TLS handshake done, first response byte. Absent = not measured (an IP literal has
 * no lookup, plain HTTP no TLS, a refused connection no connect).
 */
export interface CheckPhases {
  dns?: number;
  connect?: number;
  tls?: number;
  firstByte?: number;
}

export interface CheckRun {
  check: string;
  kind: CheckKind;
  url: string;
  /** The backend that ran it (its host name, or --check-location). */
  location: string;
  /** Epoch ms. */
  startedAt: number;
  /** Whole run, ms; up to the timeout for a run that timed out. */
  durationMs: number;
  up: boolean;
  phases: CheckPhases;
  httpStatus?: number;
  failure?: CheckFailure;
  message?: string;
}

export interface CheckStatus {
  definition: CheckDefinition;
  /** Newest run this backend made since it started, absent before the first. */
  lastRun?: CheckRun;
}

export interface ChecksResponse {
  checks: CheckStatus[];
}

/** Query string of `GET /api/v1/check-runs`; times are epoch ms on `startedAt`. */
export interface CheckRunQuery {
  from: number;
  to: number;
  check?: string;
  limit: number;
}

export interface CheckRunsResponse {
  runs: CheckRun[];
}

/**
 * Frames the datasource makes of the check routes and the Health dashboard's panels read: the
 * status table (one row per check) and the uptime timeline (one frame per check, `time` + `up`
 * named by its check).
 */
export const CHECK_FRAMES = { status: 'checks', runs: 'check-runs' } as const;

/** Fields of the status frame, in its column order. */
export const CHECK_STATUS_FIELDS = {
  check: 'check',
  kind: 'kind',
  url: 'url',
  up: 'up',
  lastRun: 'lastRun',
  duration: 'durationMs',
  firstByte: 'firstByteMs',
  httpStatus: 'httpStatus',
  failure: 'failure',
  message: 'message',
  uptime: 'uptimePercent',
  runs: 'runs',
} as const;

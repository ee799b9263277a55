import { randomBytes } from 'node:crypto';

import {
  JVM_REQUEST_TIMEOUT_MS,
  type JvmRequest,
  type JvmRequestKind,
  type JvmRequestResult,
  type JvmRequestStatus,
} from '@osprey/model';

import type { JvmRequestQuery, JvmRequestUpdate, NewJvmRequest } from '../store';
import type { ClickHouseConnection, Row } from './connection';
import { num, str } from './sql';

/**
 * JVM capture requests. ClickHouse 18.16 has no conditional UPDATE, so a request is the rows of
 * its transitions (created pending, taken, done or failed), each an insert never rewritten, and
 * its state is folded from them: the furthest transition wins, the earliest of equal ones. A
 * transition reads the state, refuses what the DuckDB store's conditional UPDATE refuses, inserts
 * its row, then reads again and reports `ok` only if its own row is the one that won.
 *
 * Within one backend, transitions run one at a time (`serial`), so a claim or finish is atomic
 * there: the second of two claims reads `taken` and inserts nothing. DESIGN.md's scale-out store
 * is written by several backends, and ClickHouse offers no compare-and-set to make that atomic
 * across processes (reads and inserts alone cannot reach consensus). The re-read makes concurrent
 * claims through different backends agree on one winner, except when a claim inserted after
 * another's re-read carries an earlier time (its backend read `pending` first, or runs a slower
 * clock): it wins the fold, and both were told `ok`. Only agents of the request's JVM claim it, so
 * that takes two agents of one JVM polling two backends at the same moment, and costs one capture
 * taken twice; every later read answers the one winner.
 */

/** A transition as stored: every row repeats the request's fixed fields, so any row describes it. */
export interface RequestRow {
  id: string;
  service: string;
  instance: string;
  kind: JvmRequestKind;
  requested_at: number;
  status: JvmRequestStatus;
  /** When this transition happened: the request's `updatedAt` while it is the winning row. */
  at: number;
  result_id: string | null;
  error: string | null;
  /** Unique per inserted row: tells a transition's own row from a concurrent one at the same time. */
  attempt: string;
}

const RANK: Record<JvmRequestStatus, number> = { pending: 0, taken: 1, done: 2, failed: 2 };

/** Whether `a` wins over `b`: further along, else earlier, else the smaller attempt. */
function wins(a: RequestRow, b: RequestRow): boolean {
  if (RANK[a.status] !== RANK[b.status]) {
    return RANK[a.status] > RANK[b.status];
  }
  if (a.at !== b.at) {
    return a.at < b.at;
  }
  return a.attempt < b.attempt;
}

/** The winning row of one request's rows, undefined for none. */
export function winningRow(rows: readonly RequestRow[]): RequestRow | undefined {
  return rows.reduce<RequestRow | undefined>(
    (best, row) => (best === undefined || wins(row, best) ? row : best),
    undefined
  );
}

/** The request as the DuckDB store answers it, from its winning row. */
export function rowToRequest(row: RequestRow): JvmRequest {
  const request: JvmRequest = {
    id: row.id,
    service: row.service,
    instance: row.instance,
    kind: row.kind,
    status: row.status,
    requestedAt: row.requested_at,
    updatedAt: row.at,
  };
  if (row.result_id !== null) {
    request.resultId = row.result_id;
  }
  if (row.error !== null) {
    request.error = row.error;
  }
  return request;
}

/** The winning rows of every request among `rows`, oldest request first (requested at, then id). */
export function winningRows(rows: readonly RequestRow[]): RequestRow[] {
  const byId = new Map<string, RequestRow[]>();
  for (const row of rows) {
    const group = byId.get(row.id);
    if (group === undefined) {
      byId.set(row.id, [row]);
    } else {
      group.push(row);
    }
  }
  return [...byId.values()]
    .map((group) => winningRow(group) as RequestRow)
    .sort((a, b) => a.requested_at - b.requested_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function fromClickHouse(row: Row): RequestRow {
  return {
    id: String(row.id),
    service: String(row.service),
    instance: String(row.instance),
    kind: row.kind as JvmRequestKind,
    requested_at: Number(row.requested_at),
    status: row.status as JvmRequestStatus,
    at: Number(row.at),
    result_id: row.result_id === null ? null : String(row.result_id),
    error: row.error === null ? null : String(row.error),
    attempt: String(row.attempt),
  };
}

const COLUMNS = 'id, service, instance, kind, requested_at, status, at, result_id, error, attempt';

function newAttempt(): string {
  return randomBytes(8).toString('hex');
}

/** The next state a transition asks for, given the request's current one; undefined refuses it (conflict). */
type Transition = (current: JvmRequestStatus) => Pick<RequestRow, 'status' | 'result_id' | 'error'> | undefined;

const claim: Transition = (current) =>
  current === 'pending' ? { status: 'taken', result_id: null, error: null } : undefined;

function finish(result: JvmRequestResult): Transition {
  return (current) => {
    if (current !== 'pending' && current !== 'taken') {
      return undefined;
    }
    return 'error' in result
      ? { status: 'failed', result_id: null, error: result.error }
      : { status: 'done', result_id: result.resultId, error: null };
  };
}

export class ClickHouseJvmRequests {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly connection: ClickHouseConnection) {}

  /**
   * Runs `work` once every read or transition this backend started before it has finished and the
   * requests overdue at `now` have failed.
   */
  private serial<T>(now: number, work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      await this.expire(now);
      return work();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async create(r: NewJvmRequest): Promise<JvmRequest> {
    const row: RequestRow = {
      id: r.id,
      service: r.service,
      instance: r.instance,
      kind: r.kind,
      requested_at: r.now,
      status: 'pending',
      at: r.now,
      result_id: null,
      error: null,
      attempt: newAttempt(),
    };
    await this.connection.insert('jvm_requests', [{ ...row }]);
    return rowToRequest(row);
  }

  list(query: JvmRequestQuery, now: number): Promise<JvmRequest[]> {
    return this.serial(now, async () => {
      const where = ['1'];
      if (query.service !== undefined) {
        where.push(`service = ${str(query.service)}`);
      }
      if (query.instance !== undefined) {
        where.push(`instance = ${str(query.instance)}`);
      }
      const rows = await this.connection.rows(`SELECT ${COLUMNS} FROM jvm_requests WHERE ${where.join(' AND ')}`);
      return winningRows(rows.map(fromClickHouse))
        .filter((row) => query.status === undefined || row.status === query.status)
        .map(rowToRequest);
    });
  }

  get(id: string, now: number): Promise<JvmRequest | undefined> {
    return this.serial(now, async () => {
      const row = await this.current(id);
      return row === undefined ? undefined : rowToRequest(row);
    });
  }

  claim(id: string, now: number): Promise<JvmRequestUpdate> {
    return this.serial(now, () => this.transition(id, now, claim));
  }

  finish(id: string, result: JvmRequestResult, now: number): Promise<JvmRequestUpdate> {
    return this.serial(now, () => this.transition(id, now, finish(result)));
  }

  private async current(id: string): Promise<RequestRow | undefined> {
    const rows = await this.connection.rows(`SELECT ${COLUMNS} FROM jvm_requests WHERE id = ${str(id)}`);
    return winningRow(rows.map(fromClickHouse));
  }

  private async transition(id: string, now: number, next: Transition): Promise<JvmRequestUpdate> {
    const current = await this.current(id);
    if (current === undefined) {
      return { outcome: 'missing' };
    }
    const change = next(current.status);
    if (change === undefined) {
      return { outcome: 'conflict', request: rowToRequest(current) };
    }
    const attempt = newAttempt();
    await this.connection.insert('jvm_requests', [{ ...current, ...change, at: now, attempt }]);
    const winner = (await this.current(id)) as RequestRow;
    const request = rowToRequest(winner);
    return winner.attempt === attempt ? { outcome: 'ok', request } : { outcome: 'conflict', request };
  }

  /**
   * Pending requests nobody claimed within the timeout fail, so Grafana stops waiting for them.
   * GROUP BY, not `NOT IN (subquery)`: ClickHouse refuses a subquery on a Distributed table inside
   * a query on one. The fixed fields are the same on every row of a request, so they group as one.
   */
  private async expire(now: number): Promise<void> {
    const rows = await this.connection.rows(
      `SELECT id, service, instance, kind, requested_at FROM jvm_requests
       WHERE requested_at < ${num(now - JVM_REQUEST_TIMEOUT_MS)}
       GROUP BY id, service, instance, kind, requested_at HAVING countIf(status != 'pending') = 0`
    );
    await this.connection.insert(
      'jvm_requests',
      rows.map((row) => ({
        ...row,
        status: 'failed',
        at: now,
        result_id: null,
        error: 'no agent took it',
        attempt: newAttempt(),
      }))
    );
  }
}

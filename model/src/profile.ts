import { type Static, Type } from '@sinclair/typebox';

import { API_PATHS } from './api';
import { HexId, Millis, StringEnum, Strict } from './schema';

/**
 * A transaction's profile (Scouter's XLOG profile): the ordered steps inside its service — SQL
 * statements, API calls, the other spans it ran, and its log records — each at its offset from
 * the transaction's start (`GET /api/v1/traces/{traceId}/profile`).
 */
export const PROFILE_PATH = (traceId: string) => `${API_PATHS.traces}/${traceId}/profile`;

export const PROFILE_STEP_KINDS = ['sql', 'api', 'span', 'log'] as const;
export type ProfileStepKind = (typeof PROFILE_STEP_KINDS)[number];

export const ProfileQuerySchema = Strict({
  spanId: Type.Optional(
    HexId(16, {
      description: "the transaction's entry span: 16 hex digits, not all zeros (absent: the trace's first entry span)",
    })
  ),
});
export type ProfileQuery = Static<typeof ProfileQuerySchema>;

export const ProfileStepSchema = Type.Object({
  kind: StringEnum(PROFILE_STEP_KINDS),
  /** Milliseconds from the transaction's start (a log record's time; a step that began before it is negative). */
  offset: Type.Number(),
  /** Milliseconds; absent for a log record. */
  duration: Type.Optional(Millis()),
  /** Nesting below the entry span, 1 for its children; a log record is one below its span. */
  depth: Type.Integer({ minimum: 1 }),
  /** The span's name, or a log record's body. */
  name: Type.String(),
  error: Type.Boolean(),
  /** The span the step is, or a log record was written in. */
  spanId: Type.Optional(Type.String()),
  /** sql: the statement as sent, when the span carries it. */
  statement: Type.Optional(Type.String()),
  /** sql: the normalised statement, the SQL statistics' key. */
  normalized: Type.Optional(Type.String()),
  /** sql: `db.system`; api: what was called (`server.address:port`, the URL or the RPC method). */
  target: Type.Optional(Type.String()),
  /** log: the record's severity as text. */
  severity: Type.Optional(Type.String()),
});
export type ProfileStep = Static<typeof ProfileStepSchema>;

export const TransactionProfileSchema = Type.Object({
  traceId: Type.String(),
  spanId: Type.String(),
  service: Type.String(),
  /** The entry span's name. */
  name: Type.String(),
  /** Epoch ms. */
  startTime: Type.Number(),
  /** Milliseconds. */
  elapsed: Millis(),
  steps: Type.Array(ProfileStepSchema),
});
export type TransactionProfile = Static<typeof TransactionProfileSchema>;

/** The datasource's profile table frame: its name and field names, read by the transactions dashboard. */
export const PROFILE_FRAME = {
  name: 'profile',
  fields: {
    offset: 'offset',
    duration: 'duration',
    kind: 'kind',
    step: 'step',
    target: 'target',
    statement: 'statement',
    error: 'error',
    severity: 'severity',
    spanId: 'spanId',
  },
} as const;

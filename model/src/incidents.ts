/**
 * Incident bundles ("Quick Service ON"): one request asks the agents for a fresh thread dump, heap
 * histogram and host snapshot of an instance, and once they are in (or failed, or timed out) packs
 * them with the instance's transactions, RED and errors of the last minutes into one zip archive
 * with a manifest of SHA-256 checksums.
 */
import { type Static, Type } from '@sinclair/typebox';

import { JVM_REQUEST_KINDS, JVM_REQUEST_STATUSES } from './jvm/api';
import { NonEmpty, Strict, StringEnum } from './schema';

export const INCIDENT_API_PATH = '/api/v1/incidents';

export const INCIDENT_STATUSES = ['collecting', 'ready', 'failed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const DEFAULT_INCIDENT_MINUTES = 15;
export const MAX_INCIDENT_MINUTES = 1440;

/** The `format` a bundle's manifest.json names, for an importer to refuse what it does not know. */
export const INCIDENT_BUNDLE_FORMAT = 'osprey-incident/1';

const Name = () => NonEmpty({ maxLength: 256 });
const Epoch = () => Type.Number({ description: 'epoch milliseconds' });

/** Body of `POST /api/v1/incidents` → 202 Incident (status collecting). */
export const IncidentCreateSchema = Strict({
  service: Name(),
  instance: Name(),
  /** The host the instance runs on, whose agent answers host snapshot requests; default the instance name. */
  host: Type.Optional(Name()),
  /** How far back the transactions, RED and errors reach. */
  minutes: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_INCIDENT_MINUTES, default: DEFAULT_INCIDENT_MINUTES })
  ),
  note: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type IncidentCreate = Static<typeof IncidentCreateSchema>;

/** One capture the incident asked an agent for, as its request stands. */
export const IncidentCaptureSchema = Type.Object({
  kind: StringEnum(JVM_REQUEST_KINDS),
  requestId: Type.String(),
  status: StringEnum(JVM_REQUEST_STATUSES),
  resultId: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});
export type IncidentCapture = Static<typeof IncidentCaptureSchema>;

/** One file of a bundle, as its manifest lists it. */
export const IncidentFileSchema = Type.Object({
  path: Type.String(),
  bytes: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ description: '64 lowercase hex digits' }),
});
export type IncidentFile = Static<typeof IncidentFileSchema>;

export const IncidentSchema = Type.Object({
  id: Type.String(),
  service: Type.String(),
  instance: Type.String(),
  host: Type.String(),
  minutes: Type.Integer(),
  note: Type.Optional(Type.String()),
  createdAt: Epoch(),
  /** The window the transactions, RED and errors are of: [from, to], `to` when the captures were in. */
  from: Type.Optional(Epoch()),
  to: Type.Optional(Epoch()),
  status: StringEnum(INCIDENT_STATUSES),
  captures: Type.Array(IncidentCaptureSchema),
  /** The archive, once ready: its size, checksum and the files in it. */
  bundle: Type.Optional(
    Type.Object({ bytes: Type.Integer(), sha256: Type.String(), files: Type.Array(IncidentFileSchema) })
  ),
  error: Type.Optional(Type.String()),
});
export type Incident = Static<typeof IncidentSchema>;

/** `GET /api/v1/incidents`, newest first. */
export const IncidentListResponseSchema = Type.Object({ incidents: Type.Array(IncidentSchema) });
export type IncidentListResponse = Static<typeof IncidentListResponseSchema>;

export const IncidentIdParamsSchema = Type.Object({
  id: Type.String({ pattern: '^[0-9a-f]{24}$', description: '24 lowercase hex digits' }),
});

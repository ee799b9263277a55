/**
 * Incident bundles ("Quick Service ON"): one request asks the agents for a fresh thread dump, heap
 * histogram and host snapshot of an instance, and once they are in (or failed, or timed out) packs
 * them with the instance's transactions, RED and errors of the last minutes into one zip archive
 * with a manifest of SHA-256 checksums.
 */
import { type Static, Type } from '@sinclair/typebox';

import { JVM_REQUEST_KINDS, JVM_REQUEST_STATUSES } from './jvm/api';
import { EpochMs, NonEmpty, Strict, StringEnum } from './schema';

export const INCIDENT_API_PATH = '/api/v1/incidents';
/** `POST` a bundle (application/zip) made by another Osprey to load it here. */
export const INCIDENT_IMPORT_PATH = `${INCIDENT_API_PATH}/import`;

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
  /** When the bundle was loaded here from another Osprey; absent on the backend that collected it. */
  importedAt: Type.Optional(Epoch()),
});
export type Incident = Static<typeof IncidentSchema>;

const CaptureId = () => Type.String({ pattern: '^[0-9a-f]{24}$', description: '24 lowercase hex digits' });

/**
 * One entry of a bundle's uploads.json: a capture as its upload route stored it (the raw body is
 * `file`), so an import stores the same row again. A host snapshot's target is the host request's
 * (service HOST_REQUEST_SERVICE, instance the host), its body the snapshot as uploaded.
 */
export const IncidentUploadSchema = Strict({
  kind: StringEnum(JVM_REQUEST_KINDS),
  file: NonEmpty(),
  id: CaptureId(),
  service: Name(),
  instance: Name(),
  receivedAt: EpochMs(),
  contentType: NonEmpty({ maxLength: 256 }),
});
export type IncidentUpload = Static<typeof IncidentUploadSchema>;
export const IncidentUploadsSchema = Type.Array(IncidentUploadSchema, { maxItems: JVM_REQUEST_KINDS.length });

/** `POST /api/v1/incidents/import` → 201: the incident as recorded here and what was loaded. */
export const IncidentImportedSchema = Type.Object({
  incident: IncidentSchema,
  loaded: Type.Object({
    spans: Type.Integer(),
    traces: Type.Integer(),
    transactions: Type.Integer(),
    threadDumps: Type.Integer(),
    heapHistograms: Type.Integer(),
    hostSnapshots: Type.Integer(),
  }),
});
export type IncidentImported = Static<typeof IncidentImportedSchema>;

/**
 * A bundle's manifest.json: the incident as collected (without `bundle`, the archive it is in) and
 * every other file of the zip with its size and checksum.
 */
export const IncidentManifestSchema = Type.Object({
  format: StringEnum([INCIDENT_BUNDLE_FORMAT]),
  incident: Type.Omit(IncidentSchema, ['bundle']),
  files: Type.Array(IncidentFileSchema, { maxItems: 64 }),
});
export type IncidentManifest = Static<typeof IncidentManifestSchema>;

/** `GET /api/v1/incidents`, newest first. */
export const IncidentListResponseSchema = Type.Object({ incidents: Type.Array(IncidentSchema) });
export type IncidentListResponse = Static<typeof IncidentListResponseSchema>;

export const IncidentIdParamsSchema = Type.Object({
  id: Type.String({ pattern: '^[0-9a-f]{24}$', description: '24 lowercase hex digits' }),
});

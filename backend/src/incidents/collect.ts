/**
 * Collecting an incident: capture requests through the same mechanism as Grafana's "Request thread
 * dump" (the agents poll for them), a wait until each is done or failed or the time is up, then the
 * bundle of what came in with the instance's transactions, RED and errors of the last minutes.
 */
import { setTimeout as delay } from 'node:timers/promises';

import {
  HOST_REQUEST_SERVICE,
  type Incident,
  type IncidentCapture,
  type IncidentCreate,
  type IncidentUpload,
  DEFAULT_INCIDENT_MINUTES,
  type JvmRequestKind,
  type Span,
  type Transaction,
} from '@osprey/model';

import { sortableId } from '../store/ids';
import type { Store } from '../store/store';
import { type BundleEntry, jsonEntry, manifestOf, sha256, SPANS, UPLOADS, zipBundle } from './bundle';
import type { IncidentFiles } from './files';

export interface CollectOptions {
  /** How long the captures may take before the bundle is made without the missing ones. */
  timeoutMs: number;
  pollMs: number;
  now: () => number;
  signal: AbortSignal;
}

/** Rows of each list in a bundle at most (transactions, error transactions, error logs, spans). */
export const BUNDLE_ROW_LIMIT = 10_000;
const ERROR_SEVERITY = 17;
const RED_STEP_MS = 60_000;

const WHAT_TO_CAPTURE: JvmRequestKind[] = ['threaddump', 'heaphistogram', 'hostsnapshot'];

const settled = (c: IncidentCapture) => c.status === 'done' || c.status === 'failed';

/** Files the incident and asks for its captures; the record as stored, status collecting. */
export async function startIncident(
  store: Store,
  files: IncidentFiles,
  body: IncidentCreate,
  now: number
): Promise<Incident> {
  const host = body.host ?? body.instance;
  const captures: IncidentCapture[] = [];
  for (const kind of WHAT_TO_CAPTURE) {
    const target =
      kind === 'hostsnapshot'
        ? { service: HOST_REQUEST_SERVICE, instance: host }
        : { service: body.service, instance: body.instance };
    const request = await store.createJvmRequest({ id: sortableId(now), ...target, kind, now });
    captures.push({ kind, requestId: request.id, status: request.status });
  }
  const incident: Incident = {
    id: sortableId(now),
    service: body.service,
    instance: body.instance,
    host,
    minutes: body.minutes ?? DEFAULT_INCIDENT_MINUTES,
    ...(body.note ? { note: body.note } : {}),
    createdAt: now,
    status: 'collecting',
    captures,
  };
  await files.save(incident);
  return incident;
}

/** The captures as their requests stand once all are settled or the time is up. */
async function awaitCaptures(store: Store, incident: Incident, o: CollectOptions): Promise<IncidentCapture[]> {
  const deadline = incident.createdAt + o.timeoutMs;
  let captures = incident.captures;
  for (;;) {
    captures = await Promise.all(
      captures.map(async (c): Promise<IncidentCapture> => {
        const request = await store.jvmRequest(c.requestId, o.now());
        if (!request) {
          return { ...c, status: 'failed', error: 'the capture request is gone' };
        }
        const { status, resultId, error } = request;
        return {
          kind: c.kind,
          requestId: c.requestId,
          status,
          ...(resultId ? { resultId } : {}),
          ...(error ? { error } : {}),
        };
      })
    );
    if (captures.every(settled) || o.now() >= deadline || o.signal.aborted) {
      break;
    }
    // An abort (the server closing) ends the wait early; the bundle is then made of what is in.
    await delay(o.pollMs, undefined, { signal: o.signal }).catch(() => undefined);
  }
  const late = `not in within ${o.timeoutMs / 1000} s: is an Osprey agent watching it?`;
  return captures.map((c) => (settled(c) ? c : { ...c, error: late }));
}

/** One capture as bundle files: its parsed form for readers, and the body its upload route took. */
interface CapturedFiles {
  parsed: BundleEntry;
  upload: BundleEntry;
  meta: Omit<IncidentUpload, 'kind' | 'file' | 'id'>;
}

type CaptureFiles = (store: Store, id: string) => Promise<CapturedFiles | undefined>;

/**
 * Each kind's files. A host snapshot is kept as the JSON it was uploaded as, so its parsed form is
 * its upload; it is stored without its id and time, which uploads.json carries.
 */
const CAPTURE_FILES: Record<JvmRequestKind, CaptureFiles> = {
  threaddump: async (store, id) => {
    const [dump, raw] = await Promise.all([store.captures.threadDump(id), store.captures.threadDumpRaw(id)]);
    if (!dump || !raw) {
      return undefined;
    }
    const file = `threaddump.${raw.format === 'json' ? 'json.raw' : 'txt'}`;
    const { service, instance } = dump;
    return {
      parsed: jsonEntry('threaddump.json', dump),
      upload: { path: file, body: Buffer.from(raw.body) },
      meta: { service, instance, receivedAt: raw.receivedAt, contentType: raw.contentType },
    };
  },
  heaphistogram: async (store, id) => {
    const [histogram, raw] = await Promise.all([store.captures.heapHistogram(id), store.captures.heapHistogramRaw(id)]);
    if (!histogram || !raw) {
      return undefined;
    }
    const { service, instance } = histogram;
    return {
      parsed: jsonEntry('heaphistogram.json', histogram),
      upload: { path: 'heaphistogram.txt', body: Buffer.from(raw.body) },
      meta: { service, instance, receivedAt: raw.receivedAt, contentType: raw.contentType },
    };
  },
  hostsnapshot: async (store, id) => {
    const found = await store.captures.hostSnapshot(id);
    if (!found) {
      return undefined;
    }
    const { id: _id, receivedAt, ...snapshot } = found;
    const entry = jsonEntry('hostsnapshot.json', snapshot);
    return {
      parsed: entry,
      upload: entry,
      meta: { service: HOST_REQUEST_SERVICE, instance: snapshot.host, receivedAt, contentType: 'application/json' },
    };
  },
};

/**
 * The captures that came in (and are still stored), as bundle files, and uploads.json saying what
 * an import stores of each.
 */
async function captureEntries(store: Store, captures: IncidentCapture[]): Promise<BundleEntry[]> {
  const entries = new Map<string, BundleEntry>();
  const uploads: IncidentUpload[] = [];
  for (const c of captures) {
    const files = c.status === 'done' && c.resultId ? await CAPTURE_FILES[c.kind](store, c.resultId) : undefined;
    if (files) {
      [files.parsed, files.upload].forEach((e) => entries.set(e.path, e));
      uploads.push({ kind: c.kind, file: files.upload.path, id: c.resultId!, ...files.meta });
    }
  }
  return uploads.length === 0 ? [] : [...entries.values(), jsonEntry(UPLOADS, uploads)];
}

/** The stored spans of the transactions' traces: whole traces, newest first, while they fit BUNDLE_ROW_LIMIT. */
async function traceSpans(store: Store, transactions: Transaction[]): Promise<Span[]> {
  const spans: Span[] = [];
  for (const traceId of new Set(transactions.map((t) => t.traceId))) {
    const trace = await store.trace(traceId);
    if (spans.length + trace.length > BUNDLE_ROW_LIMIT) {
      break;
    }
    spans.push(...trace);
  }
  return spans;
}

/** The instance's transactions, RED per endpoint and errors of [from, to]. */
async function windowEntries(store: Store, i: Incident, from: number, to: number): Promise<BundleEntry[]> {
  const scope = { from, to, service: i.service, instance: i.instance };
  const [transactions, errors, red, logs] = await Promise.all([
    store.transactions({ ...scope, limit: BUNDLE_ROW_LIMIT }),
    store.transactions({ ...scope, errorsOnly: true, limit: BUNDLE_ROW_LIMIT }),
    store.red({ ...scope, step: RED_STEP_MS, groupBy: 'endpoint' }, 'raw'),
    store.otel.logRecords({ ...scope, minSeverity: ERROR_SEVERITY, limit: BUNDLE_ROW_LIMIT }),
  ]);
  return [
    jsonEntry('transactions.json', transactions),
    jsonEntry(SPANS, await traceSpans(store, transactions.transactions)),
    jsonEntry('red.json', red),
    jsonEntry('errors.json', { transactions: errors.transactions, logs: logs.logs }),
  ];
}

/**
 * Waits for the captures, bundles them with the window and stores the archive; the record as
 * stored, ready (with whatever captures failed saying why) or failed when the bundle could not be made.
 */
export async function finishIncident(
  store: Store,
  files: IncidentFiles,
  incident: Incident,
  o: CollectOptions
): Promise<Incident> {
  const captures = await awaitCaptures(store, incident, o);
  const to = o.now();
  const from = to - incident.minutes * 60_000;
  const collected: Incident = { ...incident, captures, from, to };
  try {
    const entries = [
      ...(await captureEntries(store, captures)),
      ...(await windowEntries(store, collected, from, to)),
      ...(incident.note ? [{ path: 'note.txt', body: Buffer.from(`${incident.note}\n`) }] : []),
    ];
    const manifest = manifestOf({ ...collected, status: 'ready' }, entries);
    const archive = await zipBundle(manifest, entries);
    const ready: Incident = {
      ...collected,
      status: 'ready',
      bundle: { bytes: archive.length, sha256: sha256(archive), files: manifest.files },
    };
    await files.saveReady(ready, archive);
    return ready;
  } catch (err) {
    const failed: Incident = {
      ...collected,
      status: 'failed',
      error: err instanceof Error ? err.message : String(err),
    };
    await files.save(failed);
    return failed;
  }
}

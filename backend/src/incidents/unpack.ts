/**
 * Reading an incident bundle for an import: the zip checked whole against its manifest (its format,
 * every listed file there with its size and SHA-256, no file it does not list), then each file read
 * as the route that first took it read it. Pure: the bytes in, the rows to store out, or a 400
 * naming the problem; the import route and the ingest log's replay of an import make the same rows.
 */
import {
  type HostSnapshot,
  type IncidentImported,
  type IncidentManifest,
  IncidentManifestSchema,
  type IncidentUpload,
  IncidentUploadsSchema,
  type Span,
  TraceSchema,
} from '@osprey/model';
import AdmZip from 'adm-zip';

import { deriveTransactions } from '../derive/transactions';
import { hostSnapshotBody } from '../hosts/schema';
import { heapHistogramUpload, threadDumpUpload } from '../jvm-api/uploads';
import { HttpError } from '../server/errors';
import { jsonChecker } from '../server/schema';
import type { DecodedBatch } from '../store/shared/batch';
import { isSortableId } from '../store/ids';
import { MANIFEST, sha256, SPANS, UPLOADS } from './bundle';

/** What the files of one bundle may inflate to at most, together: the zip's own sizes are checked first. */
export const MAX_BUNDLE_CONTENT_BYTES = 512 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface UnpackedBundle {
  manifest: IncidentManifest;
  batch: Required<Pick<DecodedBatch, 'spans' | 'transactions' | 'threadDumps' | 'heapHistograms' | 'hostSnapshots'>>;
  loaded: IncidentImported['loaded'];
}

const refused = (message: string) => new HttpError(400, 'bad_request', `bundle refused: ${message}`);

const checkManifest = jsonChecker<IncidentManifest>(IncidentManifestSchema, MANIFEST);
const checkUploads = jsonChecker<IncidentUpload[]>(IncidentUploadsSchema, UPLOADS);
const checkSpans = jsonChecker<Span[]>(TraceSchema.properties.spans, SPANS);
// Rooted at '' because the refusal names the file first: `hostsnapshot.json: processes[0].pid: …`.
const checkHostSnapshot = jsonChecker<HostSnapshot>(hostSnapshotBody, '');

/** The zip's entries by name; a zip that cannot be read (truncated, not a zip) is refused. */
function entriesOf(bytes: Buffer): Map<string, AdmZip.IZipEntry> {
  try {
    const entries = new AdmZip(bytes).getEntries();
    return new Map(entries.map((e) => [e.entryName, e]));
  } catch (err) {
    throw refused(`not a readable zip (truncated or damaged?): ${(err as Error).message}`);
  }
}

/** An entry's bytes once its declared size is `bytes`; a damaged entry is refused. */
function inflated(entry: AdmZip.IZipEntry, bytes: number): Buffer {
  if (entry.header.size !== bytes) {
    throw refused(`${entry.entryName} is ${entry.header.size} bytes, the manifest lists ${bytes}`);
  }
  try {
    return entry.getData();
  } catch (err) {
    throw refused(`${entry.entryName} cannot be read (damaged?): ${(err as Error).message}`);
  }
}

function parsed(name: string, body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw refused(`${name} is not JSON: ${(err as Error).message}`);
  }
}

/** The manifest, checked, and every file it lists as verified bytes. */
function verifiedFiles(bytes: Buffer): { manifest: IncidentManifest; files: Map<string, Buffer> } {
  const entries = entriesOf(bytes);
  const manifestEntry = entries.get(MANIFEST);
  if (!manifestEntry) {
    throw refused(`no ${MANIFEST}`);
  }
  if (manifestEntry.header.size > MAX_MANIFEST_BYTES) {
    throw refused(`${MANIFEST} is over ${MAX_MANIFEST_BYTES} bytes`);
  }
  const manifest = checkManifest(parsed(MANIFEST, inflated(manifestEntry, manifestEntry.header.size)));
  if (!isSortableId(manifest.incident.id)) {
    throw refused(`${MANIFEST}: incident.id must be 24 lowercase hex digits`);
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const unlisted = [...entries.keys()].filter((name) => name !== MANIFEST && !listed.has(name));
  if (unlisted.length > 0 || listed.size !== manifest.files.length || listed.has(MANIFEST)) {
    throw refused(`${MANIFEST} must list each other file once; not listed: ${unlisted.join(', ') || 'none'}`);
  }
  const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  if (total > MAX_BUNDLE_CONTENT_BYTES) {
    throw refused(`its files hold ${total} bytes, more than ${MAX_BUNDLE_CONTENT_BYTES}`);
  }
  const files = new Map<string, Buffer>();
  for (const file of manifest.files) {
    const entry = entries.get(file.path);
    if (!entry) {
      throw refused(`${file.path} is listed in ${MANIFEST} but not in the zip`);
    }
    const body = inflated(entry, file.bytes);
    const digest = sha256(body);
    if (digest !== file.sha256) {
      throw refused(`${file.path} has SHA-256 ${digest}, the manifest lists ${file.sha256}: it was altered`);
    }
    files.set(file.path, body);
  }
  return { manifest, files };
}

/** A capture's upload as its upload route would store it; its body must be a file of the bundle. */
function storedUpload(upload: IncidentUpload, files: Map<string, Buffer>): Partial<UnpackedBundle['batch']> {
  const raw = files.get(upload.file);
  if (!raw) {
    throw refused(`${UPLOADS} names ${upload.file}, which is not in the bundle`);
  }
  try {
    if (upload.kind === 'threaddump') {
      return { threadDumps: [threadDumpUpload(upload, raw)] };
    }
    if (upload.kind === 'heaphistogram') {
      return { heapHistograms: [heapHistogramUpload(upload, raw)] };
    }
    const snapshot = checkHostSnapshot(parsed(upload.file, raw));
    return { hostSnapshots: [{ id: upload.id, receivedAt: upload.receivedAt, snapshot }] };
  } catch (err) {
    throw err instanceof HttpError ? refused(`${upload.file}: ${err.message}`) : err;
  }
}

/** The verified bundle and the rows an import stores: its spans (and their transactions) and its captures. */
export function unpackBundle(bytes: Buffer): UnpackedBundle {
  const { manifest, files } = verifiedFiles(bytes);
  // A bundle of an Osprey before imports has neither file: its captures and spans are not loaded.
  const list = <T>(name: string, check: (value: unknown) => T[]): T[] => {
    const body = files.get(name);
    return body === undefined ? [] : check(parsed(name, body));
  };
  const spans = list(SPANS, checkSpans);
  const uploads = list(UPLOADS, checkUploads);
  const captures = uploads.map((u) => storedUpload(u, files));
  const batch = {
    spans,
    transactions: deriveTransactions(spans),
    threadDumps: captures.flatMap((c) => c.threadDumps ?? []),
    heapHistograms: captures.flatMap((c) => c.heapHistograms ?? []),
    hostSnapshots: captures.flatMap((c) => c.hostSnapshots ?? []),
  };
  const loaded = {
    spans: spans.length,
    traces: new Set(spans.map((s) => s.traceId)).size,
    transactions: batch.transactions.length,
    threadDumps: batch.threadDumps.length,
    heapHistograms: batch.heapHistograms.length,
    hostSnapshots: batch.hostSnapshots.length,
  };
  return { manifest, batch, loaded };
}

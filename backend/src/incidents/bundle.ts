/**
 * An incident bundle: named files packed into one zip (archiver, from npm) beside a manifest.json
 * that lists each file with its size and SHA-256, so a reader can tell a whole bundle from a
 * truncated or altered one. Pure apart from the compression: entries in, bytes out.
 */
import { createHash } from 'node:crypto';

import { type Incident, INCIDENT_BUNDLE_FORMAT, type IncidentManifest } from '@osprey/model';
import archiver from 'archiver';

export interface BundleEntry {
  path: string;
  body: Buffer;
}

export const MANIFEST = 'manifest.json';
/** What an import loads: the spans of the window's traces, and each capture's upload (IncidentUpload). */
export const SPANS = 'spans.json';
export const UPLOADS = 'uploads.json';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A value as a bundle file: indented JSON, so a bundle reads in any editor. */
export const jsonEntry = (path: string, value: unknown): BundleEntry => ({
  path,
  body: Buffer.from(`${JSON.stringify(value, null, 2)}\n`),
});

export function manifestOf(incident: Omit<Incident, 'bundle'>, entries: BundleEntry[]): IncidentManifest {
  return {
    format: INCIDENT_BUNDLE_FORMAT,
    incident,
    files: entries.map((e) => ({ path: e.path, bytes: e.body.length, sha256: sha256(e.body) })),
  };
}

/** The zip of the manifest (first, so a reader meets it before the files) and the entries. */
export function zipBundle(manifest: IncidentManifest, entries: BundleEntry[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = archiver('zip', { zlib: { level: 6 } });
    const chunks: Buffer[] = [];
    zip.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.on('warning', reject);
    zip.on('error', reject);
    zip.on('end', () => resolve(Buffer.concat(chunks)));
    for (const entry of [jsonEntry(MANIFEST, manifest), ...entries]) {
      zip.append(entry.body, { name: entry.path, date: new Date(manifest.incident.createdAt) });
    }
    void zip.finalize();
  });
}

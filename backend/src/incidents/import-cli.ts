/**
 * `osprey bundle import <file>`: posts an incident bundle to a running backend's import route and
 * says what it loaded. The backend does the checking, so a refusal reads the same from the CLI as
 * from the API.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { INCIDENT_IMPORT_PATH, type IncidentImported } from '@osprey/model';

import { ConfigError } from '../config/serve';

export const BUNDLE_USAGE = `Usage: osprey bundle import <file> [--url <backend>] [--token <admin token>]

Loads an incident bundle (the zip GET /api/v1/incidents/{id}/bundle answers) into the backend at
--url (default http://127.0.0.1:4318), with an admin token (--token, else OSPREY_ADMIN_TOKEN): the
spans of its traces with the transactions they derive, its thread dump, heap histogram and host
snapshot, and the incident itself, marked imported. Prints what was loaded; exits 1 with the
backend's message when the bundle is refused (damaged, altered, already imported).
`;

const DEFAULT_URL = 'http://127.0.0.1:4318';

/** A backend's refusal: the CLI prints it and exits 1. */
export class ImportRefused extends Error {
  override readonly name: string = 'ImportRefused';
}

/** The `message` of an `{error, message}` answer, else the answer's text. */
function messageOf(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text;
  }
}

/** POSTs the zip; the answer's status and text, or ImportRefused when the backend cannot be reached. */
async function post(url: string, token: string, body: Buffer): Promise<{ ok: boolean; status: number; text: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/zip', authorization: `Bearer ${token}` },
      body: new Uint8Array(body),
    });
    return { ok: res.ok, status: res.status, text: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: Error }).cause ?? (err as Error);
    throw new ImportRefused(`cannot reach ${url}: ${cause.message}`);
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The line the CLI prints for an import's answer. */
export function describeImport({ incident, loaded }: IncidentImported): string {
  const what = [
    `${plural(loaded.spans, 'span')} in ${plural(loaded.traces, 'trace')}`,
    plural(loaded.transactions, 'transaction'),
    plural(loaded.threadDumps, 'thread dump'),
    plural(loaded.heapHistograms, 'heap histogram'),
    plural(loaded.hostSnapshots, 'host snapshot'),
  ];
  const collected = new Date(incident.createdAt).toISOString();
  return `imported incident ${incident.id} (${incident.service} ${incident.instance}, collected ${collected}): ${what.join(', ')}\n`;
}

/** Runs `osprey bundle …`; resolves with what to print. */
export async function bundleCommand(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { url: { type: 'string' }, token: { type: 'string' } },
  });
  const [verb, file, ...extra] = positionals;
  if (verb !== 'import' || file === undefined || extra.length > 0) {
    throw new ConfigError('bundle needs: import <file>');
  }
  const token = values.token ?? env.OSPREY_ADMIN_TOKEN;
  if (!token) {
    throw new ConfigError('bundle import needs an admin token: --token or OSPREY_ADMIN_TOKEN');
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const url = `${(values.url ?? DEFAULT_URL).replace(/\/+$/, '')}${INCIDENT_IMPORT_PATH}`;
  const answer = await post(url, token, body);
  if (!answer.ok) {
    throw new ImportRefused(`import refused (${answer.status}): ${messageOf(answer.text)}`);
  }
  return describeImport(JSON.parse(answer.text) as IncidentImported);
}

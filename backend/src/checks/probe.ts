import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { CheckDefinition, CheckFailure, CheckPhases, CheckRun } from '@osprey/model';

/** Most body bytes read for a body match: a health page is small, a check must not buffer a download. */
export const MAX_BODY_BYTES = 1024 * 1024;

type Outcome = Pick<CheckRun, 'up' | 'httpStatus' | 'failure' | 'message'>;

/** A run that ended in `failure`, its message naming what was reached before. */
const down = (failure: CheckFailure, message: string, httpStatus?: number): Outcome => ({
  up: false,
  failure,
  message,
  ...(httpStatus === undefined ? {} : { httpStatus }),
});

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** A socket or request error → the failure it stands for. */
export function classifyError(err: NodeJS.ErrnoException, target: string): Outcome {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') {
    return down('refused', `connection refused by ${target}`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || err.syscall === 'getaddrinfo') {
    return down('dns', `cannot resolve ${target}: ${code || err.message}`);
  }
  if (TLS_CODE.test(code) || /certificate|tls|ssl/i.test(err.message)) {
    return down('tls', `TLS with ${target} failed: ${err.message}`);
  }
  return down('error', `${code ? `${code}: ` : ''}${err.message}`);
}

/** What a run timed out waiting for, from the phases it reached. */
function timeoutMessage(phases: CheckPhases, timeoutMs: number, kind: CheckDefinition['kind']): string {
  const waitingFor =
    kind === 'tcp' || phases.connect === undefined
      ? 'the connection'
      : phases.firstByte === undefined
        ? 'the first response byte'
        : 'the end of the body';
  return `no answer within ${timeoutMs} ms (waiting for ${waitingFor})`;
}

/** `expectedStatus` absent = any 2xx. */
export function statusOutcome(status: number, expected: readonly number[] | undefined, location?: string): Outcome {
  const ok = expected === undefined ? status >= 200 && status < 300 : expected.includes(status);
  if (ok) {
    return { up: true, httpStatus: status };
  }
  const wanted = expected === undefined ? '2xx' : expected.join(' or ');
  // Redirects are not followed (a check reaches its URL only), so a 3xx says where it would have gone.
  const redirect = location === undefined ? '' : ` (redirect to ${location} not followed)`;
  return down('status', `HTTP ${status}, expected ${wanted}${redirect}`, status);
}

/** Milliseconds since `start`, to the microsecond. */
const since = (start: number) => Math.round((performance.now() - start) * 1000) / 1000;

/** Records the socket's phases relative to `start` (a reused socket reports none: checks never reuse). */
function watchSocket(socket: Socket, start: number, phases: CheckPhases): void {
  socket.once('lookup', () => (phases.dns = since(start)));
  socket.once('connect', () => (phases.connect = since(start)));
  socket.once('secureConnect', () => (phases.tls = since(start)));
}

function httpProbe(def: CheckDefinition, start: number, phases: CheckPhases): Promise<Outcome> {
  const url = new URL(def.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        request.destroy();
        resolve(outcome);
      }
    };
    // agent: false — a fresh connection each run, so connect and TLS are measured every time and no
    // pooled socket to another host is ever used.
    const request = client.request(url, { method: def.method ?? 'GET', headers: def.headers ?? {}, agent: false });
    const timer = setTimeout(
      () => finish(down('timeout', timeoutMessage(phases, def.timeoutMs, 'http'))),
      def.timeoutMs
    );
    request.once('socket', (socket) => watchSocket(socket, start, phases));
    request.once('error', (err) => finish(classifyError(err, url.host)));
    request.once('response', (response) => {
      phases.firstByte = since(start);
      const status = statusOutcome(response.statusCode ?? 0, def.expectedStatus, response.headers.location);
      if (!status.up || def.bodyMatch === undefined) {
        response.resume();
        response.once('end', () => finish(status));
        return;
      }
      const needle = def.bodyMatch;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.includes(needle)) {
          finish(status);
        } else if (Buffer.byteLength(body) >= MAX_BODY_BYTES) {
          finish(
            down(
              'body',
              `body does not contain ${JSON.stringify(needle)} in its first ${MAX_BODY_BYTES} bytes`,
              status.httpStatus
            )
          );
        }
      });
      response.once('end', () =>
        finish(
          body.includes(needle)
            ? status
            : down('body', `body does not contain ${JSON.stringify(needle)}`, status.httpStatus)
        )
      );
      response.once('error', (err) => finish(classifyError(err, url.host)));
    });
    request.end();
  });
}

function tcpProbe(def: CheckDefinition, start: number, phases: CheckPhases): Promise<Outcome> {
  const url = new URL(def.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise<Outcome>((resolve) => {
    const socket = net.connect({ host, port: Number(url.port) });
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(down('timeout', timeoutMessage(phases, def.timeoutMs, 'tcp'))),
      def.timeoutMs
    );
    watchSocket(socket, start, phases);
    socket.once('connect', () => finish({ up: true }));
    socket.once('error', (err) => finish(classifyError(err, url.host)));
  });
}

/** Runs one check once against its URL; never rejects: every failure is a down run with its reason. */
export async function probe(def: CheckDefinition, location: string, now: () => number = Date.now): Promise<CheckRun> {
  const startedAt = now();
  const start = performance.now();
  const phases: CheckPhases = {};
  let outcome: Outcome;
  try {
    outcome = await (def.kind === 'tcp' ? tcpProbe : httpProbe)(def, start, phases);
  } catch (err) {
    // e.g. a header value node refuses before anything is sent.
    outcome = down('error', (err as Error).message);
  }
  return {
    check: def.name,
    kind: def.kind,
    url: def.url,
    location,
    startedAt,
    durationMs: since(start),
    phases,
    ...outcome,
  };
}

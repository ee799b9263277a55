/**
 * Checks against real local servers: the recorded state, failure and message of each must be
 * what the server did, and a redirect must never reach the host it points to.
 */
import http from 'node:http';
import net from 'node:net';

import type { CheckDefinition } from '@osprey/model';

import { probe } from './probe';

const servers: Array<http.Server | net.Server> = [];
const sockets = new Set<net.Socket>();

function listen<S extends http.Server | net.Server>(server: S): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  );
}

/** A port that refuses: bound once to learn a free one, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  );
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let healthy: number;
let failing: number;
let hanging: number;
let redirecting: number;
let elsewhere: number;
let refused: number;
let elsewhereHits = 0;
let seenHeaders: http.IncomingHttpHeaders = {};

beforeAll(async () => {
  healthy = await listen(
    http.createServer((req, res) => {
      seenHeaders = req.headers;
      res.end('status: ready');
    })
  );
  failing = await listen(http.createServer((_req, res) => res.writeHead(500).end('boom')));
  // Takes the request and never answers.
  hanging = await listen(http.createServer(() => undefined));
  elsewhere = await listen(
    http.createServer((_req, res) => {
      elsewhereHits += 1;
      res.end('ok');
    })
  );
  redirecting = await listen(
    http.createServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${elsewhere}/` }).end())
  );
  refused = await closedPort();
});

afterAll(async () => {
  sockets.forEach((socket) => socket.destroy());
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const http_ = (name: string, port: number, extra: Partial<CheckDefinition> = {}): CheckDefinition => ({
  name,
  kind: 'http',
  url: `http://127.0.0.1:${port}/health`,
  method: 'GET',
  intervalMs: 5000,
  timeoutMs: 500,
  ...extra,
});

describe('probe', () => {
  it('records each server as it behaved', async () => {
    const cases: Array<[CheckDefinition, Record<string, unknown>]> = [
      [http_('healthy', healthy), { up: true, httpStatus: 200 }],
      [http_('failing', failing), { up: false, httpStatus: 500, failure: 'status', message: 'HTTP 500, expected 2xx' }],
      [http_('accepts-500', failing, { expectedStatus: [500] }), { up: true, httpStatus: 500 }],
      [
        http_('hanging', hanging),
        { up: false, failure: 'timeout', message: 'no answer within 500 ms (waiting for the first response byte)' },
      ],
      [
        http_('refused', refused),
        { up: false, failure: 'refused', message: `connection refused by 127.0.0.1:${refused}` },
      ],
      [http_('body-ok', healthy, { bodyMatch: 'ready' }), { up: true, httpStatus: 200 }],
      [
        http_('body-wrong', healthy, { bodyMatch: 'green' }),
        { up: false, httpStatus: 200, failure: 'body', message: 'body does not contain "green"' },
      ],
      [
        { name: 'tcp-up', kind: 'tcp', url: `tcp://127.0.0.1:${healthy}`, intervalMs: 5000, timeoutMs: 500 },
        { up: true },
      ],
      [
        { name: 'tcp-refused', kind: 'tcp', url: `tcp://127.0.0.1:${refused}`, intervalMs: 5000, timeoutMs: 500 },
        { up: false, failure: 'refused', message: `connection refused by 127.0.0.1:${refused}` },
      ],
    ];
    for (const [definition, expected] of cases) {
      const run = await probe(definition, 'here');
      const { up, httpStatus, failure, message } = run;
      const got = Object.fromEntries(
        Object.entries({ up, httpStatus, failure, message }).filter(([, value]) => value !== undefined)
      );
      expect({ check: definition.name, ...got }).toEqual({ check: definition.name, ...expected });
      expect(run).toMatchObject({
        check: definition.name,
        kind: definition.kind,
        url: definition.url,
        location: 'here',
      });
    }
  });

  it('measures the phases it reaches, in order, and the timeout as the duration', async () => {
    const up = await probe(http_('healthy', healthy), 'here');
    expect(up.phases.dns).toBeUndefined(); // an IP literal is not looked up
    expect(up.phases.tls).toBeUndefined();
    expect(up.phases.connect).toBeGreaterThan(0);
    expect(up.phases.firstByte).toBeGreaterThanOrEqual(up.phases.connect!);
    expect(up.durationMs).toBeGreaterThanOrEqual(up.phases.firstByte!);

    const named = await probe(http_('by-name', healthy, { url: `http://localhost:${healthy}/` }), 'here');
    // localhost may resolve to ::1 first, where nothing listens; either way the lookup was timed.
    expect(named.phases.dns).toBeGreaterThanOrEqual(0);

    const hung = await probe(http_('hanging', hanging, { timeoutMs: 300 }), 'here');
    expect(hung.phases.connect).toBeGreaterThan(0);
    expect(hung.phases.firstByte).toBeUndefined();
    expect(hung.durationMs).toBeGreaterThanOrEqual(300);
    expect(hung.durationMs).toBeLessThan(2000);

    const refusedRun = await probe(http_('refused', refused), 'here');
    expect(refusedRun.phases.connect).toBeUndefined();
  });

  it('sends the configured method and headers, and never follows a redirect to another host', async () => {
    await probe(http_('headers', healthy, { headers: { 'x-probe': 'osprey' } }), 'here');
    expect(seenHeaders['x-probe']).toBe('osprey');

    const run = await probe(http_('redirect', redirecting), 'here');
    expect(run).toMatchObject({
      up: false,
      httpStatus: 302,
      failure: 'status',
      message: `HTTP 302, expected 2xx (redirect to http://127.0.0.1:${elsewhere}/ not followed)`,
    });
    expect(elsewhereHits).toBe(0);
  });

  it('names a host that does not resolve', async () => {
    const run = await probe(http_('nxdomain', 80, { url: 'http://osprey-check.invalid/' }), 'here');
    expect(run).toMatchObject({ up: false, failure: 'dns' });
    expect(run.message).toMatch(/^cannot resolve osprey-check\.invalid: /);
  });
});

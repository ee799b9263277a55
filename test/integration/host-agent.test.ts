/**
 * Host snapshots end to end on this machine's real /proc: the real `osprey serve`, the real agent
 * CLI with --host-interval (no JVM), and a child process that opens N TCP connections left in
 * CLOSE_WAIT and M files between two snapshots, each asked for as Grafana asks ("Request host
 * snapshot": a capture request of kind hostsnapshot). The compare of the two must show exactly those
 * deltas, and the process entries must agree with `ps`, which reads /proc on its own. The Host
 * snapshots dashboard's own "Request host snapshot" action is sent as Grafana sends it, through the
 * plugin host's data proxy (the datasource's route adding the token).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import {
  HOST_REQUEST_SERVICE,
  type HostSnapshotCompare,
  type HostSnapshotResponse,
  type JvmRequest,
} from '@osprey/model';

import { type HostServer, startHostServer } from '../e2e/server';
import { type Backend, buildBackend, killAll, readApi, ROOT, startBackend, TOKENS } from './osprey-cli';

const AGENT_CLI = path.join(ROOT, 'agent', 'bin', 'osprey-jvm-agent.js');
const N_CLOSE_WAIT = 4;
const M_FILES = 3;
const HOST = `host-it-${process.pid}`;

/** Opens, on "go", N connections whose server end closes (ours stay: CLOSE_WAIT) and M files; prints the port. */
const CHILD = `
const net = require('node:net'), fs = require('node:fs'), path = require('node:path');
process.stdin.once('data', async () => {
  const server = net.createServer({ allowHalfOpen: true }, (s) => s.destroy());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const kept = [];
  for (let i = 0; i < ${N_CLOSE_WAIT}; i++) {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    c.on('error', () => {});
    await new Promise((r) => c.once('end', r));
    kept.push(c);
  }
  server.close();
  for (let i = 0; i < ${M_FILES}; i++) kept.push(fs.openSync(path.join(process.argv[2], 'f' + i), 'w'));
  console.log(JSON.stringify({ port }));
});
setInterval(() => {}, 1 << 30);
`;

jest.setTimeout(120_000);

describe('host snapshots from the real agent on real /proc', () => {
  let dir: string;
  let backend: Backend;
  let agent: ChildProcess;
  let child: ChildProcess;
  let grafana: HostServer;
  const agentLog: string[] = [];

  const api = readApi(() => backend);

  /** Asks for a host snapshot as the dashboard does and waits for the agent's answer; the snapshot id. */
  const requestSnapshot = async (): Promise<string> => {
    const body = JSON.stringify({ service: HOST_REQUEST_SERVICE, instance: HOST, kind: 'hostsnapshot' });
    const created = await api<JvmRequest>('/api/v1/jvm/requests', { method: 'POST', body });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const r = await api<JvmRequest>(`/api/v1/jvm/requests/${created.id}`);
      if (r.status === 'done' && r.resultId) {
        return r.resultId;
      }
      if (r.status === 'failed') {
        throw new Error(`host snapshot request failed: ${r.error}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no host snapshot within 20 s; agent said:\n${agentLog.join('\n')}`);
  };

  beforeAll(async () => {
    buildBackend();
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'agent'], { cwd: ROOT });
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-host-it-'));
    backend = await startBackend(path.join(dir, 'data'));
    agent = spawn(
      process.execPath,
      [AGENT_CLI, '--backend', backend.url, '--host-interval', '1h', '--host', HOST, '--poll', '300ms'],
      { env: { ...process.env, OSPREY_INGEST_TOKEN: TOKENS.OSPREY_INGEST_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    createInterface({ input: agent.stdout! }).on('line', (l) => agentLog.push(l));
    agent.stderr!.on('data', (c) => agentLog.push(String(c)));
    const script = path.join(dir, 'close-wait-child.js');
    writeFileSync(script, CHILD);
    child = spawn(process.execPath, [script, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    const plugins = path.join(dir, 'plugins');
    mkdirSync(path.join(plugins, 'datasource'), { recursive: true });
    copyFileSync(path.join(ROOT, 'datasource/src/plugin.json'), path.join(plugins, 'datasource', 'plugin.json'));
    copyFileSync(path.join(ROOT, 'app/src/plugin.json'), path.join(plugins, 'plugin.json'));
    grafana = await startHostServer({
      distDir: plugins,
      hostDir: plugins,
      iconsDir: plugins,
      appId: 'x',
      dataSources: [
        { uid: 'osprey', jsonData: { url: backend.url }, secureJsonData: { token: TOKENS.OSPREY_READ_TOKEN } },
      ],
    });
  });

  afterAll(async () => {
    await grafana?.close();
    agent?.kill('SIGKILL');
    child?.kill('SIGKILL');
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compares two snapshots: exactly N CLOSE_WAIT to the endpoint, M files and N sockets in the child', async () => {
    const before = await requestSnapshot();
    child.stdin!.write('go\n');
    const { port } = await new Promise<{ port: number }>((resolve) =>
      createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)))
    );
    const after = await requestSnapshot();
    const cmp = await api<HostSnapshotCompare>(`/api/v1/hosts/snapshots/${before}/compare/${after}`);

    expect(cmp.host).toBe(HOST);
    expect(cmp.tcpRemotes.filter((r) => r.remote === `127.0.0.1:${port}`)).toEqual([
      { remote: `127.0.0.1:${port}`, state: 'CLOSE_WAIT', before: 0, after: N_CLOSE_WAIT, delta: N_CLOSE_WAIT },
    ]);
    expect(cmp.fds.filter((f) => f.pid === child.pid)).toEqual([
      expect.objectContaining({
        delta: N_CLOSE_WAIT + M_FILES,
        filesDelta: M_FILES,
        socketsDelta: N_CLOSE_WAIT,
        pipesDelta: 0,
      }),
    ]);
    expect(cmp.started.map((p) => p.pid)).not.toContain(child.pid);
    expect(cmp.ended.map((p) => p.pid)).not.toContain(child.pid);

    const snapshot = await api<HostSnapshotResponse>(`/api/v1/hosts/snapshots/${after}`);
    const listed = snapshot.processes.find((p) => p.pid === child.pid)!;
    expect(listed.openFiles?.filter((f) => f.startsWith(dir))).toHaveLength(M_FILES);
  });

  it('the dashboard’s "Request host snapshot" action, sent through the data proxy, gets a fresh snapshot', async () => {
    const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'app/src/dashboards/host-snapshots.json'), 'utf8'));
    const hosts = dashboard.panels.find((p: { title: string }) => p.title === 'Hosts');
    const [action] = hosts.fieldConfig.defaults.actions as Array<{
      title: string;
      fetch: { method: string; url: string; headers: string[][]; body: string };
    }>;
    expect(action.title).toBe('Request host snapshot');
    // Grafana fills ${__data.fields.host} with the clicked row's host.
    const body = action.fetch.body.replaceAll('${__data.fields.host}', HOST);
    const res = await fetch(`${grafana.url}${action.fetch.url}`, {
      method: action.fetch.method,
      headers: Object.fromEntries(action.fetch.headers),
      body,
    });
    expect(res.status).toBe(202);
    const request = (await res.json()) as JvmRequest;
    const before = Date.now();
    const deadline = before + 20_000;
    let done = request;
    while (done.status !== 'done' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      done = await api<JvmRequest>(`/api/v1/jvm/requests/${request.id}`);
    }
    expect(done).toMatchObject({ service: HOST_REQUEST_SERVICE, instance: HOST, kind: 'hostsnapshot', status: 'done' });
    const snapshot = await api<HostSnapshotResponse>(`/api/v1/hosts/snapshots/${done.resultId}`);
    expect(snapshot.host).toBe(HOST);
    expect(snapshot.takenAt).toBeGreaterThanOrEqual(request.requestedAt);
    expect((await api<HostSnapshotResponse>(`/api/v1/hosts/snapshots/latest?host=${HOST}`)).id).toBe(done.resultId);
  });

  it('lists the test’s own processes as ps reads them from /proc', async () => {
    const snapshot = await api<HostSnapshotResponse>(`/api/v1/hosts/snapshots/latest?host=${HOST}`);
    for (const pid of [process.pid, child.pid!]) {
      const [ppid, user, threads, ...args] = execFileSync('ps', ['-o', 'ppid=,user=,nlwp=,args=', '-p', String(pid)], {
        encoding: 'utf8',
      })
        .trim()
        .split(/\s+/);
      // ps prints the start time to the second; Osprey's comes from the same tick count.
      const started = Date.parse(
        execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
          encoding: 'utf8',
          env: { ...process.env, TZ: 'UTC' },
        })
          .trim()
          .concat(' UTC')
      );
      const listed = snapshot.processes.find((p) => p.pid === pid);
      expect(listed).toMatchObject({ pid, ppid: Number(ppid), user, cmdline: args.join(' ') });
      expect(Math.abs(listed!.startTime - started)).toBeLessThan(1000);
      if (pid === child.pid) {
        // An idle child: its thread count does not move between the snapshot and ps.
        expect(listed!.threads).toBe(Number(threads));
      }
    }
  });
});

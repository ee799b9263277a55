/**
 * Host snapshots end to end on this machine's real /proc: the real `osprey serve`, the real agent
 * CLI with --host-interval (no JVM), and a child process that opens N TCP connections left in
 * CLOSE_WAIT and M files between two snapshots, each asked for as Grafana asks ("Request host
 * snapshot": a capture request of kind hostsnapshot). The compare of the two must show exactly those
 * deltas, and the process entries must agree with `ps`, which reads /proc on its own.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import {
  HOST_REQUEST_SERVICE,
  type HostSnapshotCompare,
  type HostSnapshotResponse,
  type JvmRequest,
} from '@osprey/model';

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
  });

  afterAll(() => {
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

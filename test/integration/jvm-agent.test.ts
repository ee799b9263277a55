/**
 * osprey-jvm-agent end to end: the real `osprey serve` process, real JVMs (OpenJDK 17 and Temurin 25)
 * running test/fixtures/jvm/LockWorkload.java, and the real agent CLI finding them with --match,
 * capturing with their own jcmd, uploading, answering on-demand requests, and outliving its JVM.
 * Temurin 25 runs with `--thread-dump-format both` (text and JSON dumps, virtual threads in the
 * JSON); JDK 17 with `json`, which it does not have, so the agent falls back to text.
 * On-demand requests are answered through a backend on each store: DuckDB, and ClickHouse
 * (Debian's clickhouse-server, started here).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type {
  HeapHistogramListResponse,
  HeapHistogramResponse,
  JvmRequest,
  ThreadDumpListResponse,
  ThreadDumpResponse,
} from '@osprey/model';

import { startClickHouse, stopAll } from './real-servers';

const ROOT = path.resolve(__dirname, '..', '..');
const BACKEND_CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
const AGENT_CLI = path.join(ROOT, 'agent', 'bin', 'osprey-jvm-agent.js');
const WORKLOAD = path.join(ROOT, 'test', 'fixtures', 'jvm', 'LockWorkload.java');
const TOKENS = { OSPREY_INGEST_TOKEN: 'ag-ingest', OSPREY_READ_TOKEN: 'ag-read', OSPREY_ADMIN_TOKEN: 'ag-admin' };
const READ = TOKENS.OSPREY_READ_TOKEN;

const JDKS = [
  { name: '17', java: '/usr/bin/java', home: '/usr/lib/jvm/java-17-openjdk-amd64', format: 'json' },
  {
    name: '25',
    java: '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java',
    home: '/usr/lib/jvm/temurin-25-jdk-amd64',
    format: 'both',
  },
];
const JSON_FALLBACK_WARNING =
  'JSON thread dumps need JDK 21+ and this JVM does not have them; taking text thread dumps instead';

type LogLine = Record<string, unknown> & { level?: string; msg?: string };

interface Proc {
  child: ChildProcess;
  /** Every stdout line so far (parsed when JSON). */
  lines: string[];
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();
jest.setTimeout(180_000);

function start(command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.on('data', (chunk) => lines.push(`[stderr] ${chunk}`));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    })
  );
  return { child, lines, exited };
}

function jsonLines(proc: Proc): LogLine[] {
  return proc.lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Polls `probe` until it returns a value (not undefined) or `ms` pass; then fails naming `what`. */
async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function api<T>(url: string, init: RequestInit = {}): Promise<{ status: number; json: T }> {
  const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${READ}`, ...init.headers } });
  return { status: res.status, json: (await res.json()) as T };
}

describe('osprey-jvm-agent (real backend, real JVMs, real jcmd)', () => {
  let dataDir: string;
  let classesDir: string;
  let backendUrl: string;
  /** A second backend, on the ClickHouse store, for the on-demand requests. */
  let clickhouseBackendUrl: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'model', 'backend', 'agent'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    dataDir = mkdtempSync(path.join(tmpdir(), 'osprey-agent-it-'));
    classesDir = mkdtempSync(path.join(tmpdir(), 'osprey-agent-classes-'));
    execFileSync('/usr/bin/javac', ['--release', '17', '-d', classesDir, WORKLOAD]);
    const backend = start(
      process.execPath,
      [BACKEND_CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
      { ...process.env, ...TOKENS }
    );
    const clickhouse = await startClickHouse();
    const clickhouseBackend = start(
      process.execPath,
      [
        BACKEND_CLI,
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--data-dir',
        path.join(dataDir, 'unused-by-clickhouse'),
        '--store',
        'clickhouse',
        '--clickhouse-url',
        clickhouse.url,
        '--clickhouse-database',
        'agent',
      ],
      { ...process.env, ...TOKENS }
    );
    const listening = (proc: Proc) => () => {
      const ready = jsonLines(proc).find((l) => l.msg === 'osprey listening');
      return ready ? String(ready.url) : undefined;
    };
    backendUrl = await waitFor('"osprey listening"', 30_000, listening(backend));
    clickhouseBackendUrl = await waitFor('"osprey listening" on ClickHouse', 30_000, listening(clickhouseBackend));
  });

  afterAll(async () => {
    const exits = [...children].map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await Promise.all(exits);
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(classesDir, { recursive: true, force: true });
  });

  describe.each(JDKS)('JDK $name', (jdk) => {
    // A tag of its own on the command line: other tests may run LockWorkload JVMs at the same time,
    // and --match refuses to pick one of several.
    const tag = `osprey-agent-it-${jdk.name}-${process.pid}`;
    const service = `lock-agent-${jdk.name}`;
    let jvm: Proc;
    let agent: Proc;
    let pid: number;
    let instance: string;

    beforeAll(async () => {
      jvm = start(jdk.java, ['-cp', classesDir, 'LockWorkload', tag], process.env);
      pid = await waitFor('READY from LockWorkload', 30_000, () => {
        const ready = jvm.lines.find((l) => l.startsWith('READY '));
        return ready ? Number(ready.split(' ')[1]) : undefined;
      });
      instance = `${hostname()}:${pid}`;
      // No JAVA_HOME: the agent lists JVMs with the jcmd on PATH (JDK 17's) and must still capture
      // the Temurin 25 JVM with Temurin's own jcmd, found beside its java.
      const { JAVA_HOME: _javaHome, ...env } = process.env;
      agent = start(
        process.execPath,
        [
          AGENT_CLI,
          '--backend',
          backendUrl,
          '--service',
          service,
          '--match',
          `LockWorkload ${tag}`,
          '--interval',
          '2s',
          '--thread-dump-format',
          jdk.format,
        ],
        { ...env, OSPREY_INGEST_TOKEN: TOKENS.OSPREY_INGEST_TOKEN }
      );
    });

    it("attaches to the workload with the JVM's own jcmd", async () => {
      const attached = await waitFor('"attached to JVM"', 20_000, () =>
        jsonLines(agent).find((l) => l.msg === 'attached to JVM')
      );
      expect(attached).toEqual(
        expect.objectContaining({
          level: 'info',
          pid,
          service,
          instance,
          jcmd: `${jdk.home}/bin/jcmd`,
          jcmdFrom: 'target-jvm',
          displayName: `LockWorkload ${tag}`,
        })
      );
    });

    it('uploads thread dumps every --interval and a heap histogram at start', async () => {
      const query = `service=${encodeURIComponent(service)}&instance=${encodeURIComponent(instance)}`;
      const dumps = await waitFor('two text thread dumps listed', 20_000, async () => {
        const { json } = await api<ThreadDumpListResponse>(`${backendUrl}/api/v1/jvm/threaddumps?${query}`);
        const text = json.threadDumps.filter((d) => d.format === 'text');
        return text.length >= 2 ? text : undefined;
      });
      expect(dumps[0]).toEqual(expect.objectContaining({ service, instance, format: 'text' }));
      expect(dumps[0].jvmVersion).toMatch(new RegExp(`^${jdk.name}\\.`));
      // On the --interval (2 s) schedule: repeated within 20 s, so not the 5-minute heap interval, and
      // never more often than the schedule allows. Upload times alone cannot show that: a slow jcmd
      // run (3.5 s seen on 2 loaded cores) delays one upload and the next, on time, lands right
      // after it. The schedule is fixed-rate from the attach, so by the time of the last upload at
      // most ⌊elapsed / interval⌋ + 1 captures can have started.
      // The agent logs an upload after the backend answered it, so the log may trail the listing.
      const attachedAt = Date.parse(String(jsonLines(agent).find((l) => l.msg === 'attached to JVM')?.ts));
      const onSchedule = await waitFor('two interval text dumps logged', 10_000, () => {
        const logged = jsonLines(agent).filter(
          (l) => l.msg === 'thread dump uploaded' && l.trigger === 'interval' && l.format === 'text'
        );
        return logged.length >= 2 ? logged : undefined;
      });
      const elapsed = Date.parse(String(onSchedule[onSchedule.length - 1].ts)) - attachedAt;
      expect(onSchedule.length).toBeLessThanOrEqual(Math.floor(elapsed / 2000) + 1);

      const { json: histograms } = await api<HeapHistogramListResponse>(
        `${backendUrl}/api/v1/jvm/heaphistograms?${query}`
      );
      expect(histograms.heapHistograms).toHaveLength(1);
      const { json: histogram } = await api<HeapHistogramResponse>(
        `${backendUrl}/api/v1/jvm/heaphistograms/${histograms.heapHistograms[0].id}`
      );
      expect(histogram.rows.length).toBeGreaterThan(100);
      expect(histogram.rows.map((r) => r.class)).toEqual(expect.arrayContaining(['java.lang.String']));

      const uploaded = jsonLines(agent).filter((l) => l.msg === 'thread dump uploaded');
      expect(uploaded[0]).toEqual(
        expect.objectContaining({ pid, instance, trigger: 'interval', format: 'text', deadlockedThreads: 4 })
      );
    });

    if (jdk.format === 'both') {
      it('also uploads JSON thread dumps, which show the virtual thread; no dump file is left behind', async () => {
        const query = `service=${encodeURIComponent(service)}&instance=${encodeURIComponent(instance)}`;
        const jsonDumps = await waitFor('a JSON thread dump listed', 20_000, async () => {
          const { json } = await api<ThreadDumpListResponse>(`${backendUrl}/api/v1/jvm/threaddumps?${query}`);
          const found = json.threadDumps.filter((d) => d.format === 'json');
          return found.length > 0 ? found : undefined;
        });
        expect(jsonDumps[0]).toEqual(expect.objectContaining({ service, instance, format: 'json' }));
        const { status, json: dump } = await api<ThreadDumpResponse>(
          `${backendUrl}/api/v1/jvm/threaddumps/${jsonDumps[0].id}`
        );
        expect(status).toBe(200);
        expect(dump.threads.filter((t) => t.name === 'vt-spinner')).toEqual([
          expect.objectContaining({ name: 'vt-spinner', virtual: true }),
        ]);
        expect(dump.summary.virtual).toBeGreaterThanOrEqual(1);
        expect(jsonLines(agent)).toContainEqual(
          expect.objectContaining({ msg: 'thread dump uploaded', format: 'json', id: jsonDumps[0].id })
        );
        expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`osprey-threaddump-${pid}-`))).toEqual([]);
      });
    } else {
      it('falls back to text thread dumps with one warning, as the JVM has no JSON dumps', async () => {
        const query = `service=${encodeURIComponent(service)}&instance=${encodeURIComponent(instance)}`;
        const dumps = await waitFor('two thread dumps listed', 20_000, async () => {
          const { json } = await api<ThreadDumpListResponse>(`${backendUrl}/api/v1/jvm/threaddumps?${query}`);
          return json.threadDumps.length >= 2 ? json.threadDumps : undefined;
        });
        expect(dumps.map((d) => d.format)).toEqual(dumps.map(() => 'text'));
        const warnings = jsonLines(agent).filter((l) => l.msg === JSON_FALLBACK_WARNING);
        expect(warnings).toEqual([
          expect.objectContaining({
            level: 'warn',
            pid,
            instance,
            threadDumpFormat: 'json',
            error: expect.stringContaining('Unknown diagnostic command'),
          }),
        ]);
        expect(jsonLines(agent).filter((l) => l.msg === 'thread dump failed; retrying next tick')).toEqual([]);
      });
    }

    it("the latest text dump shows the workload's deadlocks", async () => {
      const query = `service=${encodeURIComponent(service)}&instance=${encodeURIComponent(instance)}`;
      const { json: list } = await api<ThreadDumpListResponse>(`${backendUrl}/api/v1/jvm/threaddumps?${query}`);
      // Under `both` the latest dump may be the JSON one, which carries no lock owners.
      const latestText = list.threadDumps.find((d) => d.format === 'text');
      const { status, json: dump } = await api<ThreadDumpResponse>(
        `${backendUrl}/api/v1/jvm/threaddumps/${latestText?.id}`
      );
      expect(status).toBe(200);
      expect(
        dump.deadlocks
          .map((d) => ({ threads: [...d.threads].sort(), kind: d.kind }))
          .sort((a, b) => a.threads[0].localeCompare(b.threads[0]))
      ).toEqual([
        { threads: ['audit-writer', 'ledger-writer'], kind: 'synchronizer' },
        { threads: ['price-updater', 'stock-updater'], kind: 'mixed' },
      ]);
      expect(dump.deadlocksAgree).toBe(true);
      // JDK 21+: the agent sends Thread.dump_to_file with the Thread.print -l, so the text dump lists
      // the virtual thread beside the deadlocks' lock owners; JDK 17 has no virtual threads to list.
      expect(dump.source).toBe(jdk.name === '25' ? 'merged' : 'thread-print');
      expect(dump.threads.filter((t) => t.virtual).map((t) => t.name)).toEqual(jdk.name === '25' ? ['vt-spinner'] : []);
      const ledger = dump.threads.find((t) => t.name === 'ledger-writer');
      expect(ledger?.waitingOn?.owner).toBe('audit-writer');
    });

    it.each(['threaddump', 'heaphistogram'] as const)(
      'answers an on-demand %s request within 10 s, and the result is listed',
      async (kind) => {
        const asked = Date.now();
        const created = await api<JvmRequest>(`${backendUrl}/api/v1/jvm/requests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ service, instance, kind }),
        });
        expect(created.status).toBe(202);
        expect(created.json.status).toBe('pending');
        const done = await waitFor(`request ${created.json.id} done`, 10_000, async () => {
          const { json } = await api<JvmRequest>(`${backendUrl}/api/v1/jvm/requests/${created.json.id}`);
          expect(json.status).not.toBe('failed');
          return json.status === 'done' ? json : undefined;
        });
        const took = Date.now() - asked;
        expect(took).toBeLessThan(10_000);
        const list =
          kind === 'threaddump'
            ? (await api<ThreadDumpListResponse>(`${backendUrl}/api/v1/jvm/threaddumps?service=${service}`)).json
                .threadDumps
            : (await api<HeapHistogramListResponse>(`${backendUrl}/api/v1/jvm/heaphistograms?service=${service}`)).json
                .heapHistograms;
        expect(list.map((item) => item.id)).toContain(done.resultId);
        if (kind === 'threaddump') {
          // The first configured form: text under `both`, and text again after JDK 17's fallback.
          expect(list.find((item) => item.id === done.resultId)).toEqual(expect.objectContaining({ format: 'text' }));
        }
        // The agent logs after the backend has the result: wait for the line rather than race it.
        await waitFor(`agent log of request ${created.json.id}`, 10_000, async () =>
          jsonLines(agent).some(
            (line) =>
              line.msg === 'on-demand request answered' &&
              line.requestId === created.json.id &&
              line.resultId === done.resultId
          )
            ? true
            : undefined
        );
        process.stdout.write(`JDK ${jdk.name}: on-demand ${kind} done in ${took} ms\n`);
      }
    );

    it('logs a clear line when the JVM dies, keeps running and looking, and stops on SIGTERM', async () => {
      jvm.child.kill('SIGKILL');
      await jvm.exited;
      const gone = await waitFor('"target JVM is gone"', 10_000, () =>
        jsonLines(agent).find((l) => typeof l.msg === 'string' && l.msg.startsWith('target JVM is gone'))
      );
      expect(gone).toEqual(expect.objectContaining({ level: 'error', pid, instance, match: `LockWorkload ${tag}` }));
      await waitFor('"no JVM matches --match yet"', 10_000, () =>
        jsonLines(agent).find((l) => l.msg === 'no JVM matches --match yet; waiting for one')
      );
      // Still alive a poll later, and nothing crashed.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(agent.child.exitCode).toBeNull();
      expect(jsonLines(agent).filter((l) => l.msg === 'agent crashed')).toEqual([]);
      expect(agent.lines.filter((l) => l.startsWith('[stderr]'))).toEqual([]);

      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
      expect(jsonLines(agent).slice(-2)).toEqual([
        expect.objectContaining({ msg: 'stopping', signal: 'SIGTERM' }),
        expect.objectContaining({ msg: 'osprey-jvm-agent stopped', exitCode: 0 }),
      ]);
    });
  });
  describe('--pid (JDK 17)', () => {
    const tag = `osprey-agent-it-pid-${process.pid}`;
    let jvm: Proc;
    let pid: number;
    const argsFor = (url: string, ...extra: string[]) => [
      AGENT_CLI,
      '--backend',
      url,
      '--service',
      'lock-pid',
      ...extra,
    ];
    const agentArgs = (...extra: string[]) => argsFor(backendUrl, ...extra);
    const stores: Array<[string, () => string]> = [
      ['DuckDB', () => backendUrl],
      ['ClickHouse', () => clickhouseBackendUrl],
    ];
    const agentEnv = () => ({ ...process.env, OSPREY_INGEST_TOKEN: TOKENS.OSPREY_INGEST_TOKEN });

    beforeAll(async () => {
      jvm = start('/usr/bin/java', ['-cp', classesDir, 'LockWorkload', tag], process.env);
      pid = await waitFor('READY from LockWorkload', 30_000, () => {
        const ready = jvm.lines.find((l) => l.startsWith('READY '));
        return ready ? Number(ready.split(' ')[1]) : undefined;
      });
    });

    it('--once uploads one thread dump and one heap histogram, then exits 0', async () => {
      const once = start(process.execPath, agentArgs('--pid', String(pid), '--instance', 'once', '--once'), agentEnv());
      expect(await once.exited).toBe(0);
      expect(jsonLines(once).filter((l) => /uploaded$/.test(String(l.msg)))).toEqual([
        expect.objectContaining({
          msg: 'thread dump uploaded',
          trigger: 'once',
          instance: 'once',
          threads: expect.any(Number),
        }),
        expect.objectContaining({ msg: 'heap histogram uploaded', trigger: 'once', instance: 'once' }),
      ]);
      const { json } = await api<ThreadDumpListResponse>(
        `${backendUrl}/api/v1/jvm/threaddumps?service=lock-pid&instance=once`
      );
      expect(json.threadDumps).toHaveLength(1);
    });

    it.each(stores)(
      'a failing jcmd is logged, retried, and an on-demand request is answered with the error (%s)',
      async (_, url) => {
        const backendUrl = url();
        const broken = start(
          process.execPath,
          argsFor(
            backendUrl,
            '--pid',
            String(pid),
            '--instance',
            'broken',
            '--jcmd',
            '/bin/false',
            '--interval',
            '1s',
            '--poll',
            '500ms'
          ),
          agentEnv()
        );
        const created = await api<JvmRequest>(`${backendUrl}/api/v1/jvm/requests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ service: 'lock-pid', instance: 'broken', kind: 'threaddump' }),
        });
        const failed = await waitFor('the request to fail', 10_000, async () => {
          const { json } = await api<JvmRequest>(`${backendUrl}/api/v1/jvm/requests/${created.json.id}`);
          return json.status === 'failed' ? json : undefined;
        });
        expect(failed.error).toBe(`jcmd ${pid} Thread.print -l failed (exit 1): no output`);
        await waitFor('two failed periodic dumps', 10_000, () => {
          const failures = jsonLines(broken).filter((l) => l.msg === 'thread dump failed; retrying next tick');
          return failures.length >= 2 ? failures : undefined;
        });
        expect(broken.child.exitCode).toBeNull();
        broken.child.kill('SIGTERM');
        expect(await broken.exited).toBe(0);
      }
    );

    it.each(stores)(
      'two agents on one instance answer each request exactly once (claim is atomic, %s)',
      async (store, url) => {
        const backendUrl = url();
        const args = argsFor(
          backendUrl,
          '--pid',
          String(pid),
          '--instance',
          'pair',
          '--interval',
          '1h',
          '--heap-interval',
          '1h'
        );
        const agents = [
          start(process.execPath, [...args, '--poll', '300ms'], agentEnv()),
          start(process.execPath, [...args, '--poll', '300ms'], agentEnv()),
        ];
        await waitFor('both agents attached', 20_000, () =>
          agents.every((a) => jsonLines(a).some((l) => l.msg === 'heap histogram uploaded')) ? true : undefined
        );
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
          const created = await api<JvmRequest>(`${backendUrl}/api/v1/jvm/requests`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ service: 'lock-pid', instance: 'pair', kind: 'threaddump' }),
          });
          ids.push(created.json.id);
        }
        for (const id of ids) {
          await waitFor(`request ${id} done`, 15_000, async () => {
            const { json } = await api<JvmRequest>(`${backendUrl}/api/v1/jvm/requests/${id}`);
            return json.status === 'done' ? json : undefined;
          });
        }
        // An agent logs "answered" after its finishing call returns, which can be after the request
        // reads `done`; wait for every line, then check no request was answered twice.
        const answeredLines = () =>
          agents.flatMap((a) => jsonLines(a).filter((l) => l.msg === 'on-demand request answered'));
        const answered = await waitFor('an "answered" line per request', 10_000, () =>
          answeredLines().length >= ids.length ? answeredLines() : undefined
        );
        expect(answered.map((l) => l.requestId).sort()).toEqual([...ids].sort());
        for (const agent of agents) {
          agent.child.kill('SIGTERM');
          expect(await agent.exited).toBe(0);
        }
        const skipped = agents.flatMap((a) => jsonLines(a).filter((l) => l.msg === 'on-demand request already taken'));
        process.stdout.write(
          `two agents (${store}): ${answered.length} answered, ${skipped.length} claims lost to the other (409)\n`
        );
      }
    );

    it('exits 3 with a clear line when the JVM is gone', async () => {
      const agent = start(process.execPath, agentArgs('--pid', String(pid)), agentEnv());
      await waitFor('a first thread dump', 20_000, () =>
        jsonLines(agent).find((l) => l.msg === 'thread dump uploaded')
      );
      jvm.child.kill('SIGKILL');
      expect(await agent.exited).toBe(3);
      expect(jsonLines(agent)).toContainEqual(
        expect.objectContaining({ level: 'error', msg: 'target JVM is gone; exiting (--pid)', pid })
      );
      expect(agent.lines.filter((l) => l.startsWith('[stderr]'))).toEqual([]);
    });

    it('refuses bad arguments with exit 2 and says which', async () => {
      const bad = start(process.execPath, agentArgs('--pid', String(pid), '--interval', '30'), agentEnv());
      expect(await bad.exited).toBe(2);
      expect(bad.lines.join('\n')).toContain('osprey-jvm-agent: --interval: "30" is not a duration');
    });
  });
});

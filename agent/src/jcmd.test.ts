import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { JcmdError, jcmdFailureSummary, processAlive, resolveJcmd, runJcmd } from './jcmd';

describe('resolveJcmd', () => {
  const present = new Set(['/usr/lib/jvm/temurin-25/bin/jcmd', '/opt/jdk17/bin/jcmd', '/usr/bin/jcmd']);
  const isExecutable = (file: string) => present.has(file);

  it.each<[string, string | undefined, Partial<Parameters<typeof resolveJcmd>[1]>, ReturnType<typeof resolveJcmd>]>([
    [
      '--jcmd wins, unchecked',
      '/my/jcmd',
      { targetExe: '/usr/lib/jvm/temurin-25/bin/java' },
      { path: '/my/jcmd', source: 'flag' },
    ],
    [
      "the target JVM's own JDK first",
      undefined,
      { targetExe: '/usr/lib/jvm/temurin-25/bin/java', javaHome: '/opt/jdk17', pathEnv: '/usr/bin' },
      { path: '/usr/lib/jvm/temurin-25/bin/jcmd', source: 'target-jvm' },
    ],
    [
      'a JRE (no jcmd beside java) falls back to JAVA_HOME',
      undefined,
      { targetExe: '/opt/jre/bin/java', javaHome: '/opt/jdk17', pathEnv: '/usr/bin' },
      { path: '/opt/jdk17/bin/jcmd', source: 'JAVA_HOME' },
    ],
    [
      'a target that is not java (a launcher binary) falls back',
      undefined,
      { targetExe: '/usr/lib/jvm/temurin-25/bin/tomcat', pathEnv: '/usr/bin' },
      { path: '/usr/bin/jcmd', source: 'PATH' },
    ],
    [
      'JAVA_HOME without jcmd falls back to PATH, in PATH order',
      undefined,
      { javaHome: '/opt/jre', pathEnv: '/nowhere::/opt/jdk17/bin:/usr/bin' },
      { path: '/opt/jdk17/bin/jcmd', source: 'PATH' },
    ],
    ['nothing found', undefined, { targetExe: '/opt/jre/bin/java', javaHome: '/opt/jre', pathEnv: '/bin' }, undefined],
    ['no clues at all', undefined, {}, undefined],
  ])('%s', (_name, explicit, probe, expected) => {
    expect(resolveJcmd(explicit, { isExecutable, ...probe })).toEqual(expected);
  });
});

describe('jcmdFailureSummary', () => {
  it.each([
    [
      'real: a pid that does not exist (JDK 17)',
      '999999:\n',
      'java.io.IOException: No such process\n\tat jdk.attach/sun.tools.attach.VirtualMachineImpl.sendQuitTo(Native Method)\n',
      'java.io.IOException: No such process',
    ],
    ['stdout only', '12:\nUnknown diagnostic command\n', '', 'Unknown diagnostic command'],
    ['nothing', '', '', 'no output'],
  ])('%s', (_name, stdout, stderr, summary) => {
    expect(jcmdFailureSummary(stdout, stderr)).toBe(summary);
  });
});

describe('runJcmd (a stand-in executable, to pin exit, timeout and not-found handling)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'osprey-jcmd-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function script(name: string, body: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  }

  it('resolves with stdout and passes the arguments', async () => {
    await expect(runJcmd(script('ok', 'echo "$1: $2 $3"'), ['42', 'Thread.print', '-l'], 5000)).resolves.toBe(
      '42: Thread.print -l\n'
    );
  });

  it('rejects with the first line of the complaint on a non-zero exit', async () => {
    const jcmd = script(
      'fail',
      'echo "42:"; echo "java.io.IOException: No such process" >&2; echo "\tat x.y(Z.java:1)" >&2; exit 1'
    );
    await expect(runJcmd(jcmd, ['42', 'Thread.print'], 5000)).rejects.toThrow(
      'jcmd 42 Thread.print failed (exit 1): java.io.IOException: No such process'
    );
  });

  it('kills a jcmd that hangs past the timeout', async () => {
    const started = Date.now();
    await expect(runJcmd(script('hang', 'sleep 30'), ['42', 'GC.class_histogram'], 300)).rejects.toThrow(
      'jcmd 42 GC.class_histogram took longer than 300 ms; killed'
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says so when jcmd does not exist', async () => {
    await expect(runJcmd(path.join(dir, 'missing'), ['-l'], 1000)).rejects.toThrow(JcmdError);
    await expect(runJcmd(path.join(dir, 'missing'), ['-l'], 1000)).rejects.toThrow(/jcmd not found at/);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const run = runJcmd(script('slow', 'sleep 30'), ['-l'], 10_000, controller.signal);
    controller.abort();
    await expect(run).rejects.toThrow('jcmd stopped: the agent is shutting down');
  });
});

describe('processAlive', () => {
  it('knows this process and not a made-up one', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});

/**
 * Thread-dump parsing speed on a real ≥ 3,000-thread dump, against the peer that matters on call:
 * the JVM printing that same dump (`jcmd <pid> Thread.print -l`), measured in the same run.
 *
 *   npm run bench:jvm
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { analyzeThreadDump, parseThreadDumpText } from '@osprey/backend';

const JAVA_HOME = process.env.BENCH_JAVA_HOME ?? '/usr/lib/jvm/java-17-openjdk-amd64';
const WORKLOAD = path.resolve(__dirname, '../../test/fixtures/jvm/BigPool.java');
const RUNS = 20;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMs(fn: () => unknown, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function startWorkload(classes: string): Promise<{ pid: number; stop: () => void }> {
  execFileSync(path.join(JAVA_HOME, 'bin/javac'), ['-d', classes, WORKLOAD]);
  const jvm = spawn(path.join(JAVA_HOME, 'bin/java'), ['-Xss256k', '-cp', classes, 'BigPool'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    jvm.once('exit', (code) => reject(new Error(`BigPool exited with ${code} before READY`)));
    jvm.stdout.on('data', (chunk: Buffer) => {
      const ready = /READY (\d+)/.exec(chunk.toString());
      if (ready) {
        resolve(Number(ready[1]));
      }
    });
  });
  return { pid, stop: () => jvm.kill('SIGKILL') };
}

async function main(): Promise<void> {
  const classes = mkdtempSync(path.join(tmpdir(), 'osprey-bench-jvm-'));
  const workload = await startWorkload(classes);
  try {
    const jcmd = path.join(JAVA_HOME, 'bin/jcmd');
    const capture = () =>
      execFileSync(jcmd, [String(workload.pid), 'Thread.print', '-l'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const text = capture();
    const captureMs = timeMs(capture, 5);

    for (let i = 0; i < 3; i++) {
      analyzeThreadDump(parseThreadDumpText(text));
    }
    const dump = parseThreadDumpText(text);
    const parseMs = timeMs(() => parseThreadDumpText(text), RUNS);
    const analyzeMs = timeMs(() => analyzeThreadDump(dump), RUNS);
    const megabytes = Buffer.byteLength(text) / 1e6;

    const rows = [
      ['threads', String(dump.threads.length)],
      ['dump size', `${megabytes.toFixed(2)} MB, ${text.split('\n').length} lines`],
      ['jcmd Thread.print -l (peer)', `${captureMs.toFixed(1)} ms`],
      ['osprey parse', `${parseMs.toFixed(1)} ms (${(megabytes / (parseMs / 1000)).toFixed(0)} MB/s)`],
      ['osprey analyse', `${analyzeMs.toFixed(1)} ms`],
      ['parse + analyse vs jcmd', `${((parseMs + analyzeMs) / captureMs).toFixed(2)}× the JVM's own time`],
    ];
    console.log(`jvm-parse: ${new Date().toISOString()}, Node ${process.version}, ${JAVA_HOME}`);
    for (const [name, value] of rows) {
      console.log(`  ${name.padEnd(28)} ${value}`);
    }
  } finally {
    workload.stop();
    rmSync(classes, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/** A real `osprey serve` child process on a temp data dir and a free loopback port. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

// Found through the workspace link, so it resolves alike from bench/dist (tsc) and bench/ (ts-node).
const CLI = path.join(path.dirname(require.resolve('@osprey/backend/package.json')), 'bin', 'osprey.js');

export const BENCH_TOKEN = 'bench-admin';

export interface OspreyProcess {
  url: string;
  child: ChildProcess;
  /** SIGTERM, so DuckDB checkpoints and the file size is what stays on disk. */
  stop(): Promise<void>;
}

/** BENCH_OSPREY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the server's node only. */
export async function startOsprey(
  dataDir: string,
  extraArgs: string[] = [],
  nodeArgs = (process.env.BENCH_OSPREY_NODE_ARGS ?? '').split(' ').filter(Boolean)
): Promise<OspreyProcess> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...extraArgs],
    { env: { ...process.env, OSPREY_ADMIN_TOKEN: BENCH_TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('osprey did not log "osprey listening" within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`osprey exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'osprey listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** `osprey serve --store clickhouse` against a ClickHouse HTTP URL (its data dir left unused). */
export function startOspreyOnClickHouse(scratch: string, clickhouseUrl: string): Promise<OspreyProcess> {
  return startOsprey(path.join(scratch, 'unused'), ['--store', 'clickhouse', '--clickhouse-url', clickhouseUrl]);
}

import { execFile } from 'node:child_process';
import { accessSync, constants, readlinkSync } from 'node:fs';
import path from 'node:path';

/** What resolveJcmd looks at, injectable so the order of preference is testable without JDKs. */
export interface JcmdProbe {
  /** Executable the target process runs (`/proc/<pid>/exe`), or undefined when unknown/unreadable. */
  targetExe?: string;
  javaHome?: string;
  /** `PATH` as in the environment. */
  pathEnv?: string;
  isExecutable(file: string): boolean;
}

export interface ResolvedJcmd {
  path: string;
  source: 'flag' | 'target-jvm' | 'JAVA_HOME' | 'PATH';
}

/**
 * Chooses the jcmd to run. The target JVM's own JDK comes first: a jcmd from another JDK may
 * attach yet print commands differently or not know newer ones. A JRE has no jcmd beside java, so
 * the search then falls back to $JAVA_HOME and PATH. Undefined when none is found.
 */
export function resolveJcmd(explicit: string | undefined, probe: JcmdProbe): ResolvedJcmd | undefined {
  if (explicit) {
    return { path: explicit, source: 'flag' };
  }
  if (probe.targetExe && path.basename(probe.targetExe) === 'java') {
    const beside = path.join(path.dirname(probe.targetExe), 'jcmd');
    if (probe.isExecutable(beside)) {
      return { path: beside, source: 'target-jvm' };
    }
  }
  if (probe.javaHome) {
    const home = path.join(probe.javaHome, 'bin', 'jcmd');
    if (probe.isExecutable(home)) {
      return { path: home, source: 'JAVA_HOME' };
    }
  }
  for (const dir of (probe.pathEnv ?? '').split(path.delimiter)) {
    if (dir === '') {
      continue;
    }
    const candidate = path.join(dir, 'jcmd');
    if (probe.isExecutable(candidate)) {
      return { path: candidate, source: 'PATH' };
    }
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable a process runs, from Linux's /proc; undefined elsewhere or without permission. */
export function processExe(pid: number): string | undefined {
  try {
    // A JDK upgraded underneath a running JVM shows as "<path> (deleted)".
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

/** True while a process with this id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** jcmd failed: exited non-zero, timed out, was not found, or was stopped. */
export class JcmdError extends Error {
  constructor(
    message: string,
    readonly detail: { exitCode?: number | string | null; signal?: string | null; stderr?: string; stdout?: string }
  ) {
    super(message);
    this.name = 'JcmdError';
  }
}

// A 3,000-thread dump is about 4 MB; histograms of large apps run to a few MB. Leave ample room.
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** First meaningful line of jcmd's complaint, for a log line (the rest is a Java stack trace). */
export function jcmdFailureSummary(stdout: string, stderr: string): string {
  const lines = `${stderr}\n${stdout}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\d+:$/.test(l) && !l.startsWith('at '));
  return lines[0] ?? 'no output';
}

/** Runs `jcmd <args>` and resolves with its stdout; rejects with JcmdError. Killed after timeoutMs or on abort. */
export function runJcmd(jcmd: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      jcmd,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, signal, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) {
          resolve(stdout);
          return;
        }
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string | null };
        let message: string;
        if (e.name === 'AbortError') {
          message = 'jcmd stopped: the agent is shutting down';
        } else if (e.code === 'ENOENT') {
          message = `jcmd not found at ${jcmd}`;
        } else if (e.killed && e.signal === 'SIGKILL') {
          message = `jcmd ${args.join(' ')} took longer than ${timeoutMs} ms; killed`;
        } else {
          message = `jcmd ${args.join(' ')} failed (exit ${e.code ?? e.signal}): ${jcmdFailureSummary(stdout, stderr)}`;
        }
        reject(new JcmdError(message, { exitCode: e.code, signal: e.signal, stderr, stdout }));
      }
    );
  });
}

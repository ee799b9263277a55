import type { ChildProcess } from 'node:child_process';

export interface Child {
  name: string;
  proc: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<string>;
}

export function watch(name: string, proc: ChildProcess): Child {
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => resolve(signal ?? String(code)));
  });
  return { name, proc, exited };
}

/** Resolves with the first IPC message of `type`; rejects if the child exits first or time runs out. */
export function waitForMessage<T extends { type: string }>(child: Child, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} not ready after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type) {
        clearTimeout(timer);
        child.proc.off('message', onMessage);
        resolve(message as T);
      }
    };
    child.proc.on('message', onMessage);
    child.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited (${how}) before it was ready`));
    });
  });
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: Child, graceMs = 5_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    return;
  }
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Last resort on the parent's own exit: kill what is still running, synchronously. */
export function killNow(children: Iterable<Child>): void {
  for (const child of children) {
    if (child.proc.exitCode === null && child.proc.signalCode === null) {
      child.proc.kill('SIGKILL');
    }
  }
}

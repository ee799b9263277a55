import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Mounts a tmpfs of `size` (e.g. `256k`) on the existing directory `dir`, to fill it up. */
export function mountSmallFileSystem(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir]);
}

/** Whether this process may mount (it needs root, which the CI container has): tried once on a scratch dir. */
export function canMount(): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'osprey-mount-probe-'));
  try {
    mountSmallFileSystem(dir, '4k');
    unmount(dir);
    return true;
  } catch {
    return false;
  } finally {
    rmdirSync(dir);
  }
}

import { execFileSync } from 'node:child_process';

/**
 * Mounts a tmpfs of `size` (e.g. `256k`) on the existing directory `dir`, to fill it up; undefined
 * when mounting is not allowed (it needs root, which the CI container has). `unmount` removes it.
 */
export function mountSmallFileSystem(dir: string, size: string): { unmount: () => void } | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { unmount: () => execFileSync('umount', [dir]) };
}

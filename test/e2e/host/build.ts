/**
 * Builds the host bundle with esbuild into test-output/e2e-host/, from the same hoisted React 18.3 and
 * @grafana/* 13.1.1 packages the plugins are built against.
 */
import { build } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const HOST_OUT_DIR = path.join(REPO_ROOT, 'test-output', 'e2e-host');

export interface HostBuild {
  outDir: string;
  bytes: number;
  millis: number;
}

export async function buildHost(): Promise<HostBuild> {
  const started = Date.now();
  await mkdir(HOST_OUT_DIR, { recursive: true });
  await build({
    entryPoints: [path.join(__dirname, 'host.tsx')],
    outfile: path.join(HOST_OUT_DIR, 'host.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    logLevel: 'error',
  });
  await copyFile(path.join(__dirname, 'index.html'), path.join(HOST_OUT_DIR, 'index.html'));
  const { size } = await stat(path.join(HOST_OUT_DIR, 'host.js'));
  return { outDir: HOST_OUT_DIR, bytes: size, millis: Date.now() - started };
}

if (require.main === module) {
  buildHost().then(
    (result) => console.log(JSON.stringify(result)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    }
  );
}

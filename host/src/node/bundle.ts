/**
 * Bundles a host page with esbuild: its entry with the same hoisted React 18.3 and @grafana/* 13.1.1
 * packages the plugins are built against, into `outDir`/host.js beside `outDir`/index.html.
 * Run as a script (`npm run build:preview`), it builds the dashboard preview into dist/web/.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

import type { BuildOptions } from 'esbuild';

import { cjsDefaultInterop } from './esm-interop';
import { HOST_PACKAGE_DIR } from './server';

export interface HostBundle {
  outDir: string;
  bytes: number;
  millis: number;
}

/** Where the preview page is built, and what `npm start` serves. */
export const PREVIEW_PAGE_DIR = path.join(HOST_PACKAGE_DIR, 'dist', 'web');

/** How a host page is bundled: `entry` into `outDir`/host.js. */
export function hostBuildOptions(entry: string, outDir: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile: path.join(outDir, 'host.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    plugins: [cjsDefaultInterop()],
    logLevel: 'error',
  };
}

export async function bundleHostPage(entry: string, html: string, outDir: string): Promise<HostBundle> {
  // esbuild is a build tool: required here so that serving a built page (npm start) never loads it.
  const { build } = await import('esbuild');
  const started = Date.now();
  await mkdir(outDir, { recursive: true });
  await build(hostBuildOptions(entry, outDir));
  await copyFile(html, path.join(outDir, 'index.html'));
  const { size } = await stat(path.join(outDir, 'host.js'));
  return { outDir, bytes: size, millis: Date.now() - started };
}

const PREVIEW_SRC = path.join(HOST_PACKAGE_DIR, 'src', 'preview');
/** The preview page's entry. */
export const PREVIEW_ENTRY = path.join(PREVIEW_SRC, 'index.tsx');

/** The dashboard preview (src/preview/) as `npm start` serves it. */
export function bundlePreview(): Promise<HostBundle> {
  return bundleHostPage(PREVIEW_ENTRY, path.join(PREVIEW_SRC, 'index.html'), PREVIEW_PAGE_DIR);
}

if (require.main === module) {
  bundlePreview().then(
    (result) => console.log(`preview page: ${result.bytes} bytes in ${result.outDir}, built in ${result.millis} ms`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    }
  );
}

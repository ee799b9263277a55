/**
 * Builds the host bundle with esbuild into test-output/e2e-host/. Shared packages are resolved from
 * the datasource workspace, which pins the versions the plugins are built against (React 18.3,
 * @grafana/* 13.1.1); the repository root also holds a hoisted React 19 that must not leak in, so
 * every `react`/`react-dom` import in the graph is forced to that one copy, as Grafana has one React.
 */
import { build, Plugin } from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const HOST_OUT_DIR = path.join(REPO_ROOT, 'test-output', 'e2e-host');
const PLUGIN_WORKSPACE = path.join(REPO_ROOT, 'datasource');

const SINGLE_COPY = /^(react|react-dom)(\/.*)?$/;

function resolveFromPluginWorkspace(): Plugin {
  return {
    name: 'resolve-from-plugin-workspace',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        const fromHost = args.importer.startsWith(__dirname);
        if (args.pluginData === 'redirected' || (!fromHost && !SINGLE_COPY.test(args.path))) {
          return undefined;
        }
        const result = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: PLUGIN_WORKSPACE,
          pluginData: 'redirected',
        });
        return result.errors.length > 0
          ? { errors: result.errors }
          : { path: result.path, sideEffects: result.sideEffects };
      });
    },
  };
}

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
    plugins: [resolveFromPluginWorkspace()],
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

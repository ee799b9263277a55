/**
 * The host bundles (the e2e host page and the npm start preview) against esbuild's `.mjs` interop:
 * every default import of an `__esModule` CommonJS module from a @grafana/* `.mjs` file is one the
 * host's plugin hands `exports.default`, and the bundle as built has none left.
 */
import path from 'node:path';

import { cjsDefaultImports, ESM_DEFAULT_IMPORTED_CJS, hostBuildOptions, PREVIEW_ENTRY, REPO_ROOT } from '@osprey/host';
import { build, type Metafile } from 'esbuild';

jest.setTimeout(120_000);

const ENTRIES = { preview: PREVIEW_ENTRY, 'e2e host': path.join(__dirname, 'host', 'host.tsx') };

async function metafile(entry: string, plugins: boolean): Promise<Metafile> {
  const options = hostBuildOptions(entry, path.join(REPO_ROOT, 'test-output', 'esm-interop'));
  const result = await build({
    ...options,
    plugins: plugins ? options.plugins : [],
    metafile: true,
    write: false,
    minify: false,
    absWorkingDir: REPO_ROOT,
  });
  return result.metafile;
}

/** Whether webpack and esbuild disagree on the module's default: it sets __esModule and a default of its own. */
function esModuleWithDefault(file: string): boolean {
  const exports = require(path.join(REPO_ROOT, file)) as { __esModule?: boolean; default?: unknown };
  return exports.__esModule === true && exports.default !== undefined && exports.default !== exports;
}

describe.each(Object.entries(ENTRIES))('the %s bundle', (_name, entry) => {
  it('default-imports from .mjs files exactly the __esModule CommonJS packages the plugin shims', async () => {
    const imports = await cjsDefaultImports(await metafile(entry, false), REPO_ROOT);
    // Most CommonJS default imports (react, moment, classnames) mean module.exports both ways.
    expect(imports.length).toBeGreaterThan(10);
    const traps = [...new Set(imports.filter((i) => esModuleWithDefault(i.target)).map((i) => i.specifier))].sort();
    expect(traps).toEqual([...ESM_DEFAULT_IMPORTED_CJS].sort());
  });

  it('has none of them left once built with the plugin', async () => {
    const imports = await cjsDefaultImports(await metafile(entry, true), REPO_ROOT);
    expect(imports.filter((i) => esModuleWithDefault(i.target))).toEqual([]);
    expect(imports.map((i) => i.specifier)).toEqual(expect.arrayContaining(['react', 'moment']));
  });
});

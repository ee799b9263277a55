/**
 * The one place esbuild and webpack disagree on the packages Grafana shares: an ES module file named
 * `.mjs` that default-imports a CommonJS module gets Node's interop from esbuild (the default is the
 * whole `module.exports`), where webpack, which builds Grafana, gives `exports.default` when the
 * module sets `__esModule`. @grafana/ui's `.mjs` files default-import two such modules; bundled as
 * they are, `<CustomScrollbar>` (inside every @grafana/ui Table) renders an object as an element type
 * (React error #130) and the typeahead calls an object. The plugin below resolves those imports to a
 * module that hands on `exports.default`, as webpack does.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Metafile, Plugin } from 'esbuild';

/**
 * The CommonJS packages with `__esModule` and a default export that @grafana/* `.mjs` files
 * default-import (`esm-interop.test.ts` finds them in the bundle: the list is exactly those).
 */
export const ESM_DEFAULT_IMPORTED_CJS = ['react-custom-scrollbars-2', 'calculate-size'] as const;

const NAMESPACE = 'osprey-cjs-default';

const escaped = (name: string) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function cjsDefaultInterop(packages: readonly string[] = ESM_DEFAULT_IMPORTED_CJS): Plugin {
  return {
    name: 'osprey-cjs-default-interop',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${packages.map(escaped).join('|')})$`) }, async (args) => {
        if (args.kind !== 'import-statement' || !args.importer.endsWith('.mjs')) {
          return undefined;
        }
        // Resolved as the importer would have (no importer: this hook passes it by).
        const target = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir });
        return target.errors.length > 0 ? { errors: target.errors } : { path: target.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const file = JSON.stringify(args.path);
        // Outside a .mjs file, esbuild's interop reads `default` off an __esModule module, as webpack does.
        return {
          contents: `import * as m from ${file};\nexport default m.default;\nexport * from ${file};\n`,
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
    },
  };
}

/** One default import, in a `.mjs` file of the bundle, of a CommonJS module of the bundle. */
export interface CjsDefaultImport {
  /** The import's specifier, as written. */
  specifier: string;
  importer: string;
  /** The CommonJS file it resolved to. */
  target: string;
}

/** `import X from 'spec'` or `import X, {…} from 'spec'` (not `import * as`, not `import {…}`). */
function defaultImports(source: string, specifier: string): boolean {
  return new RegExp(
    `import\\s+[A-Za-z_$][\\w$]*\\s*(?:,\\s*\\{[^}]*\\}\\s*)?from\\s*['"]${escaped(specifier)}['"]`
  ).test(source);
}

/**
 * The default imports from `.mjs` files to CommonJS modules in a bundle's metafile, read from the
 * importers' sources (its paths are relative to `cwd`, the build's working directory).
 */
export async function cjsDefaultImports(metafile: Metafile, cwd: string): Promise<CjsDefaultImport[]> {
  const found: CjsDefaultImport[] = [];
  for (const [importer, input] of Object.entries(metafile.inputs)) {
    if (!importer.endsWith('.mjs')) {
      continue;
    }
    const targets = input.imports.filter(
      (i) => i.kind === 'import-statement' && !i.external && metafile.inputs[i.path]?.format === 'cjs'
    );
    if (targets.length === 0) {
      continue;
    }
    const source = await readFile(path.join(cwd, importer), 'utf8');
    for (const i of targets) {
      if (i.original !== undefined && defaultImports(source, i.original)) {
        found.push({ specifier: i.original, importer, target: i.path });
      }
    }
  }
  return found;
}

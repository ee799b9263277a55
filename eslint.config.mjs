import grafanaConfig from '@grafana/eslint-config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';

/** The Grafana plugins' workspaces. */
const PLUGIN_DIRS = ['app', 'datasource', 'panels/xlog', 'panels/threaddump', 'panels/tracemap'];
const srcOf = (dirs) => dirs.map((dir) => `./${dir}/src`);

export default [
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'test-output/**', '.osprey-data/**'],
  },
  ...grafanaConfig,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      'react/prop-types': 'off',
      'react/react-in-jsx-scope': 'off',
    },
  },
  {
    // No file may import (at run time) a module that imports it back, in any package or across
    // packages: @osprey/* resolve to their sources through tsconfig.json's paths. Followed: imports
    // and re-exports; type-only imports are erased by the compiler and do not count; require() calls
    // are not followed.
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Third-party code cannot import ours back: not parsed (ignoreExternal would also skip the
      // workspace packages, being outside the importing file's package).
      'import-x/ignore': ['node_modules'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
    },
  },
  {
    // A plugin reaches another plugin only through what they share (@osprey/plugin-kit, @osprey/model),
    // never into its src/: each is built and loaded by Grafana on its own, and what two of them need
    // has one home. Tests may build their fixtures with another plugin's real converters.
    files: ['{app,datasource,panels/*,plugin-kit}/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}', 'panels/threaddump/src/testFrames.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...PLUGIN_DIRS.map((dir) => ({
              target: `./${dir}/src`,
              from: srcOf(PLUGIN_DIRS.filter((o) => o !== dir)),
            })),
            { target: './plugin-kit/src', from: srcOf(PLUGIN_DIRS) },
          ].map((zone) => ({
            ...zone,
            message: 'Import what plugins share from @osprey/plugin-kit or @osprey/model, not from another plugin.',
          })),
        },
      ],
    },
  },
];

/**
 * Builds the Osprey plugin suite the way @grafana/create-plugin builds one plugin, once per plugin:
 * the app at dist/, the nested datasource at dist/datasource/, the panels at dist/panels/<name>/.
 * Each module.js is AMD with Grafana's shared modules left external, so the plugin uses the React and
 * @grafana/* instances Grafana already runs.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Configuration, ExternalItemFunctionData } from 'webpack';
import { parse as parseYaml } from 'yaml';

import appPackage from './app/package.json';

interface PluginBuild {
  /** Workspace folder holding src/ with module.ts, plugin.json and img/. */
  dir: string;
  /** Output folder below dist/. */
  out: string;
}

const PLUGINS: PluginBuild[] = [
  { dir: 'app', out: '' },
  { dir: 'datasource', out: 'datasource' },
  { dir: 'panels/xlog', out: 'panels/xlog' },
  { dir: 'panels/threaddump', out: 'panels/threaddump' },
  { dir: 'panels/tracemap', out: 'panels/tracemap' },
];

const ROOT = __dirname;
const DIST = path.join(ROOT, 'dist');
const VERSION = appPackage.version;

/** create-plugin's externals: the modules Grafana's plugin loader shares with every plugin. */
const externals: Configuration['externals'] = [
  'lodash',
  'jquery',
  'moment',
  'slate',
  'emotion',
  '@emotion/react',
  '@emotion/css',
  'prismjs',
  'slate-plain-serializer',
  '@grafana/slate-react',
  'react',
  'react/jsx-runtime',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'i18next',
  'react-router',
  'react-router-dom',
  'd3',
  'angular',
  /^@grafana\/ui/i,
  /^@grafana\/runtime/i,
  /^@grafana\/data/i,
  // Legacy SDK imports ("grafana/app/...") resolve to Grafana's own modules without the prefix.
  ({ request }: ExternalItemFunctionData, callback: (error?: Error, result?: string) => void) => {
    const prefix = 'grafana/';
    if (request?.startsWith(prefix)) {
      return callback(undefined, request.slice(prefix.length));
    }
    callback();
  },
];

function readPluginId(dir: string): string {
  return JSON.parse(readFileSync(path.join(ROOT, dir, 'src', 'plugin.json'), 'utf8')).id;
}

/** Fills create-plugin's placeholders in plugin.json while it is copied. */
export function stampPluginJson(content: Buffer, today = new Date()): string {
  return content
    .toString('utf8')
    .replace(/%VERSION%/g, VERSION)
    .replace(/%TODAY%/g, today.toISOString().substring(0, 10));
}

function pluginConfig({ dir, out }: PluginBuild, production: boolean): Configuration {
  const src = path.join(ROOT, dir, 'src');
  const id = readPluginId(dir);
  const outDir = path.join(DIST, out);
  const isApp = out === '';
  return {
    name: id,
    context: src,
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: { module: './module.ts' },
    externals,
    module: {
      rules: [
        {
          exclude: /node_modules/,
          test: /\.[tj]sx?$/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2015',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
        // provisioning/alerting/rules.yaml, which the app installs: parsed here, so the bundle holds plain data.
        { test: /\.ya?ml$/, type: 'json', parser: { parse: parseYaml } },
      ],
    },
    output: {
      // The app build owns dist/ and must not wipe the nested plugins built beside it.
      clean: isApp ? { keep: /^(datasource|panels)\// } : true,
      filename: '[name].js',
      library: { type: 'amd' },
      path: outDir,
      publicPath: `public/plugins/${id}/`,
      uniqueName: id,
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'plugin.json', to: '.', transform: (content) => stampPluginJson(content) },
          { from: 'img/**/*', to: '.' },
          ...(isApp
            ? [
                ...['README.md', 'CHANGELOG.md', 'LICENSE'].map((file) => ({
                  from: path.join(ROOT, file),
                  to: '.',
                  noErrorOnMissing: true,
                })),
                // The app's `dashboard` includes: Grafana imports them when the app is enabled.
                { from: 'dashboards/*.json', to: '.' },
              ]
            : []),
        ],
      }),
    ],
    resolve: {
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      alias: {
        '@osprey/model$': path.join(ROOT, 'model/src/index.ts'),
        '@osprey/plugin-kit$': path.join(ROOT, 'plugin-kit/src/index.ts'),
      },
    },
    performance: { hints: false },
  };
}

export default (_env: unknown, argv: { mode?: string }): Configuration[] =>
  PLUGINS.map((plugin) => pluginConfig(plugin, argv.mode === 'production'));

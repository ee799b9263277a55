/**
 * One jest run for the whole workspace: node projects for the backend and shared model,
 * jsdom for plugin components, and the cross-package tests in test/ that start real servers.
 */
const transform = {
  '^.+\\.(t|j)sx?$|^.+\\.mjs$': ['@swc/jest', { jsc: { transform: { react: { runtime: 'automatic' } } } }],
  '^.+\\.ya?ml$': '<rootDir>/test/jest/yaml-transform.js',
};
// ES-module-only packages that @grafana/data and @grafana/ui import; jest must transform them.
const esModules = [
  'marked',
  'd3',
  'd3-[a-z-]+',
  'internmap',
  'react-calendar',
  'get-user-locale',
  'memoize',
  'mimic-function',
  '@wojtekmaj/date-utils',
  'ol',
  'react-colorful',
  'uuid',
  'rxjs',
  // jsdom resolves yaml's browser build, which is ESM (dashboard-queries.test.ts reads prometheus.yml).
  'yaml',
];
const moduleNameMapper = {
  '^@osprey/model$': '<rootDir>/model/src/index.ts',
  '^@osprey/plugin-kit$': '<rootDir>/plugin-kit/src/index.ts',
  '^@osprey/plugin-kit/testing$': '<rootDir>/plugin-kit/src/testing/fake-backend.ts',
  '^@osprey/host$': '<rootDir>/host/src/node/index.ts',
};

module.exports = {
  reporters: ['default', '<rootDir>/test/jest/summary-reporter.js'],
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/{model,backend,demo,agent,scripts}/src/**/*.test.ts'],
    },
    {
      displayName: 'plugins',
      testEnvironment: 'jsdom',
      transform,
      moduleNameMapper: { ...moduleNameMapper, '\\.(css|svg|png)$': '<rootDir>/test/jest/file-stub.js' },
      setupFiles: ['<rootDir>/test/jest/polyfills.js'],
      setupFilesAfterEnv: ['<rootDir>/test/jest/setup-dom.ts'],
      transformIgnorePatterns: [`node_modules/(?!(${esModules.join('|')})/)`],
      testMatch: ['<rootDir>/{plugin-kit,datasource,panels/*,app}/src/**/*.test.{ts,tsx}'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      // datasource-live.test.ts runs the datasource's code, which imports @grafana/data and @grafana/ui.
      moduleNameMapper: { ...moduleNameMapper, '\\.(css|svg|png)$': '<rootDir>/test/jest/file-stub.js' },
      transformIgnorePatterns: [`node_modules/(?!(${esModules.join('|')})/)`],
      testMatch: ['<rootDir>/test/{integration,e2e,plugins}/**/*.test.ts'],
    },
  ],
};

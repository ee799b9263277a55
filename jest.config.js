/**
 * One jest run for the whole workspace: node projects for the backend and shared model,
 * jsdom for plugin components, and the cross-package tests in test/ that start real servers.
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { transform: { react: { runtime: 'automatic' } } } }] };
const moduleNameMapper = { '^@osprey/model$': '<rootDir>/model/src/index.ts' };

module.exports = {
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/{model,backend,demo,scripts}/src/**/*.test.ts'],
    },
    {
      displayName: 'plugins',
      testEnvironment: 'jsdom',
      transform,
      moduleNameMapper: { ...moduleNameMapper, '\\.(css|svg|png)$': '<rootDir>/test/jest/file-stub.js' },
      setupFilesAfterEnv: ['<rootDir>/test/jest/setup-dom.ts'],
      testMatch: ['<rootDir>/{datasource,panels/*,app}/src/**/*.test.{ts,tsx}'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/{integration,e2e,plugins}/**/*.test.ts'],
    },
  ],
};

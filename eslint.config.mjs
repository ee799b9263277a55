import grafanaConfig from '@grafana/eslint-config';

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
];

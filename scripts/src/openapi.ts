/**
 * Writes docs/api/openapi.json, the HTTP API reference, from the backend's route schemas
 * (`npm run openapi`); backend/src/server/openapi.test.ts fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { openApiDocument } from '../../backend/src/testing/openapi';

export const OPENAPI_FILE = path.resolve(__dirname, '..', '..', 'docs', 'api', 'openapi.json');

void openApiDocument().then((document) => {
  mkdirSync(path.dirname(OPENAPI_FILE), { recursive: true });
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
});

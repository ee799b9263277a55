import { readFileSync } from 'node:fs';
import path from 'node:path';

/** backend/package.json, found from both src/server (tests) and dist/server (built). */
export const VERSION: string = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

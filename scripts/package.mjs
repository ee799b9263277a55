/**
 * Zips the built dist/ into osprey-apm-app-<version>.zip with the plugin id as its top folder, the
 * layout Grafana expects when a plugin archive is unpacked into its plugins directory.
 */
import archiver from 'archiver';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const pluginJsonPath = path.join(dist, 'plugin.json');

if (!existsSync(pluginJsonPath)) {
  console.error('dist/plugin.json is missing: run `npm run build:plugins` first');
  process.exit(1);
}
const { id, info } = JSON.parse(readFileSync(pluginJsonPath, 'utf8'));
const zipPath = path.join(root, `${id}-${info.version}.zip`);

const output = createWriteStream(zipPath);
const archive = archiver('zip', { zlib: { level: 9 } });
const done = new Promise((resolve, reject) => {
  output.on('close', resolve);
  archive.on('error', reject);
  archive.on('warning', reject);
});
archive.pipe(output);
// Source maps stay out of the installable archive; they only serve local debugging.
archive.glob('**/*', { cwd: dist, ignore: ['**/*.map'] }, { prefix: id });
await archive.finalize();
await done;
console.log(`${path.relative(process.cwd(), zipPath)} (${archive.pointer()} bytes)`);

/**
 * Zips the built dist/ into osprey-apm-app-<version>.zip with the plugin id as its top folder, the layout
 * Grafana expects when a plugin archive is unpacked into its plugins directory (`grafana cli --pluginUrl`
 * does exactly that), so the app and the plugins nested in it install as one.
 *
 * Beside the zip: `<zip>.sha1` (sha1sum format, the checksum grafana.com lists for a plugin archive) and
 * `<id>-<version>.manifest.json`, the body of Grafana's MANIFEST.txt (plugin, version, sha256 per file).
 * It stays outside the archive: Grafana treats any MANIFEST.txt that is not a PGP-signed one from
 * grafana.com as an invalid signature and refuses the plugin even with unsigned loading allowed.
 *
 * OSPREY_PACKAGE_DIR chooses the output folder (default: the repository root).
 */
import archiver from 'archiver';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outDir = path.resolve(process.env.OSPREY_PACKAGE_DIR ?? root);
const pluginJsonPath = path.join(dist, 'plugin.json');

if (!existsSync(pluginJsonPath)) {
  console.error('dist/plugin.json is missing: run `npm run build:plugins` first');
  process.exit(1);
}
const { id, info } = JSON.parse(readFileSync(pluginJsonPath, 'utf8'));
const base = `${id}-${info.version}`;
const zipPath = path.join(outDir, `${base}.zip`);

/** The files that go into the archive, relative to dist/ with forward slashes, sorted. */
function packagedFiles(dir, relative = '') {
  return readdirSync(path.join(dir, relative), { withFileTypes: true })
    .flatMap((entry) => {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        return packagedFiles(dir, child);
      }
      // Source maps only serve local debugging; they stay out of the installable archive.
      return child.endsWith('.map') ? [] : [child];
    })
    .sort();
}

const sha = (algorithm, data) => createHash(algorithm).update(data).digest('hex');

const files = packagedFiles(dist);
const manifest = { plugin: id, version: info.version, files: {} };
const output = createWriteStream(zipPath);
const archive = archiver('zip', { zlib: { level: 9 } });
const done = new Promise((resolve, reject) => {
  output.on('close', resolve);
  archive.on('error', reject);
  archive.on('warning', reject);
});
archive.pipe(output);
for (const file of files) {
  const content = readFileSync(path.join(dist, file));
  manifest.files[file] = sha('sha256', content);
  archive.append(content, { name: `${id}/${file}` });
}
await archive.finalize();
await done;

const zipName = path.basename(zipPath);
writeFileSync(`${zipPath}.sha1`, `${sha('sha1', readFileSync(zipPath))}  ${zipName}\n`);
writeFileSync(path.join(outDir, `${base}.manifest.json`), JSON.stringify(manifest, null, 2) + '\n');
console.log(
  `${path.relative(process.cwd(), zipPath)} (${archive.pointer()} bytes, ${files.length} files) + .sha1 + manifest`
);

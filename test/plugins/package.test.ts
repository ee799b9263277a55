/**
 * `scripts/package.mjs` on the built dist/ (run `npm run build:plugins` first): the zip unpacks into one
 * plugin folder named for the app id with the nested plugins inside, and its .sha1 and the sha256
 * manifest beside it agree with what is in the archive.
 */
import AdmZip from 'adm-zip';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { PLUGIN_IDS } from '@osprey/model';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist');
const version: string = JSON.parse(readFileSync(path.join(root, 'app/package.json'), 'utf8')).version;
const base = `${PLUGIN_IDS.app}-${version}`;

const sha = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest('hex');

/** dist/ files as the archive should hold them: everything but source maps. */
function distFiles(relative = ''): string[] {
  return readdirSync(path.join(dist, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      return distFiles(child);
    }
    return child.endsWith('.map') ? [] : [child];
  });
}

let outDir: string;
let zip: AdmZip;
let entries: string[];

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'osprey-package-'));
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/package.mjs')], {
    cwd: root,
    env: { ...process.env, OSPREY_PACKAGE_DIR: outDir },
  });
  zip = new AdmZip(path.join(outDir, `${base}.zip`));
  entries = zip
    .getEntries()
    .filter((e) => !e.isDirectory)
    .map((e) => e.entryName)
    .sort();
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('npm run package', () => {
  it('puts every file under one top folder named for the app id', () => {
    expect(entries.length).toBeGreaterThan(10);
    expect(new Set(entries.map((e) => e.split('/')[0]))).toEqual(new Set([PLUGIN_IDS.app]));
  });

  it('holds dist/ without source maps, the nested plugins in their folders', () => {
    expect(entries).toEqual(
      distFiles()
        .map((f) => `${PLUGIN_IDS.app}/${f}`)
        .sort()
    );
    for (const nested of ['', 'datasource/', 'panels/xlog/', 'panels/threaddump/', 'panels/tracemap/']) {
      expect(entries).toEqual(
        expect.arrayContaining([`${PLUGIN_IDS.app}/${nested}plugin.json`, `${PLUGIN_IDS.app}/${nested}module.js`])
      );
    }
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
  });

  it('has no MANIFEST.txt, which Grafana would take for an invalid signature', () => {
    expect(entries.filter((e) => /MANIFEST/i.test(e))).toEqual([]);
  });

  it('stores the files byte for byte', () => {
    const appPluginJson = zip.readAsText(`${PLUGIN_IDS.app}/plugin.json`);
    expect(JSON.parse(appPluginJson).id).toBe(PLUGIN_IDS.app);
    const module = zip.getEntry(`${PLUGIN_IDS.app}/datasource/module.js`)!.getData();
    expect(module.equals(readFileSync(path.join(dist, 'datasource/module.js')))).toBe(true);
  });

  it('writes a sha1sum line for the zip beside it', () => {
    const line = readFileSync(path.join(outDir, `${base}.zip.sha1`), 'utf8');
    expect(line).toBe(`${sha('sha1', readFileSync(path.join(outDir, `${base}.zip`)))}  ${base}.zip\n`);
  });

  it('writes a manifest beside it with the sha256 of every file in the archive', () => {
    const manifest = JSON.parse(readFileSync(path.join(outDir, `${base}.manifest.json`), 'utf8')) as {
      plugin: string;
      version: string;
      files: Record<string, string>;
    };
    expect(manifest.plugin).toBe(PLUGIN_IDS.app);
    expect(manifest.version).toBe(version);
    const prefix = `${PLUGIN_IDS.app}/`;
    expect(Object.keys(manifest.files).map((f) => prefix + f)).toEqual(entries);
    for (const entry of entries) {
      expect([entry, manifest.files[entry.slice(prefix.length)]]).toEqual([
        entry,
        sha('sha256', zip.getEntry(entry)!.getData()),
      ]);
    }
  });
});

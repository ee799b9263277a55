/**
 * Where incidents are kept: one JSON record and, once ready, one zip per incident in a directory of
 * the data dir. Files rather than store tables: a bundle is a download, the same on either store
 * engine, and its record changes only a few times. Each write goes to a temporary file renamed into
 * place, so a crash leaves the previous version, never half of one.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Incident } from '@osprey/model';

const RECORD = '.json';
const ARCHIVE = '.zip';

export class IncidentFiles {
  constructor(private readonly dir: string) {}

  private async write(file: string, body: Buffer | string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = path.join(this.dir, file);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, target);
  }

  save(incident: Incident): Promise<void> {
    return this.write(`${incident.id}${RECORD}`, JSON.stringify(incident));
  }

  /** The archive first, then the record that points at it, so a ready record always has its archive. */
  async saveReady(incident: Incident, archive: Buffer): Promise<void> {
    await this.write(`${incident.id}${ARCHIVE}`, archive);
    await this.save(incident);
  }

  async get(id: string): Promise<Incident | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.dir, `${id}${RECORD}`), 'utf8')) as Incident;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw err;
    }
  }

  /** Newest first (ids sort by creation time). */
  async list(): Promise<Incident[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw err;
    }
    const ids = names.filter((n) => n.endsWith(RECORD)).map((n) => n.slice(0, -RECORD.length));
    const records = await Promise.all(
      ids
        .sort()
        .reverse()
        .map((id) => this.get(id))
    );
    return records.filter((r): r is Incident => r !== undefined);
  }

  archive(id: string): Promise<Buffer> {
    return readFile(path.join(this.dir, `${id}${ARCHIVE}`));
  }
}

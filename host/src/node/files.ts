/** Static files as Grafana's web server sends them to the browser: by extension, never cached. */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.css': 'text/css',
  '.map': 'application/json',
  // Shown as text by the browser rather than downloaded.
  '.md': 'text/plain; charset=utf-8',
};

/** Sends `relative` below `root`; a path that climbs out of `root` is refused, a missing file is a 404. */
export async function serveFile(res: ServerResponse, root: string, relative: string): Promise<void> {
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decodeURIComponent(relative)));
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

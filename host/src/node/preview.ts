/**
 * The dashboard preview `npm start` serves: the preview page on the host server, with one datasource,
 * uid `osprey` (the one the bundled dashboards name), whose read token stays in this process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { PLUGIN_IDS } from '@osprey/model';

import { PREVIEW_PAGE_DIR } from './bundle';
import { serveFile } from './files';
import { GRAFANA_ICONS_DIR, type HostServer, PLUGINS_DIST, REPO_ROOT, startHostServer } from './server';
import { PREVIEW_DATASOURCE_UID } from './uid';

export interface PreviewOptions {
  backendUrl: string;
  readToken: string;
  /** 0: any free port. */
  port: number;
}

/** Why the preview cannot be served from this tree (nothing built yet), or undefined when it can. */
export function previewMissing(): string | undefined {
  for (const file of [path.join(PLUGINS_DIST, 'datasource', 'module.js'), path.join(PREVIEW_PAGE_DIR, 'host.js')]) {
    if (!existsSync(file)) {
      return `${path.relative(process.cwd(), file)} is missing: run \`npm run build\``;
    }
  }
  return undefined;
}

export function startPreview(options: PreviewOptions): Promise<HostServer> {
  return startHostServer({
    distDir: PLUGINS_DIST,
    pageDir: PREVIEW_PAGE_DIR,
    iconsDir: GRAFANA_ICONS_DIR,
    appId: PLUGIN_IDS.app,
    port: options.port,
    extra: async (_req, res, url) => {
      // A dashboard's URL as Grafana's data links write it (/d/<uid>/<slug>) opens the page on it.
      if (url.pathname.startsWith('/d/')) {
        await serveFile(res, PREVIEW_PAGE_DIR, 'index.html');
        return true;
      }
      // The page's "not Grafana" notice links to the README's install section.
      if (url.pathname === '/README.md') {
        await serveFile(res, REPO_ROOT, 'README.md');
        return true;
      }
      return false;
    },
    dataSources: new Map([
      [
        PREVIEW_DATASOURCE_UID,
        {
          uid: PREVIEW_DATASOURCE_UID,
          jsonData: { url: options.backendUrl },
          secureJsonData: { token: options.readToken },
        },
      ],
    ]),
  });
}

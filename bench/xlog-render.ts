/**
 * XLOG rendering speed in Chromium: the panel's rasteriser vs uPlot drawing the same 1,000,000 dots
 * as a scatter, on one page in one run, then frame times while the live window slides.
 *
 *   npm run bench:xlog
 */
import { build } from 'esbuild';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

import type { UplotFigures, XlogFigures } from './xlog-render-figures';

const PAGE_SOURCE = path.resolve(__dirname, '../xlog-render/page.ts');
const HTML =
  '<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">' +
  '<div id="plot" style="width:900px;height:400px"></div><script src="/page.js"></script></body></html>';

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [PAGE_SOURCE],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'error',
  });
  return out.outputFiles[0].text;
}

async function serve(script: string, css: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    } else if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(HTML.replace('</head>', `<style>${css}</style></head>`));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const UPLOT_SIZES = [100_000, 180_000, 200_000, 500_000, 1_000_000];
const UPLOT_TIMEOUT_MS = 180_000;

type Page = Awaited<ReturnType<BrowserContext['newPage']>>;

async function freshPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { state: 'attached' });
  return page;
}

/** One uPlot size in its own page, so a renderer crash or hang is recorded as that size's failure. */
async function uplotRun(context: BrowserContext, url: string, n: number): Promise<UplotFigures> {
  const page = await freshPage(context, url);
  const crashed = new Promise<never>((_resolve, reject) => {
    page.on('crash', () => reject(new Error('the page crashed (renderer out of memory or killed)')));
    setTimeout(() => reject(new Error(`no draw within ${UPLOT_TIMEOUT_MS / 1000} s`)), UPLOT_TIMEOUT_MS).unref();
  });
  try {
    const run = page.evaluate(
      ([dots, pan]) =>
        (window as unknown as { runUplot: (n: number, pan: boolean) => Promise<UplotFigures> }).runUplot(dots, pan),
      [n, n === 1_000_000] as const
    );
    return await Promise.race([run, crashed]);
  } catch (err) {
    return { dots: n, error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  } finally {
    await page.close().catch(() => undefined);
  }
}

async function main() {
  const css = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const site = await serve(await bundle(), css);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'osprey-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1000, height: 560 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await freshPage(context, site.url);
    const x: XlogFigures = await page.evaluate(() =>
      (window as unknown as { runXlog: () => Promise<XlogFigures> }).runXlog()
    );
    await page.close();
    const xlogMs = median(x.renderMs);
    console.log(
      `XLOG render bench: ${x.dots.toLocaleString('en')} dots, ${x.plot}, devicePixelRatio ${x.devicePixelRatio}`
    );
    console.log(`  xlog first render (incl. log transform): ${x.coldMs} ms`);
    console.log(`  xlog full render, median of ${x.renderMs.length}: ${xlogMs} ms (painted ${x.paintedPixels} px)`);
    console.log(
      `  live pan, xlog ${x.pan.frames} frames: draw median ${x.pan.drawMs.median} ms, p95 ${x.pan.drawMs.p95} ms, ` +
        `max ${x.pan.drawMs.max} ms; frame interval median ${x.pan.frameIntervalMs.median} ms, p95 ${x.pan.frameIntervalMs.p95} ms`
    );
    const uplot: UplotFigures[] = [];
    for (const n of UPLOT_SIZES) {
      const u = await uplotRun(context, site.url, n);
      uplot.push(u);
      console.log(
        `  uPlot scatter ${n.toLocaleString('en')} dots: ` +
          (u.error
            ? `FAILED: ${u.error}`
            : `${u.renderMs} ms, painted ${u.paintedPixels} px${u.paintedPixels ? '' : ' (nothing drawn)'}` +
              (u.panMs ? `; pan median ${u.panMs.median} ms, max ${u.panMs.max} ms` : '') +
              (n === x.dots && u.renderMs ? `; xlog is ${(u.renderMs / xlogMs).toFixed(1)}× faster` : ''))
      );
    }
    console.log(JSON.stringify({ xlog: x, uplot }));
  } finally {
    await context.close();
    await site.close();
    await rm(profile, { recursive: true, force: true });
  }
}
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's Chromium as these machines need it: no sandbox (root), no GPU, and nothing that reaches
 * for the closed network (background networking, component updates, sync, QUIC).
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Headless Chromium on a fresh profile directory (the caller removes it after closing the context). */
export async function launchChromium(viewport?: {
  width: number;
  height: number;
}): Promise<{ profileDir: string; context: BrowserContext }> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'osprey-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ...(viewport ? { viewport } : {}),
    args: CHROMIUM_ARGS,
  });
  return { profileDir, context };
}

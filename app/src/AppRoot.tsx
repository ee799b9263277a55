import type { AppRootProps } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { useEffect, useState } from 'react';

import { GettingStarted } from './GettingStarted';
import { Incidents } from './Incidents';

/** The app's pages below its root URL (plugin.json's `page` includes). */
export const INCIDENTS_PATH = 'incidents';

/** Which page a path shows: the Incidents page below `…/incidents`, else Getting started. */
export function pageOf(pathname: string): 'incidents' | 'start' {
  return pathname.replace(/\/+$/, '').endsWith(`/${INCIDENTS_PATH}`) ? 'incidents' : 'start';
}

/** Grafana renders the root page for every path below the app's; this picks the page by the path. */
export function AppRoot(props: AppRootProps) {
  const [pathname, setPathname] = useState(locationService.getLocation().pathname);
  useEffect(
    () => locationService.getHistory().listen((location: { pathname: string }) => setPathname(location.pathname)),
    []
  );
  return pageOf(pathname) === 'incidents' ? <Incidents /> : <GettingStarted {...props} />;
}

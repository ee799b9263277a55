import { AppPlugin } from '@grafana/data';

import { GettingStarted } from './GettingStarted';

export const plugin = new AppPlugin<{}>().setRootPage(GettingStarted);

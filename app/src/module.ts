import { AppPlugin } from '@grafana/data';

import { AppConfig } from './components/AppConfig';
import { GettingStarted } from './GettingStarted';
import type { AppJsonData } from './settings';

export const plugin = new AppPlugin<AppJsonData>().setRootPage(GettingStarted).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});

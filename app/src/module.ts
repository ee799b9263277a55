import { AppPlugin } from '@grafana/data';

import { AppConfig } from './components/AppConfig';
import { AppRoot } from './AppRoot';
import type { AppJsonData } from './settings';

export const plugin = new AppPlugin<AppJsonData>().setRootPage(AppRoot).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});

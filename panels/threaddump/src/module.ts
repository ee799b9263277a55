import { PanelPlugin } from '@grafana/data';
import { choices } from '@osprey/plugin-kit';

import { ThreadDumpPanel } from './ThreadDumpPanel';
import { DEFAULT_OPTIONS, type ThreadDumpOptions } from './types';

export const plugin = new PanelPlugin<ThreadDumpOptions>(ThreadDumpPanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'view',
      name: 'Open on',
      description: 'For a single dump: the threads table or the identical-stack groups',
      defaultValue: DEFAULT_OPTIONS.view,
      settings: choices({ threads: 'Threads', groups: 'Stack groups' }),
    })
    .addBooleanSwitch({
      path: 'showRequestButton',
      name: 'Request thread dump button',
      description: 'Asks the Osprey agent watching the instance for a fresh dump, then refreshes',
      defaultValue: DEFAULT_OPTIONS.showRequestButton,
    })
);

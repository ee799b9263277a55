import { PanelPlugin } from '@grafana/data';

import { DEFAULT_OPTIONS, type XlogOptions } from './types';
import { XlogPanel } from './XlogPanel';

export const plugin = new PanelPlugin<XlogOptions>(XlogPanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'yField',
      name: 'Y axis',
      description: 'Which time of each transaction sets its height',
      defaultValue: DEFAULT_OPTIONS.yField,
      settings: {
        options: [
          { value: 'elapsed', label: 'Elapsed' },
          { value: 'sqlTime', label: 'SQL time' },
          { value: 'apiCallTime', label: 'API call time' },
        ],
      },
    })
    .addRadio({
      path: 'yScale',
      name: 'Y scale',
      defaultValue: DEFAULT_OPTIONS.yScale,
      settings: {
        options: [
          { value: 'log', label: 'Log' },
          { value: 'linear', label: 'Linear' },
        ],
      },
    })
    .addSliderInput({
      path: 'dotSize',
      name: 'Dot size',
      defaultValue: DEFAULT_OPTIONS.dotSize,
      settings: { min: 1, max: 10, step: 1 },
    })
);

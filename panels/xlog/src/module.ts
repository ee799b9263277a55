import { PanelPlugin } from '@grafana/data';
import { choices } from '@osprey/plugin-kit';

import { DEFAULT_OPTIONS, type XlogOptions } from './types';
import { XlogPanel } from './XlogPanel';

export const plugin = new PanelPlugin<XlogOptions>(XlogPanel).setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'yField',
      name: 'Y axis',
      description: 'Which time of each transaction sets its height (elapsed when the data lacks the chosen one)',
      defaultValue: DEFAULT_OPTIONS.yField,
      settings: choices({ elapsed: 'Elapsed', sqlTime: 'SQL time', apiCallTime: 'API time', cpuTime: 'CPU' }),
    })
    .addRadio({
      path: 'yScale',
      name: 'Y scale',
      defaultValue: DEFAULT_OPTIONS.yScale,
      settings: choices({ log: 'Log', linear: 'Linear' }),
    })
    .addNumberInput({
      path: 'yMax',
      name: 'Y max (ms)',
      description: 'Top of the y axis; 0 fits the data. Slower transactions sit on the top edge.',
      defaultValue: DEFAULT_OPTIONS.yMax,
      settings: { min: 0 },
    })
    .addRadio({
      path: 'colorBy',
      name: 'Colour by',
      description: 'Status: ok, slow and error. Service: one colour per service, errors still red.',
      defaultValue: DEFAULT_OPTIONS.colorBy,
      settings: choices({ status: 'Status', service: 'Service' }),
    })
    .addNumberInput({
      path: 'slowThreshold',
      name: 'Slow threshold (ms)',
      description: 'Elapsed at or above this draws in the slow colour; 0 turns it off',
      defaultValue: DEFAULT_OPTIONS.slowThreshold,
      settings: { min: 0 },
      showIf: (o) => o.colorBy === 'status',
    })
    .addSliderInput({
      path: 'dotSize',
      name: 'Dot size',
      defaultValue: DEFAULT_OPTIONS.dotSize,
      settings: { min: 1, max: 10, step: 1 },
    })
    .addNumberInput({
      path: 'liveBuffer',
      name: 'Live buffer (dots)',
      description: 'While following a streaming query, the most dots kept; the oldest arrivals go first',
      defaultValue: DEFAULT_OPTIONS.liveBuffer,
      settings: { min: 1000, integer: true },
    })
    .addNumberInput({
      path: 'pageSize',
      name: 'Rows per page',
      description: 'Of the table listing a drag-selected box',
      defaultValue: DEFAULT_OPTIONS.pageSize,
      settings: { min: 1, integer: true },
    })
);

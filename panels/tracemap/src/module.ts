import { PanelPlugin } from '@grafana/data';
import { choices } from '@osprey/plugin-kit';

import { TraceMapPanel } from './TraceMapPanel';
import { DEFAULT_OPTIONS, type TraceMapOptions } from './types';

export const plugin = new PanelPlugin<TraceMapOptions>(TraceMapPanel).useFieldConfig().setPanelOptions((builder) =>
  builder
    .addRadio({
      path: 'colorBy',
      name: 'Colour nodes by',
      description:
        'Error rate: the thresholds below. Apdex: the service’s Apdex rating (excellent ≥ 0.94, good ≥ 0.85, fair ≥ 0.70, poor ≥ 0.50, unacceptable below), at the query’s Apdex T',
      category: ['Health'],
      defaultValue: DEFAULT_OPTIONS.colorBy,
      settings: choices({ errors: 'Error rate', apdex: 'Apdex' }),
    })
    .addNumberInput({
      path: 'errorWarnPercent',
      name: 'Amber at error %',
      category: ['Health'],
      defaultValue: DEFAULT_OPTIONS.errorWarnPercent,
      settings: { min: 0, max: 100, step: 0.1 },
    })
    .addNumberInput({
      path: 'errorCritPercent',
      name: 'Red at error %',
      category: ['Health'],
      defaultValue: DEFAULT_OPTIONS.errorCritPercent,
      settings: { min: 0, max: 100, step: 0.1 },
    })
    .addNumberInput({
      path: 'p95WarnMs',
      name: 'Amber at p95 (ms)',
      description: 'A node whose p95 latency reaches this turns amber; 0 leaves latency out',
      category: ['Health'],
      defaultValue: DEFAULT_OPTIONS.p95WarnMs,
      settings: { min: 0 },
    })
    .addBooleanSwitch({
      path: 'groupLeaves',
      name: 'Group leaf databases and externals',
      description: 'One node per calling service and kind for databases/externals only that service calls',
      category: ['Grouping'],
      defaultValue: DEFAULT_OPTIONS.groupLeaves,
    })
    .addRadio({
      path: 'namespaces',
      name: 'Namespaces',
      description: 'Collapse the services sharing a name prefix into one node (click it to expand)',
      category: ['Grouping'],
      defaultValue: DEFAULT_OPTIONS.namespaces,
      settings: choices({ off: 'Off', collapse: 'Collapse' }),
    })
    .addTextInput({
      path: 'namespaceSeparator',
      name: 'Namespace separator',
      description: 'The namespace is the service name before the first occurrence',
      category: ['Grouping'],
      defaultValue: DEFAULT_OPTIONS.namespaceSeparator,
      showIf: (options) => options.namespaces === 'collapse',
    })
    .addTextInput({
      path: 'linkTemplate',
      name: 'Node link',
      description:
        'Where a click on a node goes when the frame has no data link: ${name}, ${id}, ${type} and dashboard variables',
      category: ['Links'],
      defaultValue: DEFAULT_OPTIONS.linkTemplate,
    })
    .addRadio({
      path: 'direction',
      name: 'Direction',
      category: ['Layout'],
      defaultValue: DEFAULT_OPTIONS.direction,
      settings: choices({ LR: 'Left to right', TB: 'Top to bottom' }),
    })
    .addBooleanSwitch({
      path: 'showEdgeLabels',
      name: 'Edge labels',
      description: 'calls/s · error % · p95 on each edge, when zoomed in far enough to read them',
      category: ['Layout'],
      defaultValue: DEFAULT_OPTIONS.showEdgeLabels,
    })
);

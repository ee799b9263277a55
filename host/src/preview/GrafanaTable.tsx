/**
 * Grafana's table panel, drawn by the @grafana/ui component its plugin renders (TableNG, from
 * `@grafana/ui/unstable`): a PanelPlugin with the table's panel options and column (custom field)
 * options, so the dashboard's options and field config merge over its defaults and go through
 * applyFieldOverrides with its field registry as in Grafana (host/src/web/panel.tsx). The props
 * passed are those of Grafana's TablePanel (public/app/plugins/panel/table/TablePanel.tsx); several
 * frames get its frame picker. Left out: cell actions (Grafana core builds them, and sends their
 * requests itself) and the ad hoc filter a cell's filter button adds.
 */
import { css } from '@emotion/css';
import {
  cacheFieldDisplayNames,
  type FieldConfigSource,
  getFrameDisplayName,
  identityOverrideProcessor,
  PanelPlugin,
  type PanelProps,
} from '@grafana/data';
import {
  defaultTableFieldOptions,
  defaultTableOptions,
  TableCellDisplayMode,
  TableCellHeight,
  type TableFieldOptions,
  type TableOptions,
} from '@grafana/schema';
import { Combobox, useTheme2 } from '@grafana/ui';
import { TableNG } from '@grafana/ui/unstable';
import { type ReactElement, useMemo, useState } from 'react';

const styles = {
  wrapper: css({ display: 'flex', flexDirection: 'column', justifyContent: 'space-between', height: '100%' }),
  picker: css({ padding: '8px 8px 0 8px' }),
};

export function GrafanaTablePanel(props: PanelProps<TableOptions>): ReactElement {
  const { data, width, height, options, fieldConfig, timeRange, transparent } = props;
  const theme = useTheme2();
  useMemo(() => cacheFieldDisplayNames(data.series), [data.series]);
  // Grafana saves the picked frame in the panel's options; the preview keeps it while the page is open.
  const [picked, setPicked] = useState(options.frameIndex);
  const frames = data.series;
  if (frames.length === 0 || !frames.some((frame) => frame.fields.length > 0)) {
    return <div>No data</div>;
  }
  const index = picked > 0 && picked < frames.length ? picked : 0;
  const pickerHeight = frames.length > 1 ? theme.spacing.gridSize * (theme.components.height.md + 1) : 0;
  const table = (
    <TableNG
      height={height - pickerHeight}
      width={width}
      data={frames[index]}
      noHeader={!options.showHeader}
      noValue={fieldConfig.defaults.noValue}
      showTypeIcons={options.showTypeIcons}
      resizable={true}
      sortBy={options.sortBy}
      frozenColumns={options.frozenColumns?.left}
      enablePagination={options.enablePagination}
      cellHeight={options.cellHeight}
      maxRowHeight={options.maxRowHeight}
      timeRange={timeRange}
      fieldConfig={fieldConfig as FieldConfigSource}
      structureRev={data.structureRev}
      transparent={transparent}
      getActions={() => []}
    />
  );
  if (frames.length === 1) {
    return table;
  }
  const names = frames.map((frame, i) => ({ label: getFrameDisplayName(frame), value: i }));
  return (
    <div className={styles.wrapper}>
      {table}
      <div className={styles.picker}>
        <Combobox options={names} value={index} onChange={(option) => setPicked(option.value)} />
      </div>
    </div>
  );
}

/** The options and column options of Grafana's table panel, with its defaults. */
const plugin = new PanelPlugin<TableOptions, TableFieldOptions>(GrafanaTablePanel)
  .useFieldConfig({
    useCustomConfig: (builder) => {
      builder
        .addNumberInput({ path: 'minWidth', name: 'Minimum column width' })
        .addNumberInput({ path: 'width', name: 'Column width' })
        .addRadio({
          path: 'align',
          name: 'Column alignment',
          defaultValue: defaultTableFieldOptions.align,
          settings: { options: ['auto', 'left', 'center', 'right'].map((value) => ({ value, label: value })) },
        })
        .addCustomEditor({
          id: 'cellOptions',
          path: 'cellOptions',
          name: 'Cell type',
          // The host has no field editor.
          editor: () => null,
          override: () => null,
          defaultValue: { type: TableCellDisplayMode.Auto },
          process: identityOverrideProcessor,
          shouldApply: () => true,
        })
        .addBooleanSwitch({ path: 'wrapText', name: 'Wrap text' })
        .addBooleanSwitch({
          path: 'inspect',
          name: 'Cell value inspect',
          defaultValue: defaultTableFieldOptions.inspect,
        })
        .addBooleanSwitch({ path: 'filterable', name: 'Column filter' })
        .addBooleanSwitch({ path: 'hideFrom.viz', name: 'Hide in table', hideFromDefaults: true });
    },
  })
  .setPanelOptions((builder) => {
    builder
      .addBooleanSwitch({ path: 'showHeader', name: 'Show table header', defaultValue: defaultTableOptions.showHeader })
      .addBooleanSwitch({
        path: 'showTypeIcons',
        name: 'Show type icons',
        defaultValue: defaultTableOptions.showTypeIcons,
      })
      .addRadio({
        path: 'cellHeight',
        name: 'Cell height',
        defaultValue: defaultTableOptions.cellHeight,
        settings: {
          options: [TableCellHeight.Sm, TableCellHeight.Md, TableCellHeight.Lg].map((value) => ({
            value,
            label: value,
          })),
        },
      })
      .addNumberInput({ path: 'frameIndex', name: 'Frame', defaultValue: defaultTableOptions.frameIndex })
      .addBooleanSwitch({ path: 'enablePagination', name: 'Enable pagination' });
  });
// Mounted like any plugin the host loads, whose option types it does not know.
export const tablePlugin = plugin as unknown as PanelPlugin;

/**
 * The step of the table plugin's migration handler (migrateHiddenFields) the bundled dashboards
 * need: a column hidden by the older `custom.hidden` is hidden by `custom.hideFrom.viz` in TableNG.
 */
export function migrateTableFieldConfig<T extends { overrides?: Array<{ properties?: Array<{ id: string }> }> }>(
  fieldConfig: T
): T {
  return {
    ...fieldConfig,
    overrides: fieldConfig.overrides?.map((override) => ({
      ...override,
      properties: override.properties?.map((p) => (p.id === 'custom.hidden' ? { ...p, id: 'custom.hideFrom.viz' } : p)),
    })),
  };
}

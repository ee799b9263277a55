/**
 * The preview's header: that this is a preview and not Grafana, with the way to the real install;
 * then the dashboard picker, the dashboard's variables, the time range, the refresh picker and the
 * theme, as a Grafana dashboard's toolbar has them.
 */
import { css } from '@emotion/css';
import type { GrafanaTheme2, SelectableValue } from '@grafana/data';
import {
  Alert,
  InlineField,
  Input,
  MultiSelect,
  RefreshPicker,
  Select,
  TextLink,
  ToolbarButton,
  useStyles2,
} from '@grafana/ui';
import type { ReactElement } from 'react';

import { type DashboardEntry, INSTALL_LINK } from './catalog';
import { QUICK_RANGES, type RawRange } from './time';
import { ALL, pickMulti, type PreviewVariable } from './variables';

export interface ToolbarProps {
  dashboards: DashboardEntry[];
  dashboard: string;
  onDashboard: (path: string) => void;
  variables: PreviewVariable[];
  onVariable: (name: string, value: string | string[]) => void;
  range: RawRange;
  onRange: (range: RawRange) => void;
  refresh: string;
  onRefreshInterval: (interval: string) => void;
  onRefresh: () => void;
  mode: 'dark' | 'light';
  onMode: (mode: 'dark' | 'light') => void;
}

export function PreviewNotice(): ReactElement {
  return (
    <Alert severity="info" title="Osprey preview — this is not Grafana" data-testid="preview-notice">
      The built Osprey plugins (datasource, XLOG, trace map, thread dump) on the live data of this{' '}
      <code>npm start</code>, laid out from the bundled dashboards&apos; JSON. Time series and tables are drawn by
      @grafana/ui&apos;s TimeSeries and TableNG; Grafana&apos;s other panels (bar gauge, node graph…) show their query
      instead of a chart. To use Osprey, install the plugins in Grafana:{' '}
      <TextLink href={INSTALL_LINK} external inline>
        README, “Build and install in Grafana”
      </TextLink>
      .
    </Alert>
  );
}

function rangeOptions(range: RawRange): Array<SelectableValue<string>> {
  const options: Array<SelectableValue<string>> = QUICK_RANGES.map((r) => ({ label: r.label, value: r.from }));
  if (range.to !== 'now' || !QUICK_RANGES.some((r) => r.from === range.from)) {
    options.push({ label: `${range.from} to ${range.to}`, value: range.from });
  }
  return options;
}

function VariableInput({
  variable,
  onChange,
}: {
  variable: PreviewVariable;
  onChange: (v: string | string[]) => void;
}) {
  const id = `preview-var-${variable.name}`;
  if (variable.kind === 'text') {
    const note = variable.foreignDatasource ? `values from ${variable.foreignDatasource} in Grafana` : undefined;
    return (
      <Input
        id={id}
        data-testid={id}
        width={24}
        placeholder={note}
        title={note}
        defaultValue={String(variable.value)}
        onBlur={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  const options: Array<SelectableValue<string>> = [
    ...(variable.includeAll ? [{ label: 'All', value: ALL }] : []),
    ...variable.options.map((o) => ({ label: o, value: o })),
  ];
  return variable.multi ? (
    <MultiSelect
      inputId={id}
      data-testid={id}
      width={32}
      options={options}
      value={Array.isArray(variable.value) ? variable.value : [variable.value]}
      onChange={(picked) =>
        onChange(
          pickMulti(
            variable,
            picked.map((p) => p.value!)
          )
        )
      }
    />
  ) : (
    <Select
      inputId={id}
      data-testid={id}
      width={32}
      options={options}
      value={variable.value as string}
      onChange={(p) => onChange(p.value!)}
    />
  );
}

export function Toolbar(props: ToolbarProps): ReactElement {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.bar}>
      <InlineField label="Dashboard">
        <Select
          inputId="preview-dashboard"
          data-testid="preview-dashboard"
          width={36}
          options={props.dashboards.map((d) => ({ label: d.name, value: d.path }))}
          value={props.dashboard}
          onChange={(p) => props.onDashboard(p.value!)}
        />
      </InlineField>
      {props.variables.map((v) => (
        <InlineField key={v.name} label={v.label} htmlFor={`preview-var-${v.name}`}>
          <VariableInput variable={v} onChange={(value) => props.onVariable(v.name, value)} />
        </InlineField>
      ))}
      <div className={styles.right}>
        <Select
          inputId="preview-time-range"
          data-testid="preview-time-range"
          aria-label="Time range"
          width={24}
          options={rangeOptions(props.range)}
          value={props.range.from}
          onChange={(p) => props.onRange({ from: p.value!, to: 'now' })}
        />
        <RefreshPicker value={props.refresh} onIntervalChanged={props.onRefreshInterval} onRefresh={props.onRefresh} />
        <ToolbarButton
          data-testid="preview-theme"
          tooltip="Switch the theme"
          onClick={() => props.onMode(props.mode === 'dark' ? 'light' : 'dark')}
        >
          {props.mode === 'dark' ? 'Light theme' : 'Dark theme'}
        </ToolbarButton>
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    alignItems: 'center',
    marginBottom: theme.spacing(1),
  }),
  right: css({ display: 'flex', gap: theme.spacing(1), marginLeft: 'auto' }),
});

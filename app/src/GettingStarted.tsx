import { css } from '@emotion/css';
import type { AppRootProps, GrafanaTheme2 } from '@grafana/data';
import { Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { PLUGIN_IDS } from '@osprey/model';

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 820, padding: theme.spacing(2) }),
  code: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    background: theme.colors.background.secondary,
    padding: theme.spacing(1, 2),
    borderRadius: theme.shape.radius.default,
    whiteSpace: 'pre-wrap',
  }),
});

/** OTLP/HTTP environment for any OpenTelemetry SDK; the backend takes traces on port 4318 like a collector. */
export const OTEL_ENV = [
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://<osprey-host>:4318/v1/traces',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf',
  'OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer <ingest token>',
  'OTEL_SERVICE_NAME=<your service>',
].join('\n');

export function GettingStarted(_props: AppRootProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.page}>
      <Stack direction="column" gap={2}>
        <Text element="h2">Osprey APM</Text>
        <Text element="p">
          Osprey collects OpenTelemetry traces, turns each service&apos;s entry spans into transactions and shows them
          in Grafana: the XLOG scatter puts every finished request on screen at once, slow ones high and failures red.
        </Text>
        <Text element="h3">1. Send traces to the Osprey backend</Text>
        <Text element="p">Point any OpenTelemetry SDK at the backend with the standard OTLP/HTTP variables:</Text>
        <pre className={styles.code}>{OTEL_ENV}</pre>
        <Text element="h3">2. Add the Osprey APM data source</Text>
        <Text element="p">
          Give it the backend URL and a read token. The token stays on the Grafana server; the data proxy adds it to
          each request.{' '}
          <TextLink href={`/connections/datasources/new?search=${PLUGIN_IDS.datasource}`}>Add it</TextLink>
        </Text>
        <Text element="h3">3. Add an XLOG panel</Text>
        <Text element="p">
          Choose the Osprey XLOG visualization ({PLUGIN_IDS.xlogPanel}) with an XLOG query. Click a trace id in a table
          of the same query to open the trace in Explore. <TextLink href="/dashboard/new">New dashboard</TextLink>
        </Text>
      </Stack>
    </div>
  );
}

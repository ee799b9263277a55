import { css } from '@emotion/css';
import type { AppRootProps, GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, LoadingPlaceholder, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { PLUGIN_IDS } from '@osprey/model';
import { useEffect, useState } from 'react';

import type { BackendStatus } from '@osprey/plugin-kit';
import { backendStatus, describeGrafanaError, findOspreyDataSource } from './grafana-api';
import { CONFIG_PAGE_URL, DASHBOARDS, DATASOURCE_UID } from './settings';

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 820, padding: theme.spacing(2) }),
  code: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    background: theme.colors.background.secondary,
    padding: theme.spacing(1, 2),
    borderRadius: theme.shape.radius.default,
    whiteSpace: 'pre-wrap',
  }),
  list: css({ margin: 0, paddingLeft: theme.spacing(3), li: { marginBottom: theme.spacing(0.5) } }),
});

/** OTLP/HTTP environment for any OpenTelemetry SDK; the backend takes traces on port 4318 like a collector. */
export const OTEL_ENV = [
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://<osprey-host>:4318/v1/traces',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf',
  'OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer <ingest token>',
  'OTEL_SERVICE_NAME=<your service>',
].join('\n');

type Loaded<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'error'; message: string };

function useLoaded<T>(load: () => Promise<T>): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setLoaded({ state: 'done', value }),
      (err: unknown) =>
        current && setLoaded({ state: 'error', message: err instanceof Error ? err.message : String(err) })
    );
    return () => {
      current = false;
    };
  }, [load]);
  return loaded;
}

const loadDataSource = () =>
  findOspreyDataSource().then(
    (ds) => ds !== undefined,
    (err: unknown) => {
      throw new Error(describeGrafanaError(err, 'Looking up the Osprey datasource'));
    }
  );

function BackendSection({ status }: { status: Loaded<BackendStatus> }) {
  if (status.state === 'loading') {
    return <LoadingPlaceholder text="Checking the Osprey backend…" />;
  }
  if (status.state === 'error') {
    return (
      <Alert severity="error" title="The Osprey backend is not reachable" data-testid="osprey-backend-status">
        {status.message} <TextLink href={CONFIG_PAGE_URL}>Check the app configuration</TextLink>
      </Alert>
    );
  }
  const { health } = status.value;
  return (
    <div data-testid="osprey-backend-status">
      <Stack gap={1} alignItems="center">
        <Badge color="green" icon="check" text="Backend connected" />
        <Text>
          Osprey {health.version}, store {health.store}
        </Text>
      </Stack>
    </div>
  );
}

function DataSourceSection({ present }: { present: Loaded<boolean> }) {
  if (present.state === 'loading') {
    return <LoadingPlaceholder text="Looking for the Osprey datasource…" />;
  }
  return (
    <div data-testid="osprey-datasource-status">
      {present.state === 'error' ? (
        <Text color="warning">{present.message}</Text>
      ) : present.value ? (
        <Stack gap={1} alignItems="center">
          <Badge color="green" icon="check" text="Datasource ready" />
          <Text>
            The Osprey datasource (uid {DATASOURCE_UID}) is set up:{' '}
            <TextLink href={`/connections/datasources/edit/${DATASOURCE_UID}`}>open it</TextLink>
          </Text>
        </Stack>
      ) : (
        <Stack gap={1} alignItems="center">
          <Badge color="orange" icon="exclamation-triangle" text="No datasource" />
          <Text>
            The dashboards need a datasource with uid {DATASOURCE_UID}.{' '}
            <TextLink href={CONFIG_PAGE_URL}>Create it on the configuration page</TextLink>
          </Text>
        </Stack>
      )}
    </div>
  );
}

function ServicesSection({ status }: { status: Loaded<BackendStatus> }) {
  const styles = useStyles2(getStyles);
  if (status.state !== 'done') {
    return null;
  }
  const { services } = status.value;
  if (services.length === 0) {
    return (
      <Text element="p" color="secondary" data-testid="osprey-services">
        No service has sent traces yet: see &quot;Send traces&quot; below.
      </Text>
    );
  }
  return (
    <ul className={styles.list} data-testid="osprey-services">
      {services.map((service) => (
        <li key={service}>
          <TextLink href={`/d/osprey-service-overview?var-service=${encodeURIComponent(service)}`}>{service}</TextLink>
        </li>
      ))}
    </ul>
  );
}

/** The app's root page: what is connected, the services seen, the bundled dashboards and how to send traces. */
export function GettingStarted(_props: AppRootProps) {
  const styles = useStyles2(getStyles);
  const status = useLoaded(backendStatus);
  const dataSourcePresent = useLoaded(loadDataSource);
  return (
    <div className={styles.page}>
      <Stack direction="column" gap={2}>
        <Text element="h2">Osprey APM</Text>
        <Text element="p">
          Osprey collects OpenTelemetry traces, turns each service&apos;s entry spans into transactions and shows them
          in Grafana: the XLOG scatter puts every finished request on screen at once, slow ones high and failures red.
        </Text>
        <Text element="h3">Connection</Text>
        <BackendSection status={status} />
        <DataSourceSection present={dataSourcePresent} />
        <Text element="h3">Services seen</Text>
        <ServicesSection status={status} />
        <Text element="h3">Dashboards</Text>
        <ul className={styles.list} data-testid="osprey-dashboards">
          {DASHBOARDS.map(({ uid, title, description }) => (
            <li key={uid}>
              <TextLink href={`/d/${uid}`}>{title}</TextLink> <Text color="secondary">— {description}</Text>
            </li>
          ))}
        </ul>
        <Text element="h3">Send traces</Text>
        <Text element="p">Point any OpenTelemetry SDK at the backend with the standard OTLP/HTTP variables:</Text>
        <pre className={styles.code}>{OTEL_ENV}</pre>
        <Text element="h3">Build your own panels</Text>
        <Text element="p">
          Choose the Osprey XLOG visualization ({PLUGIN_IDS.xlogPanel}) with an XLOG query. Click a trace id in a table
          of the same query to open the trace in Explore. <TextLink href="/dashboard/new">New dashboard</TextLink>
        </Text>
      </Stack>
    </div>
  );
}

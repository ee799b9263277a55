import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, Text, useStyles2 } from '@grafana/ui';
import { type ChangeEvent, type FormEvent, useState } from 'react';

import {
  backendStatus,
  canManageDataSources,
  describeBackendStatus,
  describeGrafanaError,
  saveAppSettings,
  upsertOspreyDataSource,
} from '../grafana-api';
import { type AppJsonData, DATASOURCE_UID } from '../settings';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

interface Outcome {
  severity: 'success' | 'error';
  text: string;
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 720 }),
  outcome: css({ marginTop: theme.spacing(2) }),
});

function OutcomeAlert({ outcome, testId }: { outcome?: Outcome; testId: string }) {
  const styles = useStyles2(getStyles);
  if (!outcome) {
    return null;
  }
  return (
    <div className={styles.outcome} data-testid={testId}>
      <Alert severity={outcome.severity} title={outcome.severity === 'success' ? 'Done' : 'Failed'}>
        {outcome.text}
      </Alert>
    </div>
  );
}

const failure = (err: unknown): Outcome => ({
  severity: 'error',
  text: err instanceof Error ? err.message : String(err),
});

/**
 * Grafana's app configuration page (create-plugin's AppConfig): backend URL and token saved as the app's
 * plugin settings, a health check through the app's plugin route, and the Osprey datasource made from them.
 */
export function AppConfig({ plugin }: AppConfigProps) {
  const styles = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [url, setUrl] = useState(jsonData?.url ?? '');
  const [token, setToken] = useState('');
  const [tokenConfigured, setTokenConfigured] = useState(Boolean(secureJsonFields?.token));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<Outcome>();
  const [health, setHealth] = useState<Outcome>();
  const [datasource, setDatasource] = useState<Outcome>();
  const mayManageDataSources = canManageDataSources(config.bootData.user);

  const run = async (action: () => Promise<Outcome>, show: (o: Outcome) => void) => {
    setBusy(true);
    try {
      show(await action());
    } catch (err) {
      show(failure(err));
    } finally {
      setBusy(false);
    }
  };

  const onSave = (event: FormEvent) => {
    event.preventDefault();
    run(async () => {
      try {
        await saveAppSettings({
          enabled: Boolean(enabled),
          pinned: Boolean(pinned),
          jsonData: { ...jsonData, url: url.trim() },
          // A reset token is cleared with an empty value; an untouched one is left out so Grafana keeps it.
          secureJsonData: tokenConfigured ? undefined : { token },
        });
      } catch (err) {
        throw new Error(describeGrafanaError(err, 'Saving the settings'));
      }
      setTokenConfigured(tokenConfigured || token !== '');
      return { severity: 'success', text: 'Settings saved. Test the connection to check them.' };
    }, setSaved);
  };

  const onTest = () =>
    run(async () => ({ severity: 'success', text: describeBackendStatus(await backendStatus()) }), setHealth);

  const onDataSource = () =>
    run(async () => {
      const action = await upsertOspreyDataSource(url, token);
      return {
        severity: 'success',
        text: `The Osprey datasource (uid ${DATASOURCE_UID}) was ${action}${token === '' ? '; its token was kept' : ''}.`,
      };
    }, setDatasource);

  // Grafana builds its navigation at page load, so enabling the app reloads the page, as create-plugin's template does.
  const onEnable = () =>
    run(async () => {
      try {
        await saveAppSettings({ enabled: true, pinned: true, jsonData: jsonData ?? {} });
      } catch (err) {
        throw new Error(describeGrafanaError(err, 'Enabling the app'));
      }
      window.location.reload();
      return { severity: 'success', text: 'Enabled.' };
    }, setSaved);

  return (
    <div className={styles.page}>
      {!enabled && (
        <Alert severity="info" title="The Osprey APM app is disabled">
          <Button type="button" disabled={busy} onClick={onEnable}>
            Enable
          </Button>
        </Alert>
      )}
      <form onSubmit={onSave}>
        <FieldSet label="Osprey backend">
          <Field label="URL" description="The Osprey backend as reachable from the Grafana server">
            <Input
              id="osprey-app-url"
              width={60}
              value={url}
              placeholder="http://localhost:4318"
              onChange={(e: ChangeEvent<HTMLInputElement>) => setUrl(e.target.value)}
            />
          </Field>
          <Field
            label="Token"
            description="A read (or admin) token. Grafana stores it encrypted and adds it to the requests it forwards; it never comes back to the browser."
          >
            <SecretInput
              id="osprey-app-token"
              width={60}
              isConfigured={tokenConfigured}
              value={token}
              placeholder="read token"
              onChange={(e: ChangeEvent<HTMLInputElement>) => setToken(e.target.value)}
              onReset={() => {
                setTokenConfigured(false);
                setToken('');
              }}
            />
          </Field>
          <Stack gap={1}>
            <Button type="submit" disabled={busy}>
              Save settings
            </Button>
            <Button type="button" variant="secondary" disabled={busy} onClick={onTest}>
              Test connection
            </Button>
          </Stack>
          <OutcomeAlert outcome={saved} testId="osprey-app-saved" />
          <OutcomeAlert outcome={health} testId="osprey-app-health" />
        </FieldSet>
      </form>
      <FieldSet label="Osprey datasource">
        {mayManageDataSources ? (
          <Stack direction="column" gap={1}>
            <Text color="secondary">
              Creates the datasource the bundled dashboards use (uid {DATASOURCE_UID}) with the URL above, or points the
              existing one at it. Type the token to give it to the datasource too.
            </Text>
            <div>
              <Button type="button" variant="secondary" icon="database" disabled={busy} onClick={onDataSource}>
                Create / update the Osprey datasource
              </Button>
            </div>
            <OutcomeAlert outcome={datasource} testId="osprey-app-datasource" />
          </Stack>
        ) : (
          <Text color="secondary">An organization admin can create the Osprey datasource from this page.</Text>
        )}
      </FieldSet>
    </div>
  );
}

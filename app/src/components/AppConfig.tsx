import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import {
  Alert,
  Button,
  Field,
  FieldSet,
  type IconName,
  Input,
  SecretInput,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';
import { type ChangeEvent, type FormEvent, useState } from 'react';

import { describeBackendStatus } from '@osprey/plugin-kit';
import { BUNDLED_SUMMARY } from '../alert-rules';
import {
  backendStatus,
  canInstallAlertRules,
  canManageDataSources,
  describeAlertRulesInstall,
  describeGrafanaError,
  installAlertRules,
  saveAppSettings,
  upsertOspreyDataSource,
} from '../grafana-api';
import { type AppJsonData, DATASOURCE_UID } from '../settings';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

interface Outcome {
  severity: 'success' | 'error';
  text: string;
  /** One line per thing the action touched. */
  details?: string[];
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 720 }),
  outcome: css({ marginTop: theme.spacing(2) }),
  details: css({ margin: theme.spacing(1, 0, 0), paddingLeft: theme.spacing(3) }),
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
        {outcome.details && (
          <ul className={styles.details}>
            {outcome.details.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </Alert>
    </div>
  );
}

interface RestrictedActionProps {
  allowed: boolean;
  description: string;
  /** Shown instead of the button to a user who may not take the action. */
  notAllowed: string;
  label: string;
  icon: IconName;
  busy: boolean;
  onClick: () => void;
  outcome?: Outcome;
  testId: string;
}

/** An action only some users may take: what it does, its button and outcome, or who can take it. */
function RestrictedAction({
  allowed,
  description,
  notAllowed,
  label,
  icon,
  busy,
  onClick,
  outcome,
  testId,
}: RestrictedActionProps) {
  if (!allowed) {
    return <Text color="secondary">{notAllowed}</Text>;
  }
  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">{description}</Text>
      <div>
        <Button type="button" variant="secondary" icon={icon} disabled={busy} onClick={onClick}>
          {label}
        </Button>
      </div>
      <OutcomeAlert outcome={outcome} testId={testId} />
    </Stack>
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
  const [alertRules, setAlertRules] = useState<Outcome>();
  const { user } = config.bootData;

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

  const onAlertRules = () =>
    run(
      async () => ({ severity: 'success', ...describeAlertRulesInstall(await installAlertRules(user.orgId)) }),
      setAlertRules
    );

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
        <RestrictedAction
          allowed={canManageDataSources(user)}
          description={`Creates the datasource the bundled dashboards use (uid ${DATASOURCE_UID}) with the URL above, or points the existing one at it. Type the token to give it to the datasource too.`}
          notAllowed="An organization admin can create the Osprey datasource from this page."
          label="Create / update the Osprey datasource"
          icon="database"
          busy={busy}
          onClick={onDataSource}
          outcome={datasource}
          testId="osprey-app-datasource"
        />
      </FieldSet>
      <FieldSet label="Osprey alert rules">
        <RestrictedAction
          allowed={canInstallAlertRules(user)}
          description={`Installs the ${BUNDLED_SUMMARY.rules} Grafana-managed alert rules Osprey ships into the folder ${BUNDLED_SUMMARY.folders.join(', ')} through Grafana's alerting provisioning API. They query the Prometheus datasource with uid ${BUNDLED_SUMMARY.datasources.join(', ')}, which must scrape Osprey and load its recording rules. They stay editable in Grafana; installing again changes only the rules that differ from the shipped ones.`}
          notAllowed="An organization admin can install the Osprey alert rules from this page."
          label="Install alert rules"
          icon="bell"
          busy={busy}
          onClick={onAlertRules}
          outcome={alertRules}
          testId="osprey-app-alert-rules"
        />
      </FieldSet>
    </div>
  );
}

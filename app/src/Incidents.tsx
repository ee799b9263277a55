import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { DEFAULT_INCIDENT_MINUTES, type Incident } from '@osprey/model';
import { type ChangeEvent, useCallback, useEffect, useState } from 'react';

import { bundleHref, captureSummary, createIncident, listIncidents } from './incidents-api';

/** How often the list is read again while an incident is still collecting. */
export const COLLECTING_POLL_MS = 2000;

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 1100, padding: theme.spacing(2) }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
});

interface Form {
  service: string;
  instance: string;
  host: string;
  minutes: string;
  note: string;
}

/** An imported incident says so: its data was loaded from another Osprey's bundle, not collected here. */
function statusText(i: Incident): string {
  if (i.status === 'failed') {
    return `failed: ${i.error ?? ''}`;
  }
  return i.importedAt === undefined ? i.status : `${i.status}, imported ${dateTimeFormat(i.importedAt)}`;
}

const EMPTY: Form = { service: '', instance: '', host: '', minutes: String(DEFAULT_INCIDENT_MINUTES), note: '' };

/**
 * Incidents ("Quick Service ON"): ask for a bundle of an instance — a fresh thread dump, heap
 * histogram and host snapshot with its transactions, RED and errors — and download the ones made.
 */
export function Incidents() {
  const styles = useStyles2(getStyles);
  const [incidents, setIncidents] = useState<Incident[]>();
  const [error, setError] = useState<string>();
  const [form, setForm] = useState<Form>(EMPTY);
  const [asking, setAsking] = useState(false);

  const reload = useCallback(
    () =>
      listIncidents().then(
        (list) => {
          setIncidents(list);
          setError(undefined);
        },
        (err: unknown) => setError(err instanceof Error ? err.message : String(err))
      ),
    []
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  const collecting = incidents?.some((i) => i.status === 'collecting') ?? false;
  useEffect(() => {
    if (!collecting) {
      return;
    }
    const timer = setInterval(() => void reload(), COLLECTING_POLL_MS);
    return () => clearInterval(timer);
  }, [collecting, reload]);

  const ask = async () => {
    setAsking(true);
    try {
      const minutes = Number(form.minutes);
      await createIncident({
        service: form.service.trim(),
        instance: form.instance.trim(),
        ...(form.host.trim() ? { host: form.host.trim() } : {}),
        ...(Number.isInteger(minutes) && minutes > 0 ? { minutes } : {}),
        ...(form.note.trim() ? { note: form.note.trim() } : {}),
      });
      setForm(EMPTY);
      await reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setAsking(false);
    }
  };
  const field = (key: keyof Form, label: string, description?: string) => (
    <Field label={label} description={description}>
      <Input
        id={`osprey-incident-${key}`}
        width={key === 'note' ? 60 : 24}
        value={form[key]}
        onChange={(e: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.target.value })}
      />
    </Field>
  );

  return (
    <div className={styles.page}>
      <Stack direction="column" gap={2}>
        <Text element="h2">Incidents</Text>
        <Text element="p">
          Quick Service ON: the agents watching the instance take a thread dump, a heap histogram and a host snapshot
          now; with the instance&apos;s transactions, RED and errors of the last minutes they become one zip.
        </Text>
        <Stack direction="row" gap={1} wrap="wrap" alignItems="flex-end">
          {field('service', 'Service')}
          {field('instance', 'Instance')}
          {field('host', 'Host', 'Empty: the instance name')}
          {field('minutes', 'Minutes')}
          {field('note', 'Note')}
          <Button
            icon="bolt"
            onClick={ask}
            disabled={asking || !form.service.trim() || !form.instance.trim()}
            data-testid="osprey-incident-ask"
          >
            {asking ? 'Asking…' : 'Collect incident'}
          </Button>
        </Stack>
        {error && (
          <Alert severity="error" title="Incidents" data-testid="osprey-incident-error">
            {error}
          </Alert>
        )}
        {incidents && incidents.length === 0 && <Text color="secondary">No incident collected yet.</Text>}
        {incidents && incidents.length > 0 && (
          <table className={styles.table} data-testid="osprey-incidents">
            <thead>
              <tr>
                <th>Asked at</th>
                <th>Service / instance</th>
                <th>Host</th>
                <th>Status</th>
                <th>Captures</th>
                <th>Note</th>
                <th>Bundle</th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id}>
                  <td>{dateTimeFormat(i.createdAt)}</td>
                  <td>
                    {i.service} / {i.instance}
                  </td>
                  <td>{i.host}</td>
                  <td>{statusText(i)}</td>
                  <td>{captureSummary(i)}</td>
                  <td>{i.note ?? ''}</td>
                  <td>
                    {i.status === 'ready' && i.bundle ? (
                      <TextLink href={bundleHref(i.id)} external>
                        {`Download (${Math.ceil(i.bundle.bytes / 1024)} KiB, ${i.bundle.files.length} files)`}
                      </TextLink>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Stack>
    </div>
  );
}

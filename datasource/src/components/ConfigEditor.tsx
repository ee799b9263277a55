import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, Input, SecretInput, Stack, Text } from '@grafana/ui';
import type { ChangeEvent } from 'react';

import { DEFAULT_TIMEOUT_SECONDS } from '@osprey/plugin-kit';

import type { OspreyOptions, OspreySecureOptions } from '../types';
import { positiveNumber } from './QueryFields';

type Props = DataSourcePluginOptionsEditorProps<OspreyOptions, OspreySecureOptions>;

const LABEL_WIDTH = 14;

/** Backend URL in jsonData; the token in secureJsonData, which Grafana never sends back to the browser. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, url: event.target.value } });

  const onTimeoutChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, timeout: positiveNumber(event.target.value) } });

  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, token: event.target.value } });

  const onTokenReset = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, token: false },
      secureJsonData: { ...secureJsonData, token: '' },
    });

  return (
    <Stack direction="column" gap={1}>
      <Text color="secondary">
        Grafana&apos;s data proxy forwards requests to this URL and adds the token as a bearer header.
      </Text>
      <InlineField label="URL" labelWidth={LABEL_WIDTH} tooltip="Osprey backend, as reachable from the Grafana server">
        <Input
          id="osprey-url"
          width={40}
          value={jsonData.url ?? ''}
          placeholder="http://localhost:4318"
          onChange={onUrlChange}
        />
      </InlineField>
      <InlineField label="Token" labelWidth={LABEL_WIDTH} tooltip="A read (or admin) token of the Osprey backend">
        <SecretInput
          id="osprey-token"
          width={40}
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secureJsonData?.token ?? ''}
          placeholder="read token"
          onChange={onTokenChange}
          onReset={onTokenReset}
        />
      </InlineField>
      <InlineField
        label="Timeout (s)"
        labelWidth={LABEL_WIDTH}
        tooltip="A query fails with a timeout error when one backend request takes longer than this"
      >
        <Input
          id="osprey-timeout"
          type="number"
          width={12}
          value={jsonData.timeout ?? ''}
          placeholder={String(DEFAULT_TIMEOUT_SECONDS)}
          onChange={onTimeoutChange}
        />
      </InlineField>
    </Stack>
  );
}

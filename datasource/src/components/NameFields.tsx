/**
 * The query editor's name pickers: service, instance and endpoint, with the names the backend knows.
 * JVM queries pick from the JVMs that sent dumps or histograms rather than from traced services.
 */
import type { SelectableValue } from '@grafana/data';
import { Select } from '@grafana/ui';
import { queryTypeSpec } from '@osprey/model';

import type { OspreyDataSource } from '../datasource';
import { type NameField, NAMES } from './field-specs';
import { FieldFrame, type FieldProps, inputId } from './QueryFields';
import { usesField } from './queryType';
import { useOptions } from './useOptions';

interface PickerProps extends Pick<FieldProps, 'query' | 'update'> {
  field: NameField;
  options: Array<SelectableValue<string>>;
  /** Why the list is empty: nothing sent yet, or the error that kept it from loading. */
  empty: string;
  /** In place of the spec's. */
  placeholder?: string;
}

/** A name from the backend's list, or typed (a variable such as $service, or a name not seen yet). */
export function NamePicker({ field, query, update, options, empty, placeholder }: PickerProps) {
  const { width, ...layout } = NAMES[field];
  const value = query[field];
  return (
    <FieldFrame field={field} query={query} {...layout}>
      <Select
        inputId={inputId(field)}
        width={width}
        options={options}
        // An option object, so a saved value not in the list (e.g. $service) still shows.
        value={value ? { label: value, value } : null}
        placeholder={placeholder ?? layout.placeholder}
        allowCustomValue
        isClearable
        noOptionsMessage={empty}
        onChange={(o) => update({ [field]: o?.value || undefined })}
      />
    </FieldFrame>
  );
}

/** What an empty list says: why it could not load, or that nothing has been sent yet. */
export const noOptions = (what: string, error?: string) =>
  error ? `Could not load ${what}: ${error}` : `No ${what} yet`;

const toOptions = (values: string[]) => values.map((v) => ({ label: v, value: v }));

export function NameFields({ datasource, ...props }: FieldProps & { datasource: OspreyDataSource }) {
  const { query } = props;
  const type = query.queryType ?? 'xlog';
  const jvm = queryTypeSpec(type).family === 'jvm';
  const uses = (field: NameField) => usesField(type, field);
  const jvms = useOptions(
    jvm
      ? async () =>
          (await datasource.jvmInstances()).map((j) => ({
            label: j.instance,
            value: j.instance,
            description: j.service,
          }))
      : undefined,
    [datasource, jvm]
  );
  const services = useOptions(
    uses('service')
      ? async () =>
          jvm
            ? toOptions([...new Set(jvms.options.map((o) => o.description ?? ''))])
            : toOptions(await datasource.services())
      : undefined,
    [datasource, jvm, jvm && jvms.options, uses('service')]
  );
  const instances = useOptions(
    uses('instance') && !jvm
      ? async () => toOptions(await datasource.listValues('instances', query.service))
      : undefined,
    [datasource, jvm, query.service, uses('instance')]
  );
  const endpoints = useOptions(
    uses('endpoint') ? async () => toOptions(await datasource.listValues('endpoints', query.service)) : undefined,
    [datasource, query.service, uses('endpoint')]
  );
  const instanceOptions = jvm
    ? jvms.options.filter((o) => !query.service || o.description === query.service)
    : instances.options;
  const serviceEmpty = noOptions('services', services.error ?? jvms.error);
  const instanceEmpty = jvm ? 'No JVM has sent a dump yet' : noOptions('instances', instances.error);
  const one = jvm && type !== 'threadDumps' ? 'Choose an instance' : undefined;
  return (
    <>
      <NamePicker field="service" options={services.options} empty={serviceEmpty} {...props} />
      <NamePicker field="instance" options={instanceOptions} empty={instanceEmpty} placeholder={one} {...props} />
      <NamePicker
        field="endpoint"
        options={endpoints.options}
        empty={noOptions('endpoints', endpoints.error)}
        {...props}
      />
    </>
  );
}

/**
 * The query editor's fields, one component per kind of input. Each shows only when the query's type
 * reads its field (model's QUERY_TYPES), and takes its label, width and hover text from field-specs,
 * so the editor lists fields rather than conditions and markup.
 */
import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, Input, RadioButtonGroup, Select } from '@grafana/ui';
import type { QueryField } from '@osprey/model';
import type { ChangeEvent, ReactElement } from 'react';

import type { OspreyQuery } from '../types';
import {
  type ChoiceField,
  CHOICES,
  type ChoiceValue,
  type FieldLayout,
  type InputField,
  INPUTS,
  POSITIVE_FIELDS,
  type SwitchField,
  SWITCHES,
} from './field-specs';
import { usesField } from './queryType';

/** Parses a number field; empty or non-positive clears the filter. */
export function positiveNumber(text: string): number | undefined {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) || n <= 0 ? undefined : n;
}

export interface FieldProps {
  query: OspreyQuery;
  update: (patch: Partial<OspreyQuery>, run?: boolean) => void;
  onRunQuery: () => void;
}

/** The input's id, which tests and Grafana's e2e selectors find it by: `osprey-` + the field in kebab case. */
export const inputId = (field: QueryField) => `osprey-${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

interface FrameProps extends FieldLayout {
  field: QueryField;
  query: OspreyQuery;
  disabled?: boolean;
  children: ReactElement;
}

/** Grafana's InlineField around one input, shown when the query's type reads `field`. */
export function FieldFrame({ field, query, label, labelWidth = 10, tooltip, disabled, children }: FrameProps) {
  if (!usesField(query.queryType, field)) {
    return null;
  }
  return (
    <InlineField label={label} labelWidth={labelWidth} tooltip={tooltip} disabled={disabled}>
      {children}
    </InlineField>
  );
}

interface InputProps extends FieldProps {
  field: InputField;
  /** In place of the spec's, where the query decides (e.g. "Older id" beside a newer one). */
  label?: string;
  placeholder?: string;
  tooltip?: string;
}

/**
 * One text or number input: it saves what is typed without running the query, and runs it when the
 * input loses focus (a query per keystroke would flood the backend). A number that is not positive
 * clears the field (positiveNumber).
 */
export function QueryInput({ field, query, update, onRunQuery, ...override }: InputProps) {
  const { width, placeholder, ...layout } = { ...INPUTS[field], ...definedOnly(override) };
  const numeric = POSITIVE_FIELDS.includes(field);
  const parse = (text: string) => (numeric ? positiveNumber(text) : text || undefined);
  return (
    <FieldFrame field={field} query={query} {...layout}>
      <Input
        id={inputId(field)}
        type={numeric ? 'number' : undefined}
        width={width}
        value={query[field] ?? ''}
        placeholder={placeholder}
        onChange={(e: ChangeEvent<HTMLInputElement>) => update({ [field]: parse(e.target.value) }, false)}
        onBlur={onRunQuery}
      />
    </FieldFrame>
  );
}

/** An on/off field; off is saved as absent, so a saved query carries only what is switched on. */
export function QuerySwitch({ field, query, update }: FieldProps & { field: SwitchField }) {
  return (
    <FieldFrame field={field} query={query} {...SWITCHES[field]}>
      <InlineSwitch
        id={inputId(field)}
        value={query[field] ?? false}
        onChange={(e: ChangeEvent<HTMLInputElement>) => update({ [field]: e.currentTarget.checked || undefined })}
      />
    </FieldFrame>
  );
}

interface ChoiceProps<F extends ChoiceField> extends FieldProps {
  field: F;
  /** What shows when the query has no value (the backend's default); in place of the spec's. */
  fallback?: ChoiceValue<F>;
  /** In place of the spec's, where the query type narrows them. */
  options?: Array<SelectableValue<ChoiceValue<F>>>;
  /** Shown in place of the query's value, e.g. what a live query always fetches. */
  forced?: ChoiceValue<F>;
  disabled?: boolean;
}

/** One of a few values: radio buttons, or a select when the spec gives a width. */
export function QueryChoice<F extends ChoiceField>({ field, query, update, ...props }: ChoiceProps<F>) {
  const { options, fallback, width, ...layout } = { ...CHOICES[field], ...definedOnly(props) };
  const value = props.forced ?? (query[field] as ChoiceValue<F> | undefined) ?? fallback;
  // 0 (a severity of "any") is no filter, as absent is.
  const save = (chosen?: ChoiceValue<F>) => update({ [field]: chosen || undefined });
  return (
    <FieldFrame field={field} query={query} {...layout}>
      {width ? (
        <Select<ChoiceValue<F>>
          inputId={inputId(field)}
          width={width}
          options={options}
          value={options.find((o) => o.value === value) ?? options[0]}
          onChange={(chosen) => save(chosen.value)}
        />
      ) : (
        <RadioButtonGroup<ChoiceValue<F>> options={options} value={value} onChange={save} />
      )}
    </FieldFrame>
  );
}

/** The given props without the undefined ones, so they leave the spec's value in place. */
function definedOnly<T extends object>(props: T): Partial<T> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as Partial<T>;
}

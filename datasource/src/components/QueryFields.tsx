/**
 * The query editor's free-text and number inputs: each saves what is typed without running the
 * query, and runs it when the input loses focus (a query per keystroke would flood the backend).
 */
import { InlineField, Input } from '@grafana/ui';
import type { TemplatedField } from '@osprey/model';
import type { ChangeEvent } from 'react';

import type { OspreyQuery } from '../types';

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

type PositiveField = 'minElapsed' | 'limit' | 'concurrencyLimit' | 'apdexT';

const POSITIVE_FIELDS: readonly string[] = [
  'minElapsed',
  'limit',
  'concurrencyLimit',
  'apdexT',
] satisfies PositiveField[];

interface Props extends FieldProps {
  /** A templated text field (variables such as $service work in it) or a positive number. */
  field: TemplatedField | PositiveField;
  /** The input's id, which tests and Grafana's e2e selectors find it by. */
  id: string;
  label: string;
  labelWidth?: number;
  width: number;
  placeholder?: string;
  tooltip?: string;
}

/** One text or number input of the query; a number that is not positive clears the field (positiveNumber). */
export function QueryInput({ field, id, label, labelWidth = 10, width, placeholder, tooltip, ...props }: Props) {
  const numeric = POSITIVE_FIELDS.includes(field);
  const parse = (text: string) => (numeric ? positiveNumber(text) : text || undefined);
  return (
    <InlineField label={label} labelWidth={labelWidth} tooltip={tooltip}>
      <Input
        id={id}
        type={numeric ? 'number' : undefined}
        width={width}
        value={props.query[field] ?? ''}
        placeholder={placeholder}
        onChange={(e: ChangeEvent<HTMLInputElement>) => props.update({ [field]: parse(e.target.value) }, false)}
        onBlur={props.onRunQuery}
      />
    </InlineField>
  );
}

/** Helpers for the panels' option builders (Grafana's PanelOptionsEditorBuilder). */
import type { SelectableValue } from '@grafana/data';

/** A radio's or select's settings from value → label, in the order written. */
export function choices<T extends string>(labels: Record<T, string>): { options: Array<SelectableValue<T>> } {
  return { options: (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] })) };
}

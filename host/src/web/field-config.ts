/**
 * The standard field options (unit, decimals, min/max, display name, colour, thresholds, value
 * mappings, data links, actions, no value) that Grafana core registers in
 * `standardFieldConfigEditorRegistry` at start (public/app/core/components/OptionsUI/registry.tsx).
 * The npm packages leave that registry empty, and applyFieldOverrides applies only the options it
 * lists: without these, a dashboard's defaults and overrides (a column's display name, its
 * mappings, its links) would be dropped. Defaults, processors and what each applies to are
 * Grafana's; the host has no field editor, so every item's editor is an empty one.
 */
import {
  booleanOverrideProcessor,
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  type Field,
  FieldConfigProperty as P,
  type FieldConfigPropertyItem,
  FieldType,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardFieldConfigEditorRegistry,
  stringOverrideProcessor,
  ThresholdsMode,
  thresholdsOverrideProcessor,
  unitOverrideProcessor,
  valueMappingsOverrideProcessor,
} from '@grafana/data';

const noEditor = () => null;
const always = () => true;
const numeric = (field: Field) => field.type === FieldType.number;

type Item = Pick<FieldConfigPropertyItem, 'id' | 'process' | 'shouldApply' | 'defaultValue' | 'settings'>;

const ITEMS: Item[] = [
  { id: P.Unit, process: unitOverrideProcessor, shouldApply: always },
  { id: P.Min, process: numberOverrideProcessor, shouldApply: numeric },
  { id: P.Max, process: numberOverrideProcessor, shouldApply: numeric },
  { id: P.FieldMinMax, process: booleanOverrideProcessor, shouldApply: numeric },
  { id: P.Decimals, process: numberOverrideProcessor, shouldApply: numeric },
  {
    id: P.DisplayName,
    process: displayNameOverrideProcessor,
    shouldApply: always,
    settings: { expandTemplateVars: true },
  },
  { id: P.Color, process: identityOverrideProcessor, shouldApply: always },
  { id: P.NoValue, process: stringOverrideProcessor, shouldApply: always },
  { id: P.Links, process: dataLinksOverrideProcessor, shouldApply: always },
  { id: P.Actions, process: identityOverrideProcessor, shouldApply: always },
  { id: P.Mappings, process: valueMappingsOverrideProcessor, shouldApply: always, defaultValue: [] },
  {
    id: P.Thresholds,
    process: thresholdsOverrideProcessor,
    shouldApply: always,
    defaultValue: {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 80, color: 'red' },
      ],
    },
  },
  { id: P.Filterable, process: booleanOverrideProcessor, shouldApply: always },
];

export function registerStandardFieldConfigs(): void {
  standardFieldConfigEditorRegistry.setInit(() =>
    ITEMS.map((item): FieldConfigPropertyItem => ({
      ...item,
      path: item.id,
      name: item.id,
      editor: noEditor,
      override: noEditor,
    }))
  );
}

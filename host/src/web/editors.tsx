/**
 * Grafana core registers the option editors that PanelOptionsEditorBuilder.addRadio/addSliderInput/...
 * refer to by id (public/app/core/components/OptionsUI/registry.tsx); they are not in the npm
 * packages, so the host registers the common ones, built from @grafana/ui controls. A plugin using
 * an editor id not listed here fails with Grafana's own "not found" error.
 */
import {
  SelectableValue,
  standardEditorsRegistry,
  StandardEditorProps,
  StandardEditorsRegistryItem,
} from '@grafana/data';
import { ColorPicker, Input, MultiSelect, RadioButtonGroup, Select, Slider, Switch, UnitPicker } from '@grafana/ui';

interface OptionsSettings {
  options?: Array<SelectableValue<unknown>>;
}

interface SliderSettings {
  min?: number;
  max?: number;
  step?: number;
}

type Editor<V, S = unknown> = (props: StandardEditorProps<V, S>) => JSX.Element;

const text: Editor<string> = ({ value, onChange }) => (
  <Input value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value)} />
);
const number: Editor<number> = ({ value, onChange }) => (
  <Input type="number" value={value ?? ''} onChange={(e) => onChange(Number(e.currentTarget.value))} />
);
const slider: Editor<number, SliderSettings> = ({ value, onChange, item }) => (
  <Slider
    value={value}
    min={item.settings?.min ?? 0}
    max={item.settings?.max ?? 100}
    step={item.settings?.step}
    onChange={onChange}
  />
);
const boolean: Editor<boolean> = ({ value, onChange }) => (
  <Switch value={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />
);
const radio: Editor<unknown, OptionsSettings> = ({ value, onChange, item }) => (
  <RadioButtonGroup value={value} options={item.settings?.options ?? []} onChange={onChange} />
);
const select: Editor<unknown, OptionsSettings> = ({ value, onChange, item }) => (
  <Select value={value} options={item.settings?.options ?? []} onChange={(v) => onChange(v.value)} />
);
const multiSelect: Editor<unknown[], OptionsSettings> = ({ value, onChange, item }) => (
  <MultiSelect value={value} options={item.settings?.options ?? []} onChange={(v) => onChange(v.map((o) => o.value))} />
);
const unit: Editor<string> = ({ value, onChange }) => <UnitPicker value={value} onChange={onChange} />;
const color: Editor<string> = ({ value, onChange }) => <ColorPicker color={value ?? ''} onChange={onChange} />;

export function registerOptionEditors(): void {
  const items: StandardEditorsRegistryItem[] = [
    { id: 'text', name: 'Text', editor: text },
    { id: 'number', name: 'Number', editor: number },
    { id: 'slider', name: 'Slider', editor: slider },
    { id: 'boolean', name: 'Boolean', editor: boolean },
    { id: 'radio', name: 'Radio', editor: radio },
    { id: 'select', name: 'Select', editor: select },
    { id: 'multi-select', name: 'Multi select', editor: multiSelect },
    { id: 'unit', name: 'Unit', editor: unit },
    { id: 'color', name: 'Color', editor: color },
  ];
  standardEditorsRegistry.setInit(() => items);
}

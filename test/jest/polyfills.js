// jsdom lacks browser APIs that @grafana/ui reaches for at import or first render; Grafana's
// create-plugin jest setup provides the same ones.
const { TextDecoder, TextEncoder } = require('node:util');

Object.assign(global, { TextDecoder, TextEncoder });

Object.defineProperty(global, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

global.ResizeObserver = class ResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
};

// jsdom has no structuredClone (browsers and Node do); dagre's layout clones its options with it.
if (typeof global.structuredClone !== 'function') {
  const v8 = require('node:v8');
  global.structuredClone = (value) => v8.deserialize(v8.serialize(value));
}

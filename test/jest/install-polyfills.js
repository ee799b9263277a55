// Browser APIs jsdom lacks and @grafana/ui reaches for at import or first render (Grafana's
// create-plugin jest setup provides the same ones), installed on a given global.
const { TextDecoder, TextEncoder } = require('node:util');

function install(target) {
  Object.assign(target, { TextDecoder, TextEncoder });

  Object.defineProperty(target, 'matchMedia', {
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

  target.ResizeObserver = class ResizeObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
  };

  // jsdom has no structuredClone (browsers and Node do); dagre's layout clones its options with it.
  if (typeof target.structuredClone !== 'function') {
    const v8 = require('node:v8');
    target.structuredClone = (value) => v8.deserialize(v8.serialize(value));
  }
}

module.exports = install;

// jsdom for code that imports @grafana/data and @grafana/runtime (they need `window` and the
// browser APIs in polyfills.js) but talks to real servers: Node's own fetch and its companions,
// which jest's jsdom environment does not expose.
const { TestEnvironment } = require('jest-environment-jsdom');

const installPolyfills = require('./install-polyfills');

class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const { fetch, Headers, Request, Response, AbortController, AbortSignal } = globalThis;
    Object.assign(this.global, { fetch, Headers, Request, Response, AbortController, AbortSignal });
    installPolyfills(this.global);
  }
}

module.exports = JsdomWithFetch;

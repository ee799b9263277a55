/**
 * react-custom-scrollbars-2 as webpack hands it to @grafana/ui in Grafana: its CommonJS `exports.default`
 * is the default export. @grafana/ui's ESM build imports it from `.mjs` files, for which esbuild follows
 * Node's rule instead (the default is the whole `module.exports`), so CustomScrollbar, and with it the
 * Table, would render an object. The bundler resolves @grafana/ui's import to this module (bundle.ts);
 * imported from TypeScript, the package's `__esModule` flag is honoured.
 */
import Scrollbars from 'react-custom-scrollbars-2';

export default Scrollbars;
export { Scrollbars };

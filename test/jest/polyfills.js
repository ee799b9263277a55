// jsdom lacks browser APIs that @grafana/ui reaches for at import or first render. A setup file
// must not export a function (jest would call it), hence the separate module.
require('./install-polyfills')(global);

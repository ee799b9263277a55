/** What the Osprey plugins share at run time: the backend client through Grafana, its error sentences, panel option helpers. */
export * from './capture-paths';
export * from './client';
export * from './errors';
export * from './panel-options';
export * from './toggled';

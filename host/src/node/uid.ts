/** The datasource uid the bundled dashboards name: the preview's data proxy serves it, its page asks for it. */
export const PREVIEW_DATASOURCE_UID = 'osprey';

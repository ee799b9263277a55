// A YAML file imported by source (the app bundles provisioning/alerting/rules.yaml) becomes the module
// exporting its parsed content, as webpack's JSON module type with a YAML parser builds it.
const { parse } = require('yaml');

module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(parse(source))};` };
  },
};

// Node's `http` module as CommonJS, for the Lambda bundles only: esbuild resolves `http` and
// `node:http` here (BUNDLE_ALIASES, lib/constructs/service-function.ts). Imported as an ES
// module, Node builds the module's namespace by reading every export, and its lazy `WebSocket`
// (and related) getters load the bundled undici: ≈12 ms of every cold start that nothing here
// uses. The object is Node's own `http` module, unchanged.
module.exports = process.getBuiltinModule('node:http');

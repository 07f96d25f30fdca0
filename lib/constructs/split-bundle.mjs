// Builds one function's bundle with code splitting, after NodejsFunction's one-file build
// (lib/constructs/split-bundling.ts writes the command): the esbuild options come as JSON.
import { buildSync } from 'esbuild';

buildSync({ ...JSON.parse(process.argv[2] ?? '{}'), logLevel: 'warning' });

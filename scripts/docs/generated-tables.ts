import { alarmsTable } from './alarms-table.ts';
import { benchFiguresTable, bundlesTable } from './bench-tables.ts';
import { configurationTable } from './configuration-table.ts';
import { errorCodesTable } from './error-codes-table.ts';

/** A table `pnpm run docs` writes: its marker name, its file (from the root) and its maker. */
export interface GeneratedTable {
  readonly name: string;
  readonly file: string;
  readonly render: () => string;
}

/** Every generated table of docs/, each from the one place its facts live. */
export const GENERATED_TABLES: readonly GeneratedTable[] = [
  { name: 'configuration', file: 'docs/configuration.md', render: configurationTable },
  { name: 'error-codes', file: 'docs/api.md', render: errorCodesTable },
  { name: 'alarms', file: 'docs/deploy.md', render: alarmsTable },
  { name: 'bundles', file: 'docs/deploy.md', render: bundlesTable },
  { name: 'bench-figures', file: 'docs/benchmark.md', render: benchFiguresTable },
];

/** The repository's root, where the tables' files are named from. */
export const REPOSITORY_ROOT = new URL('../../', import.meta.url);

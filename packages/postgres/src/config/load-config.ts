import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { invalidConfig } from './config-error.js';
import type { ResolvedTenancyConfig, TenancyConfigInput } from './config-types.js';
import type { DiscoveredTable } from './resolve-config.js';
import { resolveConfig } from './resolve-config.js';

/** The file names `loadConfig` looks for, in this order, when no path is given. */
export const CONFIG_FILE_NAMES: readonly string[] = [
  'tenancy.config.ts',
  'tenancy.config.mts',
  'tenancy.config.js',
  'tenancy.config.mjs',
  'tenancy.config.json',
];

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Directory to search and to resolve a relative path against (default `process.cwd()`). */
  cwd?: string | undefined;
}

/**
 * Loads, validates and resolves `tenancy.config.{ts,mts,js,mjs,json}` (the given path, or the first found in cwd),
 * reading `drizzleSchema` when the config names one.
 * @example
 * const config = await loadConfig(); // ./tenancy.config.ts
 * const sql = generateSql(config);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/cli.md#configuration-files
 */
export async function loadConfig(path?: string, options: LoadConfigOptions = {}): Promise<ResolvedTenancyConfig> {
  const cwd = options.cwd ?? process.cwd();
  const file = path === undefined ? findConfig(cwd) : resolve(cwd, path);
  const source = displayPath(cwd, file);
  if (!existsSync(file)) {
    throw invalidConfig([{ path: '(file)', message: `${source} does not exist` }]);
  }
  const input = await readConfigFile(file, source);
  let drizzleTables: DiscoveredTable[] | undefined;
  if (typeof input === 'object' && input !== null && typeof (input as TenancyConfigInput).drizzleSchema === 'string') {
    const schemaPath = resolve(dirname(file), (input as { drizzleSchema: string }).drizzleSchema);
    const module = await importModule(schemaPath, `drizzleSchema (${displayPath(cwd, schemaPath)})`, source);
    // Imported on demand: drizzle-orm is an optional peer, needed only by configs that name a Drizzle schema.
    const { tablesFromDrizzleSchema } = await import('../drizzle/tables-from-drizzle-schema.js');
    drizzleTables = tablesFromDrizzleSchema(module);
  }
  return resolveConfig(input as TenancyConfigInput, { source, drizzleTables });
}

function findConfig(cwd: string): string {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  throw invalidConfig([
    {
      path: '(file)',
      message: `no config found in ${cwd} (looked for ${CONFIG_FILE_NAMES.join(', ')}); pass --config`,
    },
  ]);
}

async function readConfigFile(file: string, source: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw invalidConfig([{ path: '(file)', message: `is not valid JSON: ${(error as Error).message}` }], source);
    }
  }
  const module = await importModule(file, 'the config module', source);
  const config = module['default'] ?? module['config'];
  if (config === undefined) {
    throw invalidConfig(
      [{ path: '(file)', message: 'exports no config: use `export default defineTenancyConfig({...})`' }],
      source,
    );
  }
  return config;
}

async function importModule(file: string, what: string, source: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(file)
        ? ` Node ${process.version} cannot import TypeScript here: use Node 22.18+ (it strips types natively), run the CLI through tsx, or write the config as .js/.json.`
        : '';
    throw invalidConfig(
      [{ path: '(file)', message: `could not load ${what}: ${(error as Error).message}.${hint}` }],
      source,
    );
  }
}

// Relative and with forward slashes: the path is printed in the SQL header, which must not differ between machines.
function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return file.split(sep).join('/');
  return rel.split(sep).join('/');
}

import pkg from '../../package.json' with { type: 'json' };

/** The version of @tenancy/postgres that generated a script, named in its header. */
export const GENERATOR_VERSION: string = pkg.version;

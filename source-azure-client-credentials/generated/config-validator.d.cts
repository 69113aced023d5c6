// The config validator the build generates from schemas/spec.json (config-schema.ts, scripts/build.mjs) beside the compiled config.js.
import type { ValidateFunction } from 'ajv';

declare const validate: ValidateFunction;
export = validate;

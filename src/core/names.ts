import { invalidError } from './errors.js';
import { hasPrefix } from './ids.js';

const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Environment names are short slugs, and never look like an environment id (they are looked up by either). */
export function validateEnvironmentName(name: string): string {
  if (!ENVIRONMENT_NAME.test(name) || hasPrefix(name, 'env')) {
    throw invalidError(
      `invalid environment name "${name}"`,
      'Use letters, digits, ".", "_" or "-" (up to 63 characters), not starting with "env_"',
    );
  }
  return name;
}

import { usageError } from '../core/errors.js';
import { USAGE_HINT } from './options.js';

/** The choices of --profile; the simulator's registry is loaded only when the command runs (a test keeps the two equal). */
export const PROFILE_CHOICES = ['entra', 'entra-2020', 'okta', 'rfc', 'all'];

export interface TestOptions {
  token?: string;
  profile: string[];
  keep?: boolean;
  timeout: string;
  junit?: string;
}

/** --profile is repeatable and takes comma-separated names. */
export const collectProfiles = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** --profile values: `all` (the default) is every profile; anything else must be one of them. */
export function parseProfiles(values: string[] | undefined): string[] {
  const names = values?.length ? values : ['all'];
  const unknown = names.find((n) => !PROFILE_CHOICES.includes(n));
  if (unknown !== undefined) throw usageError(`invalid --profile "${unknown}": give one of ${PROFILE_CHOICES.join(', ')}`, USAGE_HINT);
  return names.includes('all') ? PROFILE_CHOICES.filter((n) => n !== 'all') : [...new Set(names)];
}

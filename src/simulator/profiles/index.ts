/** The client profiles `scimctl test` plays, in the order `all` runs them. */
import type { Profile } from '../run.js';
import { entra, entra2020 } from './entra.js';
import { okta } from './okta.js';
import { rfc } from './rfc.js';

export const PROFILES: readonly Profile[] = [entra, entra2020, okta, rfc];

/** The client profiles `scimctl test` plays, in the order `all` runs them. */
import type { Profile } from '../run.js';
import { entra, entra2020 } from './entra.js';

export const PROFILES: readonly Profile[] = [entra, entra2020];

export const PROFILE_NAMES = PROFILES.map((p) => p.name);

import { usageError } from '../core/errors.js';
import { LocalTunnel } from './local.js';
import { NgrokTunnel } from './ngrok.js';
import type { Tunnel } from './tunnel.js';

/**
 * ngrok unless SCIMCTL_TUNNEL=local, a switch for the test suite only (offline e2e runs of
 * `serve --tunnel`). It is deliberately not a CLI flag and not in the README: the fake's "public"
 * URL is loopback, useless to a real IdP.
 */
export function createTunnel(env: NodeJS.ProcessEnv = process.env): Tunnel {
  const choice = env.SCIMCTL_TUNNEL ?? 'ngrok';
  if (choice === 'local') return new LocalTunnel();
  if (choice === 'ngrok' || choice === '') return new NgrokTunnel(env);
  throw usageError(`SCIMCTL_TUNNEL="${choice}" is not a tunnel provider`, 'Unset SCIMCTL_TUNNEL to use ngrok');
}

import type { ChalkInstance } from 'chalk';

/**
 * What to do in the Entra admin center once the tunnel is up, short enough to follow from a terminal.
 * The README's "Connect a real Entra tenant" section is the long form.
 */
export function entraSteps(c: ChalkInstance): string[] {
  return [
    c.bold('Connect Microsoft Entra ID') + c.dim(' (entra.microsoft.com):'),
    '  1. Enterprise applications → your app → Provisioning → New configuration',
    '  2. Tenant URL and Secret token: the values above',
    c.dim('     Optional: append ?aadOptscim062020 to the Tenant URL for Entra\'s RFC-compliant PATCH behaviour'),
    '  3. Test connection → Create',
    '  4. Users and groups → assign the users and groups to provision',
    '  5. Provisioning → Start provisioning ("Provisioning is scheduled to start")',
  ];
}

/** Where the Secret token comes from, when serve did not just print one. */
export function tokenSource(c: ChalkInstance): string[] {
  return [
    c.dim('Secret token: the one printed when the directory was created (scimctl stores only its hash).'),
    c.dim('Lost it? `scimctl token rotate <directory>` prints a new one, or restart with --rotate-token for all;'),
    c.dim('either way the old token stops working at once.'),
  ];
}

/** Why a reserved domain matters: Entra keeps the Tenant URL that was saved. */
export function unreservedUrlWarning(c: ChalkInstance): string {
  return c.yellow(
    'Without --domain, ngrok may give a different URL after a restart, and Entra keeps calling the Tenant URL you saved.\n' +
      'Reserve a domain at https://dashboard.ngrok.com/domains and pass --domain for a Tenant URL that survives restarts.',
  );
}

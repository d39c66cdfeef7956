/**
 * What Microsoft Entra ID does when a step fails, from Microsoft's provisioning documentation
 * ("How provisioning works", "Known issues … SCIM 2.0 protocol compliance"): a failed object is
 * logged and retried in later cycles (about every 40 minutes); a job that keeps failing is quarantined.
 */
export const ENTRA = {
  testConnection: 'Entra\'s "Test Connection" fails and the admin cannot save the provisioning settings',
  match: 'Entra cannot tell whether the user exists, so it marks the user as failed and skips it until the next cycle (about 40 minutes)',
  wrongMatch: 'Entra would take another user for this one and update or disable the wrong person',
  create: 'Entra marks this user as failed in its provisioning logs and skips it until the next cycle; if most objects fail, the job is quarantined',
  readBack: 'Entra finds the stored values differ from its own on every cycle and sends the same update again each time; the app shows stale data',
  update: 'Entra marks the update as failed and retries it on the next cycle; until then the app keeps the old values',
  manager: 'Entra marks the manager update as failed and retries it every cycle; the app never learns who the manager is',
  disable: 'Entra cannot disable the user: the person keeps access to the app after being unassigned in Entra or leaving the company',
  caseMatch: 'Entra does not find a user whose UPN differs from the stored userName only in case, tries to create it again, and gets 409 on every cycle',
  disabledMatch: 'Entra no longer finds the disabled user and tries to create it again, which fails with 409 on every cycle',
  enable: 'Entra cannot re-enable the user: they stay locked out of the app after being assigned again',
  groupMatch: 'Entra cannot tell whether the group exists, so it marks the group as failed and skips it until the next cycle',
  groupCreate: 'Entra marks the group as failed and skips it, and every membership in it, until the next cycle',
  groupRead: 'Entra fails the group when the server sends members it asked to leave out; with large groups the read can time out',
  members: 'Entra marks the membership change as failed and retries it on the next cycle; until then the app has the wrong members (and the wrong access)',
  rename: 'Entra marks the rename as failed and retries it on the next cycle; the app shows the old group name',
  deleteGroup: 'Entra marks the delete as failed and retries; the group stays in the app',
  deleteUser: 'Entra marks the delete as failed and retries; the user stays in the app after Entra removed them',
} as const;

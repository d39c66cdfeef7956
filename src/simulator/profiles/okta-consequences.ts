/**
 * What Okta does when a step fails, from Okta's SCIM 2.0 reference and provisioning docs: a failed
 * push is logged and listed under the admin's Tasks to retry by hand (429/5xx are retried a few times
 * first); a failed "Test Connector Configuration" stops the admin from enabling provisioning.
 */
export const OKTA = {
  testConnector: 'Okta\'s "Test Connector Configuration" fails and the admin cannot enable provisioning for the app',
  match: 'Okta cannot tell whether the user exists, so the assignment fails and is listed under Tasks to retry by hand',
  wrongMatch: 'Okta would link this person to another account (or to none) and push their profile to the wrong user',
  create: 'Okta marks the push as failed and lists it under Tasks; the person gets no account in the app',
  duplicate: 'Okta cannot tell a duplicate from a new user: it may create a second account for the same person instead of failing the push so the admin can link them',
  read: 'Okta cannot read the user back, so imports and later updates of this user fail and are listed under Tasks',
  notFound: 'Okta takes a user that no longer exists for one that does, so updates go nowhere and the task never fails for the admin to see',
  update: 'Okta marks the profile push as failed and lists it under Tasks; the app keeps the old values',
  deactivate: 'Okta cannot deactivate the user: the person keeps access to the app after being unassigned or leaving the company',
  reactivate: 'Okta cannot reactivate the user: they stay locked out of the app after being assigned again',
  groupCreate: 'Okta marks the group push as failed and lists it under Tasks; the group and its memberships never reach the app',
  groupMatch: 'Okta cannot find the pushed group again, so it tries to create it on every push and the memberships never sync',
  members: 'Okta marks the membership push as failed and lists it under Tasks; the app has the wrong members (and the wrong access)',
  rename: 'Okta marks the group rename as failed; the app shows the old group name',
  groupReplace: 'Okta marks the group push as failed and lists it under Tasks; the app keeps the old members',
  groupDelete: 'Okta marks the unlink as failed; the group stays in the app with its members',
} as const;

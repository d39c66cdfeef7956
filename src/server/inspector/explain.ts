/**
 * An error status in plain words, and what the IdPs do next with it (from Microsoft's and Okta's
 * SCIM provisioning documentation: Entra retries 429/5xx and quarantines a job that keeps failing;
 * Okta retries 429/5xx a few times then shows the task in its dashboard to retry by hand).
 */
export interface Explanation {
  meaning: string;
  entra: string;
  okta: string;
}

const BY_STATUS: Record<number, Explanation> = {
  400: {
    meaning: 'The server could not accept the request as sent: a malformed body, an invalid filter or value, or a PATCH it could not apply (see scimType and detail).',
    entra: 'Entra records the object as failed in the provisioning logs and retries it in later cycles; repeated failures can quarantine the job.',
    okta: 'Okta marks the push as failed and lists it under Tasks, where it can be retried by hand.',
  },
  401: {
    meaning: 'The bearer token was missing, malformed or not the token of this directory.',
    entra: 'Entra reports a credentials error; "Test Connection" fails, and a running job goes to quarantine until the secret token is fixed.',
    okta: 'Okta reports the integration as failing authentication and stops provisioning until the token is updated.',
  },
  403: {
    meaning: 'The request was understood but refused.',
    entra: 'Entra logs a failure for the object and retries it in later cycles.',
    okta: 'Okta marks the task as failed.',
  },
  404: {
    meaning: 'No such resource (or route) in this directory: the id was never created here, or it was deleted.',
    entra: 'For a GET by filter Entra expects 200 with no results, not 404. For a PATCH or DELETE of a known id, Entra logs a failure (a DELETE answered 404 is treated as already gone).',
    okta: 'Okta treats a 404 on an update as a failed task; on a deactivation it treats the user as already gone.',
  },
  409: {
    meaning: 'A uniqueness conflict: another resource already has this userName, externalId or displayName.',
    entra: 'Entra logs a failure for the object; it normally matches existing users with a GET filter first, so a 409 usually means its matching attribute differs from the unique one here.',
    okta: 'Okta marks the push as failed; importing users first lets it match them.',
  },
  412: {
    meaning: 'The If-Match version did not match the stored version (someone else changed the resource).',
    entra: 'Entra does not send If-Match; a client that does should re-read and retry.',
    okta: 'Okta does not send If-Match.',
  },
  413: {
    meaning: 'The request body was larger than this server accepts.',
    entra: 'Entra logs a failure; large groups are sent as several PATCH requests, so this should be rare.',
    okta: 'Okta marks the task as failed.',
  },
  429: {
    meaning: 'Too many requests: the client should slow down.',
    entra: 'Entra backs off and retries later.',
    okta: 'Okta backs off and retries.',
  },
  500: {
    meaning: 'A bug or failure inside this server; its output shows the error.',
    entra: 'Entra retries the object in later cycles; repeated failures can quarantine the job.',
    okta: 'Okta retries a few times, then marks the task as failed.',
  },
  503: {
    meaning: 'The server was busy (the database held by another scimctl command) and asked the client to retry.',
    entra: 'Entra retries later.',
    okta: 'Okta retries.',
  },
};

export function explainStatus(status: number): Explanation | null {
  if (status < 400) return null;
  return BY_STATUS[status] ?? (status >= 500 ? BY_STATUS[500]! : BY_STATUS[400]!);
}

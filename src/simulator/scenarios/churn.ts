/**
 * Turnover: each user created, updated, then deactivated, one user after the other, by a plain
 * RFC 7644 client (lower-case ops, boolean active). Volume for the request log, events and webhooks.
 */
import type { Recording, RecordingStep } from '../recording.js';
import { PATCH_OP_SCHEMA, USER_SCHEMA } from '../../scim/schemas.js';
import { person, step, userId } from './names.js';

export const USER_CHURN_DESCRIPTION = 'N users (--count, 10 by default) each created, updated and deactivated';
export const DEFAULT_CHURN_COUNT = 10;
export const MAX_CHURN_COUNT = 1000;

export function userChurn(runId: string, count = DEFAULT_CHURN_COUNT): Recording {
  const steps: RecordingStep[] = [];
  for (let i = 0; i < count; i++) {
    const p = person(i, runId, 'example.org');
    steps.push(
      step(`Create ${p.userName}`, 'POST', '/Users', 201, {
        body: {
          schemas: [USER_SCHEMA],
          userName: p.userName,
          externalId: p.nickname,
          name: { givenName: p.givenName, familyName: p.familyName },
          displayName: p.displayName,
          emails: [{ value: p.userName, type: 'work', primary: true }],
          active: true,
        },
        capture: { [`users.${p.key}.id`]: '/id' },
      }),
      step(`Update ${p.userName}'s title`, 'PATCH', `/Users/${userId(p)}`, 200, { body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: `Senior ${p.title}` }] } }),
      step(`Deactivate ${p.userName}`, 'PATCH', `/Users/${userId(p)}`, 200, { body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] } }),
    );
  }
  return { name: 'user-churn', description: USER_CHURN_DESCRIPTION, source: 'RFC 7644', tenantUrl: '{{baseUrl}}', steps };
}

import { afterEach, describe, expect, it } from 'vitest';
import { scimctlRaw } from '../helpers/cli.js';
import { startToyScimServer, type Flaw } from '../helpers/toy-scim-server.js';

interface Step {
  profile: string;
  name: string;
  status: 'pass' | 'fail' | 'skip';
  response: { status: number } | null;
  verdict: string;
}
interface Report {
  ok: boolean;
  summary: { passed: number; failed: number; skipped: number };
  steps: Step[];
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** scimctl test --json against a toy server with these flaws. */
async function testAgainst(flaws: Flaw[], profile: string) {
  const toy = await startToyScimServer({ flaws });
  servers.push(toy);
  const run = await scimctlRaw(['test', toy.baseUrl, '--token', toy.token, '--profile', profile, '--json']);
  const report = JSON.parse(run.stdout) as Report;
  const failed = report.steps.filter((s) => s.status === 'fail').map((s): [string, string, string] => [s.profile, s.name, s.verdict]);
  return { toy, run, report, failed };
}

describe('scimctl test finds each flaw of a broken server, at the right step, with the right message', () => {
  it('a correct server (written apart from scimctl) passes every profile, and is left empty', async () => {
    const { toy, run, report, failed } = await testAgainst([], 'all');
    expect(failed).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(report.summary.failed).toBe(0);
    expect([toy.users(), toy.groups()]).toEqual([0, 0]);
  });

  it('ignores the filter: the match for a name nobody has finds somebody', async () => {
    const { run, failed } = await testAgainst(['ignore-filter'], 'entra');
    expect(run.exitCode).toBe(1);
    expect(failed[0]).toEqual([
      'entra',
      'A filter for a userName nobody has finds nobody (with users on the server)',
      expect.stringMatching(/^expected totalResults 0, got 1 \(first: "scimctl-test-[0-9a-f]{8}-entra-alice@example\.com"\)\. Entra would take another user for this one/),
    ]);
  });

  it('answers a create without id: the create fails with what Entra does, and what needs the id is skipped', async () => {
    const { report, failed } = await testAgainst(['create-without-id'], 'entra');
    expect(failed[0]).toEqual([
      'entra',
      "Create the user with Entra's default attributes and the enterprise extension",
      'expected the created resource\'s "id" (a non-empty string), got nothing. Entra marks this user as failed in its provisioning logs and skips it until the next cycle; if most objects fail, the job is quarantined',
    ]);
    const read = report.steps.find((s) => s.name === 'Read the user back: every attribute Entra sent is stored')!;
    expect([read.status, read.verdict]).toEqual(['skip', 'skipped: an earlier step it depends on did not pass']);
  });

  it('rejects "False": the legacy disable step fails with the 400, and the 2020 family (real booleans) passes', async () => {
    const legacy = await testAgainst(['reject-string-boolean'], 'entra');
    expect(legacy.failed.map(([, name, verdict]) => [name, verdict.split('. ')[0]])).toEqual([
      ['Disable the user (active "False", a string)', expect.stringMatching(/^expected 200 or 204, got 400: /)],
    ]);
    // What needed the user disabled is skipped, not failed again: one flaw, one failure.
    const after = legacy.report.steps.filter((s) => /disabled user|Re-enable/.test(s.name)).map((s) => s.status);
    expect(after).toEqual(['skip', 'skip']);
    expect(legacy.failed[0]![2]).toMatch(/Entra cannot disable the user: the person keeps access to the app/);
    const rfc2020 = await testAgainst(['reject-string-boolean'], 'entra-2020');
    expect(rfc2020.failed).toEqual([]);
  });

  it('answers 500 to PATCH: every PATCH step fails on its status; creates, matches and deletes pass', async () => {
    const { report, failed } = await testAgainst(['patch-500'], 'entra');
    const patchSteps = report.steps.filter((s) => s.response?.status === 500);
    // Update, email, set manager, disable, add members, rename; what needed one of those is skipped.
    expect(patchSteps.map((s) => s.name.split(' (')[0])).toEqual(['Update displayName, name.familyName and department', 'Update the work email', 'Set the manager', 'Disable the user', 'Add both users as members', 'Rename the group']);
    expect(failed.every(([, , verdict]) => verdict.startsWith('expected 200 or 204, got 500'))).toBe(true);
    expect(failed.length).toBe(patchSteps.length);
    expect(report.steps.find((s) => s.name === 'Delete the group')!.status).toBe('pass');
  });

  it('drops the enterprise extension: reading the user back names the missing attribute', async () => {
    const { failed } = await testAgainst(['drop-enterprise'], 'entra');
    expect(failed[0]).toEqual([
      'entra',
      'Read the user back: every attribute Entra sent is stored',
      expect.stringMatching(/^urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User:employeeNumber: expected "1001", got nothing\. Entra finds the stored values differ/),
    ]);
  });

  it('answers 200 {} to everything: no step of any profile passes', async () => {
    const { run, report } = await testAgainst(['ok-to-everything'], 'all');
    expect(run.exitCode).toBe(1);
    expect(report.summary.passed).toBe(0);
    expect(report.summary.failed).toBeGreaterThan(8);
  });
});

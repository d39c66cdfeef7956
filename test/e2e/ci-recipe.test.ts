import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, tempDb } from '../helpers/cli.js';

const RECIPE = new URL('../../fixtures/ci-recipe.sh', import.meta.url).pathname;
const ACME = new URL('../../fixtures/acme.json', import.meta.url).pathname;

/**
 * The "app's tests" of the README recipe: it reads the environment the recipe exports, checks the
 * seeded world through the SCIM API, and leaves the base URL behind so the test can check that the
 * server is gone afterwards.
 */
const APP_TEST = `
const { SCIM_BASE_URL, SCIM_TOKEN, SCIM_DIRECTORY_ID, RESULT_FILE } = process.env;
require('fs').writeFileSync(RESULT_FILE, SCIM_BASE_URL);
const get = (path) => fetch(SCIM_BASE_URL + path, { headers: { Authorization: 'Bearer ' + SCIM_TOKEN } }).then((r) => r.json());
(async () => {
  const users = await get('/Users?filter=' + encodeURIComponent('userName eq "dave@acme.test"'));
  const groups = await get('/Groups?filter=' + encodeURIComponent('displayName eq "Engineering"'));
  if (users.totalResults !== 1 || groups.totalResults !== 1 || !SCIM_BASE_URL.endsWith(SCIM_DIRECTORY_ID)) {
    console.error('app tests failed', JSON.stringify({ users, groups }));
    process.exit(1);
  }
  console.log('app tests passed: ' + users.Resources[0].displayName);
})();
`;

let temp: ReturnType<typeof tempDb>;
beforeEach(() => {
  temp = tempDb();
});
afterEach(() => temp.cleanup());

/** Run the recipe exactly as a CI job would, with the test command after `--`. */
function recipe(command: string[], env: Record<string, string> = {}) {
  return execa('bash', [RECIPE, ACME, '--', ...command], {
    reject: false,
    cwd: temp.dir,
    env: { SCIMCTL: `node ${BIN}`, SCIMCTL_DB: temp.db, NO_COLOR: '1', RESULT_FILE: join(temp.dir, 'base-url'), ...env },
  });
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/Users`);
    return false;
  } catch {
    return true;
  }
}

describe('the README "Use in CI" recipe (fixtures/ci-recipe.sh)', () => {
  it('seeds, serves on a free port, runs the app tests with the base URL and token, then stops the server', async () => {
    const result = await recipe(['node', '-e', APP_TEST]);
    expect(result.stderr).toMatch(/ci-recipe: serving http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/scim_directory_/);
    expect(result.stdout).toBe('app tests passed: Dave Diaz');
    expect(result.exitCode).toBe(0);
    expect(await refused(readFileSync(join(temp.dir, 'base-url'), 'utf8'))).toBe(true);
  });

  it('exits with the app tests\' status, and still stops the server', async () => {
    const result = await recipe(['node', '-e', `require('fs').writeFileSync(process.env.RESULT_FILE, process.env.SCIM_BASE_URL); process.exit(3)`]);
    expect(result.exitCode).toBe(3);
    expect(await refused(readFileSync(join(temp.dir, 'base-url'), 'utf8'))).toBe(true);
  });

  it('fails clearly when there is no token to hand out (no fixed token, directory not new)', async () => {
    const fixture = JSON.parse(readFileSync(ACME, 'utf8'));
    delete fixture.environments[0].organizations[0].directories[0].token;
    const file = join(temp.dir, 'no-token.json');
    writeFileSync(file, JSON.stringify(fixture));
    // The first seed shows the token it makes; a rerun cannot, as only the hash is stored.
    await execa('node', [BIN, '--db', temp.db, 'seed', file]);
    const result = await execa('bash', [RECIPE, file, '--', 'true'], { reject: false, env: { SCIMCTL: `node ${BIN}`, SCIMCTL_DB: temp.db } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/has no token in the seed output; fix one in the fixture/);
  });

  it('explains its usage', async () => {
    const result = await execa('bash', [RECIPE, ACME], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/usage: .* <fixture.json> -- <test command>/);
  });
});

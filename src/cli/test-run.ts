import { writeFileSync } from 'node:fs';
import { CliError, usageError } from '../core/errors.js';
import { parseHttpUrl } from '../core/urls.js';
import { hideBaseQuery, TokenRefused, TransportError } from '../simulator/http.js';
import { junitXml } from '../simulator/junit.js';
import { PROFILES } from '../simulator/profiles/index.js';
import { runProfiles, type RunReport } from '../simulator/run.js';
import type { Context } from './context.js';
import { parseSeconds, USAGE_HINT } from './options.js';
import { parseProfiles, type TestOptions } from './test-flags.js';
import { profileHeader, stepLines, summaryLines } from './test-report.js';

/** scimctl test: flags checked before any request; the report printed as steps finish; exit 1 on any failure. */
export async function runTest(ctx: Context, baseUrlArg: string, opts: TestOptions): Promise<void> {
  const baseUrl = parseBaseUrl(baseUrlArg);
  const token = opts.token ?? ctx.io.env.SCIMCTL_TEST_TOKEN;
  if (token === undefined || token === '') throw usageError('missing --token: give the bearer token the server expects (or set SCIMCTL_TEST_TOKEN)', USAGE_HINT);
  // Never echoed: it is a secret even when it is malformed.
  if (!/^[\x21-\x7e]+$/.test(token)) throw usageError('invalid --token: it holds a space, a line break or another character an Authorization header cannot carry', USAGE_HINT);
  const timeout = parseSeconds('--timeout', opts.timeout, 600, { aboveZero: true, hint: USAGE_HINT });
  const names = parseProfiles(opts.profile);
  const profiles = PROFILES.filter((p) => names.includes(p.name));

  const print = (text: string) => {
    if (!ctx.json) ctx.io.stdout.write(`${text}\n`);
  };
  let report: RunReport;
  let header: string | undefined;
  try {
    report = await runProfiles({
      baseUrl,
      token,
      profiles,
      keep: opts.keep ?? false,
      timeoutMs: timeout * 1000,
      // The header waits for the profile's first step: a server that never answers gets one error line, no report.
      onProfile: (profile) => (header = profileHeader(ctx.color, profile)),
      onStep: (step) => {
        if (header !== undefined) print(header);
        header = undefined;
        print(stepLines(ctx.color, step));
      },
    });
  } catch (error) {
    // Nothing answered at all: one line, no report (there is nothing to judge).
    if (error instanceof TransportError) throw new CliError('runtime', error.message, 'Check the base URL; nothing was tested');
    if (error instanceof TokenRefused) throw new CliError('runtime', error.message, 'Check --token (or SCIMCTL_TEST_TOKEN); nothing was tested');
    throw error;
  }
  // Reports never show the base URL's own query values (an API gateway's key, say).
  const shownBase = hideBaseQuery(baseUrl, baseUrl);
  if (opts.junit) writeJunit(opts.junit, report, shownBase);
  ctx.result({ ok: report.ok, summary: report.summary, profiles: report.profiles, prefix: report.prefix, kept: report.kept, durationMs: report.durationMs, steps: report.steps }, () => summaryLines(ctx.color, report, shownBase, opts.keep ?? false));
  if (opts.junit) ctx.notice(ctx.errColor.dim(`Wrote the JUnit report to ${opts.junit}`));
  ctx.exitCode = report.ok ? 0 : 1;
}

function parseBaseUrl(value: string): string {
  const parsed = parseHttpUrl(value);
  if (!parsed) throw usageError(`invalid base URL "${value}": give an absolute http:// or https:// URL, e.g. http://localhost:8080/scim/v2/<directory id>`, USAGE_HINT);
  if (!parsed.http) throw usageError(`invalid base URL "${value}": give an http:// or https:// URL`, USAGE_HINT);
  if (parsed.credentials) throw usageError(`invalid base URL: it holds credentials; give the token with --token instead`, USAGE_HINT);
  if (parsed.url.hash) throw usageError(`invalid base URL "${value}": remove the #fragment`, USAGE_HINT);
  return parsed.url.href.replace(/\/+(\?|$)/, '$1');
}

function writeJunit(path: string, report: RunReport, baseUrl: string): void {
  try {
    writeFileSync(path, junitXml(report, `scimctl test ${baseUrl}`));
  } catch (error) {
    throw new CliError('runtime', `cannot write the JUnit report to ${path}: ${(error as Error).message}`);
  }
}

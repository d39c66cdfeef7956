/**
 * scimctl test's text report: a header per profile, a line per step as it finishes, and for a
 * failure the request, the answer and the verdict (what went wrong, then what the real IdP does
 * next). Everything the server sent is escaped: a hostile body cannot drive the terminal.
 */
import type { ChalkInstance } from 'chalk';
import type { Profile, RunReport } from '../simulator/run.js';
import type { StepResult } from '../simulator/session.js';
import { count, escapeControls, safeJson } from './text.js';

/** A failed step's bodies are cut to this many lines: enough to see the problem, not a whole dump. */
const BODY_LINES = 25;

export function profileHeader(c: ChalkInstance, profile: Profile): string {
  return `\n${c.bold(profile.name)}  ${c.dim(profile.title)}`;
}

export function stepLines(c: ChalkInstance, step: StepResult): string {
  const time = c.dim(`${Math.round(step.durationMs)} ms`);
  if (step.status === 'pass') return `  ${c.green('✓')} ${escapeControls(step.name)}  ${time}`;
  if (step.status === 'skip') return `  ${c.yellow('-')} ${escapeControls(step.name)}  ${c.dim(`(${step.verdict})`)}`;
  const lines = [`  ${c.red('✗')} ${escapeControls(step.name)}  ${time}`];
  if (step.request) {
    lines.push(`      ${c.cyan(`${step.request.method} ${escapeControls(step.request.url)}`)}`);
    if (step.request.body !== undefined) lines.push(...body(step.request.body, '      > '));
  }
  if (step.response) {
    lines.push(`      ${c.cyan(`→ ${step.response.status}${step.response.contentType ? ` ${escapeControls(step.response.contentType)}` : ''}`)}`);
    if (step.response.body !== null) lines.push(...body(step.response.body, '      < '));
  }
  lines.push(`      ${c.red(escapeControls(step.verdict))}`);
  return lines.join('\n');
}

/** A text body (not JSON) is cut to this many characters on a terminal; --json keeps more. */
const TEXT_CHARS = 2000;

function body(value: unknown, prefix: string): string[] {
  const cut = typeof value === 'string' && value.length > TEXT_CHARS ? `${value.slice(0, TEXT_CHARS)}… (--json has more)` : value;
  const text = typeof cut === 'string' ? escapeControls(cut) : safeJson(JSON.stringify(cut, null, 2));
  const lines = text.split('\n');
  const shown = lines.slice(0, BODY_LINES).map((line) => prefix + line);
  if (lines.length > BODY_LINES) shown.push(`${prefix}… (${lines.length - BODY_LINES} more lines; --json has it all)`);
  return shown;
}

export function summaryLines(c: ChalkInstance, report: RunReport, baseUrl: string, keep: boolean): string {
  const width = Math.max(...report.profiles.map((p) => p.name.length));
  const rows = report.profiles.map((p) => {
    const mark = p.failed > 0 ? c.red('✗') : c.green('✓');
    return `  ${mark} ${p.name.padEnd(width)}  ${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped`;
  });
  const { passed, failed, skipped } = report.summary;
  const total = passed + failed + skipped;
  const seconds = (report.durationMs / 1000).toFixed(1);
  const verdict = report.ok
    ? c.green(`All ${passed} steps passed`) + (skipped ? ` (${skipped} skipped)` : '')
    : c.red(`${failed} of ${total} steps failed`) + ` (${passed} passed, ${skipped} skipped)`;
  const lines = ['', c.bold('Summary'), ...rows, '', `${verdict} in ${seconds} s against ${escapeControls(baseUrl)}`];
  if (report.kept.length > 0) {
    const why = keep ? '(--keep)' : '(the clean-up could not delete them)';
    lines.push(`Left ${count(report.kept.length, 'resource', 'resources')} on the server ${why}; their names start with ${report.prefix}:`);
    for (const r of report.kept) lines.push(`  ${r.resourceType}/${escapeControls(r.id)}  ${escapeControls(r.name)}`);
  }
  return lines.join('\n');
}

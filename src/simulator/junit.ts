/**
 * The report as JUnit XML, the format CI systems (GitHub Actions reporters, GitLab, Jenkins, Azure
 * Pipelines) display: one testsuite per profile, one testcase per step, failures with the request
 * and response that failed.
 */
import type { RunReport } from './run.js';
import type { StepResult } from './session.js';

export function junitXml(report: RunReport, title: string): string {
  const suites = report.profiles.map((profile) => {
    const steps = report.steps.filter((s) => s.profile === profile.name);
    const time = seconds(steps.reduce((sum, s) => sum + s.durationMs, 0));
    const cases = steps.map((step) => testcase(step)).join('\n');
    return `  <testsuite name="${attr(profile.name)}" tests="${steps.length}" failures="${profile.failed}" errors="0" skipped="${profile.skipped}" time="${time}">\n${cases}\n  </testsuite>`;
  });
  const { passed, failed, skipped } = report.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(title)}" tests="${passed + failed + skipped}" failures="${failed}" errors="0" skipped="${skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(step: StepResult): string {
  const open = `    <testcase classname="scimctl.${attr(step.profile)}" name="${attr(step.name)}" time="${seconds(step.durationMs)}"`;
  if (step.status === 'pass') return `${open}/>`;
  if (step.status === 'skip') return `${open}>\n      <skipped message="${attr(step.verdict)}"/>\n    </testcase>`;
  const detail = [step.verdict, step.request ? `${step.request.method} ${step.request.url}` : '', step.request?.body !== undefined ? JSON.stringify(step.request.body, null, 2) : '', step.response ? `-> ${step.response.status} ${step.response.contentType}` : '', step.response?.body != null ? JSON.stringify(step.response.body, null, 2) : '']
    .filter((line) => line !== '')
    .join('\n');
  return `${open}>\n      <failure message="${attr(step.verdict)}" type="${attr(step.profile)}">${text(detail)}</failure>\n    </testcase>`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** XML 1.0 forbids most control characters even escaped; a server's body may hold any of them. */
const clean = (value: string) => value.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
const text = (value: string) => clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const attr = (value: string) => text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

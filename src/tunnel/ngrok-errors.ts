import { CliError } from '../core/errors.js';

/**
 * ngrok failures as one line + a hint. Codes come from ngrok's error reference
 * (https://ngrok.com/docs/errors/reference/); the library puts them at the end of the message as
 * "error_code: ERR_NGROK_107" (and only sometimes on `error.errorCode`).
 *
 * ngrok's own messages for a bad authtoken quote the token back ("Your authtoken: …"), so a known code
 * always gets our own wording, and any ngrok text that is shown has the token cut out first.
 */

const DASHBOARD_TOKEN = 'https://dashboard.ngrok.com/get-started/your-authtoken';
const DASHBOARD_DOMAINS = 'https://dashboard.ngrok.com/domains';

export interface FailureContext {
  authtoken: string;
  authtokenSource?: string | undefined;
  domain?: string | undefined;
}

type Describe = (code: string, c: FailureContext) => [message: string, hint: string];

const tokenFrom = (c: FailureContext) => (c.authtokenSource ? ` (from ${c.authtokenSource})` : '');

const rejectedToken: Describe = (code, c) => [
  `ngrok rejected the authtoken${tokenFrom(c)} (${code})`,
  `Copy your authtoken from ${DASHBOARD_TOKEN} and store it with \`scimctl config set ngrok-authtoken\` (or set NGROK_AUTHTOKEN)`,
];
const accountBlocked: Describe = (code) => [
  `ngrok refused to start a session for this account (${code})`,
  `Check the account at https://dashboard.ngrok.com (verified email, billing, suspension); https://ngrok.com/docs/errors/${code.toLowerCase()}`,
];
const tooManySessions: Describe = (code) => [
  `this ngrok account already runs as many agent sessions as its plan allows (${code})`,
  'Stop the other ngrok agent or `scimctl serve --tunnel`, then run again',
];
const notReserved: Describe = (code, c) => [
  `the domain ${c.domain ?? '(--domain)'} is not reserved in this ngrok account (${code})`,
  `Reserve it at ${DASHBOARD_DOMAINS} (your free dev domain is listed there too), or drop --domain`,
];
const otherAccount: Describe = (code, c) => [
  `the domain ${c.domain ?? '(--domain)'} is reserved by another ngrok account (${code})`,
  `Use the authtoken of the account that reserved it, or a domain listed at ${DASHBOARD_DOMAINS}`,
];
const planDomain: Describe = (code, c) => [
  `this ngrok plan cannot use the custom domain ${c.domain ?? '(--domain)'} (${code})`,
  `Use the dev domain listed at ${DASHBOARD_DOMAINS}, or drop --domain`,
];
const wrongRegion: Describe = (code, c) => [
  `the domain ${c.domain ?? '(--domain)'} is reserved in another ngrok region (${code})`,
  `Check the domain's region at ${DASHBOARD_DOMAINS}`,
];
const badDomain: Describe = (code, c) => [`ngrok says ${c.domain ?? 'the --domain'} is not a valid domain (${code})`, 'Give the domain exactly as reserved, e.g. --domain my-app.ngrok.app'];
const alreadyOnline: Describe = (code, c) => [
  `https://${c.domain ?? 'this domain'} is already online in another ngrok session (${code})`,
  'Stop the other `scimctl serve --tunnel` (or ngrok agent) using it, then run again',
];
const noIpRestriction: Describe = (code) => [`this ngrok plan cannot restrict source IPs, which --allow-cidr needs (${code})`, 'Drop --allow-cidr, or upgrade the ngrok plan'];
const badCidr: Describe = (code) => [`ngrok rejected an --allow-cidr range (${code})`, 'Give ranges such as 203.0.113.0/24 or 2001:db8::/32'];
const outdated: Describe = (code) => [`ngrok no longer accepts this version of the @ngrok/ngrok library (${code})`, 'Update scimctl'];

const BY_CODE: Record<string, Describe> = {
  ...codes([105, 106, 107, 300, 4018], rejectedToken),
  ...codes([102, 103, 115, 116, 123, 205, 247, 337, 338, 382], accountBlocked),
  ...codes([108, 348], tooManySessions),
  ...codes([318, 319, 354], notReserved),
  ...codes([320], otherAccount),
  ...codes([305, 306, 313, 314], planDomain),
  ...codes([317, 322], wrongRegion),
  ...codes([326, 327, 328, 329, 330, 331, 347, 355, 396, 397], badDomain),
  ...codes([334], alreadyOnline),
  ...codes([342, 9017], noIpRestriction),
  ...codes([362], badCidr),
  ...codes([120, 121], outdated),
};

function codes(numbers: number[], describe: Describe): Record<string, Describe> {
  return Object.fromEntries(numbers.map((n) => [`ERR_NGROK_${n}`, describe]));
}

export function ngrokErrorCode(error: unknown): string | undefined {
  const explicit = (error as { errorCode?: unknown })?.errorCode;
  if (typeof explicit === 'string' && /^ERR_NGROK_\d+$/.test(explicit)) return explicit;
  return /ERR_NGROK_\d+/.exec(messageOf(error))?.[0];
}

/** Cut a secret out of text that came from ngrok. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('<authtoken>') : text;
}

/** The first line of ngrok's message, without the code suffix and without the token. */
function firstLine(error: unknown, secret: string): string {
  const line = redact(messageOf(error), secret).split('\n')[0] ?? '';
  return line.replace(/\s*error_code: ERR_NGROK_\d+\s*$/, '').trim();
}

export function ngrokFailure(error: unknown, context: FailureContext): CliError {
  const code = ngrokErrorCode(error);
  const describe = code ? BY_CODE[code] : undefined;
  if (code && describe) {
    const [message, hint] = describe(code, context);
    return new CliError('runtime', message, hint);
  }
  const detail = firstLine(error, context.authtoken);
  // Without a code the service never answered: DNS, TCP or TLS to connect.ngrok-agent.com failed.
  if (!code && /^failed to connect session\b/.test(detail)) return unreachable(detail.replace(/^failed to connect session:\s*/, ''));
  return new CliError('runtime', `could not open the ngrok tunnel: ${detail || 'unknown error'}${code ? ` (${code})` : ''}`, code ? `See https://ngrok.com/docs/errors/${code.toLowerCase()}` : 'Run again with --debug for ngrok\'s log');
}

export function unreachable(reason: string): CliError {
  return new CliError(
    'runtime',
    `could not reach the ngrok service (${reason})`,
    'Check the internet connection, and that no firewall or proxy blocks outbound TLS to connect.ngrok-agent.com:443; then run again',
  );
}

export function connectTimeout(ms: number): CliError {
  return unreachable(`no answer within ${Math.round(ms / 1000)} s`);
}

export function missingAuthtoken(): CliError {
  return new CliError(
    'runtime',
    'no ngrok authtoken: set NGROK_AUTHTOKEN, run `scimctl config set ngrok-authtoken`, or `ngrok config add-authtoken <token>`',
    `Get one at ${DASHBOARD_TOKEN} (a free account works); \`scimctl serve\` without --tunnel needs none`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

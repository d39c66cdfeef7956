import { describe, expect, it } from 'vitest';
import { CliError, exitCodeFor } from '../../src/core/errors.js';
import { missingAuthtoken, ngrokErrorCode, ngrokFailure, redact } from '../../src/tunnel/ngrok-errors.js';
import { NgrokTunnel } from '../../src/tunnel/ngrok.js';
import { parseCidr, parseTunnelDomain } from '../../src/tunnel/options.js';
import { createTunnel } from '../../src/tunnel/select.js';

const TOKEN = '2abcDEFghiJKLmnoPQRstu_1234567890vwxyzABCDEF';
const context = { authtoken: TOKEN, authtokenSource: 'NGROK_AUTHTOKEN', domain: 'scim-dev.ngrok.app' };

/** Messages in the shape @ngrok/ngrok 1.7.0 builds them: "<what>: <ngrok's text> error_code: <code>". */
const ngrokError = (what: string, text: string, code?: string) => {
  const error = new Error(`${what}: ${text}${code ? ` error_code: ${code}` : ''}`);
  return Object.assign(error, { code: 'GenericFailure' });
};

describe('ngrok failures → one line + hint, never the token', () => {
  const cases: [string, Error, RegExp][] = [
    [
      'rejected authtoken (107)',
      ngrokError('failed to connect session', `The authtoken you specified is properly formed, but it is invalid.\n\nYour authtoken: ${TOKEN}\n\nERR_NGROK_107`, 'ERR_NGROK_107'),
      /^ngrok rejected the authtoken \(from NGROK_AUTHTOKEN\) \(ERR_NGROK_107\)$/,
    ],
    [
      'malformed authtoken (105)',
      ngrokError('failed to connect session', `The authtoken you specified does not look like a proper ngrok tunnel authtoken.\nYour authtoken: ${TOKEN}`, 'ERR_NGROK_105'),
      /^ngrok rejected the authtoken .*ERR_NGROK_105/,
    ],
    ['domain not reserved (319)', ngrokError('failed to start listener', 'You must reserve a custom hostname for your account before it can be bound.', 'ERR_NGROK_319'), /^the domain scim-dev\.ngrok\.app is not reserved in this ngrok account \(ERR_NGROK_319\)$/],
    ['domain of another account (320)', ngrokError('failed to start listener', 'This domain is reserved for another account.', 'ERR_NGROK_320'), /reserved by another ngrok account/],
    ['endpoint already online (334)', ngrokError('failed to start listener', 'The tunnel https://scim-dev.ngrok.app is already bound to another tunnel session', 'ERR_NGROK_334'), /already online in another ngrok session/],
    ['too many sessions (108)', ngrokError('failed to connect session', 'Your account is limited to 1 simultaneous ngrok agent sessions.', 'ERR_NGROK_108'), /as many agent sessions as its plan allows/],
    ['no IP restrictions on the plan (9017)', ngrokError('failed to start listener', 'Your account is not authorized to use ip restrictions.', 'ERR_NGROK_9017'), /--allow-cidr/],
    ['offline (measured: no DNS)', ngrokError('failed to connect session', 'failed to establish tcp connection'), /^could not reach the ngrok service \(failed to establish tcp connection\)$/],
    ['TLS broken on the way', ngrokError('failed to connect session', 'tls handshake error'), /^could not reach the ngrok service \(tls handshake error\)$/],
    ['an unknown code', ngrokError('failed to start listener', `something new, token ${TOKEN}`, 'ERR_NGROK_99999'), /^could not open the ngrok tunnel: failed to start listener: something new, token <authtoken> \(ERR_NGROK_99999\)$/],
  ];

  it.each(cases)('%s', (_name, error, expected) => {
    const failure = ngrokFailure(error, context);
    expect(failure).toBeInstanceOf(CliError);
    expect(failure.message).toMatch(expected);
    expect(failure.message).not.toContain('\n');
    expect(failure.hint).toBeTruthy();
    expect(`${failure.message}${failure.hint}`).not.toContain(TOKEN);
    expect(exitCodeFor(failure.kind)).toBe(1);
  });

  it('reads the code from errorCode or from the message', () => {
    expect(ngrokErrorCode(Object.assign(new Error('x'), { errorCode: 'ERR_NGROK_107' }))).toBe('ERR_NGROK_107');
    expect(ngrokErrorCode(new Error('failed: nope error_code: ERR_NGROK_319'))).toBe('ERR_NGROK_319');
    expect(ngrokErrorCode(new Error('failed to establish tcp connection'))).toBeUndefined();
    expect(redact(`a ${TOKEN} b ${TOKEN}`, TOKEN)).toBe('a <authtoken> b <authtoken>');
  });

  it('the real adapter refuses to start without a token, before loading ngrok or listening', async () => {
    const tunnel = new NgrokTunnel({});
    await expect(tunnel.open(() => undefined, { authtoken: '  ' })).rejects.toThrow(missingAuthtoken().message);
    await tunnel.close();
  });
});

describe('tunnel flags and selection', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.0/24'],
    ['198.51.100.7/32', '198.51.100.7/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::/32', '2001:db8::/32'],
  ])('accepts --allow-cidr %s', (input, expected) => expect(parseCidr(input)).toBe(expected));

  it.each(['203.0.113.7', '203.0.113.0/33', '300.1.1.1/8', '2001:db8::/129', 'example.com/24', '10.0.0.0/-1', ''])('refuses --allow-cidr "%s" as a usage error', (input) => {
    expect(() => parseCidr(input)).toThrow(expect.objectContaining({ kind: 'usage', message: expect.stringContaining('--allow-cidr') }));
  });

  it('normalises --domain and refuses junk as a usage error', () => {
    expect(parseTunnelDomain('https://SCIM-dev.ngrok.app/')).toBe('scim-dev.ngrok.app');
    expect(() => parseTunnelDomain('not a domain')).toThrow(expect.objectContaining({ kind: 'usage' }));
  });

  it('uses ngrok unless the test-only SCIMCTL_TUNNEL=local switch is set', () => {
    expect(createTunnel({}).provider).toBe('ngrok');
    expect(createTunnel({ SCIMCTL_TUNNEL: 'local' }).provider).toBe('local');
    expect(() => createTunnel({ SCIMCTL_TUNNEL: 'cloudflare' })).toThrow(expect.objectContaining({ kind: 'usage' }));
  });
});

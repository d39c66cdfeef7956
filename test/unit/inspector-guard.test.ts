import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { isLoopbackPeer, loopbackOnly } from '../../src/server/inspector/guard.js';

// The inspector's gate, on requests as express hands them over: which peer, which Host.

function gate(remoteAddress: string, host: string): { passed: boolean; status?: number } {
  const outcome: { passed: boolean; status?: number } = { passed: false };
  const res = {
    status(code: number) {
      outcome.status = code;
      return { json: () => undefined };
    },
  } as unknown as Response;
  const req = { socket: { remoteAddress }, headers: { host } } as unknown as Request;
  loopbackOnly(req, res, (() => (outcome.passed = true)) as NextFunction);
  return outcome;
}

describe('the inspector gate', () => {
  it('lets a loopback peer in with a loopback Host', () => {
    for (const peer of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(gate(peer, 'localhost:8080'), peer).toEqual({ passed: true });
    }
    expect(gate('127.0.0.1', '[::1]:8080')).toEqual({ passed: true });
  });

  it('refuses another machine even when it sends a loopback Host (serve --host 0.0.0.0)', () => {
    for (const peer of ['192.0.2.2', '10.0.0.5', '::ffff:192.0.2.2', 'fe80::1', '2001:db8::1', '']) {
      expect(gate(peer, 'localhost:8080'), peer).toEqual({ passed: false, status: 403 });
    }
  });

  it('refuses a loopback peer that names another host (a DNS-rebinding page)', () => {
    expect(gate('127.0.0.1', 'evil.example:8080')).toEqual({ passed: false, status: 403 });
  });

  it('reads IPv4-mapped addresses as IPv4', () => {
    expect(isLoopbackPeer('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackPeer('::ffff:128.0.0.1')).toBe(false);
    expect(isLoopbackPeer(undefined)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { entraProvision } from '../../src/simulator/scenarios/entra.js';

// entra-provision against fixtures/recordings/entra-legacy.json: the same request shapes Entra sends.

describe('entra-provision', () => {
  const recording = entraProvision('abc123');

  it('starts with the test connection: a filter on a random guid', () => {
    expect(recording.steps[0]).toMatchObject({ method: 'GET', path: '/Users?filter=userName eq "{{random.guid}}"', expect: { status: 200 } });
  });

  it('sets managers in the legacy form: path "manager", the value wrapped as [{"$ref":null,"value":id}]', () => {
    const managers = recording.steps.filter((s) => s.name.includes('manager'));
    expect(managers).toHaveLength(9);
    expect((managers[0]!.body as { Operations: unknown[] }).Operations).toEqual([{ op: 'Add', path: 'manager', value: [{ $ref: null, value: '{{users.u0.id}}' }] }]);
  });

  it('creates users with a work and a mobile phone number', () => {
    const create = recording.steps.find((s) => s.method === 'POST' && s.path === '/Users')!;
    expect((create.body as { phoneNumbers: { type: string }[] }).phoneNumbers.map((n) => n.type)).toEqual(['work', 'mobile']);
  });
});

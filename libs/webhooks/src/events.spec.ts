import { WEBHOOK_EVENT_TYPES, envelopeFromEvent, isWebhookEventType, serializeEnvelope } from './events';

describe('event catalogue', () => {
  it('lists the events of API.md', () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual(
      ['account.blocked', 'import.completed', 'import.failed', 'reconciliation.closed', 'reconciliation.completed', 'reconciliation.failed', 'webhook.test'].sort(),
    );
    expect(isWebhookEventType('reconciliation.completed')).toBe(true);
    expect(isWebhookEventType('webhook.test')).toBe(true);
    expect(isWebhookEventType('reconciliation.started')).toBe(false);
    expect(isWebhookEventType(undefined)).toBe(false);
  });
});

describe('serializeEnvelope', () => {
  const envelope = {
    id: 'evt-1',
    type: 'reconciliation.completed',
    createdAt: '2025-01-02T03:04:05.000Z',
    data: { status: 'COMPLETED', reconciliationId: 'r-1', summary: { unmatched: 0, matched: 3 } },
  };

  it('writes id, type, createdAt, data in that order, whatever order the input has', () => {
    const reordered = { data: envelope.data, createdAt: envelope.createdAt, type: envelope.type, id: envelope.id };
    const text = serializeEnvelope(reordered);
    expect(text).toBe(
      '{"id":"evt-1","type":"reconciliation.completed","createdAt":"2025-01-02T03:04:05.000Z","data":{"reconciliationId":"r-1","status":"COMPLETED","summary":{"matched":3,"unmatched":0}}}',
    );
    expect(Object.keys(JSON.parse(text))).toEqual(['id', 'type', 'createdAt', 'data']);
  });

  it('gives the same bytes for the same content in any key order, and round-trips', () => {
    const a = serializeEnvelope(envelope);
    const b = serializeEnvelope({ ...envelope, data: { summary: { matched: 3, unmatched: 0 }, reconciliationId: 'r-1', status: 'COMPLETED' } });
    expect(b).toBe(a);
    expect(serializeEnvelope(envelope)).toBe(a);
    expect(JSON.parse(a)).toEqual(envelope);
  });

  it('keeps array order, drops undefined members, writes bigint as text and dates as ISO, keeps a __proto__ key as data', () => {
    const data = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    Object.assign(data, { list: [3, 1, { b: 1, a: 2 }], gone: undefined, amount: 12345678901234567890n, at: new Date('2025-01-01T00:00:00Z') });
    const text = serializeEnvelope({ ...envelope, data });
    expect(text).toBe(
      '{"id":"evt-1","type":"reconciliation.completed","createdAt":"2025-01-02T03:04:05.000Z","data":{"__proto__":{"polluted":true},"amount":"12345678901234567890","at":"2025-01-01T00:00:00.000Z","list":[3,1,{"a":2,"b":1}]}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('envelopeFromEvent turns a stored event row into an envelope', () => {
    expect(envelopeFromEvent({ id: 'e', type: 'webhook.test', createdAt: new Date('2025-03-04T05:06:07Z'), data: { a: 1 } })).toEqual({
      id: 'e',
      type: 'webhook.test',
      createdAt: '2025-03-04T05:06:07.000Z',
      data: { a: 1 },
    });
    expect(envelopeFromEvent({ id: 'e', type: 'webhook.test', createdAt: '2025-03-04 05:06:07+00', data: null }).data).toEqual({});
  });
});

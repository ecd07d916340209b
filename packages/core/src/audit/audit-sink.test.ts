import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from './audit-event.js';
import { emitAuditEvent } from './audit-sink.js';
import { createAuditEvent } from './create-audit-event.js';

const event: AuditEvent = {
  type: 'platform.access',
  at: '2030-01-02T03:04:05.000Z',
  tenantId: 'tenant-1',
  principalId: 'op-1',
  reason: 'ticket 4411',
};

describe('emitAuditEvent', () => {
  it('hands the event to a synchronous sink before returning', () => {
    const received: AuditEvent[] = [];
    emitAuditEvent((e) => {
      received.push(e);
    }, event);
    expect(received).toEqual([event]);
  });

  it('reports a throwing sink to onError instead of throwing', () => {
    const failure = new Error('disk full');
    const reported: unknown[] = [];
    expect(() =>
      emitAuditEvent(
        () => {
          throw failure;
        },
        event,
        (error, failed) => reported.push(error, failed),
      ),
    ).not.toThrow();
    expect(reported).toEqual([failure, event]);
  });

  it('reports a rejecting sink to onError and leaves no unhandled rejection', async () => {
    const failure = new Error('queue unreachable');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const reported = new Promise<[unknown, AuditEvent]>((resolve) => {
        emitAuditEvent(
          () => Promise.reject(failure),
          event,
          (error, failed) => resolve([error, failed]),
        );
      });
      expect(await reported).toEqual([failure, event]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('returns before an async sink finishes', () => {
    let finished = false;
    emitAuditEvent(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished = true;
    }, event);
    expect(finished).toBe(false);
  });

  it('swallows an onError handler that throws too', () => {
    expect(() =>
      emitAuditEvent(
        () => {
          throw new Error('sink');
        },
        event,
        () => {
          throw new Error('handler');
        },
      ),
    ).not.toThrow();
  });

  it('logs only the event type to the console by default', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const failure = new Error('sink down');
      emitAuditEvent(() => {
        throw failure;
      }, event);
      expect(spy.mock.calls).toEqual([['tenancy: the audit sink failed for a "platform.access" event', failure]]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createAuditEvent', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-02T03:04:05.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stamps the event with the current time in ISO 8601 UTC', () => {
    expect(
      createAuditEvent('tenant.suspended', { tenantId: 'tenant-1', principalId: null, reason: 'billing' }),
    ).toEqual({
      type: 'tenant.suspended',
      at: '2030-01-02T03:04:05.000Z',
      tenantId: 'tenant-1',
      principalId: null,
      reason: 'billing',
    });
  });
});

import { deliveryJobId } from '@concilia/queue-contracts';
import { attemptOfJobId, deliveryJob } from './delivery-job';

const ID = '01a1fcda-b771-713a-95b6-d96872b1a4e8';

describe('delivery jobs', () => {
  it('reads the attempt number from the job id, with or without a suffix', () => {
    expect(attemptOfJobId(deliveryJobId(ID, 1), ID)).toBe(1);
    expect(attemptOfJobId(deliveryJobId(ID, 7), ID)).toBe(7);
    expect(attemptOfJobId(`${deliveryJobId(ID, 4)}-retry-01a1fcda-0000-7000-8000-000000000000`, ID)).toBe(4);
  });

  it('has no attempt number for another shape of id or another delivery', () => {
    expect(attemptOfJobId(undefined, ID)).toBeUndefined();
    expect(attemptOfJobId('42', ID)).toBeUndefined();
    expect(attemptOfJobId(deliveryJobId('01a1fcda-b771-713a-95b6-000000000000', 1), ID)).toBeUndefined();
    expect(attemptOfJobId(`delivery-${ID}-0`, ID)).toBeUndefined();
  });

  it('builds an ids-only job for an attempt, with its deterministic id and delay', () => {
    const job = deliveryJob({ schemaVersion: 1, tenantId: 't', correlationId: 'c', deliveryId: ID, ...({ secret: 'whsec_x' } as object) }, 3, 1500.4);
    expect(job.name).toBe('deliver-webhook');
    expect(job.data).toEqual({ schemaVersion: 1, tenantId: 't', correlationId: 'c', deliveryId: ID });
    expect(job.opts).toMatchObject({ jobId: deliveryJobId(ID, 3), delay: 1500, attempts: 5 });
    expect(deliveryJob(job.data, 2, -50).opts.delay).toBe(0);
  });
});
